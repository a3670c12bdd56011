/**
 * The engine's metrics: one ClusterMetrics (poller, latest usage, sums) per cluster, created when
 * something first needs it, the shared history, the joins in front of views, and subscriptions for
 * details pages and the overview. Polls run only while a visible view or subscription needs a
 * cluster's metrics and some tab is shown.
 */
import type { RowSink } from '../watch/row';
import { rowKey } from '../watch/row';
import type { Transport } from '../watch/transport';
import { ClusterMetrics } from './cluster-metrics';
import { MetricsHistory } from './history';
import type { HistoryStore } from './history-cache';
import { MetricsJoin } from './join';
import { systemTimers, type Timers } from './poller';
import { familyOf, kindIdOfRef, type MetricsSpec, type MetricsTelemetry, type MetricsUpdate } from './types';
import type { ResourceRef } from '../kube/types';
import type { Clock } from '../kube/clock';

export const DEFAULT_METRICS_INTERVAL_MS = 10_000;
/** The shortest interval accepted (tests use short ones; the settings page offers seconds). */
const MIN_INTERVAL_MS = 10;
/** Histories not sampled for this long are dropped (deleted pods). */
const KEEP_HISTORY_MS = 60 * 60_000;
/**
 * At most one history write to IndexedDB per this many ms (a large cluster's history is a few MB),
 * and one when every tab is hidden (`flush`).
 */
const SAVE_EVERY_MS = 120_000;

export interface MetricsHubOptions {
  /** The cluster's transport for short GETs (no budget slot), undefined for an unknown cluster. */
  transport: (cluster: string) => Transport | undefined;
  /** The interval the engine was started with. */
  defaultIntervalMs: () => number | undefined;
  /** Feeds `sink` from a pods informer of `cluster` (workload sums) until the returned function is called. */
  watchPods?: (cluster: string, sink: RowSink) => () => void;
  clock?: Clock;
  timers?: Timers;
  cache?: HistoryStore;
  /**
   * What a cluster is known by (its API URL, or `demo:NAME`): its history is stored under that and
   * restored only for a cluster of the same name and identity, so "prod" at one URL never shows the
   * history of a "prod" at another. Without it (tests), by name.
   */
  identity?: (cluster: string) => string | undefined;
}

export class MetricsHub {
  readonly history = new MetricsHistory();
  private readonly clusters = new Map<string, ClusterMetrics>();
  private readonly joins = new Map<RowSink, MetricsJoin>();
  private intervalOverride: number | undefined;
  private paused = false;
  private saveTimer: unknown;
  private savedRevision = 0;
  private readonly clock: Clock;
  private readonly timers: Timers;

  constructor(private readonly options: MetricsHubOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.timers = options.timers ?? systemTimers;
    const identity = options.identity;
    void options.cache
      ?.load(identity && ((cluster, id) => id !== undefined && identity(cluster) === id))
      .then((entries) => {
        this.history.restore(entries, this.clock.now());
        this.savedRevision = this.history.revision;
      })
      .catch(() => {});
  }

  get intervalMs(): number {
    return this.intervalOverride ?? this.options.defaultIntervalMs() ?? DEFAULT_METRICS_INTERVAL_MS;
  }

  /** The user changed the interval (settings page): every poller follows. */
  setInterval(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) return;
    this.intervalOverride = Math.max(MIN_INTERVAL_MS, ms);
    for (const c of this.clusters.values()) c.poller.intervalChanged();
  }

  /** No tab is shown: no polls (values stay); shown again: polls resume. */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    for (const c of this.clusters.values()) c.update();
  }

  cluster(name: string): ClusterMetrics {
    let c = this.clusters.get(name);
    if (!c) {
      const watchPods = this.options.watchPods;
      c = new ClusterMetrics({
        cluster: name,
        history: this.history,
        transport: () => this.options.transport(name),
        intervalMs: () => this.intervalMs,
        clock: this.clock,
        timers: this.timers,
        paused: () => this.paused,
        watchPods: watchPods && ((sink) => watchPods(name, sink))
      });
      c.listen((change) => change.type === 'all' && this.polled());
      this.clusters.set(name, c);
    }
    return c;
  }

  /**
   * The sink a view's informers feed: a join that adds usage for pods, nodes, namespaces and
   * workloads, or `target` itself for other kinds (or when `enabled` is false).
   */
  join(resource: ResourceRef, target: RowSink, visible: boolean, enabled = true): RowSink {
    const kindId = kindIdOfRef(resource);
    const family = familyOf(kindId);
    // A view re-attached (the cluster list changed) gets a new join; the old one lets go.
    this.release(target);
    if (!family || !enabled) return target;
    const join = new MetricsJoin(target, kindId, family, (c) => this.cluster(c), visible);
    this.joins.set(target, join);
    return join;
  }

  setVisible(target: RowSink, visible: boolean): void {
    this.joins.get(target)?.setVisible(visible);
  }

  release(target: RowSink): void {
    this.joins.get(target)?.close();
    this.joins.delete(target);
  }

  /** One object's (or a cluster's, kind id `cluster`) usage and history, live. */
  subscribe(spec: MetricsSpec, post: (update: MetricsUpdate) => void): () => void {
    const family = spec.kindId === 'cluster' ? 'cluster' : familyOf(spec.kindId);
    const metrics = this.cluster(spec.cluster);
    const key =
      spec.kindId === 'cluster' ? spec.cluster : rowKey(spec.cluster, spec.namespace, spec.name ?? '');
    const send = () =>
      post({
        state: metrics.poller.state,
        current: metrics.current(spec.kindId, key),
        series: metrics.series(spec.kindId, key),
        intervalMs: this.intervalMs
      });
    if (!family) {
      send();
      return () => {};
    }
    const interest = metrics.register({ family, visible: true });
    const off = metrics.listen(send);
    send();
    return () => {
      off();
      metrics.release(interest);
    };
  }

  /** A cluster left the configuration: its polls stop and its values go. */
  dropCluster(name: string): void {
    this.clusters.get(name)?.dispose();
    this.clusters.delete(name);
    // A cluster of that name may come back at another URL: it must not inherit this history.
    this.history.forget(historyPrefixes(name));
  }

  telemetry(): MetricsTelemetry[] {
    return [...this.clusters.values()].map((c) => c.telemetry());
  }

  /** Writes the history now (every tab hidden: the page may be closed next). */
  flush(): Promise<void> {
    if (this.saveTimer !== undefined) this.timers.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    return this.save();
  }

  dispose(): void {
    if (this.saveTimer !== undefined) this.timers.clearTimeout(this.saveTimer);
    for (const j of this.joins.values()) j.close();
    this.joins.clear();
    for (const c of this.clusters.values()) c.dispose();
    this.clusters.clear();
  }

  private polled(): void {
    this.history.prune(this.clock.now() - KEEP_HISTORY_MS);
    if (!this.options.cache || this.saveTimer !== undefined) return;
    this.saveTimer = this.timers.setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, SAVE_EVERY_MS);
  }

  private async save(): Promise<void> {
    const cache = this.options.cache;
    if (!cache || this.history.revision === this.savedRevision) return;
    this.savedRevision = this.history.revision;
    const now = this.clock.now();
    for (const name of this.clusters.keys()) {
      const identity = this.options.identity?.(name);
      await cache.save(name, this.history.entries(historyPrefixes(name)), now, identity).catch(() => {});
    }
  }
}

/** Cluster `name`'s histories: every id whose key starts with `name/`, and its cluster total. */
function historyPrefixes(name: string): (id: string) => boolean {
  return (id) => id === `cluster|${name}` || id.slice(id.indexOf('|') + 1).startsWith(`${name}/`);
}
