/**
 * The snapshot cache's write-behind: saves asked for are written in the background, at most once
 * per key per throttle window, and what is written is whatever the provider returns when the write
 * happens (the latest state, not the state when it was asked for). Pending saves can be written
 * at once (flush) or dropped (delete, clear, a disabled cache).
 */
import type { TimerClock } from '../kube/clock';
import type { SnapshotData } from './snapshot-record';

export type SnapshotProvider = () => SnapshotData | undefined;

interface PendingSave {
  provider: SnapshotProvider;
  timer?: unknown;
  /** Set once the write is in the queue: later providers still replace `provider`, no new timer. */
  done?: Promise<boolean>;
}

/**
 * Queues the write of `key` behind the cache's other work. `take`, called when its turn comes,
 * gives the provider to write, or undefined when the save was cancelled meanwhile.
 */
export type EnqueueWrite = (key: string, take: () => SnapshotProvider | undefined) => Promise<boolean>;

export class WriteBehind {
  private readonly pending = new Map<string, PendingSave>();
  private readonly lastWriteAt = new Map<string, number>();

  constructor(
    private readonly clock: TimerClock,
    private readonly throttleMs: number,
    private readonly enqueue: EnqueueWrite
  ) {}

  /** Scheduled saves not written yet. */
  get size(): number {
    return this.pending.size;
  }

  /** Write `key` in the background, at most once per throttle window; the newest provider wins. */
  schedule(key: string, provider: SnapshotProvider): void {
    const entry = this.pending.get(key);
    if (entry) {
      entry.provider = provider;
      return;
    }
    const fresh: PendingSave = { provider };
    this.pending.set(key, fresh);
    const last = this.lastWriteAt.get(key);
    const delay = last === undefined ? 0 : Math.max(0, last + this.throttleMs - this.clock.now());
    fresh.timer = this.clock.setTimeout(() => {
      fresh.timer = undefined;
      void this.writeNow(key);
    }, delay);
  }

  /** A write of `key` starts now (one not scheduled here): the throttle window counts from now. */
  wrote(key: string): void {
    this.lastWriteAt.set(key, this.clock.now());
  }

  /** Queue the pending save of `key` now; false when there is none. */
  writeNow(key: string): Promise<boolean> {
    const entry = this.pending.get(key);
    if (!entry) return Promise.resolve(false);
    if (entry.done) return entry.done;
    if (entry.timer !== undefined) {
      this.clock.clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    entry.done = this.enqueue(key, () => {
      // Cancelled by delete/clear/disable while waiting in the queue.
      if (this.pending.get(key) !== entry) return undefined;
      this.pending.delete(key);
      this.wrote(key);
      return entry.provider;
    }).then((ok) => {
      if (this.pending.get(key) === entry) this.pending.delete(key);
      return ok;
    });
    return entry.done;
  }

  /** Queue every pending save now. */
  writeAll(): void {
    for (const key of [...this.pending.keys()]) void this.writeNow(key);
  }

  cancel(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    this.pending.delete(key);
  }

  cancelAll(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }
}
