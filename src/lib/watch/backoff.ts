/**
 * Time for the watch machinery: an injectable clock and sleep (tests drive time themselves), the
 * retry backoff client-go uses for reflectors, and Retry-After parsing.
 */
import type { Clock } from '../kube/clock';

/**
 * Waits `ms` milliseconds. Resolves early, never rejects, when `signal` aborts: callers check why
 * they woke up themselves.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

export interface BackoffOptions {
  /** The first delay's upper bound. Default 800 ms. */
  baseMs?: number;
  /** The bound doubles per failure up to this. Default 30 s. */
  capMs?: number;
  /** A failure this long after the previous one starts again from `baseMs`. Default 2 min. */
  resetAfterMs?: number;
  /**
   * A stream that delivered (events or bookmarks) over at least this long is healthy: its next
   * failure starts again from `baseMs`, whatever earlier incidents cost. Default 30 s.
   */
  healthyAfterMs?: number;
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time
 * in [0, min(cap, base · 2^n)). Full jitter spreads the retries of many streams that failed together
 * (one proxy restart drops them all) better than a fixed or half jitter does.
 */
export class Backoff {
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly resetAfterMs: number;
  private readonly healthyAfterMs: number;
  private readonly random: () => number;
  private failures = 0;
  private lastFailureAt: number | undefined;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 800;
    this.capMs = options.capMs ?? 30_000;
    this.resetAfterMs = options.resetAfterMs ?? 120_000;
    this.healthyAfterMs = options.healthyAfterMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** Consecutive failures counted so far. */
  get attempts(): number {
    return this.failures;
  }

  /** The current upper bound of the delay (what the next failure's delay is drawn below). */
  ceiling(now: number): number {
    const failures = this.healthySince(now) ? 0 : this.failures;
    return Math.min(this.capMs, this.baseMs * 2 ** Math.min(failures, 30));
  }

  /** Records a failure at `now` and returns how long to wait before the next attempt. */
  next(now: number): number {
    if (this.healthySince(now)) this.failures = 0;
    const delay = this.random() * this.ceiling(now);
    this.failures++;
    this.lastFailureAt = now;
    return delay;
  }

  /**
   * A stream opened at `openedAt` delivered its last event or bookmark at `lastDeliveryAt`: when
   * that spans the healthy period, the failures before it no longer count.
   */
  delivered(openedAt: number, lastDeliveryAt: number): void {
    if (lastDeliveryAt - openedAt >= this.healthyAfterMs) this.reset();
  }

  reset(): void {
    this.failures = 0;
    this.lastFailureAt = undefined;
  }

  private healthySince(now: number): boolean {
    return this.lastFailureAt !== undefined && now - this.lastFailureAt >= this.resetAfterMs;
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A clock that only moves when told to, with a sleep that wakes when the clock passes its deadline.
 * For tests and simulations: `advance(ms)` fires every sleeper that is due, in deadline order.
 */
export class ManualClock implements Clock {
  private time: number;
  private sleepers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Sleepers currently waiting. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** The earliest deadline of a sleeper, if any. */
  get nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const s of this.sleepers) if (next === undefined || s.at < next) next = s.at;
    return next;
  }

  readonly sleep: Sleep = (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const sleeper = { at: this.time + Math.max(0, ms), seq: this.seq++, wake: done };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', done, { once: true });
    });

  /** Moves time forward by `ms`, waking every sleeper whose deadline has come. */
  advance(ms: number): void {
    this.time += Math.max(0, ms);
    const due = this.sleepers.filter((s) => s.at <= this.time).sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const s of due) s.wake();
  }
}
