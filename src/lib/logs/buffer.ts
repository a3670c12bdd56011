/**
 * The page's log buffer: lines of several pods, arriving in batches in any interleaving, kept in
 * timestamp order (a tie keeps arrival order) and bounded to the newest lines, the dropped ones
 * counted. Bounded twice: in lines and in bytes of text (a few pods printing huge lines must not
 * hold gigabytes), and a single enormous line is cut to a maximum length with a visible marker.
 *
 * Bytes are counted as UTF-16 code units × 2 (plus a fixed cost per line): that is how a JS engine
 * holds a string at most, it is what `length` gives in O(1), and encoding every line to UTF-8 only
 * to count it would cost more than keeping it.
 */
import { cutMarker } from './lines';
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
/** Bytes of text kept by default (see the top of this file for how they are counted). */
export const BUFFER_BYTES = 32 * 1024 * 1024;
/** A longer line is cut to this many characters, a marker appended. */
export const BUFFER_LINE_CHARS = 1024 * 1024;
/** What a line costs besides its text: the object, its timestamp and sort key, in bytes. */
const LINE_OVERHEAD = 200;

export interface LogBufferOptions {
  /** Lines kept at most. Default BUFFER_LINES. */
  lines?: number;
  /** Bytes of text kept at most. Default BUFFER_BYTES. */
  bytes?: number;
  /** Characters kept of one line. Default BUFFER_LINE_CHARS, and at most what fits in `bytes`. */
  lineChars?: number;
}

/** What `line` counts for against the byte cap. */
export function lineBytes(line: LogLine): number {
  let chars = line.text.length;
  if (line.segments) for (const s of line.segments) chars += s.text.length;
  return LINE_OVERHEAD + 2 * chars;
}

/** `line` cut to `max` characters with a marker (its styled runs cut alike); as is when shorter. */
export function cutLine<L extends LogLine>(line: L, max: number): L {
  if (line.text.length <= max) return line;
  const marker = cutMarker(max);
  const cut: L = { ...line, text: line.text.slice(0, max) + marker };
  if (line.segments) {
    const segments = [];
    let left = max;
    for (const s of line.segments) {
      if (left <= 0) break;
      segments.push(s.text.length <= left ? s : { ...s, text: s.text.slice(0, left) });
      left -= s.text.length;
    }
    segments.push({ text: marker });
    cut.segments = segments;
  }
  return cut;
}

const byKey = (a: BufferedLine, b: BufferedLine) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq);

/**
 * The newest lines of every stream, in timestamp order (arrival order for ties), within both caps.
 * A line that arrives older than one already dropped is dropped too, so what is kept is always
 * the newest of everything received.
 */
export class LogBuffer {
  readonly lines: BufferedLine[] = [];
  /** Lines dropped from the front to stay within the caps (or arriving older than those). */
  dropped = 0;
  /** Bytes held (see `lineBytes`). */
  bytes = 0;
  readonly capacity: number;
  readonly byteCapacity: number;
  readonly lineChars: number;
  private seq = 0;
  /** The newest line dropped so far: anything not newer is dropped on arrival. */
  private watermark: BufferedLine | undefined;

  constructor(options: LogBufferOptions | number = {}) {
    const o = typeof options === 'number' ? { lines: options } : options;
    this.capacity = o.lines ?? BUFFER_LINES;
    this.byteCapacity = o.bytes ?? BUFFER_BYTES;
    // A line cut to the maximum must fit alone, or the newest line could be dropped.
    const fits = Math.floor((this.byteCapacity - LINE_OVERHEAD) / 4) - 40;
    this.lineChars = Math.max(1, Math.min(o.lineChars ?? BUFFER_LINE_CHARS, fits));
  }

  add(batch: readonly LogLine[]): void {
    if (batch.length === 0) return;
    const incoming: BufferedLine[] = [];
    for (const l of batch) {
      const line = { ...cutLine(l, this.lineChars), key: timestampKey(l.ts), seq: this.seq++ };
      if (this.watermark && byKey(line, this.watermark) <= 0) this.dropped++;
      else incoming.push(line);
    }
    if (incoming.length === 0) return;
    incoming.sort(byKey);
    for (const l of incoming) this.bytes += lineBytes(l);
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
    let excess = Math.max(0, lines.length - this.capacity);
    let bytes = this.bytes;
    for (let i = 0; i < excess; i++) bytes -= lineBytes(lines[i]);
    while (bytes > this.byteCapacity && excess < lines.length - 1) bytes -= lineBytes(lines[excess++]);
    if (excess > 0) {
      this.watermark = lines[excess - 1];
      lines.splice(0, excess);
      this.dropped += excess;
      this.bytes = bytes;
    }
  }
}
