/**
 * The engine's public shapes: what a page asks for (views, tallies), what it gets back (info,
 * telemetry) and how the engine is set up. Plain, structured-cloneable data.
 */
import type { CacheStats, SnapshotCache } from '../cache/snapshot-cache';
import type { LatestSpec } from '../view/latest';
import type { TallySpec } from '../view/tally';
import type { ViewFilter, ViewSort, ViewWindow } from '../view/types';
import type { ReflectorOptions } from '../watch/reflector';
import type { Row } from '../watch/row';
import type { WebSocketFactory } from '../watch/websocket';
import type { AccessAnswer } from './access';
import type { OriginBudget } from '../watch/budget';
import type { InformerTelemetry } from './informer';
import type { HistoryStore } from '../metrics/history-cache';
import type { MetricsTelemetry } from '../metrics/types';
import type { ResourceRef } from '../kube/types';
import type { Clock } from '../kube/clock';

/** A simulated cluster as demo mode gets it (the shape `createDemoClusters` returns). */
export interface DemoCluster {
  name: string;
  handler: (request: Request) => Promise<Response>;
  stop(): void;
}

export interface EngineOptions {
  /** Builds the simulated clusters of demo mode; called only when no real API answers. */
  demoClusters: () => DemoCluster[];
  /** Builds one simulated cluster for a configured `demo: true` entry (presets by name). */
  demoCluster?: (name: string) => DemoCluster;
  /** The names demo mode shows without configuration (saves building `demoClusters` to learn them). */
  demoNames?: string[];
  /** What relative cluster URLs resolve against (the page's URL); needed for relative `url`s. */
  baseUrl?: string;
  /** Between `/version` probes of a reachable cluster. Default 10 s. */
  healthEveryMs?: number;
  /** Between probes of an unreachable cluster. Default 3 s. */
  healthRetryMs?: number;
  /** Probe health with no tab shown (Node tests and benchmarks have no tabs). */
  probeWhileHidden?: boolean;
  cache?: SnapshotCache;
  /** Opens WebSockets for watches (the browser's WebSocket); without it watches use chunked HTTP. */
  webSocket?: WebSocketFactory;
  clock?: Clock;
  /** How long an informer nobody uses keeps watching. Default 30 s. */
  lingerMs?: number;
  /** All tabs hidden this long closes every watch (rows and resourceVersions stay). Default 5 min. */
  hiddenCloseMs?: number;
  /** Extra Reflector options (tests shorten timeouts). */
  reflector?: Partial<ReflectorOptions<Row>>;
  /** How often an informer without a connection slot gets a turn to catch up. Default 3 s. */
  catchUpEveryMs?: number;
  /** Coalescing interval of view diffs. Default 100 ms (adaptive up to 500 ms). */
  viewIntervalMs?: number;
  /** Failures the engine recovers from by itself (the reflectors retry). */
  onError?: (error: unknown) => void;
  /** Where the metrics history is cached across reloads (IndexedDB in the worker); memory only without. */
  metricsCache?: HistoryStore;
}

/** One cluster the engine shows. */
export interface ClusterConfig {
  /** Unique; what rows carry as `cluster` and URLs use. */
  name: string;
  /**
   * The API's base URL, absolute (`http://127.0.0.1:8001/`) or relative to the page
   * (`k8s/`, `clusters/prod/`): requests go to `<url>api`, `<url>apis/...`.
   */
  url?: string;
  /** A simulated cluster inside the browser (demo mode) instead of `url`. */
  demo?: boolean;
  /** A CSS colour that marks the cluster's rows and badges; a palette colour when absent. */
  color?: string;
}

export interface StartOptions {
  /**
   * Where a real Kubernetes API would be, e.g. `http://127.0.0.1:8001/k8s/` when the app is served
   * by `kubectl proxy --www=build --www-prefix=/ --api-prefix=/k8s/`. Used only without `clusters`:
   * demo mode when nothing there answers like a Kubernetes API.
   */
  apiBaseUrl?: string;
  /** The clusters to show (config.json, settings, URL). When given, nothing is probed. */
  clusters?: ClusterConfig[];
  /** How long a SelfSubjectAccessReview answer is trusted. Default 2 min. */
  permissionTtlMs?: number;
  /** How often metrics.k8s.io is polled for views on screen. Default 10 s. */
  metricsIntervalMs?: number;
}

/** A cluster as the engine runs it: its configuration with the colour and origin resolved. */
export interface ClusterInfo {
  name: string;
  /** Absolute API base URL; undefined for a demo cluster. */
  url: string | undefined;
  demo: boolean;
  color: string;
  /** Connection-budget key (scheme+host+port); clusters behind one origin share its connections. */
  origin: string | undefined;
}

export interface EngineInfo {
  mode: 'cluster' | 'demo' | 'mixed';
  clusters: string[];
  details: ClusterInfo[];
}

/** What the engine last learnt of a cluster's API: `/version`, probed every few seconds while a tab shows. */
export interface ClusterHealth {
  cluster: string;
  /** undefined until the first probe answers. */
  reachable: boolean | undefined;
  gitVersion?: string;
  platform?: string;
  /** Round trip of the last `/version`, ms. */
  latencyMs?: number;
  checkedAt?: number;
  /** Since when the cluster has not answered (ms epoch), while unreachable. */
  unreachableSince?: number;
  error?: string;
}

/** What a page asks for: a resource in some clusters and namespaces, filtered, sorted, windowed. */
export interface ViewSpec {
  resource: ResourceRef;
  /** Clusters to show; default all. */
  clusters?: string[];
  /** Namespaces to show; default all. One namespace uses a namespaced watch unless an all-namespaces one runs. */
  namespaces?: string[];
  labelSelector?: string;
  filter?: ViewFilter;
  sort?: ViewSort;
  window?: ViewWindow;
  /** On screen (wins connection slots); default true. */
  visible?: boolean;
  /** Only the newest row of each group (e.g. a Helm release's current revision). */
  latest?: LatestSpec;
  /** Join live usage (pods, nodes, workloads, namespaces) and poll metrics for it; default true. */
  metrics?: boolean;
}

/** A live aggregate: counts per `groupBy` value and sums, over one resource in some clusters and namespaces. */
export interface TallyViewSpec extends TallySpec {
  resource: ResourceRef;
  clusters?: string[];
  namespaces?: string[];
  labelSelector?: string;
}

export interface ViewUpdate {
  filter?: ViewFilter;
  sort?: ViewSort;
  window?: ViewWindow;
  visible?: boolean;
}

/** Everything the diagnostics page shows. Plain data. */
export interface EngineTelemetry {
  at: number;
  mode: EngineInfo['mode'] | 'starting';
  streams: (InformerTelemetry & {
    eventsPerSecond: number;
    /**
     * A forbidden all-namespaces stream whose views show, instead, the namespaces the user may
     * list (SelfSubjectRulesReview): those namespaces ([] when there are none).
     */
    fallbackNamespaces?: string[];
  })[];
  budget: OriginBudget[];
  memory: EngineMemory;
  /** Per cluster, health and configuration. */
  clusters: (ClusterHealth & Omit<ClusterInfo, 'name'>)[];
  cache: CacheStats | undefined;
  views: number;
  suspended: boolean;
  /** Cached permission answers (SelfSubjectAccessReview), newest first. */
  access?: AccessAnswer[];
  /** Per cluster whose metrics something asked for: poll state, last poll, interval, errors. */
  metrics?: MetricsTelemetry[];
}

/** What the engine holds: rows, their estimated size, and the JS heap where the runtime tells it. */
export interface EngineMemory {
  rows: number;
  /** Rows × the average serialized size of a sample of them, as UTF-16 (an estimate). */
  estimatedRowBytes: number;
  /** The worker's JS heap in use (Chromium's `performance.memory`, Node's heapUsed), when available. */
  heapUsedBytes: number | undefined;
}
