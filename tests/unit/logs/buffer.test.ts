/**
 * The page's log buffer bounded in bytes as well as lines: whatever pods send, in whatever
 * interleaving and with whatever line sizes, it holds at most its caps, what it keeps is the newest
 * of everything received in timestamp order, the newest line is always there, and `dropped` counts
 * exactly what left. A single enormous line is cut with a visible marker, never held whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogBuffer, lineBytes } from '$lib/logs/buffer';
import type { LogLine } from '$lib/logs/types';

const ts = (second: number) =>
  `2026-11-26T10:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}Z`;

describe('LogBuffer caps', () => {
  it('stays within both caps and keeps the newest lines, in order, counting the dropped ones', () => {
    // Per pod: increasing seconds and a text size for each line (some huge).
    const podLog = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.oneof(fc.nat(40), fc.nat(3000))), {
      maxLength: 25
    });
    fc.assert(
      fc.property(
        fc.array(podLog, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 8 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 2000, max: 20_000 }),
        (pods, schedule, lineCap, byteCap) => {
          const logs: LogLine[][] = pods.map((entries, p) => {
            let second = 0;
            return entries.map(([gap, size], i) => {
              second += gap;
              return {
                pod: `pod-${p}`,
                container: 'app',
                ts: ts(second),
                text: `${p}:${i}:${'x'.repeat(size)}`
              };
            });
          });
          const buffer = new LogBuffer({ lines: lineCap, bytes: byteCap });
          const arrived: LogLine[] = [];
          const send = (p: number, n: number) => {
            const batch = logs[p].splice(0, n);
            arrived.push(...batch);
            buffer.add(batch);
            // After every batch: within both caps, and the byte count is what the lines cost.
            expect(buffer.lines.length).toBeLessThanOrEqual(lineCap);
            expect(buffer.bytes).toBeLessThanOrEqual(byteCap);
            expect(buffer.bytes).toBe(buffer.lines.reduce((sum, l) => sum + lineBytes(l), 0));
            expect(buffer.dropped).toBe(arrived.length - buffer.lines.length);
          };
          for (const [p, n] of schedule) send(p % logs.length, n);
          for (let p = 0; p < logs.length; p++) send(p, Infinity);
          // The model: every line received, by time (arrival order for ties); the buffer holds its newest.
          const model = [...arrived].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
          const id = (l: { text: string }) => l.text.split(':').slice(0, 2).join(':');
          const kept = buffer.lines.map(id);
          expect(kept).toEqual(model.slice(model.length - kept.length).map(id));
          if (model.length > 0) expect(kept.at(-1)).toBe(id(model.at(-1)!));
        }
      )
    );
  });

  it('cuts a 50 MB line to the maximum with a visible marker, styled runs alike', () => {
    const buffer = new LogBuffer({ lineChars: 1024 });
    const huge = 'y'.repeat(50 * 1024 * 1024);
    buffer.add([
      { pod: 'p', container: 'c', ts: ts(1), text: huge, segments: [{ text: huge, bold: true }] },
      { pod: 'p', container: 'c', ts: ts(2), text: 'next' }
    ]);
    const [cut, next] = buffer.lines;
    expect(cut.text).toBe(`${'y'.repeat(1024)} … [line cut at 1 KB]`);
    expect(cut.segments?.map((s) => s.text).join('')).toBe(cut.text);
    expect(cut.segments?.[0]).toMatchObject({ bold: true, text: 'y'.repeat(1024) });
    expect(next.text).toBe('next');
    expect(buffer.bytes).toBeLessThan(10 * 1024);
  });

  it('drops the oldest lines for bytes before lines: big lines leave room for fewer', () => {
    const buffer = new LogBuffer({ lines: 1000, bytes: 100_000 });
    const big = (i: number): LogLine => ({
      pod: 'p',
      container: 'c',
      ts: ts(i),
      text: `${i}`.padEnd(10_000, '.')
    });
    buffer.add(Array.from({ length: 20 }, (_, i) => big(i)));
    expect(buffer.lines.length).toBeLessThan(20);
    expect(buffer.lines.at(-1)?.text.startsWith('19')).toBe(true);
    expect(buffer.dropped).toBe(20 - buffer.lines.length);
    expect(buffer.bytes).toBeLessThanOrEqual(100_000);
  });
});
