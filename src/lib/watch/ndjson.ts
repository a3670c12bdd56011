/**
 * Newline-delimited JSON framing (a watch body is one JSON event per line). Chunks arrive cut
 * anywhere: a line can span many chunks, a chunk can hold many lines, and a multi-byte UTF-8
 * character can be split between two chunks.
 *
 * Lines are split on the newline byte before decoding: 0x0A never occurs inside a multi-byte UTF-8
 * sequence, so each complete line is decoded whole and a split character is never seen half. Only
 * the new bytes of each chunk are scanned, so a multi-megabyte line costs linear time.
 */

const NEWLINE = 0x0a;

/** A line longer than the splitter accepts: the stream is garbage or hostile. */
export class LineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`a line exceeded ${limit} bytes`);
    this.name = 'LineTooLongError';
  }
}

export interface LineSplitterOptions {
  /** Refuse lines longer than this many bytes. Default 64 MiB (a Kubernetes object is at most ~1.5 MB). */
  maxLineBytes?: number;
}

/** Splits pushed byte chunks into text lines; blank lines are skipped, a trailing `\r` removed. */
export class LineSplitter {
  private readonly decoder = new TextDecoder();
  private readonly maxLineBytes: number;
  /** Bytes of the line not finished yet, as copies (the stream may reuse its buffers). */
  private parts: Uint8Array[] = [];
  private partBytes = 0;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  }

  /** Bytes held for the unfinished line. */
  get pendingBytes(): number {
    return this.partBytes;
  }

  /** The lines completed by `chunk`, in order. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) break;
      this.emit(this.take(chunk.subarray(start, newline)), lines);
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (this.partBytes + rest > this.maxLineBytes) {
        this.parts = [];
        this.partBytes = 0;
        throw new LineTooLongError(this.maxLineBytes);
      }
      this.parts.push(chunk.slice(start));
      this.partBytes += rest;
    }
    return lines;
  }

  /** The unterminated last line at the end of the stream, if it holds anything but blanks. */
  end(): string | undefined {
    const lines: string[] = [];
    if (this.partBytes > 0) this.emit(this.take(new Uint8Array(0)), lines);
    return lines[0];
  }

  /** The pending parts joined with `last`, clearing the pending state. */
  private take(last: Uint8Array): Uint8Array {
    if (this.partBytes + last.length > this.maxLineBytes) {
      this.parts = [];
      this.partBytes = 0;
      throw new LineTooLongError(this.maxLineBytes);
    }
    if (this.parts.length === 0) return last;
    const line = new Uint8Array(this.partBytes + last.length);
    let offset = 0;
    for (const part of this.parts) {
      line.set(part, offset);
      offset += part.length;
    }
    line.set(last, offset);
    this.parts = [];
    this.partBytes = 0;
    return line;
  }

  private emit(bytes: Uint8Array, lines: string[]): void {
    const text = this.decoder.decode(bytes).trim();
    if (text) lines.push(text);
  }
}

export interface ReadLinesOptions extends LineSplitterOptions {
  /** Aborting ends the iteration and cancels the stream, which tells the server to stop. */
  signal?: AbortSignal;
  /** Called with the size of every chunk read (for byte counters and stall detection). */
  onChunk?: (bytes: number) => void;
}

/**
 * The lines of a byte stream as they arrive. A last line without a newline is yielded too; a
 * consumer that needs complete lines (a watch) treats one that does not parse as a cut stream.
 */
export async function* readLines(
  body: ReadableStream<Uint8Array>,
  options: ReadLinesOptions | AbortSignal = {}
): AsyncGenerator<string> {
  const { signal, onChunk, ...splitterOptions } =
    options instanceof AbortSignal ? { signal: options } : (options as ReadLinesOptions);
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', cancel);
  const splitter = new LineSplitter(splitterOptions);
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { done, value } = await reader.read();
      if (done) break;
      onChunk?.(value.byteLength);
      for (const line of splitter.push(value)) {
        yield line;
        if (signal?.aborted) return;
      }
    }
    if (signal?.aborted) return;
    const last = splitter.end();
    if (last !== undefined) yield last;
  } finally {
    signal?.removeEventListener('abort', cancel);
    // Also reached when the consumer stops early: cancelling releases the connection.
    cancel();
  }
}
