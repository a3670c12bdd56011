/**
 * The engine's worker: one Engine per origin, shared by every tab through a SharedWorker (a
 * dedicated Worker per tab where SharedWorker is missing), exposed over comlink as it is. The
 * protocol is the Engine's (src/lib/engine/protocol.ts): this file only builds the engine with
 * what a browser gives it (IndexedDB caches, WebSocket, the demo clusters) and exposes it.
 */
import * as Comlink from 'comlink';
import { SnapshotCache } from '$lib/cache/snapshot-cache';
import { Engine, type EngineApi } from '$lib/engine/engine';
import { MetricsHistoryCache } from '$lib/metrics/history-cache';
import { createDemoClusters, DEMO_CLUSTERS, demoPreset } from '$lib/sim/demo';
import type { WebSocketLike } from '$lib/watch/websocket';

const engine = new Engine({
  demoClusters: () => createDemoClusters(),
  demoCluster: (name) => createDemoClusters([demoPreset(name)])[0],
  demoNames: DEMO_CLUSTERS.map((c) => c.name),
  cache: new SnapshotCache(),
  metricsCache: new MetricsHistoryCache(),
  webSocket:
    typeof WebSocket === 'undefined' ? undefined : (url) => new WebSocket(url) as unknown as WebSocketLike,
  onError: (error) => console.warn('[skiff engine]', error)
});

/**
 * What tabs may call: the Engine's own methods (the protocol), bound to it, and nothing else: not
 * its fields, and not what only an in-process user may do (stop it, show a tab without pings).
 */
const IN_PROCESS_ONLY = new Set<PropertyKey>(['constructor', 'stop', 'setOwnerVisible']);
const protocol = new Proxy(engine, {
  get(target, prop) {
    if (!Object.hasOwn(Engine.prototype, prop) || IN_PROCESS_ONLY.has(prop)) return undefined;
    const value = Reflect.get(target, prop) as unknown;
    return typeof value === 'function' ? value.bind(target) : undefined;
  }
}) as EngineApi;

// A SharedWorker gets one `connect` per tab; a dedicated Worker talks to its one tab directly.
const scope = globalThis as unknown as { onconnect?: unknown; SharedWorkerGlobalScope?: unknown };
if (
  typeof scope.SharedWorkerGlobalScope !== 'undefined' &&
  globalThis instanceof (scope.SharedWorkerGlobalScope as typeof Object)
) {
  (globalThis as unknown as { onconnect: (e: MessageEvent) => void }).onconnect = (e) =>
    Comlink.expose(protocol, e.ports[0]);
} else {
  Comlink.expose(protocol);
}
