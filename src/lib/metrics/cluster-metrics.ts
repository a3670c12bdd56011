/**
 * One cluster's live metrics: the poller, the latest usage of every pod and node, sums per
 * namespace, per workload and for the whole cluster, and what views and subscribers need. Every
 * answered poll records history and tells the listeners (joins, subscriptions) to re-merge.
 */
import type { Cell, Row, RowSink } from '../watch/row';
import { rowKey } from '../watch/row';
import { historyId, type MetricsHistory } from './history';
import { PodIndex } from './pod-index';
import { MetricsPoller, type PollResult, type PollerOptions } from './poller';
import {
  RESOURCE_CELLS,
  USAGE_CELLS,
  type MetricsFamily,
  type MetricsTelemetry,
  type Sample,
  type Series
} from './types';
import { percentOf } from './units';

/** `all`: after a poll or a change of state; `workloads`: these workloads' pods changed. */
export type MetricsChange = { type: 'all' } | { type: 'workloads'; ids: Set<string> };

export interface Interest {
  family: MetricsFamily | 'cluster';
  visible: boolean;
}

export interface ClusterMetricsOptions extends Omit<PollerOptions, 'onResult' | 'onState'> {
  cluster: string;
  history: MetricsHistory;
  /** Feeds `sink` from a pods informer of the cluster until the returned function is called. */
  watchPods?: (sink: RowSink) => () => void;
  /** No tab is shown: poll nothing. */
  paused?: () => boolean;
}

export interface Aggregate extends Sample {
  cpuRequest: number | null;
  cpuLimit: number | null;
  memoryRequest: number | null;
  memoryLimit: number | null;
}

const num = (c: Cell | undefined): number | null => (typeof c === 'number' && Number.isFinite(c) ? c : null);

export class ClusterMetrics {
  readonly poller: MetricsPoller;
  readonly pods = new Map<string, Sample>();
  readonly nodes = new Map<string, Sample>();
  readonly namespaces = new Map<string, Sample>();
  total: Sample | undefined;
  private index: PodIndex | undefined;
  private releasePods: (() => void) | undefined;
  private readonly interests = new Set<Interest>();
  private readonly listeners = new Set<(change: MetricsChange) => void>();

  constructor(private readonly options: ClusterMetricsOptions) {
    this.poller = new MetricsPoller({
      ...options,
      onResult: (r) => this.ingest(r),
      onState: () => this.stateChanged()
    });
  }

  get name(): string {
    return this.options.cluster;
  }

  get stale(): boolean {
    return this.poller.state === 'stale';
  }

  listen(listener: (change: MetricsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something needs this cluster's metrics; change `visible` and call `update()`, or `release`. */
  register(interest: Interest): Interest {
    this.interests.add(interest);
    this.update();
    return interest;
  }

  release(interest: Interest): void {
    this.interests.delete(interest);
    this.update();
  }

  /** Recomputes what is polled and whether the pod index is needed. */
  update(): void {
    let pods = false;
    let nodes = false;
    let workloads = false;
    for (const i of this.interests) {
      if (i.family === 'workload') workloads = true;
      if (!i.visible) continue;
      if (i.family === 'node' || i.family === 'cluster') nodes = true;
      else pods = true;
    }
    if (workloads && !this.index && this.options.watchPods) {
      this.index = new PodIndex((ids) => this.emit({ type: 'workloads', ids }));
      this.releasePods = this.options.watchPods(this.index);
    } else if (!workloads && this.index) {
      this.releasePods?.();
      this.releasePods = undefined;
      this.index = undefined;
    }
    const paused = this.options.paused?.() ?? false;
    this.poller.setWants({ pods: pods && !paused, nodes: nodes && !paused });
  }

  /** A poll's answer: replaces the latest values, records history, tells the listeners. */
  ingest(result: PollResult): void {
    const { history } = this.options;
    const c = this.options.cluster;
    if (result.pods) {
      this.pods.clear();
      this.namespaces.clear();
      for (const p of result.pods) {
        const key = rowKey(c, p.namespace, p.name);
        const sample = { at: p.at, cpu: p.cpu, memory: p.memory };
        this.pods.set(key, sample);
        history.record(historyId('pods', key), sample, result.at);
        const nsKey = rowKey(c, '', p.namespace);
        const ns = this.namespaces.get(nsKey) ?? { at: result.at, cpu: 0, memory: 0 };
        ns.cpu += p.cpu;
        ns.memory += p.memory;
        this.namespaces.set(nsKey, ns);
      }
      for (const [key, s] of this.namespaces) history.record(historyId('namespaces', key), s, result.at);
      if (this.index) {
        for (const id of this.index.members.keys()) {
          const agg = this.sumOf(id);
          if (agg) history.record(id, { at: result.at, cpu: agg.cpu, memory: agg.memory });
        }
      }
    }
    if (result.nodes) {
      this.nodes.clear();
      const total = { at: result.at, cpu: 0, memory: 0 };
      for (const n of result.nodes) {
        const key = rowKey(c, '', n.name);
        const sample = { at: n.at, cpu: n.cpu, memory: n.memory };
        this.nodes.set(key, sample);
        history.record(historyId('nodes', key), sample, result.at);
        total.cpu += n.cpu;
        total.memory += n.memory;
      }
      this.total = total;
      history.record(historyId('cluster', c), total);
    }
    this.emit({ type: 'all' });
  }

  /** The usage of one object (or the cluster, kind id `cluster`) now. */
  current(kindId: string, key: string): Sample | undefined {
    if (kindId === 'pods') return this.pods.get(key);
    if (kindId === 'nodes') return this.nodes.get(key);
    if (kindId === 'namespaces') return this.namespaces.get(key);
    if (kindId === 'cluster') return this.total;
    return this.sumOf(historyId(kindId, key));
  }

  series(kindId: string, key: string): Series | undefined {
    return this.options.history.get(historyId(kindId, key))?.series();
  }

  /** The usage cells (and history) of a row of `family`, for the join. */
  cellsFor(
    family: MetricsFamily,
    kindId: string,
    row: Row
  ): { cells: Record<string, Cell>; series?: Series } {
    const cells: Record<string, Cell> = {};
    let sample: Sample | undefined;
    if (family === 'workload') {
      const agg = this.sumOf(historyId(kindId, row.key));
      sample = agg;
      cells[RESOURCE_CELLS.cpuRequest] = agg?.cpuRequest ?? null;
      cells[RESOURCE_CELLS.cpuLimit] = agg?.cpuLimit ?? null;
      cells[RESOURCE_CELLS.memoryRequest] = agg?.memoryRequest ?? null;
      cells[RESOURCE_CELLS.memoryLimit] = agg?.memoryLimit ?? null;
      this.percents(cells, agg, agg ?? {});
    } else if (family === 'pod') {
      sample = this.pods.get(row.key);
      this.percents(cells, sample, {
        cpuRequest: num(row.cells[RESOURCE_CELLS.cpuRequest]),
        cpuLimit: num(row.cells[RESOURCE_CELLS.cpuLimit]),
        memoryRequest: num(row.cells[RESOURCE_CELLS.memoryRequest]),
        memoryLimit: num(row.cells[RESOURCE_CELLS.memoryLimit])
      });
    } else if (family === 'node') {
      sample = this.nodes.get(row.key);
      cells[USAGE_CELLS.cpuAllocatablePct] = percentOf(
        sample?.cpu,
        num(row.cells[RESOURCE_CELLS.cpuAllocatable])
      );
      cells[USAGE_CELLS.memoryAllocatablePct] = percentOf(
        sample?.memory,
        num(row.cells[RESOURCE_CELLS.memoryAllocatable])
      );
    } else {
      sample = this.namespaces.get(row.key);
    }
    cells[USAGE_CELLS.cpu] = sample?.cpu ?? null;
    cells[USAGE_CELLS.memory] = sample?.memory ?? null;
    cells[USAGE_CELLS.stale] = sample ? this.stale : null;
    cells[USAGE_CELLS.at] = sample?.at ?? null;
    const series = sample ? this.series(kindId, row.key) : undefined;
    return series ? { cells, series } : { cells };
  }

  telemetry(): MetricsTelemetry {
    const p = this.poller;
    return {
      cluster: this.options.cluster,
      state: p.state,
      polling: p.polling,
      polled: p.polled(),
      intervalMs: this.options.intervalMs(),
      lastPollAt: p.lastPollAt,
      lastSuccessAt: p.lastSuccessAt,
      nextPollAt: p.nextPollAt,
      errors: p.errors,
      consecutiveFailures: p.consecutiveFailures,
      lastError: p.lastError,
      pods: this.pods.size,
      nodes: this.nodes.size
    };
  }

  dispose(): void {
    this.poller.stop();
    this.releasePods?.();
    this.releasePods = undefined;
    this.index = undefined;
    this.listeners.clear();
    this.interests.clear();
  }

  private percents(
    cells: Record<string, Cell>,
    usage: Sample | undefined,
    r: Partial<Pick<Aggregate, 'cpuRequest' | 'cpuLimit' | 'memoryRequest' | 'memoryLimit'>>
  ): void {
    cells[USAGE_CELLS.cpuRequestPct] = percentOf(usage?.cpu, r.cpuRequest);
    cells[USAGE_CELLS.cpuLimitPct] = percentOf(usage?.cpu, r.cpuLimit);
    cells[USAGE_CELLS.memoryRequestPct] = percentOf(usage?.memory, r.memoryRequest);
    cells[USAGE_CELLS.memoryLimitPct] = percentOf(usage?.memory, r.memoryLimit);
  }

  /** A workload's usage: the sum over its pods that have metrics, with their requests and limits. */
  private sumOf(id: string): Aggregate | undefined {
    const members = this.index?.members.get(id);
    if (!members) return undefined;
    let agg: Aggregate | undefined;
    for (const key of members) {
      const s = this.pods.get(key);
      const pod = this.index!.pods.get(key);
      if (!s || !pod) continue;
      agg ??= { at: 0, cpu: 0, memory: 0, cpuRequest: 0, cpuLimit: 0, memoryRequest: 0, memoryLimit: 0 };
      agg.at = Math.max(agg.at, s.at);
      agg.cpu += s.cpu;
      agg.memory += s.memory;
      agg.cpuRequest! += pod.cpuRequest ?? 0;
      agg.memoryRequest! += pod.memoryRequest ?? 0;
      // One pod without a limit: the workload as a whole has none.
      agg.cpuLimit = agg.cpuLimit === null || pod.cpuLimit === null ? null : agg.cpuLimit + pod.cpuLimit;
      agg.memoryLimit =
        agg.memoryLimit === null || pod.memoryLimit === null ? null : agg.memoryLimit + pod.memoryLimit;
    }
    if (agg) {
      if (agg.cpuRequest === 0) agg.cpuRequest = null;
      if (agg.memoryRequest === 0) agg.memoryRequest = null;
    }
    return agg;
  }

  private lastState = 'idle';

  private stateChanged(): void {
    const state = this.poller.state;
    if (state === this.lastState) return;
    this.lastState = state;
    // Stale or fresh again: every row's mark changes.
    this.emit({ type: 'all' });
  }

  private emit(change: MetricsChange): void {
    for (const l of this.listeners) l(change);
  }
}
