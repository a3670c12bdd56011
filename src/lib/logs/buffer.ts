/**
 * The page's log buffer: lines of several pods, arriving in batches in any interleaving, kept in
 * timestamp order (a tie keeps arrival order) and bounded to the newest lines, the dropped ones
 * counted.
 */
import { timestampKey } from './timestamp';
import type { LogLine } from './types';

export interface BufferedLine extends LogLine {
  /** Sort key: the timestamp, fixed width (see timestamp.ts). */
  key: string;
  /** Arrival order: ties between equal timestamps keep it. */
  seq: number;
}

/** Lines kept by default; older ones are dropped (and counted). */
export const BUFFER_LINES = 50_000;

const byKey = (a: BufferedLine, b: BufferedLine) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq);

/** The newest `capacity` lines of every stream, in timestamp order (arrival order for ties). */
export class LogBuffer {
  readonly lines: BufferedLine[] = [];
  /** Lines dropped from the front to stay within capacity. */
  dropped = 0;
  private seq = 0;

  constructor(readonly capacity = BUFFER_LINES) {}

  add(batch: readonly LogLine[]): void {
    if (batch.length === 0) return;
    const incoming = batch.map((l) => ({ ...l, key: timestampKey(l.ts), seq: this.seq++ })).sort(byKey);
    const lines = this.lines;
    const last = lines[lines.length - 1];
    if (!last || byKey(incoming[0], last) > 0) {
      for (const l of incoming) lines.push(l); // the usual case: newer than everything held
    } else {
      // Older lines (a pod whose first lines came late): merge from where they belong.
      let lo = 0;
      let hi = lines.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byKey(lines[mid], incoming[0]) <= 0) lo = mid + 1;
        else hi = mid;
      }
      const tail = lines.splice(lo);
      let i = 0;
      let j = 0;
      while (i < tail.length || j < incoming.length) {
        if (j >= incoming.length || (i < tail.length && byKey(tail[i], incoming[j]) <= 0))
          lines.push(tail[i++]);
        else lines.push(incoming[j++]);
      }
    }
    const excess = lines.length - this.capacity;
    if (excess > 0) {
      lines.splice(0, excess);
      this.dropped += excess;
    }
  }
}
