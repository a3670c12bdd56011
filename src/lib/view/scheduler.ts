/**
 * Flushes a view at a short interval and posts the diffs: about 100 ms, stretched to 250 and then
 * 500 ms while flushes are slow or diffs are large, and back down after a few calm flushes. It only
 * runs when the view changed; the first change after a quiet spell is flushed at once.
 */
import { systemClock, type TimerClock } from '../kube/clock';
import type { WindowDiff } from './types';

/** What the scheduler needs of a view (View has both). */
export interface Flushable<D = WindowDiff> {
  flush(): D | null;
  onDirty(listener: () => void): () => void;
}

export interface ViewSchedulerOptions {
  clock?: TimerClock;
  /** The interval when calm. Default 100 ms. */
  intervalMs?: number;
  /** The longest interval under load. Default 500 ms. */
  maxIntervalMs?: number;
  /** A flush plus post that takes at least this long counts as load. Default 20 ms. */
  slowFlushMs?: number;
  /** A diff carrying at least this many rows counts as load. Default 250. */
  largeDiffRows?: number;
  /** Calm flushes in a row before the interval steps back down. Default 3. */
  calmFlushes?: number;
}

const STEP = 2.5;

export class ViewScheduler<D = WindowDiff> {
  private readonly clock: TimerClock;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly slowMs: number;
  private readonly largeRows: number;
  private readonly calmNeeded: number;
  private interval: number;
  private calm = 0;
  private lastFlushAt = -Infinity;
  private timer: unknown = undefined;
  private disposed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly view: Flushable<D>,
    private readonly post: (diff: D) => void,
    options: ViewSchedulerOptions = {},
    /** How many rows a diff carries (what counts as a large diff); window diffs by default. */
    private readonly weigh: (diff: D) => number = (diff) => windowDiffRows(diff as WindowDiff)
  ) {
    this.clock = options.clock ?? systemClock;
    this.baseMs = options.intervalMs ?? 100;
    this.maxMs = Math.max(this.baseMs, options.maxIntervalMs ?? 500);
    this.slowMs = options.slowFlushMs ?? 20;
    this.largeRows = options.largeDiffRows ?? 250;
    this.calmNeeded = options.calmFlushes ?? 3;
    this.interval = this.baseMs;
    this.unsubscribe = view.onDirty(() => this.schedule());
    // The view may already hold changes (a new view is dirty until its first flush).
    this.schedule();
  }

  /** The current interval between flushes. */
  get intervalMs(): number {
    return this.interval;
  }

  /** Flushes and posts now (a store subscribed, the page came back); false when nothing changed. */
  flushNow(): boolean {
    if (this.disposed) return false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    return this.run();
  }

  /** Stops for good: no timer left, no more posts. */
  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.disposed || this.timer !== undefined) return;
    const delay = Math.max(0, this.lastFlushAt + this.interval - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, delay);
  }

  private run(): boolean {
    const start = this.clock.now();
    const diff = this.view.flush();
    if (diff) this.post(diff);
    const end = this.clock.now();
    this.lastFlushAt = end;
    if (diff) this.adapt(end - start, this.weigh(diff));
    return diff !== null;
  }

  private adapt(costMs: number, rows: number): void {
    if (costMs >= this.slowMs || rows >= this.largeRows) {
      this.calm = 0;
      this.interval = Math.min(this.maxMs, this.interval * STEP);
    } else if (this.interval > this.baseMs && ++this.calm >= this.calmNeeded) {
      this.calm = 0;
      this.interval = Math.max(this.baseMs, this.interval / STEP);
    }
  }
}

function windowDiffRows(diff: WindowDiff): number {
  return diff.rows ? diff.rows.length : (diff.upserts?.length ?? 0);
}
