/**
 * The main thread's handle on the engine worker: starts it once per page and turns comlink calls
 * into plain subscribe/unsubscribe functions for stores.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/engine.worker';
import type { PodRow } from '../watch/pods';
import type { RowsListener } from '../watch/rows';
import type { EngineInfo } from './engine';

export interface EngineClient {
  /** Resolves once the engine knows whether it shows a real cluster or the demo. */
  info: Promise<EngineInfo>;
  subscribePods(listener: RowsListener<PodRow>, namespace?: string): () => void;
}

let client: EngineClient | undefined;

export function engine(): EngineClient {
  client ??= connect();
  return client;
}

function connect(): EngineClient {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'skiff-engine'
  });
  const remote = Comlink.wrap<EngineApi>(worker);
  // Served by `kubectl proxy --www=build --www-prefix=/ --api-prefix=/k8s/`, the API sits next to the page.
  const info = remote.start({ apiBaseUrl: new URL('k8s/', document.baseURI).href });
  return {
    info,
    subscribePods(listener, namespace) {
      const id = remote.subscribePods(Comlink.proxy(listener), namespace);
      return () => void id.then((subscription) => remote.unsubscribe(subscription));
    }
  };
}
