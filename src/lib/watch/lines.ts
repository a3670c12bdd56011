/**
 * Splits a byte stream into text lines (a watch body is one JSON event per line). A line can be
 * split across chunks, a chunk can hold many lines, and a multi-byte character can be split too:
 * the decoder runs in stream mode and the unfinished tail waits for the next chunk.
 * Aborting `signal` ends the iteration and cancels the stream, which tells the server to stop.
 */
export async function* readLines(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal
): AsyncGenerator<string> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', cancel);
  const decoder = new TextDecoder();
  let pending = '';
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let start = 0;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(start, newline).trim();
        start = newline + 1;
        if (line) yield line;
        newline = pending.indexOf('\n', start);
      }
      pending = pending.slice(start);
    }
    if (signal?.aborted) return;
    const last = (pending + decoder.decode()).trim();
    if (last) yield last;
  } finally {
    signal?.removeEventListener('abort', cancel);
    // Also reached when the consumer stops early: cancelling releases the connection.
    cancel();
  }
}
