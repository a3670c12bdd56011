/**
 * Svelte stores over the engine's discovery: every kind the clusters serve, merged across clusters
 * by the engine, for Browse, search and the navigation's custom kinds. Polled while subscribed (the
 * engine answers from its cache and refreshes it when it is a few minutes old).
 */
import { derived, writable, type Readable } from 'svelte/store';
import { engine } from '../client/engine';
import type { DiscoveredKind, DiscoveredKinds } from '../kinds/discovered';
import type { ClusterDiscovery } from '../kube/discovery';

export interface DiscoveryState {
  /** undefined until the first answer. */
  clusters: ClusterDiscovery[] | undefined;
  /** Kinds that can be listed and watched, sorted by group then kind. */
  kinds: DiscoveredKind[];
  /** Resources served that cannot be listed and watched (access reviews, metrics…), not in `kinds`. */
  hidden: number;
  loading: boolean;
  /** The engine itself did not answer. */
  error?: string;
}

export type DiscoveryReader = (refresh: boolean) => Promise<DiscoveredKinds>;

export interface DiscoveryStore extends Readable<DiscoveryState> {
  /** Ask every cluster again now (a CRD was just installed, for example). */
  refresh(): Promise<void>;
}

const EMPTY: DiscoveryState = { clusters: undefined, kinds: [], hidden: 0, loading: true };

/** A store of discovery read through `read`, polled every `everyMs` while subscribed. */
export function discoveryStore(read: DiscoveryReader, everyMs = 60_000): DiscoveryStore {
  let latest = EMPTY;
  const state = writable<DiscoveryState>(EMPTY, () => {
    void load(false);
    const timer = setInterval(() => void load(false), everyMs);
    return () => clearInterval(timer);
  });
  const put = (next: DiscoveryState) => state.set((latest = next));

  async function load(refresh: boolean) {
    if (refresh) put({ ...latest, loading: true });
    try {
      put({ ...(await read(refresh)), loading: false, error: undefined });
    } catch (e) {
      // The engine itself did not answer: keep what was known, say why nothing more comes.
      put({ ...latest, loading: false, error: `discovery failed: ${(e as Error).message ?? String(e)}` });
    }
  }

  return { subscribe: state.subscribe, refresh: () => load(true) };
}

let shared: DiscoveryStore | undefined;

/** The app's discovery store (one per tab), reading the shared engine. */
export function discovery(): DiscoveryStore {
  shared ??= discoveryStore((refresh) => engine().kinds(refresh));
  return shared;
}

/** Every kind the clusters serve that a table can show (lists and watches), merged across clusters. */
export const discoveredKinds: Readable<DiscoveredKind[]> = {
  subscribe: (run, invalidate) => derived(discovery(), (s) => s.kinds).subscribe(run, invalidate)
};

/** Custom kinds (CRDs and other non-Kubernetes groups): what the navigation lists under "Custom". */
export const customKinds: Readable<DiscoveredKind[]> = {
  subscribe: (run, invalidate) =>
    derived(discovery(), (s) => s.kinds.filter((k) => k.custom && !k.inCatalog)).subscribe(run, invalidate)
};
