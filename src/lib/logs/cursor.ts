/**
 * Where a log stream is, so that a new request (after a dropped connection, or the next poll) can
 * resume from the last line delivered without delivering any line twice. The API resumes only at
 * whole seconds (`sinceTime`), so a resumed response starts with lines already delivered: those
 * before the last delivered instant, and those at that instant with the same text, are dropped.
 * Lines at that instant with another text are new (several lines can share a timestamp).
 */
export class LogCursor {
  /** Key (see timestamp.ts) of the newest line delivered; '' before the first. */
  private last = '';
  /** How many lines of each text were delivered at `last`. */
  private atLast = new Map<string, number>();
  /** During the replayed start of a resumed response: what of `atLast` may still come again. */
  private replay: Map<string, number> | undefined;

  /** The key of the newest line delivered, '' before any. */
  get lastKey(): string {
    return this.last;
  }

  /** A new response starts (a reconnect or a poll): its first lines may repeat delivered ones. */
  resume(): void {
    this.replay = this.last ? new Map(this.atLast) : undefined;
  }

  /** Whether the line with timestamp key `key` is new; records it when it is. */
  accept(key: string, text: string): boolean {
    if (this.replay) {
      if (key < this.last) return false;
      if (key === this.last) {
        const left = this.replay.get(text) ?? 0;
        if (left > 0) {
          this.replay.set(text, left - 1);
          return false;
        }
      } else this.replay = undefined;
    }
    if (key > this.last) {
      this.last = key;
      this.atLast = new Map();
    }
    // A line older than the newest (out of order within one response) is delivered; it cannot be
    // told apart on a resume, which starts after the newest.
    if (key === this.last) this.atLast.set(text, (this.atLast.get(text) ?? 0) + 1);
    return true;
  }
}
