/**
 * The engine's worker: one Engine per origin, shared by every tab through a SharedWorker (a
 * dedicated Worker per tab where SharedWorker is missing), exposed over comlink as it is. The
 * protocol is the Engine's (src/lib/engine/protocol.ts): this file only builds the engine with
 * what a browser gives it (IndexedDB caches, WebSocket, the demo clusters) and exposes it.
 */
import * as Comlink from 'comlink';
import { SnapshotCache } from '$lib/cache/snapshot-cache';
import { Engine } from '$lib/engine/engine';
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

// A SharedWorker gets one `connect` per tab; a dedicated Worker talks to its one tab directly.
const scope = globalThis as unknown as { onconnect?: unknown; SharedWorkerGlobalScope?: unknown };
if (
  typeof scope.SharedWorkerGlobalScope !== 'undefined' &&
  globalThis instanceof (scope.SharedWorkerGlobalScope as typeof Object)
) {
  (globalThis as unknown as { onconnect: (e: MessageEvent) => void }).onconnect = (e) =>
    Comlink.expose(engine, e.ports[0]);
} else {
  Comlink.expose(engine);
}
