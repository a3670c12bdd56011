import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/lib/watch/lines';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    }
  });
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('readLines', () => {
  it('splits lines across and within chunks, including split multi-byte characters', async () => {
    const text = '{"a":"héllo"}\n{"b":"€uro 🚀"}\n\n{"c":3}\r\n{"d":"tail without newline"}';
    const bytes = new TextEncoder().encode(text);
    // Every possible split point into three chunks, which cuts through every multi-byte character.
    for (let i = 0; i <= bytes.length; i += 1) {
      const j = Math.min(bytes.length, i + 3);
      const lines = await collect(
        readLines(streamOf([bytes.slice(0, i), bytes.slice(i, j), bytes.slice(j)]))
      );
      expect(lines).toEqual(['{"a":"héllo"}', '{"b":"€uro 🚀"}', '{"c":3}', '{"d":"tail without newline"}']);
    }
  });

  it('yields lines as they arrive, before the stream ends', async () => {
    let push!: (text: string) => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
      }
    });
    const lines = readLines(body);
    push('first\nsec');
    expect(await lines.next()).toEqual({ done: false, value: 'first' });
    push('ond\n');
    expect(await lines.next()).toEqual({ done: false, value: 'second' });
  });

  it('ends and cancels the stream when the signal aborts', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('one\n'));
      },
      cancel() {
        cancelled = true;
      }
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const line of readLines(body, controller.signal)) seen.push(line);
    })();
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await reading;
    expect(seen).toEqual(['one']);
    expect(cancelled).toBe(true);
  });
});
