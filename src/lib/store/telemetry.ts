/**
 * The engine's telemetry as one Svelte store for the whole page, polled once a second while
 * anything shows it (the diagnostics page, the connection banner) and the tab is shown: one timer,
 * however many readers.
 */
import { readable, type Readable } from 'svelte/store';
import { engine } from '../client/engine';
import type { EngineTelemetry } from '../engine/api';

export function telemetryStore(
  read: () => Promise<EngineTelemetry>,
  everyMs = 1000
): Readable<EngineTelemetry | undefined> {
  return readable<EngineTelemetry | undefined>(undefined, (set) => {
    let stopped = false;
    // A hidden tab shows nothing: it does not ask (and asks at once when shown again).
    const hidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';
    const tick = () => {
      if (hidden()) return;
      read()
        .then((t) => !stopped && set(t))
        .catch(() => {});
    };
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', tick);
    tick();
    const timer = setInterval(tick, everyMs);
    return () => {
      stopped = true;
      clearInterval(timer);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', tick);
    };
  });
}

let shared: Readable<EngineTelemetry | undefined> | undefined;

/** The page's telemetry store, shared by every reader. */
export function engineTelemetry(): Readable<EngineTelemetry | undefined> {
  shared ??= telemetryStore(() => engine().telemetry());
  return shared;
}
