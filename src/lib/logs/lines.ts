/**
 * Log bytes to lines. Like the watch's NDJSON splitter (src/lib/watch/ndjson.ts) it splits on the
 * newline byte before decoding, so a multi-byte character cut between two chunks is never seen in
 * halves; unlike it, a log line keeps its blanks and its leading and trailing spaces (indentation
 * of a stack trace), and an empty line is a line. Only a trailing `\r` (CRLF logs) is removed.
 */

const NEWLINE = 0x0a;

export class LogLineSplitter {
  private readonly decoder = new TextDecoder();
  private parts: Uint8Array[] = [];
  private partBytes = 0;

  /** The longest line kept whole; longer lines are cut into pieces of this size. */
  constructor(private readonly maxLineBytes = 1024 * 1024) {}

  /** The lines `chunk` completes, in order. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) break;
      lines.push(this.decode(this.take(chunk.subarray(start, newline))));
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.parts.push(chunk.slice(start));
      this.partBytes += chunk.length - start;
      if (this.partBytes >= this.maxLineBytes) lines.push(this.cutLongLine());
    }
    return lines;
  }

  /** The unterminated rest at a clean end of the stream (a final line without newline), if any. */
  end(): string | undefined {
    if (this.partBytes === 0) return undefined;
    return this.decode(this.take(new Uint8Array(0)));
  }

  /** Forget an unfinished line (the connection broke: it will come again, whole). */
  discard(): void {
    this.parts = [];
    this.partBytes = 0;
  }

  /** A piece of an over-long line, cut at a character boundary (the rest stays pending). */
  private cutLongLine(): string {
    const bytes = this.take(new Uint8Array(0));
    let start = bytes.length - 1; // the start of the last character
    while (start > 0 && (bytes[start] & 0xc0) === 0x80) start--;
    const lead = bytes[start];
    const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    const cut = start + size <= bytes.length ? bytes.length : start;
    if (cut < bytes.length) {
      this.parts = [bytes.slice(cut)];
      this.partBytes = bytes.length - cut;
    }
    return this.decode(bytes.subarray(0, cut));
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
