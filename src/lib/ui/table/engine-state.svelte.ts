/**
 * What every table on the page reads from the engine besides its rows: the engine's telemetry
 * (one poller for the whole page, running while a table shows it) and which clusters it shows.
 */
import { createSubscriber } from 'svelte/reactivity';
import { engine } from '$lib/engine/client';
import type { EngineInfo, EngineTelemetry } from '$lib/engine/engine';
import { clusterState } from '$lib/ui/clusters.svelte';

const POLL_MS = 1500;

let telemetry: EngineTelemetry | undefined;

const subscribeTelemetry = createSubscriber((update) => {
  let stopped = false;
  const read = () =>
    engine()
      .telemetry()
      .then((t) => {
        if (stopped) return;
        telemetry = t;
        update();
      })
      .catch(() => {});
  read();
  const timer = setInterval(read, POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
});

/** The latest telemetry (undefined until the engine first answers); polled while read reactively. */
export function engineTelemetry(): EngineTelemetry | undefined {
  subscribeTelemetry();
  return telemetry;
}

/** The engine's mode and clusters, once it has started (follows changes of the cluster list). */
export function engineInfo(): EngineInfo | undefined {
  return clusterState.info;
}
