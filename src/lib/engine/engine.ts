/**
 * The engine: a thin facade over its parts, implementing the protocol (EngineApi) that the worker
 * exposes and every tab proxies. The ClusterLifecycle runs the clusters and their shared machinery,
 * the ViewService serves views and tallies, the SubscriptionRegistry owns every live subscription
 * by id and tab. Plain TypeScript with no Svelte: it runs in the engine's SharedWorker (or a
 * dedicated Worker), and in Node for tests and benchmarks.
 */
import type { AccessVerdict } from './access';
import type {
  ClusterConfig,
  EngineInfo,
  EngineOptions,
  EngineTelemetry,
  StartOptions,
  ViewUpdate
} from './api';
import type { ClusterVersion } from './cluster-connection';
import type { DiscoveredResource } from '../kube/discovery';
import { ClusterLifecycle } from './lifecycle';
import { ObjectWatch } from './object-watch';
import type { AccessQuestion, EngineApi, SpecOf, SubscriptionKind, UpdateOf } from './protocol';
import { searchEngine, type SearchResult } from './search';
import { OwnerTracker, SubscriptionRegistry } from './subscriptions';
import { TelemetryGatherer } from './telemetry';
import { ViewService } from './views';
import { mergeKinds, type DiscoveredKinds } from '../kinds/discovered';
import { LogStream } from '../logs/stream';
import type { ClusterConnection } from '../watch/budget';
import type { Row } from '../watch/row';

// The public shapes live in api.ts, the protocol in protocol.ts; callers may import them from here.
export type * from './api';
export type * from './protocol';
export { isKubernetesApi, PROXY_CLUSTER_NAME, type ClusterVersion } from './cluster-connection';

type Openers = {
  [K in SubscriptionKind]: (
    id: number,
    spec: SpecOf<K>,
    post: (update: UpdateOf<K>) => void
  ) => Promise<() => void>;
};

export class Engine implements EngineApi {
  private readonly clusters: ClusterLifecycle;
  private readonly views: ViewService;
  private readonly subscriptions = new SubscriptionRegistry();
  private readonly owners = new OwnerTracker((owner) => this.closeOwner(owner));
  private readonly telemetryGatherer: TelemetryGatherer;

  /** How each kind of subscription starts; each resolves to what stops it. */
  private readonly openers: Openers = {
    view: (id, spec, post) => this.views.openView(id, spec, post),
    tally: (id, spec, post) => this.views.openTally(id, spec, post),
    object: async (_id, ref, post) => {
      const connection = await this.connection(ref.cluster);
      const watch = new ObjectWatch({
        ref,
        connection,
        budget: this.clusters.registry.budget,
        post,
        reflector: this.options.reflector as ObjectWatch['options']['reflector']
      });
      watch.start();
      return () => watch.stop();
    },
    logs: async (_id, spec, post) => {
      const connection = await this.connection(spec.cluster);
      const stream = new LogStream({
        spec,
        connection,
        budget: this.clusters.registry.budget,
        post,
        clock: this.options.clock
      });
      stream.start();
      return () => stream.stop();
    },
    metrics: async (_id, spec, post) => {
      await this.start();
      return this.clusters.metrics.subscribe(spec, post);
    }
  };

  constructor(private readonly options: EngineOptions) {
    this.clusters = new ClusterLifecycle(options);
    this.views = new ViewService(this.clusters, { viewIntervalMs: options.viewIntervalMs });
    this.telemetryGatherer = new TelemetryGatherer({
      clusters: this.clusters,
      clock: options.clock,
      cache: options.cache,
      openViews: () => this.views.openViews
    });
  }

  start(options: StartOptions = {}): Promise<EngineInfo> {
    return this.clusters.start(options);
  }

  /** A running cluster's connection, once the engine has started. */
  private async connection(cluster: string): Promise<ClusterConnection> {
    await this.start();
    const connection = this.clusters.clusters.get(cluster);
    if (!connection) throw new Error(`unknown cluster "${cluster}"`);
    return connection;
  }

  ping(owner: string, visible: boolean): void {
    this.owners.ping(owner);
    this.clusters.setOwnerVisible(owner, visible);
  }

  closeOwner(owner: string): void {
    this.owners.forget(owner);
    this.subscriptions.closeOwner(owner);
    this.clusters.setOwnerVisible(owner, false);
  }

  open<K extends SubscriptionKind>(
    kind: K,
    spec: SpecOf<K>,
    post: (update: UpdateOf<K>) => void,
    owner = 'local'
  ): Promise<number> {
    this.owners.touch(owner);
    const opener = Object.hasOwn(this.openers, kind) ? (this.openers[kind] as Openers[K]) : undefined;
    if (!opener) return Promise.reject(new Error(`unknown subscription kind "${String(kind)}"`));
    // Across the worker `post` is a comlink proxy that returns a promise: nothing waits for it.
    return this.subscriptions.add(owner, (id) => opener(id, spec, (update) => void post(update)));
  }

  close(id: number): void {
    this.subscriptions.close(id);
  }

  updateView(id: number, update: ViewUpdate): void {
    this.views.updateView(id, update);
  }

  resetView(id: number): void {
    this.views.resetView(id);
  }

  exportView(id: number): Row[] {
    return this.views.exportView(id);
  }

  clusterVersion(cluster: string): Promise<ClusterVersion> {
    return this.clusters.clusterVersion(cluster);
  }

  clusterStatus(): ReturnType<EngineApi['clusterStatus']> {
    return this.clusters.clusterStatus();
  }

  configure(clusters: ClusterConfig[]): Promise<EngineInfo> {
    return this.clusters.configure(clusters);
  }

  async resources(cluster?: string): Promise<DiscoveredResource[]> {
    return (await this.clusters.discovery(false, cluster)).flatMap((d) => d.resources);
  }

  discovery(refresh = false, cluster?: string): ReturnType<EngineApi['discovery']> {
    return this.clusters.discovery(refresh, cluster);
  }

  async kinds(refresh = false): Promise<DiscoveredKinds> {
    return mergeKinds(await this.clusters.discovery(refresh));
  }

  search(query: string, limit: number): SearchResult[] {
    const informers = this.clusters.maybeRegistry?.informers() ?? [];
    return searchEngine(this.clusters.cachedDiscovery(), informers, query, limit);
  }

  telemetry(): EngineTelemetry {
    return this.telemetryGatherer.gather();
  }

  retryAll(): void {
    this.clusters.retryAll();
  }

  reconnectAll(): void {
    this.clusters.reconnectAll();
  }

  can(question: AccessQuestion): Promise<AccessVerdict> {
    return this.clusters.can(question);
  }

  recheckPermissions(): Promise<void> {
    return this.clusters.recheckPermissions();
  }

  setPermissionTtl(ms: number): void {
    this.clusters.setPermissionTtl(ms);
  }

  setMetricsInterval(ms: number): void {
    this.clusters.metrics.setInterval(ms);
  }

  /**
   * Shows or hides a tab without the liveness pings (an engine in the same process as its only
   * user: Node tests and benchmarks). Tabs across a worker use `ping`.
   */
  setOwnerVisible(owner: string, visible: boolean): void {
    this.clusters.setOwnerVisible(owner, visible);
  }

  /** Ends everything (Node tests and benchmarks; a worker lives as long as its tabs). */
  stop(): void {
    this.subscriptions.closeAll();
    this.views.dispose();
    this.owners.dispose();
    this.clusters.stop();
  }
}
