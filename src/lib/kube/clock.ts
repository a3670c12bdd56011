/**
 * Time as every part of Skiff sees it: injected, so tests and the simulator drive it themselves.
 * One definition for the engine, the cache, the views and the simulated cluster.
 */

export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin). */
  now(): number;
}

/** A clock that also runs timers (the cache's write-behind, the view scheduler's flushes). */
export interface TimerClock extends Clock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
};
