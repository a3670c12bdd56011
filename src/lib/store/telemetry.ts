/**
 * The engine's telemetry as one Svelte store for the whole page, polled once a second while
 * anything shows it (the diagnostics page, the connection banner): one timer, however many readers.
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
    const tick = () =>
      read()
        .then((t) => !stopped && set(t))
        .catch(() => {});
    tick();
    const timer = setInterval(tick, everyMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  });
}

let shared: Readable<EngineTelemetry | undefined> | undefined;

/** The page's telemetry store, shared by every reader. */
export function engineTelemetry(): Readable<EngineTelemetry | undefined> {
  shared ??= telemetryStore(() => engine().telemetry());
  return shared;
}
