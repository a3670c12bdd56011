/**
 * MetricsJoin sits between a view's informers and the View (like NamespaceStats): it keeps each
 * object's row as the informer sent it and, apart, the cluster's latest usage, and merges the two
 * on the way out. So a watch event never wipes usage (its row is merged with the current usage),
 * and a poll never wipes object fields (it re-merges the rows it keeps). After a poll every row of
 * that cluster is re-sent per source, which the View applies as one batch.
 */
import type { Row, RowSink } from '../watch/row';
import { RowJoin } from '../view/row-join';
import type { ClusterMetrics, Interest, MetricsChange } from './cluster-metrics';
import type { MetricsFamily } from './types';

export class MetricsJoin extends RowJoin {
  private readonly clusters = new Map<
    string,
    { metrics: ClusterMetrics; interest: Interest; off: () => void }
  >();
  private visible: boolean;
  private closed = false;

  constructor(
    target: RowSink,
    readonly kindId: string,
    private readonly family: MetricsFamily,
    private readonly metricsOf: (cluster: string) => ClusterMetrics,
    visible: boolean
  ) {
    super(target);
    this.visible = visible;
  }

  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    for (const { metrics, interest } of this.clusters.values()) {
      interest.visible = visible;
      metrics.update();
    }
  }

  close(): void {
    this.closed = true;
    for (const { metrics, interest, off } of this.clusters.values()) {
      off();
      metrics.release(interest);
    }
    this.clusters.clear();
  }

  /** The row as the view gets it: the object's fields and cells, then the usage cells. */
  protected merge(row: Row): Row {
    const metrics = this.follow(row.cluster);
    const { cells, series } = metrics.cellsFor(this.family, this.kindId, row);
    const merged: Row = { ...row, cells: { ...row.cells, ...cells } };
    if (series) merged.series = series;
    else delete merged.series;
    return merged;
  }

  /** The cluster's metrics, registering this view's need of them on its first row there. */
  private follow(cluster: string): ClusterMetrics {
    const known = this.clusters.get(cluster);
    if (known) return known.metrics;
    const metrics = this.metricsOf(cluster);
    if (this.closed) return metrics;
    const interest = metrics.register({ family: this.family, visible: this.visible });
    const off = metrics.listen((change) => this.changed(cluster, change));
    this.clusters.set(cluster, { metrics, interest, off });
    return metrics;
  }

  private changed(cluster: string, change: MetricsChange): void {
    if (change.type === 'workloads') {
      if (this.family !== 'workload') return;
      for (const id of change.ids)
        if (id.startsWith(`${this.kindId}|`)) this.resend(id.slice(this.kindId.length + 1));
      return;
    }
    const bySource = new Map<string, Row[]>();
    const touched = new Set<string>();
    for (const { row, source } of this.base.values()) {
      if (row.cluster === cluster) touched.add(source);
      let rows = bySource.get(source);
      if (!rows) bySource.set(source, (rows = []));
      rows.push(row);
    }
    for (const source of touched) {
      this.target.replaceSource(
        source,
        bySource.get(source)!.map((r) => this.merge(r))
      );
    }
  }
}
