/**
 * Every live subscription the engine serves (views, tallies, objects, logs, metrics), by id and by
 * owner (the tab that opened it): one way to open, one way to close, and a tab's all at once.
 */
export class SubscriptionRegistry {
  private nextId = 1;
  private readonly open = new Map<number, { owner: string; close: () => void }>();

  /** Opens a subscription for `owner`: `start(id)` starts it and resolves to what stops it. */
  async add(owner: string, start: (id: number) => Promise<() => void>): Promise<number> {
    const id = this.nextId++;
    this.open.set(id, { owner, close: await start(id) });
    return id;
  }

  /** Ends one subscription; a second close of the same id does nothing. */
  close(id: number): void {
    const entry = this.open.get(id);
    if (!entry) return;
    this.open.delete(id);
    entry.close();
  }

  /** Ends every subscription of one tab. */
  closeOwner(owner: string): void {
    for (const [id, entry] of [...this.open]) if (entry.owner === owner) this.close(id);
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }

  get size(): number {
    return this.open.size;
  }
}

/**
 * The tabs using the engine: each pings every few seconds with whether it is shown. A tab that
 * stops pinging (closed without saying so, or frozen) is gone after `timeoutMs`.
 */
export class OwnerTracker {
  private readonly lastPing = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly onGone: (owner: string) => void,
    private readonly timeoutMs = 20_000
  ) {}

  ping(owner: string): void {
    this.lastPing.set(owner, Date.now());
    // Swept only once some tab pings: Node tests and benchmarks never do, and need no timer.
    this.timer ??= setInterval(() => this.sweep(), this.timeoutMs / 2);
  }

  /**
   * A tab asked for something: it is alive now (and tracked again if it was swept meanwhile). Only
   * where tabs ping at all: an engine in the same process as its user is never swept.
   */
  touch(owner: string): void {
    if (this.timer) this.lastPing.set(owner, Date.now());
  }

  forget(owner: string): void {
    this.lastPing.delete(owner);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [owner, at] of this.lastPing) {
      if (now - at < this.timeoutMs) continue;
      this.lastPing.delete(owner);
      this.onGone(owner);
    }
  }
}
