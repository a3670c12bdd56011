/**
 * The engine's protocol, defined once: the worker exposes an object of this shape over comlink
 * (the Engine itself) and every tab's client is a comlink proxy of it. Adding a capability means
 * adding one method here and implementing it in the Engine; the worker and the client pass it on
 * without knowing it.
 *
 * Live data comes through subscriptions: `open(kind, spec, post, owner)` starts one and returns
 * its id, `close(id)` ends it, and a tab that closes (or stops pinging) ends all of its own. Each
 * kind is one entry of `Subscriptions`: what is asked for and what `post` receives.
 */
import type { LogSpec, LogUpdate } from '../logs/types';
import type { MetricsSpec, MetricsUpdate } from '../metrics/types';
import type { TallyResult } from '../view/tally';
import type { WindowDiff } from '../view/types';
import type { Row } from '../watch/row';
import type { AccessVerdict } from './access';
import type {
  ClusterConfig,
  ClusterHealth,
  EngineInfo,
  EngineTelemetry,
  StartOptions,
  TallyViewSpec,
  ViewSpec,
  ViewUpdate
} from './api';
import type { ClusterVersion } from './cluster-connection';
import type { DiscoveredKinds } from '../kinds/discovered';
import type { ObjectRef, ObjectUpdate } from './object-watch';
import type { SearchResult } from './search';
import type { DiscoveredResource } from '../kube/discovery';
import type { ClusterDiscovery } from '../kube/discovery';

/** Every kind of live subscription: `spec` is what is asked for, `update` what `post` receives. */
export interface Subscriptions {
  /** A live query: a reset window first, then coalesced patches (with its streams' states). */
  view: { spec: ViewSpec; update: WindowDiff };
  /** Live counts and sums per group. */
  tally: { spec: TallyViewSpec; update: TallyResult };
  /** One full object, watched by name (details pages). */
  object: { spec: ObjectRef; update: ObjectUpdate };
  /** One container's log: batches of lines and the stream's state. */
  logs: { spec: LogSpec; update: LogUpdate };
  /** One object's (or a cluster's) usage and recent history. */
  metrics: { spec: MetricsSpec; update: MetricsUpdate };
}

export type SubscriptionKind = keyof Subscriptions;
export type SpecOf<K extends SubscriptionKind> = Subscriptions[K]['spec'];
export type UpdateOf<K extends SubscriptionKind> = Subscriptions[K]['update'];

/** A permission question: may the user `verb` the resource (all namespaces when `namespace` is absent)? */
export interface AccessQuestion {
  cluster: string;
  verb: string;
  /** `{group: 'apps', resource: 'deployments'}`; `subresource` for `scale`, `eviction`… */
  resource: { group: string; resource: string; subresource?: string };
  namespace?: string;
}

export interface EngineApi {
  /** Connects once; later calls (other tabs) get the same answer. */
  start(options?: StartOptions): Promise<EngineInfo>;
  /** Every few seconds from each open tab, with whether it is shown; a tab that stops is closed. */
  ping(owner: string, visible: boolean): void;
  /** A tab closed: its subscriptions end. */
  closeOwner(owner: string): void;

  /** Starts a subscription for the tab `owner`; `post` (a comlink proxy across the worker) gets its updates. */
  open<K extends SubscriptionKind>(
    kind: K,
    spec: SpecOf<K>,
    post: (update: UpdateOf<K>) => void,
    owner: string
  ): Promise<number>;
  close(id: number): void;

  /** Changes the filter, sort, window or visibility of an open view. */
  updateView(id: number, update: ViewUpdate): void;
  /** The page lost track of a view's diffs (a gap in `seq`): the whole window comes again. */
  resetView(id: number): void;
  /** Every row of an open view that matches its filter, in its sort order (CSV export). */
  exportView(id: number): Row[];

  /** The cluster's `/version`, or an error message when it does not answer. */
  clusterVersion(cluster: string): Promise<ClusterVersion>;
  /** The clusters as configured and as last probed, in configuration order. */
  clusterStatus(): Promise<{ info: EngineInfo; health: ClusterHealth[] }>;
  /** Shows these clusters from now on (every tab follows). */
  configure(clusters: ClusterConfig[]): Promise<EngineInfo>;

  /** Every resource the clusters (or one cluster) serve, from the discovery cache. */
  resources(cluster?: string): Promise<DiscoveredResource[]>;
  /** Discovery per cluster with its errors; `refresh` asks the servers again now. */
  discovery(refresh?: boolean, cluster?: string): Promise<ClusterDiscovery[]>;
  /** Every kind a table can show, merged across clusters (Browse, navigation). */
  kinds(refresh?: boolean): Promise<DiscoveredKinds>;
  /** Names, namespaces, kinds and labels of every row the engine holds, and discovered kinds, best first. */
  search(query: string, limit: number): SearchResult[];

  /** Everything the diagnostics page shows. */
  telemetry(): EngineTelemetry;
  /** Retries every parked stream and probes every cluster now. */
  retryAll(): void;
  /**
   * The tab saw the network come back or the page wake after a long hidden time: every watch
   * restarts now from its resourceVersion (a connection may have died silently meanwhile).
   */
  reconnectAll(): void;

  /** From the answers cached for the permission TTL; 'unknown' when the cluster does not answer reviews. */
  can(question: AccessQuestion): Promise<AccessVerdict>;
  /** Asks every permission again now. */
  recheckPermissions(): Promise<void>;
  /** How long permission answers are trusted from now on (the settings page). */
  setPermissionTtl(ms: number): void;
  /** How often metrics.k8s.io is polled from now on (the settings page). */
  setMetricsInterval(ms: number): void;
}
