/**
 * The view service: live queries (Views) and aggregates (Tallies) over the informers of the
 * running clusters. Each gets its informers through the ClusterLifecycle, a scheduler that posts
 * coalesced diffs, and (for views) the states of the streams that feed it, posted with its diffs so
 * a table can say what is loading, forbidden or failing without asking for the engine's telemetry.
 */
import type { EngineInfo, TallyViewSpec, ViewSpec, ViewUpdate } from './api';
import type { Attached, ClusterLifecycle } from './lifecycle';
import { NAMESPACE_STATS, NamespaceStats } from './namespace-stats';
import { LatestPerGroup } from '../view/latest';
import { ViewScheduler } from '../view/scheduler';
import { Tally, type TallyResult } from '../view/tally';
import type { ViewStream, WindowDiff } from '../view/types';
import { View } from '../view/view';
import type { Row, RowSink } from '../watch/row';

interface OpenView {
  spec: ViewSpec;
  view: View;
  scheduler: ViewScheduler;
  /** The informers of the view's own resource (what its streams are). */
  primary: Attached[];
  /** Everything attached: the primary informers and the joins' (namespace counts). */
  informers: Attached[];
  visible: boolean;
}

interface OpenTally {
  spec: TallyViewSpec;
  tally: Tally;
  scheduler: ViewScheduler<TallyResult>;
  informers: Attached[];
}

const REFUSED = new Set(['forbidden', 'unauthorized', 'error']);

/** How often the streams behind open views are looked at for a change of state. */
const STREAM_STATES_EVERY_MS = 250;

export interface ViewServiceOptions {
  /** Coalescing interval of view diffs. Default 100 ms (adaptive up to 500 ms). */
  viewIntervalMs?: number;
}

export class ViewService {
  private views = new Map<number, OpenView>();
  private tallies = new Map<number, OpenTally>();
  private streamTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly clusters: ClusterLifecycle,
    private readonly options: ViewServiceOptions = {}
  ) {
    clusters.onReconfigured = (info, gone) => this.reattach(info, gone);
  }

  get openViews(): number {
    return this.views.size;
  }

  /** Opens a view under `id`; `post` receives window diffs: a reset first, then coalesced patches. */
  async openView(id: number, spec: ViewSpec, post: (diff: WindowDiff) => void): Promise<() => void> {
    const info = await this.clusters.start();
    const visible = spec.visible ?? true;
    const view = new View({
      filter: { ...spec.filter, namespaces: spec.namespaces ?? spec.filter?.namespaces },
      sort: spec.sort,
      window: spec.window
    });
    const scheduler = new ViewScheduler(view, post, { intervalMs: this.options.viewIntervalMs });
    const { primary, informers } = this.attachView(spec, info, view, visible);
    const open: OpenView = { spec, view, scheduler, primary, informers, visible };
    this.views.set(id, open);
    this.postStreams(open);
    scheduler.flushNow();
    this.streamTimer ??= setInterval(() => {
      for (const v of this.views.values()) this.postStreams(v);
    }, STREAM_STATES_EVERY_MS);
    return () => this.closeView(id);
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
      this.clusters.maybeMetrics?.setVisible(v.view, update.visible);
      for (const { informer, setVisible } of v.informers) {
        this.clusters.registry.setVisible(informer, update.visible);
        setVisible?.(update.visible);
      }
    }
  }

  resetView(id: number): void {
    const v = this.views.get(id);
    if (!v) return;
    v.view.reset();
    v.scheduler.flushNow();
  }

  exportView(id: number): Row[] {
    return this.views.get(id)?.view.sortedRows() ?? [];
  }

  /** A live aggregate over the same informers views use; `post` gets the result at once and after changes. */
  async openTally(id: number, spec: TallyViewSpec, post: (result: TallyResult) => void): Promise<() => void> {
    const info = await this.clusters.start();
    const tally = new Tally({
      filter: { ...spec.filter, namespaces: spec.namespaces ?? spec.filter?.namespaces },
      groupBy: spec.groupBy,
      sums: spec.sums
    });
    const informers = this.clusters.feed(spec, tally, true, info);
    const scheduler = new ViewScheduler<TallyResult>(
      tally,
      post,
      { intervalMs: Math.max(500, this.options.viewIntervalMs ?? 0) },
      () => 0
    );
    this.tallies.set(id, { spec, tally, scheduler, informers });
    scheduler.flushNow();
    return () => this.closeTally(id);
  }

  dispose(): void {
    for (const id of [...this.views.keys()]) this.closeView(id);
    for (const id of [...this.tallies.keys()]) this.closeTally(id);
  }

  private closeView(id: number): void {
    const v = this.views.get(id);
    if (!v) return;
    this.views.delete(id);
    v.scheduler.dispose();
    this.clusters.maybeMetrics?.release(v.view);
    this.clusters.unfeed(v.informers, v.visible);
    if (this.views.size === 0 && this.streamTimer) {
      clearInterval(this.streamTimer);
      this.streamTimer = undefined;
    }
  }

  private closeTally(id: number): void {
    const t = this.tallies.get(id);
    if (!t) return;
    this.tallies.delete(id);
    t.scheduler.dispose();
    this.clusters.unfeed(t.informers, true);
  }

  /** The states of the streams feeding a view, handed to the view (it posts them when they change). */
  private postStreams(v: OpenView): void {
    const guard = this.clusters.maybeAccess;
    const r = v.spec.resource;
    const single = r.namespaced && v.spec.namespaces?.length === 1 ? v.spec.namespaces[0] : undefined;
    const streams: ViewStream[] = v.primary.map(({ informer: attached }) => {
      // A one-namespace view fed by a wide informer that was refused since is shown from the
      // namespace's own fallback stream: that one speaks for it.
      const informer =
        (single !== undefined &&
          attached.spec.namespace === undefined &&
          REFUSED.has(attached.telemetry().state) &&
          guard?.fallbackInformer(attached.key, single)) ||
        attached;
      const t = informer.telemetry();
      const fallbackNamespaces = guard?.fallbackNamespaces(t.key);
      return {
        cluster: t.cluster,
        key: t.key,
        state: t.state,
        scope: t.scope,
        rows: t.rows,
        ...(t.lastError !== undefined ? { lastError: t.lastError } : {}),
        ...(fallbackNamespaces ? { fallbackNamespaces } : {})
      };
    });
    streams.sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
    v.view.setStreams(streams);
  }

  /** A view's informers; a Namespaces view also gets per-namespace counts joined into its rows. */
  private attachView(
    spec: ViewSpec,
    info: EngineInfo,
    view: View,
    visible: boolean
  ): { primary: Attached[]; informers: Attached[] } {
    const r = spec.resource;
    const only = (primary: Attached[]) => ({ primary, informers: primary });
    if (spec.latest)
      return only(this.clusters.feed(spec, new LatestPerGroup(spec.latest, view), visible, info));
    // Pods, nodes, workloads and namespaces get live usage joined in (src/lib/metrics).
    const target = this.clusters.metrics.join(r, view, visible, spec.metrics ?? true);
    if (r.group !== '' || r.plural !== 'namespaces')
      return only(this.clusters.feed(spec, target, visible, info));
    const stats = new NamespaceStats(target);
    const primary = this.clusters.feed(spec, stats, visible, info);
    const informers = [...primary];
    for (const { informer } of primary) {
      const cluster = informer.spec.cluster;
      for (const stat of NAMESPACE_STATS) {
        const tally = stats.tally(stat, cluster);
        informers.push(
          ...this.clusters.feed({ resource: stat.resource, clusters: [cluster] }, tally, visible, info)
        );
      }
    }
    return { primary, informers };
  }

  /** Views and tallies of all clusters follow a new cluster list; rows of kept clusters stay. */
  private reattach(info: EngineInfo, gone: string[]): void {
    // Views of every cluster, and views of a cluster that left or was replaced, follow the list.
    const follows = (clusters: string[] | undefined) =>
      !clusters?.length || clusters.some((c) => gone.includes(c));
    /**
     * Old subscriptions end and the rows of clusters that left go first (a replaced cluster's new
     * informer has the old key); the new informers are acquired before the kept ones are released,
     * so a kept informer never drops to no user (and is never restarted).
     */
    const swap = <T>(old: Attached[], sink: RowSink, visible: boolean, attachNew: () => T) => {
      for (const { unsubscribe } of old) unsubscribe();
      for (const { informer } of old)
        if (gone.includes(informer.spec.cluster)) sink.replaceSource(informer.key, []);
      const next = attachNew();
      for (const { informer } of old)
        if (!gone.includes(informer.spec.cluster)) this.clusters.maybeRegistry?.release(informer, visible);
      return next;
    };
    for (const v of this.views.values()) {
      if (!follows(v.spec.clusters)) continue;
      const next = swap(v.informers, v.view, v.visible, () =>
        this.attachView(v.spec, info, v.view, v.visible)
      );
      v.primary = next.primary;
      v.informers = next.informers;
      this.postStreams(v);
    }
    for (const t of this.tallies.values()) {
      if (!follows(t.spec.clusters)) continue;
      t.informers = swap(t.informers, t.tally, true, () => this.clusters.feed(t.spec, t.tally, true, info));
    }
  }
}
