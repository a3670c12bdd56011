/**
 * The pieces that make a resumed log exact: the byte splitter (UTF-8 safe, keeps blanks), the
 * kubelet timestamp, and the cursor that drops what a resumed response repeats.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogCursor } from '$lib/logs/cursor';
import { LogLineSplitter } from '$lib/logs/lines';
import { sinceTimeOf, splitTimestamp } from '$lib/logs/timestamp';

const encoder = new TextEncoder();

/** Cuts `bytes` at the given offsets (any order, any repeats). */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.slice(start, c));
    start = c;
  }
  return out;
}

describe('LogLineSplitter', () => {
  it('gives back the lines whatever the chunking, multi-byte characters included', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\n\r]/g, ''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (lines, cuts) => {
        const bytes = encoder.encode(lines.map((l) => `${l}\n`).join(''));
        const splitter = new LogLineSplitter();
        const out = chunks(bytes, cuts).flatMap((c) => splitter.push(c));
        expect(splitter.end()).toBeUndefined();
        expect(out).toEqual(lines);
      })
    );
  });

  it('keeps blank lines and indentation, drops only a CR before the newline', () => {
    const splitter = new LogLineSplitter();
    expect(splitter.push(encoder.encode('a\n\n    at main (app.js:1)  \r\nb'))).toEqual([
      'a',
      '',
      '    at main (app.js:1)  '
    ]);
    expect(splitter.end()).toBe('b');
  });

  it('forgets an unfinished line when the connection breaks', () => {
    const splitter = new LogLineSplitter();
    splitter.push(encoder.encode('half a li'));
    splitter.discard();
    expect(splitter.push(encoder.encode('whole\n'))).toEqual(['whole']);
  });

  it('cuts an over-long line at a character boundary, with a marker, and skips the rest of it', () => {
    const splitter = new LogLineSplitter(7);
    const pieces = splitter.push(encoder.encode('ééééééé\nnext\n')); // 14 bytes, then a short line
    expect(pieces).toEqual(['ééé … [line cut at 7 bytes]', 'next']);
    expect(pieces.join('')).not.toContain('\ufffd');
  });

  it('holds no more than the maximum of a line that never ends (1 GB without a newline)', () => {
    const splitter = new LogLineSplitter(64 * 1024);
    const chunk = new Uint8Array(1024 * 1024).fill(0x7a); // 1 MB of "z"
    const out: string[] = [];
    for (let i = 0; i < 1024; i++) {
      out.push(...splitter.push(chunk));
      expect(splitter.pendingBytes).toBeLessThanOrEqual(64 * 1024);
    }
    // One line, cut, given out at once; the rest of it skipped.
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(`${'z'.repeat(64 * 1024)} … [line cut at 64 KB]`);
    // The next line after its newline is whole.
    expect(splitter.push(encoder.encode('zzz\nafter\n'))).toEqual(['after']);
    // A stream that ends inside a cut line gives nothing more of it.
    splitter.push(chunk);
    expect(splitter.end()).toBeUndefined();
  });
});

describe('splitTimestamp', () => {
  it('splits the kubelet prefix and builds a fixed-width key', () => {
    expect(splitTimestamp('2026-11-26T10:00:01.5Z hello world')).toEqual({
      ts: '2026-11-26T10:00:01.5Z',
      key: '2026-11-26T10:00:01.500000000',
      text: 'hello world'
    });
    expect(splitTimestamp('2026-11-26T10:00:01Z ')).toMatchObject({
      text: '',
      key: '2026-11-26T10:00:01.000000000'
    });
    expect(splitTimestamp('2026-11-26T12:00:01.000000001+02:00 x').key).toBe('2026-11-26T10:00:01.000000001');
    expect(splitTimestamp('no timestamp here')).toEqual({ ts: '', key: '', text: 'no timestamp here' });
    expect(sinceTimeOf('2026-11-26T10:00:01.500000000')).toBe('2026-11-26T10:00:01Z');
  });

  it('orders keys as the times they stand for', () => {
    const a = splitTimestamp('2026-11-26T10:00:01.9Z a').key;
    const b = splitTimestamp('2026-11-26T10:00:01.10Z b').key;
    expect(b < a).toBe(true);
  });
});

describe('LogCursor', () => {
  /**
   * A server log (keys non-decreasing, with lines sharing an instant, some even sharing their text)
   * read through responses cut anywhere; each new response starts at the second of the last line
   * delivered, as `sinceTime` does. What the cursor lets through equals the log, exactly once each.
   */
  it('delivers every line exactly once, in order, however the responses are cut', () => {
    const entry = fc.record({
      advance: fc.constantFrom(0, 0, 1, 250_000_000, 1_000_000_000, 3_000_000_000),
      text: fc.constantFrom('GET /', 'POST /orders', 'tick', '')
    });
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(70), { maxLength: 12 }),
        (entries, cuts) => {
          let nanos = 0;
          const log = entries.map((e) => {
            nanos += e.advance;
            const seconds = Math.floor(nanos / 1e9);
            const key = `2026-11-26T10:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}.${String(nanos % 1e9).padStart(9, '0')}`;
            return { key, text: e.text };
          });
          const cursor = new LogCursor();
          const delivered: typeof log = [];
          for (let attempt = 0; ; attempt++) {
            cursor.resume();
            const since = cursor.lastKey ? cursor.lastKey.slice(0, 19) : '';
            const response = log.filter((l) => l.key.slice(0, 19) >= since);
            const cut = attempt < cuts.length ? Math.min(cuts[attempt], response.length) : response.length;
            for (const l of response.slice(0, cut)) if (cursor.accept(l.key, l.text)) delivered.push(l);
            if (attempt >= cuts.length) break;
          }
          expect(delivered).toEqual(log);
        }
      )
    );
  });
});
