/**
 * The engine worker: exposes the Engine over comlink. A dedicated module Worker for now; it is
 * meant to become a SharedWorker so that every tab shares one set of watches.
 */
import * as Comlink from 'comlink';
import { Engine, type EngineInfo, type StartOptions } from '$lib/engine/engine';
import { createDemoClusters } from '$lib/sim/demo';
import type { PodRow } from '$lib/watch/pods';
import type { RowsListener } from '$lib/watch/rows';

const engine = new Engine({
  demoClusters: () => createDemoClusters(),
  onError: (error) => console.warn('[skiff engine]', error)
});

const subscriptions = new Map<number, () => void>();
let nextSubscription = 1;

const api = {
  start(options?: StartOptions): Promise<EngineInfo> {
    return engine.start(options);
  },

  /** `listener` must be wrapped in `Comlink.proxy` by the caller. Returns the subscription id. */
  subscribePods(listener: RowsListener<PodRow>, namespace?: string): number {
    const remoteListener = listener as Comlink.Remote<RowsListener<PodRow>>;
    const id = nextSubscription++;
    const unsubscribe = engine.subscribePods((message) => void remoteListener(message), namespace);
    subscriptions.set(id, () => {
      unsubscribe();
      remoteListener[Comlink.releaseProxy]();
    });
    return id;
  },

  unsubscribe(id: number): void {
    subscriptions.get(id)?.();
    subscriptions.delete(id);
  }
};

export type EngineApi = typeof api;

Comlink.expose(api);
