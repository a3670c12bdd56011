/**
 * The clusters' lifecycle: which clusters run (configuration, demo fallback, reconfiguration),
 * their shared machinery (the InformerRegistry and its connection budget, health probes,
 * permissions, metrics, discovery), and whether any tab is shown. Views and tallies are served
 * elsewhere (ViewService); they reach informers through `feed`, which this class owns because an
 * informer belongs to a running cluster.
 */
import { AccessReviewer, DEFAULT_PERMISSION_TTL_MS, type AccessVerdict } from './access';
import { AccessGuard } from './access-guard';
import type { ClusterConfig, ClusterHealth, EngineInfo, EngineOptions, StartOptions, ViewSpec } from './api';
import { isKubernetesApi, PROXY_CLUSTER_NAME, type ClusterVersion } from './cluster-connection';
import { ClusterSet, configProblem } from './clusters';
import { DiscoveryCache } from './discovery';
import { HealthMonitor } from './health';
import type { Informer } from './informer';
import type { AccessQuestion } from './protocol';
import { InformerRegistry } from './registry';
import { builtinResource } from '../kinds/catalog';
import type { ClusterDiscovery } from '../kube/discovery';
import { MetricsHub } from '../metrics/hub';
import { ServerCapabilities } from '../watch/reflector';
import type { RowSink } from '../watch/row';
import { httpTransport } from '../watch/transport';

/** One informer feeding one sink: what stops it and what follows the view's visibility. */
export interface Attached {
  informer: Informer;
  unsubscribe: () => void;
  /** The view went on or off screen (a namespace fallback follows it). */
  setVisible?: (visible: boolean) => void;
}

export type FeedSpec = Pick<ViewSpec, 'resource' | 'clusters' | 'namespaces' | 'labelSelector'>;

export class ClusterLifecycle {
  readonly clusters: ClusterSet;
  private registryRef: InformerRegistry | undefined;
  private healthRef: HealthMonitor | undefined;
  private infoRef: EngineInfo | undefined;
  private started: Promise<EngineInfo> | undefined;
  /** What the first tab started the engine with (permission TTL, metrics interval…). */
  private settings: StartOptions = {};
  private readonly capabilities = new ServerCapabilities();
  private readonly visibleOwners = new Set<string>();
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  private guard: AccessGuard | undefined;
  private metricsHub: MetricsHub | undefined;
  private discoveryCache: DiscoveryCache | undefined;
  /** Called after the cluster list changed (`gone`: clusters that left or were replaced). */
  onReconfigured: (info: EngineInfo, gone: string[]) => void = () => {};

  constructor(private readonly options: EngineOptions) {
    this.clusters = new ClusterSet({
      factory: { webSocket: options.webSocket, registry: () => this.registryRef, base: options.baseUrl },
      demoClusters: options.demoClusters,
      demoCluster: options.demoCluster,
      demoNames: options.demoNames,
      onAdded: (name, connection) => {
        // Without a WebSocket factory every watch is chunked HTTP and counts against the budget.
        if (connection.origin && !options.webSocket)
          this.registry.budget.setWebSocketSupport(connection.origin, 'fails');
        this.health.add(name);
      },
      onRemoved: (name) => {
        this.registryRef?.dropCluster(name);
        this.healthRef?.remove(name);
        this.metricsHub?.dropCluster(name);
        this.guard?.reviewer.forgetCluster(name);
        this.discoveryCache?.forget(name);
      }
    });
  }

  /** Connects once; later calls (other tabs) get the same answer. */
  start(options: StartOptions = {}): Promise<EngineInfo> {
    if (!this.started) this.settings = options;
    this.started ??= this.connect(options).then((info) => (this.infoRef = info));
    return this.started;
  }

  /** The running clusters; undefined before the first `start` has connected. */
  get info(): EngineInfo | undefined {
    return this.infoRef;
  }

  /** Made by `start`; callers reach it only after awaiting it. */
  get registry(): InformerRegistry {
    return this.registryRef!;
  }

  /** The registry if it exists yet (telemetry, teardown). */
  get maybeRegistry(): InformerRegistry | undefined {
    return this.registryRef;
  }

  private get health(): HealthMonitor {
    return this.healthRef!;
  }

  /** Subscribes `sink` to one informer per cluster the spec names (all running clusters by default). */
  feed(spec: FeedSpec, sink: RowSink, visible: boolean, info = this.infoRef!): Attached[] {
    const clusters = spec.clusters?.length
      ? spec.clusters.filter((c) => this.clusters.has(c))
      : info.clusters;
    const namespace =
      spec.resource.namespaced && spec.namespaces?.length === 1 ? spec.namespaces[0] : undefined;
    return clusters.map((cluster) => {
      const informer = this.registry.acquire(
        { cluster, resource: spec.resource, namespace, labelSelector: spec.labelSelector },
        visible
      );
      return { informer, ...this.access.feed(informer, sink, visible) };
    });
  }

  /** Ends subscriptions made by `feed`; their informers linger, then stop when nobody uses them. */
  unfeed(attached: Attached[], visible: boolean): void {
    for (const { informer, unsubscribe } of attached) {
      unsubscribe();
      this.registryRef?.release(informer, visible);
    }
  }

  /** Permissions: SelfSubjectAccessReview answers cached for the permission TTL, re-checked every TTL. */
  get access(): AccessGuard {
    this.guard ??= new AccessGuard({
      reviewer: new AccessReviewer({
        transport: (cluster) => this.clusters.get(cluster)?.transport('direct'),
        ttlMs: () => this.settings.permissionTtlMs ?? DEFAULT_PERMISSION_TTL_MS,
        clock: this.options.clock
      }),
      registry: () => this.registryRef
    });
    return this.guard;
  }

  /** The guard if it exists yet (telemetry). */
  get maybeAccess(): AccessGuard | undefined {
    return this.guard;
  }

  async can(q: AccessQuestion): Promise<AccessVerdict> {
    await this.start();
    if (!this.clusters.has(q.cluster)) return 'unknown';
    const { cluster, verb, namespace } = q;
    const { group, resource, subresource } = q.resource;
    const query = { cluster, verb, group, resource, subresource, namespace };
    return (await this.access.reviewer.check(query)).answer;
  }

  async recheckPermissions(): Promise<void> {
    await this.start();
    await this.access.recheckAll();
  }

  setPermissionTtl(ms: number): void {
    this.settings = { ...this.settings, permissionTtlMs: ms };
    this.access.reschedule();
  }

  /** Live metrics (metrics.k8s.io polls, joins, history), made on first use. */
  get metrics(): MetricsHub {
    this.metricsHub ??= new MetricsHub({
      transport: (cluster) => this.clusters.get(cluster)?.transport('direct'),
      defaultIntervalMs: () => this.settings.metricsIntervalMs,
      clock: this.options.clock,
      cache: this.options.metricsCache,
      identity: (cluster) => this.clusters.identity(cluster),
      // Workload usage sums the usage of its pods: a pods informer tells which pods are whose.
      watchPods: (cluster, sink) => {
        if (!this.infoRef || !this.clusters.has(cluster)) return () => {};
        const attached = this.feed({ resource: builtinResource('pods'), clusters: [cluster] }, sink, false);
        return () => this.unfeed(attached, false);
      }
    });
    return this.metricsHub;
  }

  /** The hub if it exists yet (telemetry, visibility, teardown). */
  get maybeMetrics(): MetricsHub | undefined {
    return this.metricsHub;
  }

  /** Discovery of every cluster (or one), with per-cluster errors; `refresh` asks the servers again now. */
  async discovery(refresh = false, cluster?: string): Promise<ClusterDiscovery[]> {
    const info = await this.start();
    this.discoveryCache ??= new DiscoveryCache({
      transport: (c) => this.clusters.get(c)?.transport('direct'),
      clock: this.options.clock
    });
    const clusters = cluster === undefined ? info.clusters : [cluster];
    return Promise.all(clusters.map((c) => this.discoveryCache!.get(c, refresh)));
  }

  /** Discovery as last fetched, without asking anyone (search). */
  cachedDiscovery(): ClusterDiscovery[] {
    return this.discoveryCache?.cached() ?? [];
  }

  async clusterVersion(cluster: string): Promise<ClusterVersion> {
    await this.start();
    if (!this.clusters.has(cluster)) return { error: `unknown cluster "${cluster}"` };
    const h = this.health.get(cluster);
    const answer = h?.reachable === undefined ? await this.health.probe(cluster) : h;
    return answer.reachable
      ? { gitVersion: answer.gitVersion, platform: answer.platform }
      : { error: answer.error ?? 'not reachable' };
  }

  async clusterStatus(): Promise<{ info: EngineInfo; health: ClusterHealth[] }> {
    const info = await this.start();
    return { info, health: info.clusters.map((c) => this.healthOf(c)) };
  }

  healthOf(cluster: string): ClusterHealth {
    return this.healthRef?.get(cluster) ?? { cluster, reachable: undefined };
  }

  /**
   * Tabs tell the engine when they are shown and hidden. With every tab hidden for a while the
   * engine closes its watches; the first tab shown again resumes them from their resourceVersions.
   */
  setOwnerVisible(owner: string, visible: boolean): void {
    if (visible) this.visibleOwners.add(owner);
    else this.visibleOwners.delete(owner);
    const anyShown = this.visibleOwners.size > 0;
    this.healthRef?.setRunning(anyShown || this.options.probeWhileHidden === true);
    // Metrics are polled only while some tab is shown.
    this.metricsHub?.setPaused(!anyShown);
    if (!anyShown) void this.metricsHub?.flush();
    if (anyShown) {
      if (this.hiddenTimer) clearTimeout(this.hiddenTimer);
      this.hiddenTimer = undefined;
      this.registryRef?.resume();
      return;
    }
    void this.options.cache?.flushAll();
    this.hiddenTimer ??= setTimeout(
      () => this.registryRef?.suspend(),
      this.options.hiddenCloseMs ?? 5 * 60_000
    );
  }

  /** Retry every parked stream now (forbidden, unauthorized, error, backing off), and ask every cluster's health. */
  retryAll(): void {
    for (const i of this.registryRef?.informers() ?? []) i.retryNow();
    for (const c of this.clusters.keys()) void this.healthRef?.probe(c);
    // Permissions too: a namespace fallback asks its rules again.
    void this.guard?.recheckAll();
  }

  /**
   * The browser is back online, or the page woke after a long sleep: connections may have died
   * without a word, so every stream restarts now from its resourceVersion, and every cluster's
   * health is asked.
   */
  reconnectAll(): void {
    for (const i of this.registryRef?.informers() ?? []) i.reconnect();
    for (const c of this.clusters.keys()) void this.healthRef?.probe(c);
  }

  /**
   * Shows these clusters from now on (the settings page): clusters that left stop and leave every
   * view, new ones join the views that show all clusters; the others keep their streams and rows.
   */
  async configure(clusters: ClusterConfig[]): Promise<EngineInfo> {
    await this.start();
    const problems = clusters.map(configProblem).filter((p): p is string => !!p);
    if (problems.length) throw new Error(problems.join('; '));
    if (!clusters.length) throw new Error('at least one cluster is needed');
    if (new Set(clusters.map((c) => c.name)).size !== clusters.length)
      throw new Error('cluster names must be unique');
    const info = this.apply(clusters);
    this.started = Promise.resolve(info);
    return info;
  }

  stop(): void {
    this.guard?.stop();
    this.metricsHub?.dispose();
    this.registryRef?.dispose();
    this.healthRef?.dispose();
    this.clusters.dispose();
    if (this.hiddenTimer) clearTimeout(this.hiddenTimer);
  }

  private async connect({ apiBaseUrl, clusters }: StartOptions): Promise<EngineInfo> {
    this.registryRef = new InformerRegistry({
      connection: (cluster) => this.clusters.get(cluster)!,
      lingerMs: this.options.lingerMs,
      catchUpEveryMs: this.options.catchUpEveryMs,
      informer: {
        cache: this.options.cache,
        clock: this.options.clock,
        reflector: { capabilities: this.capabilities, ...this.options.reflector },
        onError: (e) => this.options.onError?.(e),
        access: this.access
      }
    });
    this.access.start();
    this.healthRef = new HealthMonitor({
      connection: (c) => this.clusters.get(c),
      clock: this.options.clock,
      everyMs: this.options.healthEveryMs,
      retryMs: this.options.healthRetryMs,
      // Back after an outage: every stream of it starts again now from its resourceVersion, those
      // backing off and those whose watch looks open but may have died with the connection.
      onRecovered: (c) => {
        for (const i of this.registryRef?.informers() ?? []) if (i.spec.cluster === c) i.reconnect();
      }
    });
    this.healthRef.setRunning(this.visibleOwners.size > 0 || this.options.probeWhileHidden === true);
    let configs = clusters?.filter((c) => !configProblem(c)) ?? [];
    for (const c of clusters ?? []) {
      const problem = configProblem(c);
      if (problem) this.options.onError?.(new Error(problem));
    }
    if (!configs.length) {
      configs =
        apiBaseUrl && (await isKubernetesApi(httpTransport(apiBaseUrl)))
          ? [{ name: PROXY_CLUSTER_NAME, url: apiBaseUrl }]
          : this.clusters.defaultDemoNames().map((name) => ({ name, demo: true }));
    }
    return this.apply(configs);
  }

  private apply(configs: ClusterConfig[]): EngineInfo {
    const { details, gone } = this.clusters.apply(configs);
    const demos = details.filter((d) => d.demo).length;
    const info: EngineInfo = {
      mode: demos === details.length ? 'demo' : demos === 0 ? 'cluster' : 'mixed',
      clusters: details.map((d) => d.name),
      details
    };
    const reconfigured = this.infoRef !== undefined;
    this.infoRef = info;
    if (reconfigured) this.onReconfigured(info, gone);
    return info;
  }
}
