/** A Svelte store of the engine's telemetry, polled while something shows it. */
import { readable, type Readable } from 'svelte/store';
import type { EngineTelemetry } from '../engine/engine';

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
