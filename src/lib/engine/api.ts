/**
 * The engine's public shapes: what a page asks for (views, tallies), what it gets back (info,
 * telemetry) and how the engine is set up. Plain, structured-cloneable data.
 */
import type { CacheStats, SnapshotCache } from '../cache/snapshot-cache';
import type { LatestSpec } from '../view/latest';
import type { TallySpec } from '../view/tally';
import type { ViewFilter, ViewSort, ViewWindow } from '../view/types';
import type { Clock } from '../watch/backoff';
import type { ReflectorOptions } from '../watch/reflector';
import type { Row } from '../watch/row';
import type { WebSocketFactory } from '../watch/websocket';
import type { OriginBudget } from './budget';
import type { InformerTelemetry, ResourceRef } from './informer';

/** A simulated cluster as demo mode gets it (the shape `createDemoClusters` returns). */
export interface DemoCluster {
  name: string;
  handler: (request: Request) => Promise<Response>;
  stop(): void;
}

export interface EngineOptions {
  /** Builds the simulated clusters of demo mode; called only when no real API answers. */
  demoClusters: () => DemoCluster[];
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
}

export interface StartOptions {
  /**
   * Where a real Kubernetes API would be, e.g. `http://127.0.0.1:8001/k8s/` when the app is served
   * by `kubectl proxy --www=build --www-prefix=/ --api-prefix=/k8s/`. Demo mode when absent or
   * when nothing there answers like a Kubernetes API.
   */
  apiBaseUrl?: string;
}

export interface EngineInfo {
  mode: 'cluster' | 'demo';
  clusters: string[];
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
  streams: (InformerTelemetry & { eventsPerSecond: number })[];
  budget: OriginBudget[];
  cache: CacheStats | undefined;
  views: number;
  suspended: boolean;
}
