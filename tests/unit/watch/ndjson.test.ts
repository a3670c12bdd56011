import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, LineTooLongError, readLines } from '$lib/watch/ndjson';

const encoder = new TextEncoder();

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

/** Cuts `bytes` at the given offsets (sorted, deduplicated, clamped). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => Math.min(bytes.length, Math.max(0, o))))].sort(
    (a, b) => a - b
  );
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.slice(start, point));
    start = point;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

describe('LineSplitter', () => {
  it('splits lines across and within chunks, including split multi-byte characters', async () => {
    const text = '{"a":"héllo"}\n{"b":"€uro 🚀"}\n\n{"c":3}\r\n{"d":"tail without newline"}';
    const bytes = encoder.encode(text);
    // Every pair of split points: cuts through every multi-byte character, one byte at a time.
    for (let i = 0; i <= bytes.length; i += 1) {
      for (let j = i; j <= bytes.length; j += 5) {
        const lines = await collect(readLines(streamOf(cut(bytes, [i, j]))));
        expect(lines).toEqual([
          '{"a":"héllo"}',
          '{"b":"€uro 🚀"}',
          '{"c":3}',
          '{"d":"tail without newline"}'
        ]);
      }
    }
  });

  it('returns every line of a chunk that holds many', () => {
    const splitter = new LineSplitter();
    const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ i, s: 'x'.repeat(i % 7) }));
    expect(splitter.push(encoder.encode(lines.join('\n') + '\n'))).toEqual(lines);
    expect(splitter.pendingBytes).toBe(0);
    expect(splitter.end()).toBeUndefined();
  });

  it('assembles a multi-megabyte line from small chunks', () => {
    const big = JSON.stringify({ data: 'ü'.repeat(3 * 1024 * 1024) });
    const bytes = encoder.encode(`${big}\n{"after":1}\n`);
    const splitter = new LineSplitter();
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i += 64 * 1024 + 1)
      out.push(...splitter.push(bytes.subarray(i, i + 64 * 1024 + 1)));
    expect(out).toHaveLength(2);
    expect(out[0].length).toBe(big.length);
    expect(out[0]).toBe(big);
    expect(out[1]).toBe('{"after":1}');
  });

  it('copies pending bytes, so a stream that reuses its buffer cannot corrupt a line', () => {
    const splitter = new LineSplitter();
    const buffer = new Uint8Array(4);
    buffer.set(encoder.encode('abcd'));
    expect(splitter.push(buffer)).toEqual([]);
    buffer.set(encoder.encode('ef\nx'));
    expect(splitter.push(buffer)).toEqual(['abcdef']);
    expect(splitter.end()).toBe('x');
  });

  it('refuses a line longer than the limit, in one chunk or across many', () => {
    const long = new LineSplitter({ maxLineBytes: 10 });
    expect(() => long.push(encoder.encode('0123456789abc'))).toThrow(LineTooLongError);
    const whole = new LineSplitter({ maxLineBytes: 10 });
    expect(() => whole.push(encoder.encode('ok\n0123456789abc\n'))).toThrow(LineTooLongError);
    const split = new LineSplitter({ maxLineBytes: 10 });
    expect(split.push(encoder.encode('012345'))).toEqual([]);
    expect(() => split.push(encoder.encode('6789ab\n'))).toThrow(LineTooLongError);
    // A line at the limit is fine.
    expect(new LineSplitter({ maxLineBytes: 10 }).push(encoder.encode('0123456789\n'))).toEqual([
      '0123456789'
    ]);
  });

  it('yields the same lines however the bytes are chunked (property)', () => {
    const line = fc.string({
      unit: fc.constantFrom('a', 'é', '€', '🚀', ' ', '"', '{', '\r', '\t'),
      maxLength: 40
    });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 20 }),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 30 }),
        (lines, offsets) => {
          const bytes = encoder.encode(lines.map((l) => l + '\n').join(''));
          const splitter = new LineSplitter();
          const out: string[] = [];
          for (const chunk of cut(bytes, offsets)) out.push(...splitter.push(chunk));
          expect(splitter.end()).toBeUndefined();
          expect(out).toEqual(lines.map((l) => l.trim()).filter(Boolean));
        }
      ),
      { numRuns: 300 }
    );
  });
});

describe('readLines', () => {
  it('yields lines as they arrive, before the stream ends', async () => {
    let push!: (text: string) => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(encoder.encode(text));
      }
    });
    const sizes: number[] = [];
    const lines = readLines(body, { onChunk: (n) => sizes.push(n) });
    push('first\nsec');
    expect(await lines.next()).toEqual({ done: false, value: 'first' });
    push('ond\n');
    expect(await lines.next()).toEqual({ done: false, value: 'second' });
    expect(sizes).toEqual([9, 4]);
  });

  it('ends and cancels the stream when the signal aborts', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('one\n'));
      },
      cancel() {
        cancelled = true;
      }
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const lines = readLines(body, controller.signal);
    const first = await lines.next();
    if (!first.done) seen.push(first.value);
    // The next read waits for data that never comes; aborting ends it.
    const pending = lines.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(seen).toEqual(['one']);
    expect(cancelled).toBe(true);
  });

  it('cancels the stream when the consumer stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('a\nb\nc\n'));
      },
      cancel() {
        cancelled = true;
      }
    });
    for await (const line of readLines(body)) {
      expect(line).toBe('a');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
