/**
 * The main thread's handle on the engine: connects this tab to the shared engine worker (a
 * SharedWorker, so every tab uses one set of watches; a dedicated Worker where SharedWorker is
 * missing), tells it while the tab is open and whether it is shown, and wraps views in plain
 * functions for stores.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/engine.worker';
import type { WindowDiff } from '../view/types';
import type { Row } from '../watch/row';
import type {
  ClusterConfig,
  ClusterHealth,
  ClusterVersion,
  EngineInfo,
  EngineTelemetry,
  TallyViewSpec,
  ViewSpec,
  ViewUpdate
} from './engine';
import type { TallyResult } from '../view/tally';
import type { ObjectRef, ObjectUpdate } from './object-watch';
import type { LogSpec, LogUpdate } from '../logs/types';
import type { ClusterDiscovery, DiscoveredResource } from './discovery';
import type { SearchResult } from './search';
import type { MetricsSpec, MetricsUpdate } from '../metrics/types';
import type { AccessVerdict } from './access';
import { loadStartOptions } from '../config/clusters';

export interface ViewHandle {
  update(update: ViewUpdate): void;
  reset(): void;
  close(): void;
  /** Every row of the view that matches its filter, in its sort order (for a CSV export). */
  exportRows(): Promise<Row[]>;
}

export interface EngineClient {
  /** Resolves once the engine knows whether it shows a real cluster or the demo. */
  info: Promise<EngineInfo>;
  openView(spec: ViewSpec, post: (diff: WindowDiff) => void): ViewHandle;
  /** Watch one full object; returns the close function. */
  openObject(ref: ObjectRef, post: (update: ObjectUpdate) => void): () => void;
  /** Follow one container's log; returns the close function. */
  openLogs(spec: LogSpec, post: (update: LogUpdate) => void): () => void;
  /** A live aggregate; returns the close function. */
  openTally(spec: TallyViewSpec, post: (result: TallyResult) => void): () => void;
  clusterVersion(cluster: string): Promise<ClusterVersion>;
  /** The clusters shown and their last health probe. */
  clusterStatus(): Promise<{ info: EngineInfo; health: ClusterHealth[] }>;
  /** Show these clusters from now on (every tab follows). */
  configure(clusters: ClusterConfig[]): Promise<EngineInfo>;
  /** Every resource the clusters (or one cluster) serve, found by discovery (cached in the engine). */
  resources(cluster?: string): Promise<DiscoveredResource[]>;
  /** Discovery per cluster, with its errors; `refresh` asks the servers again now. */
  discovery(refresh?: boolean, cluster?: string): Promise<ClusterDiscovery[]>;
  /** Global search over every row the engine holds and every discovered kind, best first. */
  search(query: string, limit: number): Promise<SearchResult[]>;
  telemetry(): Promise<EngineTelemetry>;
  retryAll(): void;
  /**
   * May the user `verb` the resource (`{group: 'apps', resource: 'deployments'}`) in `namespace`
   * (all namespaces when absent)? Answers are cached for the permission TTL; 'unknown' when the
   * cluster does not answer access reviews (a read-only proxy): then try, and show the error.
   */
  can(
    cluster: string,
    verb: string,
    resource: { group: string; resource: string },
    namespace?: string
  ): Promise<AccessVerdict>;
  /** How long permission answers are trusted (the settings page). */
  setPermissionTtl(ms: number): void;
  /** How often metrics.k8s.io is polled (the settings page). */
  setMetricsInterval(ms: number): void;
  /** One object's (or a cluster's, kind id `cluster`) usage and recent history, live; returns the close function. */
  openMetrics(spec: MetricsSpec, post: (update: MetricsUpdate) => void): () => void;
}

let client: EngineClient | undefined;

export function engine(): EngineClient {
  client ??= connect();
  return client;
}

function openWorker(): Comlink.Remote<EngineApi> {
  if (typeof SharedWorker !== 'undefined') {
    const shared = new SharedWorker(new URL('../../workers/engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'skiff-engine'
    });
    return Comlink.wrap<EngineApi>(shared.port);
  }
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'skiff-engine'
  });
  return Comlink.wrap<EngineApi>(worker);
}

const PING_MS = 5_000;

/** A call into the worker that failed (a value that cannot be cloned, a closed worker). */
function report(error: unknown) {
  console.error('[skiff] engine call failed', error);
}

/** Calls that may run before the engine has started; every other call waits for `started`. */
const BEFORE_START = new Set<PropertyKey>(['start', 'ping', 'closeOwner']);

/**
 * The worker's API with every call held until `started` settles: the page decides its clusters
 * (config.json, settings, URL) before the engine starts, and a view opened meanwhile must not
 * start the engine with none.
 */
function afterStart(remote: Comlink.Remote<EngineApi>, started: Promise<unknown>): Comlink.Remote<EngineApi> {
  const settled = started.then(
    () => undefined,
    () => undefined
  );
  return new Proxy(remote, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (BEFORE_START.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        settled.then(() => (value as (...a: unknown[]) => Promise<unknown>)(...args));
    }
  });
}

function connect(): EngineClient {
  const worker = openWorker();
  const owner = `tab-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const ping = () => void worker.ping(owner, document.visibilityState === 'visible');
  ping();
  setInterval(ping, PING_MS);
  document.addEventListener('visibilitychange', ping);
  addEventListener('pagehide', () => void worker.closeOwner(owner));
  // config.json, the settings or the URL name the clusters; without them, served by
  // `kubectl proxy --www=build --www-prefix=/ --api-prefix=/k8s/` the API sits next to the page.
  const info = loadStartOptions().then((options) => worker.start(options));
  const remote = afterStart(worker, info);
  return {
    info,
    openView(spec, post) {
      const id = remote.openView(spec, Comlink.proxy(post), owner);
      return {
        update: (update) => void id.then((v) => remote.updateView(v, update)).catch(report),
        reset: () => void id.then((v) => remote.resetView(v)).catch(report),
        close: () => void id.then((v) => remote.closeView(v)).catch(report),
        exportRows: () => id.then((v) => remote.exportView(v))
      };
    },
    openObject(ref, post) {
      const id = remote.openObject(ref, Comlink.proxy(post), owner);
      return () => void id.then((o) => remote.closeObject(o));
    },
    openLogs(spec, post) {
      const id = remote.openLogs(spec, Comlink.proxy(post), owner);
      return () => void id.then((l) => remote.closeLogs(l)).catch(report);
    },
    openTally(spec, post) {
      const id = remote.openTally(spec, Comlink.proxy(post), owner);
      return () => void id.then((t) => remote.closeTally(t)).catch(report);
    },
    clusterVersion: (cluster) => remote.clusterVersion(cluster),
    clusterStatus: () => remote.clusterStatus(),
    configure: (clusters) => remote.configure(clusters),
    resources: (cluster) => remote.resources(cluster),
    discovery: (refresh, cluster) => remote.discovery(refresh, cluster),
    search: (query, limit) => remote.search(query, limit),
    telemetry: () => remote.telemetry(),
    retryAll: () => void remote.retryAll(),
    can: (cluster, verb, resource, namespace) => remote.can(cluster, verb, resource, namespace),
    setPermissionTtl: (ms) => void remote.setPermissionTtl(ms),
    setMetricsInterval: (ms) => void remote.setMetricsInterval(ms).catch(report),
    openMetrics(spec, post) {
      const id = remote.openMetrics(spec, Comlink.proxy(post), owner);
      return () => void id.then((m) => remote.closeMetrics(m)).catch(report);
    }
  };
}
