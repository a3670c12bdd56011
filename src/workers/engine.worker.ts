/**
 * The engine's worker: one Engine per origin, shared by every tab through a SharedWorker (a
 * dedicated Worker per tab where SharedWorker is missing), exposed over comlink. Each tab is an
 * owner: it pings while open and says when it is shown or hidden; a tab that stops pinging is gone
 * and its views close.
 */
import * as Comlink from 'comlink';
import { SnapshotCache } from '$lib/cache/snapshot-cache';
import {
  Engine,
  type ClusterConfig,
  type EngineInfo,
  type EngineTelemetry,
  type StartOptions,
  type TallyViewSpec,
  type ViewSpec,
  type ViewUpdate
} from '$lib/engine/engine';
import { createDemoClusters, DEMO_CLUSTERS, demoPreset } from '$lib/sim/demo';
import type { ClusterDiscovery, DiscoveredResource } from '$lib/engine/discovery';
import type { SearchResult } from '$lib/engine/search';
import type { AccessVerdict } from '$lib/engine/access';
import { MetricsHistoryCache } from '$lib/metrics/history-cache';
import type { MetricsSpec, MetricsUpdate } from '$lib/metrics/types';
import type { ObjectRef, ObjectUpdate } from '$lib/engine/object-watch';
import type { LogSpec, LogUpdate } from '$lib/logs/types';
import type { WindowDiff } from '$lib/view/types';
import type { TallyResult } from '$lib/view/tally';
import type { WebSocketLike } from '$lib/watch/websocket';
import type { Row } from '$lib/watch/row';

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

const TAB_TIMEOUT_MS = 20_000;
const lastPing = new Map<string, number>();
setInterval(() => {
  const now = Date.now();
  for (const [owner, at] of lastPing) {
    if (now - at < TAB_TIMEOUT_MS) continue;
    lastPing.delete(owner);
    engine.closeOwner(owner);
  }
}, TAB_TIMEOUT_MS / 2);

const api = {
  start(options?: StartOptions): Promise<EngineInfo> {
    return engine.start(options);
  },

  /** `post` must be wrapped in `Comlink.proxy` by the caller. */
  openView(spec: ViewSpec, post: (diff: WindowDiff) => void, owner: string): Promise<number> {
    lastPing.set(owner, Date.now());
    return engine.openView(spec, (diff) => void post(diff), owner);
  },

  updateView(id: number, update: ViewUpdate): void {
    engine.updateView(id, update);
  },

  resetView(id: number): void {
    engine.resetView(id);
  },

  closeView(id: number): void {
    engine.closeView(id);
  },

  /** `post` must be wrapped in `Comlink.proxy` by the caller. */
  openObject(ref: ObjectRef, post: (update: ObjectUpdate) => void, owner: string): Promise<number> {
    lastPing.set(owner, Date.now());
    return engine.openObject(ref, (update) => void post(update), owner);
  },

  closeObject(id: number): void {
    engine.closeObject(id);
  },

  /** Every few seconds from each open tab, with whether it is shown. */
  ping(owner: string, visible: boolean): void {
    lastPing.set(owner, Date.now());
    engine.setOwnerVisible(owner, visible);
  },

  closeOwner(owner: string): void {
    lastPing.delete(owner);
    engine.closeOwner(owner);
  },

  /** `post` must be wrapped in `Comlink.proxy` by the caller. */
  openTally(spec: TallyViewSpec, post: (result: TallyResult) => void, owner: string): Promise<number> {
    lastPing.set(owner, Date.now());
    return engine.openTally(spec, (result) => void post(result), owner);
  },

  closeTally(id: number): void {
    engine.closeTally(id);
  },

  clusterVersion(cluster: string) {
    return engine.clusterVersion(cluster);
  },

  clusterStatus() {
    return engine.clusterStatus();
  },

  configure(clusters: ClusterConfig[]): Promise<EngineInfo> {
    return engine.configure(clusters);
  },

  resources(cluster?: string): Promise<DiscoveredResource[]> {
    return engine.resources(cluster);
  },

  discovery(refresh?: boolean, cluster?: string): Promise<ClusterDiscovery[]> {
    return engine.discovery(refresh, cluster);
  },

  search(query: string, limit: number): SearchResult[] {
    return engine.search(query, limit);
  },

  /** Every row of an open view, filtered and sorted (CSV export). */
  exportView(id: number): Row[] {
    return engine.exportView(id);
  },

  /** `post` must be wrapped in `Comlink.proxy` by the caller. */
  openLogs(spec: LogSpec, post: (update: LogUpdate) => void, owner: string): Promise<number> {
    lastPing.set(owner, Date.now());
    return engine.openLogs(spec, (update) => void post(update), owner);
  },

  closeLogs(id: number): void {
    engine.closeLogs(id);
  },

  telemetry(): EngineTelemetry {
    return engine.telemetry();
  },

  retryAll(): void {
    engine.retryAll();
  },

  can(
    cluster: string,
    verb: string,
    resource: { group: string; resource: string },
    namespace?: string
  ): Promise<AccessVerdict> {
    return engine.can(cluster, verb, resource, namespace);
  },

  setPermissionTtl(ms: number): void {
    engine.setPermissionTtl(ms);
  },

  setMetricsInterval(ms: number): void {
    engine.setMetricsInterval(ms);
  },

  /** `post` must be wrapped in `Comlink.proxy` by the caller. */
  openMetrics(spec: MetricsSpec, post: (update: MetricsUpdate) => void, owner: string): Promise<number> {
    lastPing.set(owner, Date.now());
    return engine.openMetrics(spec, (update) => void post(update), owner);
  },

  closeMetrics(id: number): void {
    engine.closeMetrics(id);
  }
};

export type EngineApi = typeof api;

// A SharedWorker gets one `connect` per tab; a dedicated Worker talks to its one tab directly.
const scope = globalThis as unknown as { onconnect?: unknown; SharedWorkerGlobalScope?: unknown };
if (
  typeof scope.SharedWorkerGlobalScope !== 'undefined' &&
  globalThis instanceof (scope.SharedWorkerGlobalScope as typeof Object)
) {
  (globalThis as unknown as { onconnect: (e: MessageEvent) => void }).onconnect = (e) =>
    Comlink.expose(api, e.ports[0]);
} else {
  Comlink.expose(api);
}
