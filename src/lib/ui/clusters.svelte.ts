/**
 * The clusters the engine shows and their health, for the whole page: one poll of the engine
 * (every 2 s while something on the page reads it), so the header, the tables and the settings
 * follow a cluster going down, coming back, or the cluster list changing in another tab.
 */
import { createSubscriber } from 'svelte/reactivity';
import { engine } from '$lib/client/engine';
import type { ClusterHealth, ClusterInfo, EngineInfo } from '$lib/engine/engine';

const POLL_MS = 2000;

let info = $state.raw<EngineInfo | undefined>();
let health = $state.raw<ClusterHealth[]>([]);

function read(): Promise<void> {
  return engine()
    .clusterStatus()
    .then((s) => {
      info = s.info;
      health = s.health;
    })
    .catch(() => {});
}

const subscribe = createSubscriber(() => {
  void read();
  const timer = setInterval(read, POLL_MS);
  return () => clearInterval(timer);
});

/** Ask now (after the settings changed the list). */
export const refreshClusters = read;

export const clusterState = {
  /** undefined until the engine has started. */
  get info(): EngineInfo | undefined {
    subscribe();
    return info;
  },
  get health(): ClusterHealth[] {
    subscribe();
    return health;
  },
  details(name: string): ClusterInfo | undefined {
    return this.info?.details.find((d) => d.name === name);
  },
  color(name: string): string | undefined {
    return this.details(name)?.color;
  },
  healthOf(name: string): ClusterHealth | undefined {
    return this.health.find((h) => h.cluster === name);
  }
};

/** A cluster's health in words, for titles and the diagnostics page. */
export function describeHealth(h: ClusterHealth | undefined, d: ClusterInfo | undefined): string {
  const where = d?.demo ? 'simulated in this browser' : (d?.url ?? '');
  if (!h || h.reachable === undefined) return `${where}: checking…`;
  if (!h.reachable) return `${where}: not reachable (${h.error ?? 'no answer'})`;
  return `${where}: ${h.gitVersion ?? 'reachable'}${h.latencyMs === undefined ? '' : `, ${h.latencyMs} ms`}`;
}
