/**
 * NamespaceStats joins per-namespace counts into the rows of a Namespaces view: pods, pods that are
 * not healthy, workloads and Warning events. Each count is an engine Tally grouped by namespace, fed
 * by the same shared informers the other views use; when a count changes, only the rows of the
 * namespaces whose numbers moved are re-sent to the view, so the columns sort and filter like any
 * other cell and a namespace event never costs a rescan.
 */
import { builtinResource } from '../kinds/catalog';
import { Tally, type TallyResult, type TallySpec } from '../view/tally';
import type { Cell, Row } from '../watch/row';
import { RowJoin } from '../view/row-join';
import type { ResourceRef } from '../kube/types';

export interface StatSource {
  /** The cell the count lands in. */
  cell: string;
  resource: ResourceRef;
  spec: Omit<TallySpec, 'groupBy'>;
  /** Sum this column instead of counting rows. */
  sum?: string;
}

/** The counts a namespace row gets; the catalog's Namespaces columns name these cells. */
export const NAMESPACE_STATS: StatSource[] = [
  { cell: 'pods', resource: builtinResource('pods'), spec: {} },
  { cell: 'unhealthy', resource: builtinResource('pods'), spec: { sums: ['unhealthy'] }, sum: 'unhealthy' },
  { cell: 'deployments', resource: builtinResource('deployments.apps'), spec: {} },
  { cell: 'statefulsets', resource: builtinResource('statefulsets.apps'), spec: {} },
  { cell: 'daemonsets', resource: builtinResource('daemonsets.apps'), spec: {} },
  { cell: 'cronjobs', resource: builtinResource('cronjobs.batch'), spec: {} },
  {
    cell: 'warnings',
    resource: builtinResource('events'),
    spec: { filter: { fields: [{ column: 'type', op: '=', value: 'Warning' }] } }
  }
];

/** Workload kinds summed into the `workloads` cell. */
const WORKLOAD_CELLS = ['deployments', 'statefulsets', 'daemonsets', 'cronjobs'];

export class NamespaceStats extends RowJoin {
  /** Counts by stat cell, then by `cluster/namespace`. */
  private readonly counts = new Map<string, Map<string, number>>();

  /** A Tally for one stat in one cluster; wire its input to the stat's informer. */
  tally(stat: StatSource, cluster: string): Tally {
    const tally = new Tally({ ...stat.spec, groupBy: 'namespace' });
    const flush = () => queueMicrotask(() => this.apply(stat, cluster, tally.flush()));
    tally.onDirty(flush);
    // A new tally is dirty until its first flush, so no change would call the listener before it.
    flush();
    return tally;
  }

  private apply(stat: StatSource, cluster: string, result: TallyResult | null): void {
    if (!result) return;
    let counts = this.counts.get(stat.cell);
    if (!counts) this.counts.set(stat.cell, (counts = new Map()));
    const changed = new Set<string>();
    const prefix = `${cluster}/`;
    for (const [key, n] of counts) {
      if (key.startsWith(prefix) && !(key.slice(prefix.length) in result.groups)) {
        counts.delete(key);
        if (n !== 0) changed.add(key);
      }
    }
    for (const [namespace, group] of Object.entries(result.groups)) {
      const key = prefix + namespace;
      const n = stat.sum ? (group.sums[stat.sum] ?? 0) : group.count;
      if (counts.get(key) !== n) changed.add(key);
      counts.set(key, n);
    }
    for (const key of changed) {
      // A namespace row's key is `cluster//name` (namespaces are cluster-scoped).
      const [c, namespace] = [key.slice(0, cluster.length), key.slice(prefix.length)];
      this.resend(`${c}//${namespace}`);
    }
  }

  protected merge(row: Row): Row {
    const at = `${row.cluster}/${row.name}`;
    const cells: Record<string, Cell> = { ...row.cells };
    let workloads = 0;
    for (const stat of NAMESPACE_STATS) {
      const n = this.counts.get(stat.cell)?.get(at) ?? 0;
      cells[stat.cell] = n;
      if (WORKLOAD_CELLS.includes(stat.cell)) workloads += n;
    }
    cells.workloads = workloads;
    return { ...row, cells };
  }
}
