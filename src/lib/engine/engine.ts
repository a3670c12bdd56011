/**
 * The engine: finds the clusters to show, keeps one Informer per stream (shared by every view of
 * every tab, through the InformerRegistry), and serves Views: live queries whose window diffs are
 * posted, coalesced, to the page. Plain TypeScript with no Svelte: it runs in the engine's
 * SharedWorker (or dedicated Worker), and in Node for tests and benchmarks.
 */
import { ViewScheduler } from '../view/scheduler';
import type { WindowDiff } from '../view/types';
import { View } from '../view/view';
import { LatestPerGroup } from '../view/latest';
import { Tally, type TallyResult } from '../view/tally';
import { ServerCapabilities } from '../watch/reflector';
import type { Row, RowSink } from '../watch/row';
import { httpTransport } from '../watch/transport';
import type {
  ClusterConfig,
  ClusterHealth,
  EngineInfo,
  EngineOptions,
  EngineTelemetry,
  StartOptions,
  TallyViewSpec,
  ViewSpec,
  ViewUpdate
} from './api';
import { isKubernetesApi, PROXY_CLUSTER_NAME, type ClusterVersion } from './cluster-connection';
import { ClusterSet, configProblem } from './clusters';
import { HealthMonitor } from './health';
import { engineMemory } from './memory';
import { AccessReviewer, DEFAULT_PERMISSION_TTL_MS, type AccessVerdict } from './access';
import { AccessGuard } from './access-guard';
import type { Informer } from './informer';
import { ObjectWatch, type ObjectRef, type ObjectUpdate } from './object-watch';
import { NAMESPACE_STATS, NamespaceStats } from './namespace-stats';
import { InformerRegistry } from './registry';
import { LogStream } from '../logs/stream';
import type { LogSpec, LogUpdate } from '../logs/types';
import {
  DiscoveryCache,
  isBrowsable,
  kindIdOf,
  type ClusterDiscovery,
  type DiscoveredResource
} from './discovery';
import { search as searchRows, type SearchKind, type SearchResult } from './search';
import { builtinResource } from '../kinds/catalog';
import { MetricsHub } from '../metrics/hub';
import type { MetricsSpec, MetricsUpdate } from '../metrics/types';

// The public shapes live in api.ts and the cluster connection in cluster-connection.ts; callers
// import them from here.
export type * from './api';
export { isKubernetesApi, PROXY_CLUSTER_NAME, type ClusterVersion } from './cluster-connection';

interface Attached {
  informer: Informer;
  unsubscribe: () => void;
  /** The view went on or off screen (a namespace fallback follows it). */
  setVisible?: (visible: boolean) => void;
}

interface OpenView {
  id: number;
  owner: string;
  spec: ViewSpec;
  view: View;
  scheduler: ViewScheduler;
  informers: Attached[];
  visible: boolean;
}

export class Engine {
  private registry: InformerRegistry | undefined;
  private readonly clusters: ClusterSet;
  private health: HealthMonitor | undefined;
  private info: EngineInfo | undefined;
  private started: Promise<EngineInfo> | undefined;
  private views = new Map<number, OpenView>();
  private tallies = new Map<
    number,
    {
      owner: string;
      spec: TallyViewSpec;
      tally: Tally;
      scheduler: ViewScheduler<TallyResult>;
      informers: Attached[];
    }
  >();
  private objects = new Map<number, { owner: string; watch: ObjectWatch }>();
  private nextView = 1;
  private capabilities = new ServerCapabilities();
  private visibleOwners = new Set<string>();
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  private lastEvents = new Map<string, { at: number; events: number }>();

  constructor(private readonly options: EngineOptions) {
    this.clusters = new ClusterSet({
      factory: { webSocket: options.webSocket, registry: () => this.registry, base: options.baseUrl },
      demoClusters: options.demoClusters,
      demoCluster: options.demoCluster,
      demoNames: options.demoNames,
      onAdded: (name, connection) => {
        // Without a WebSocket factory every watch is chunked HTTP and counts against the budget.
        if (connection.origin && !options.webSocket)
          this.registry!.budget.setWebSocketSupport(connection.origin, 'fails');
        this.health!.add(name);
      },
      onRemoved: (name) => {
        this.registry?.dropCluster(name);
        this.health?.remove(name);
        this.metricsHub?.dropCluster(name);
        this.guard?.reviewer.forgetCluster(name);
        this.discoveryCache?.forget(name);
      }
    });
  }

  /** What the first tab started the engine with (permission TTL, metrics interval…). */
  protected settings: StartOptions = {};

  /** Connects once; later calls (other tabs) get the same answer. */
  start(options: StartOptions = {}): Promise<EngineInfo> {
    if (!this.started) this.settings = options;
    this.started ??= this.connect(options).then((info) => (this.info = info));
    return this.started;
  }

  /**
   * Open a live query. `post` receives window diffs: a reset first, then coalesced patches.
   * `owner` names the tab (its views close with it).
   */
  async openView(spec: ViewSpec, post: (diff: WindowDiff) => void, owner = 'local'): Promise<number> {
    const info = await this.start();
    const visible = spec.visible ?? true;
    const view = new View({
      filter: { ...spec.filter, namespaces: spec.namespaces ?? spec.filter?.namespaces },
      sort: spec.sort,
      window: spec.window
    });
    const scheduler = new ViewScheduler(view, post, { intervalMs: this.options.viewIntervalMs });
    const id = this.nextView++;
    const informers = this.attachView(spec, info, view, visible);
    this.views.set(id, { id, owner, spec, view, scheduler, informers, visible });
    scheduler.flushNow();
    return id;
  }

  updateView(id: number, update: ViewUpdate): void {
    const v = this.views.get(id);
    if (!v) return;
    if (update.filter)
      v.view.setFilter({
        ...update.filter,
        namespaces: update.filter.namespaces ?? v.view.filter.namespaces
      });
    if (update.sort) v.view.setSort(update.sort);
    if (update.window) v.view.setWindow(update.window);
    if (update.visible !== undefined && update.visible !== v.visible) {
      v.visible = update.visible;
      this.metricsHub?.setVisible(v.view, update.visible);
      for (const { informer, setVisible } of v.informers) {
        this.registry?.setVisible(informer, update.visible);
        setVisible?.(update.visible);
      }
    }
  }

  /** The page lost track of the diffs (a gap in `seq`): send the whole window again. */
  resetView(id: number): void {
    const v = this.views.get(id);
    if (!v) return;
    v.view.reset();
    v.scheduler.flushNow();
  }

  /**
   * A live aggregate (counts per group, sums of numeric cells) over the same informers views use.
   * `post` receives the result at once and after changes, coalesced like view diffs.
   */
  async openTally(
    spec: TallyViewSpec,
    post: (result: TallyResult) => void,
    owner = 'local'
  ): Promise<number> {
    const info = await this.start();
    const tally = new Tally({
      filter: { ...spec.filter, namespaces: spec.namespaces ?? spec.filter?.namespaces },
      groupBy: spec.groupBy,
      sums: spec.sums
    });
    const informers = this.attach(spec, info, tally, true);
    const scheduler = new ViewScheduler<TallyResult>(
      tally,
      post,
      { intervalMs: Math.max(500, this.options.viewIntervalMs ?? 0) },
      () => 0
    );
    const id = this.nextView++;
    this.tallies.set(id, { owner, spec, tally, scheduler, informers });
    scheduler.flushNow();
    return id;
  }

  /** The cluster's `/version` (gitVersion, platform), or an error message when it does not answer. */
  async clusterVersion(cluster: string): Promise<ClusterVersion> {
    await this.start();
    if (!this.clusters.has(cluster)) return { error: `unknown cluster "${cluster}"` };
    const h = this.health!.get(cluster);
    const answer = h?.reachable === undefined ? await this.health!.probe(cluster) : h;
    return answer.reachable
      ? { gitVersion: answer.gitVersion, platform: answer.platform }
      : { error: answer.error ?? 'not reachable' };
  }

  /** The clusters as configured and as last probed, in configuration order. */
  async clusterStatus(): Promise<{ info: EngineInfo; health: ClusterHealth[] }> {
    const info = await this.start();
    return {
      info,
      health: info.clusters.map((c) => this.health?.get(c) ?? { cluster: c, reachable: undefined })
    };
  }

  closeTally(id: number): void {
    const t = this.tallies.get(id);
    if (!t) return;
    this.tallies.delete(id);
    t.scheduler.dispose();
    for (const { informer, unsubscribe } of t.informers) {
      unsubscribe();
      this.registry?.release(informer, true);
    }
  }

  /** A view's informers; a Namespaces view also gets per-namespace counts joined into its rows. */
  private attachView(spec: ViewSpec, info: EngineInfo, view: View, visible: boolean): Attached[] {
    const r = spec.resource;
    if (spec.latest) return this.attach(spec, info, new LatestPerGroup(spec.latest, view), visible);
    // Pods, nodes, workloads and namespaces get live usage joined in (src/lib/metrics).
    const target = this.metrics.join(r, view, visible, spec.metrics ?? true);
    if (r.group !== '' || r.plural !== 'namespaces') return this.attach(spec, info, target, visible);
    const stats = new NamespaceStats(target);
    const attached = this.attach(spec, info, stats, visible);
    for (const { informer } of [...attached]) {
      const cluster = informer.spec.cluster;
      for (const stat of NAMESPACE_STATS) {
        const tally = stats.tally(stat, cluster);
        attached.push(...this.attach({ resource: stat.resource, clusters: [cluster] }, info, tally, visible));
      }
    }
    return attached;
  }

  /** Subscribes `sink` to one informer per cluster the spec names. */
  private attach(
    spec: Pick<ViewSpec, 'resource' | 'clusters' | 'namespaces' | 'labelSelector'>,
    info: EngineInfo,
    sink: RowSink,
    visible: boolean
  ): Attached[] {
    const registry = this.registry!;
    const clusters = spec.clusters?.length
      ? spec.clusters.filter((c) => this.clusters.has(c))
      : info.clusters;
    const namespace =
      spec.resource.namespaced && spec.namespaces?.length === 1 ? spec.namespaces[0] : undefined;
    return clusters.map((cluster) => {
      const informer = registry.acquire(
        { cluster, resource: spec.resource, namespace, labelSelector: spec.labelSelector },
        visible
      );
      return { informer, ...this.access.feed(informer, sink, visible) };
    });
  }

  private guard: AccessGuard | undefined;

  /** Permissions: SelfSubjectAccessReview answers cached for the permission TTL, re-checked every TTL. */
  private get access(): AccessGuard {
    this.guard ??= new AccessGuard({
      reviewer: new AccessReviewer({
        transport: (cluster) => this.clusters.get(cluster)?.transport('direct'),
        ttlMs: () => this.settings.permissionTtlMs ?? DEFAULT_PERMISSION_TTL_MS,
        clock: this.options.clock
      }),
      registry: () => this.registry
    });
    return this.guard;
  }

  /**
   * May the user `verb` the resource in `namespace` (all namespaces when undefined)? From the
   * answers cached for the permission TTL; 'unknown' when the cluster does not answer reviews.
   */
  async can(
    cluster: string,
    verb: string,
    resource: { group: string; resource: string },
    namespace?: string
  ): Promise<AccessVerdict> {
    await this.start();
    if (!this.clusters.has(cluster)) return 'unknown';
    const q = { cluster, verb, group: resource.group, resource: resource.resource, namespace };
    return (await this.access.reviewer.check(q)).answer;
  }

  /** Asks every permission again now, as the periodic re-check does (revoked streams stop, granted ones start). */
  async recheckPermissions(): Promise<void> {
    await this.start();
    await this.access.recheckAll();
  }

  /** How long permission answers are trusted from now on (the settings page). */
  setPermissionTtl(ms: number): void {
    this.settings = { ...this.settings, permissionTtlMs: ms };
    this.access.reschedule();
  }

  private metricsHub: MetricsHub | undefined;
  private metricsSubscriptions = new Map<number, { owner: string; close: () => void }>();

  /** Live metrics (metrics.k8s.io polls, joins, history), made on first use. */
  private get metrics(): MetricsHub {
    this.metricsHub ??= new MetricsHub({
      transport: (cluster) => this.clusters.get(cluster)?.transport('direct'),
      defaultIntervalMs: () => this.settings.metricsIntervalMs,
      clock: this.options.clock,
      cache: this.options.metricsCache,
      // Workload usage sums the usage of its pods: a pods informer tells which pods are whose.
      watchPods: (cluster, sink) => {
        if (!this.info || !this.clusters.has(cluster)) return () => {};
        const attached = this.attach(
          { resource: builtinResource('pods'), clusters: [cluster] },
          this.info,
          sink,
          false
        );
        return () => {
          for (const { informer, unsubscribe } of attached) {
            unsubscribe();
            this.registry?.release(informer, false);
          }
        };
      }
    });
    return this.metricsHub;
  }

  /** How often metrics.k8s.io is polled from now on (the settings page). */
  setMetricsInterval(ms: number): void {
    this.metrics.setInterval(ms);
  }

  /** One object's usage and recent history (details pages), or a cluster's (`kindId: 'cluster'`), live. */
  async openMetrics(
    spec: MetricsSpec,
    post: (update: MetricsUpdate) => void,
    owner = 'local'
  ): Promise<number> {
    await this.start();
    const id = this.nextView++;
    this.metricsSubscriptions.set(id, { owner, close: this.metrics.subscribe(spec, post) });
    return id;
  }

  closeMetrics(id: number): void {
    this.metricsSubscriptions.get(id)?.close();
    this.metricsSubscriptions.delete(id);
  }

  closeView(id: number): void {
    const v = this.views.get(id);
    if (!v) return;
    this.views.delete(id);
    v.scheduler.dispose();
    this.metricsHub?.release(v.view);
    for (const { informer, unsubscribe } of v.informers) {
      unsubscribe();
      this.registry?.release(informer, v.visible);
    }
  }

  /** One full object, watched by name while a detail view shows it. */
  async openObject(ref: ObjectRef, post: (update: ObjectUpdate) => void, owner = 'local'): Promise<number> {
    await this.start();
    const connection = this.clusters.get(ref.cluster);
    if (!connection) throw new Error(`unknown cluster "${ref.cluster}"`);
    const watch = new ObjectWatch({
      ref,
      connection,
      budget: this.registry!.budget,
      post,
      reflector: this.options.reflector as ObjectWatch['options']['reflector']
    });
    const id = this.nextView++;
    this.objects.set(id, { owner, watch });
    watch.start();
    return id;
  }

  closeObject(id: number): void {
    this.objects.get(id)?.watch.stop();
    this.objects.delete(id);
  }

  /** A tab closed: its views go. */
  closeOwner(owner: string): void {
    for (const v of [...this.views.values()]) if (v.owner === owner) this.closeView(v.id);
    for (const [id, t] of [...this.tallies]) if (t.owner === owner) this.closeTally(id);
    for (const [id, o] of [...this.objects]) if (o.owner === owner) this.closeObject(id);
    for (const [id, l] of [...this.logStreams]) if (l.owner === owner) this.closeLogs(id);
    for (const [id, m] of [...this.metricsSubscriptions]) if (m.owner === owner) this.closeMetrics(id);
    this.setOwnerVisible(owner, false);
  }

  /**
   * Tabs tell the engine when they are shown and hidden. With every tab hidden for a while the
   * engine closes its watches; the first tab shown again resumes them from their resourceVersions.
   */
  setOwnerVisible(owner: string, visible: boolean): void {
    if (visible) this.visibleOwners.add(owner);
    else this.visibleOwners.delete(owner);
    this.health?.setRunning(this.visibleOwners.size > 0 || this.options.probeWhileHidden === true);
    // Metrics are polled only while some tab is shown.
    this.metricsHub?.setPaused(this.visibleOwners.size === 0);
    if (this.visibleOwners.size === 0) void this.metricsHub?.flush();
    if (this.visibleOwners.size > 0) {
      if (this.hiddenTimer) clearTimeout(this.hiddenTimer);
      this.hiddenTimer = undefined;
      this.registry?.resume();
      return;
    }
    void this.options.cache?.flushAll();
    this.hiddenTimer ??= setTimeout(() => this.registry?.suspend(), this.options.hiddenCloseMs ?? 5 * 60_000);
  }

  private discoveryCache: DiscoveryCache | undefined;

  /** Every resource the clusters (or one cluster) serve, from the discovery cache (refreshed when stale). */
  async resources(cluster?: string): Promise<DiscoveredResource[]> {
    return (await this.discovery(false, cluster)).flatMap((d) => d.resources);
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

  /** Names, namespaces, kinds and labels of every row the informers hold, plus discovered kinds. */
  search(query: string, limit: number): SearchResult[] {
    const kinds = new Map<string, SearchKind>();
    for (const d of this.discoveryCache?.cached() ?? []) {
      for (const r of d.resources) {
        if (!isBrowsable(r)) continue;
        const k = kinds.get(r.id);
        if (k) k.clusters.push(r.cluster);
        else
          kinds.set(r.id, {
            kindId: r.id,
            kind: r.kind,
            plural: r.plural,
            shortNames: r.shortNames,
            clusters: [r.cluster]
          });
      }
    }
    const sources = (this.registry?.informers() ?? []).map((i) => ({
      kindId: kindIdOf(i.spec.resource),
      kind: i.spec.resource.kind,
      // Copied only when the scan gets there (it stops early on enough exact matches).
      get rows() {
        return i.store.items();
      }
    }));
    return searchRows(sources, kinds.values(), query, limit);
  }

  /** Every row of an open view that matches its filter, in its sort order (CSV export). */
  exportView(id: number): Row[] {
    return this.views.get(id)?.view.sortedRows() ?? [];
  }

  private logStreams = new Map<number, { owner: string; stream: LogStream }>();

  /** One container's log, live: `post` gets batches of new lines and the stream's state. */
  async openLogs(spec: LogSpec, post: (update: LogUpdate) => void, owner = 'local'): Promise<number> {
    await this.start();
    const connection = this.clusters.get(spec.cluster);
    if (!connection) throw new Error(`unknown cluster "${spec.cluster}"`);
    const stream = new LogStream({
      spec,
      connection,
      budget: this.registry!.budget,
      post,
      clock: this.options.clock
    });
    const id = this.nextView++;
    this.logStreams.set(id, { owner, stream });
    stream.start();
    return id;
  }

  closeLogs(id: number): void {
    this.logStreams.get(id)?.stream.stop();
    this.logStreams.delete(id);
  }

  telemetry(): EngineTelemetry {
    const now = this.options.clock?.now() ?? Date.now();
    const streams = (this.registry?.informers() ?? []).map((i) => {
      const t = i.telemetry();
      const last = this.lastEvents.get(t.key);
      // A resumed stream starts counting from 0 again: then everything it counted is new.
      const delta = last && t.events >= last.events ? t.events - last.events : t.events;
      const eventsPerSecond = last && now > last.at ? (delta * 1000) / (now - last.at) : 0;
      this.lastEvents.set(t.key, { at: now, events: t.events });
      const fallbackNamespaces = this.guard?.fallbackNamespaces(t.key);
      return { ...t, eventsPerSecond, ...(fallbackNamespaces ? { fallbackNamespaces } : {}) };
    });
    return {
      at: now,
      mode: this.info?.mode ?? 'starting',
      streams,
      budget: this.registry?.budget.snapshot() ?? [],
      memory: engineMemory(this.registry?.informers() ?? []),
      clusters: (this.info?.details ?? []).map(({ name, ...rest }) => ({
        ...rest,
        ...(this.health?.get(name) ?? { reachable: undefined }),
        cluster: name
      })),
      cache: this.options.cache?.stats(),
      views: this.views.size,
      suspended: this.registry?.suspended ?? false,
      access: this.guard?.reviewer.answers() ?? [],
      metrics: this.metricsHub?.telemetry() ?? []
    };
  }

  /** Retry every parked stream now (forbidden, unauthorized, error, backing off), and ask every cluster's health. */
  retryAll(): void {
    for (const i of this.registry?.informers() ?? []) i.retryNow();
    for (const c of this.clusters.keys()) void this.health?.probe(c);
    // Permissions too: a namespace fallback asks its rules again.
    void this.guard?.recheckAll();
  }

  stop(): void {
    for (const id of [...this.views.keys()]) this.closeView(id);
    for (const id of [...this.tallies.keys()]) this.closeTally(id);
    for (const id of [...this.objects.keys()]) this.closeObject(id);
    for (const id of [...this.logStreams.keys()]) this.closeLogs(id);
    this.guard?.stop();
    this.metricsHub?.dispose();
    this.registry?.dispose();
    this.health?.dispose();
    this.clusters.dispose();
    if (this.hiddenTimer) clearTimeout(this.hiddenTimer);
  }

  private async connect({ apiBaseUrl, clusters }: StartOptions): Promise<EngineInfo> {
    this.registry = new InformerRegistry({
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
    this.health = new HealthMonitor({
      connection: (c) => this.clusters.get(c),
      clock: this.options.clock,
      everyMs: this.options.healthEveryMs,
      retryMs: this.options.healthRetryMs,
      // Back after an outage: its streams reconnect now rather than after their backoff.
      onRecovered: (c) => {
        for (const i of this.registry?.informers() ?? []) if (i.spec.cluster === c) i.retryNow();
      }
    });
    this.health.setRunning(this.visibleOwners.size > 0 || this.options.probeWhileHidden === true);
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
    this.info = this.apply(clusters);
    this.started = Promise.resolve(this.info);
    return this.info;
  }

  private apply(configs: ClusterConfig[]): EngineInfo {
    const { details, gone } = this.clusters.apply(configs);
    const demos = details.filter((d) => d.demo).length;
    const info: EngineInfo = {
      mode: demos === details.length ? 'demo' : demos === 0 ? 'cluster' : 'mixed',
      clusters: details.map((d) => d.name),
      details
    };
    if (this.info) this.reattach(info, gone);
    return info;
  }

  /** Views and tallies of all clusters follow a new cluster list; rows of kept clusters stay. */
  private reattach(info: EngineInfo, gone: string[]): void {
    this.info = info;
    // Views of every cluster, and views of a cluster that left or was replaced, follow the list.
    const follows = (clusters: string[] | undefined) =>
      !clusters?.length || clusters.some((c) => gone.includes(c));
    /**
     * Old subscriptions end and the rows of clusters that left go first (a replaced cluster's new
     * informer has the old key); the new informers are acquired before the kept ones are released,
     * so a kept informer never drops to no user (and is never restarted).
     */
    const swap = (old: Attached[], sink: RowSink, visible: boolean, attachNew: () => Attached[]) => {
      for (const { unsubscribe } of old) unsubscribe();
      for (const { informer } of old)
        if (gone.includes(informer.spec.cluster)) sink.replaceSource(informer.key, []);
      const next = attachNew();
      for (const { informer } of old)
        if (!gone.includes(informer.spec.cluster)) this.registry?.release(informer, visible);
      return next;
    };
    for (const v of this.views.values()) {
      if (!follows(v.spec.clusters)) continue;
      v.informers = swap(v.informers, v.view, v.visible, () =>
        this.attachView(v.spec, info, v.view, v.visible)
      );
    }
    for (const t of this.tallies.values()) {
      if (!follows(t.spec.clusters)) continue;
      t.informers = swap(t.informers, t.tally, true, () => this.attach(t.spec, info, t.tally, true));
    }
  }
}
