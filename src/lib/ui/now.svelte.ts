/**
 * One clock for the whole page, so relative ages ("45s", "3m") tick together: a single timer runs
 * while anything on screen reads `now()` in a reactive context, and stops when nothing does.
 */
import { createSubscriber } from 'svelte/reactivity';

const TICK_MS = 1000;

let current = Date.now();

const subscribe = createSubscriber((update) => {
  // The clock may have been idle: start from the real time, not the last tick.
  current = Date.now();
  update();
  const timer = setInterval(() => {
    current = Date.now();
    update();
  }, TICK_MS);
  return () => clearInterval(timer);
});

/** Milliseconds since the epoch; re-read every second by whatever renders it. */
export function now(): number {
  // Outside a template or effect nothing would re-read it: the real time, and no timer.
  if (!$effect.tracking()) return Date.now();
  subscribe();
  return current;
}
