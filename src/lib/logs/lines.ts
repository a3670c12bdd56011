/**
 * Log bytes to lines. Like the watch's NDJSON splitter (src/lib/watch/ndjson.ts) it splits on the
 * newline byte before decoding, so a multi-byte character cut between two chunks is never seen in
 * halves; unlike it, a log line keeps its blanks and its leading and trailing spaces (indentation
 * of a stack trace), and an empty line is a line. Only a trailing `\r` (CRLF logs) is removed.
 *
 * A line longer than the maximum (a container printing megabytes without a newline) is not held:
 * its start is given out at once, cut at a character boundary with a visible marker, and the rest
 * of it is skipped up to the next newline. The splitter never holds more than the maximum.
 */

const NEWLINE = 0x0a;

/** The longest log line kept, in bytes (UTF-8); the rest of a longer one is skipped. */
export const LOG_LINE_BYTES = 256 * 1024;

/** What ends a line that was cut at `size` (bytes or characters). */
export function cutMarker(size: number): string {
  return ` … [line cut at ${size >= 1024 ? `${Math.round(size / 1024)} KB` : `${size} bytes`}]`;
}

export class LogLineSplitter {
  private readonly decoder = new TextDecoder();
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  /** The start of the current line was given out cut: skip up to the next newline. */
  private skipping = false;

  /** `maxLineBytes`: the longest line kept; a longer one is cut to it, a marker appended. */
  constructor(private readonly maxLineBytes = LOG_LINE_BYTES) {}

  /** Bytes held for the unfinished line (never more than the maximum). */
  get pendingBytes(): number {
    return this.partBytes;
  }

  /** The lines `chunk` completes, in order. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) break;
      if (this.skipping) this.skipping = false;
      else this.complete(chunk.subarray(start, newline), lines);
      start = newline + 1;
    }
    if (start < chunk.length && !this.skipping) {
      const room = this.maxLineBytes - this.partBytes;
      if (chunk.length - start <= room) {
        this.parts.push(chunk.slice(start));
        this.partBytes += chunk.length - start;
      } else {
        this.parts.push(chunk.slice(start, start + room));
        this.partBytes += room;
        lines.push(this.cutLongLine());
      }
    }
    return lines;
  }

  /** The unterminated rest at a clean end of the stream (a final line without newline), if any. */
  end(): string | undefined {
    const skipped = this.skipping;
    this.skipping = false;
    if (this.partBytes === 0 || skipped) return undefined;
    return this.decode(this.take(new Uint8Array(0)));
  }

  /** Forget an unfinished line (the connection broke: it will come again, whole). */
  discard(): void {
    this.parts = [];
    this.partBytes = 0;
    this.skipping = false;
  }

  /** A line ended by a newline: whole, or cut when the pending part and `last` are too long. */
  private complete(last: Uint8Array, lines: string[]): void {
    if (this.partBytes + last.length <= this.maxLineBytes) {
      lines.push(this.decode(this.take(last)));
      return;
    }
    this.parts.push(last.slice(0, this.maxLineBytes - this.partBytes));
    this.partBytes = this.maxLineBytes;
    lines.push(this.cutLongLine());
    this.skipping = false; // the newline ending it was just seen
  }

  /** The start of an over-long line, cut at a character boundary, with the marker; the rest is skipped. */
  private cutLongLine(): string {
    const bytes = this.take(new Uint8Array(0));
    let start = bytes.length - 1; // the start of the last character
    while (start > 0 && (bytes[start] & 0xc0) === 0x80) start--;
    const lead = bytes[start];
    const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    const cut = start + size <= bytes.length ? bytes.length : start;
    this.skipping = true;
    return this.decode(bytes.subarray(0, cut)) + cutMarker(this.maxLineBytes);
  }

  private take(last: Uint8Array): Uint8Array {
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

  private decode(bytes: Uint8Array): string {
    const text = this.decoder.decode(bytes);
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }
}
