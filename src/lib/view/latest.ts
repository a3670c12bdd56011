/**
 * LatestPerGroup passes on only the newest row of each group: of all revisions of a Helm release
 * (one Secret each), the one with the highest revision, as `helm list` shows. It sits between
 * informers and a View; each event recomputes one group, which holds a handful of rows.
 */
import type { Row, RowSink } from '../watch/row';
import { columnGetter, compareCells, isMissing, type CellGetter } from './sort';
import type { Column } from './types';

export interface LatestSpec {
  /** Rows with equal values in these columns (and the same cluster) form a group. */
  group: Column[];
  /** The row with the largest value here is the group's latest; ties go to the larger key. */
  order: Column;
}

export class LatestPerGroup implements RowSink {
  private readonly groupGetters: CellGetter[];
  private readonly orderOf: CellGetter;
  /** group → row key → row and its source. */
  private readonly groups = new Map<string, Map<string, { row: Row; source: string }>>();
  private readonly groupOfKey = new Map<string, string>();
  /** group → the key of the row passed on. */
  private readonly shown = new Map<string, string>();

  constructor(
    spec: LatestSpec,
    private readonly target: RowSink
  ) {
    this.groupGetters = spec.group.map(columnGetter);
    this.orderOf = columnGetter(spec.order);
  }

  upsert(row: Row, source: string): void {
    const group = this.groupKey(row);
    const old = this.groupOfKey.get(row.key);
    if (old !== undefined && old !== group) this.leave(row.key, old);
    let members = this.groups.get(group);
    if (!members) this.groups.set(group, (members = new Map()));
    members.set(row.key, { row, source });
    this.groupOfKey.set(row.key, group);
    this.refresh(group, row.key);
  }

  remove(key: string): void {
    const group = this.groupOfKey.get(key);
    if (group !== undefined) this.leave(key, group);
  }

  replaceSource(source: string, rows: readonly Row[]): void {
    const incoming = new Set(rows.map((r) => r.key));
    for (const [key, group] of [...this.groupOfKey]) {
      const entry = this.groups.get(group)?.get(key);
      if (entry?.source === source && !incoming.has(key)) this.leave(key, group);
    }
    for (const row of rows) this.upsert(row, source);
  }

  private leave(key: string, group: string): void {
    const members = this.groups.get(group);
    members?.delete(key);
    this.groupOfKey.delete(key);
    if (members && members.size === 0) this.groups.delete(group);
    this.refresh(group, key);
  }

  /** Passes on the group's latest row when it changed; `touched` is the row that just changed. */
  private refresh(group: string, touched: string): void {
    const members = this.groups.get(group);
    let best: { row: Row; source: string } | undefined;
    for (const entry of members?.values() ?? []) if (!best || this.newer(entry.row, best.row)) best = entry;
    const shown = this.shown.get(group);
    if (shown !== undefined && shown !== best?.row.key) this.target.remove(shown);
    if (!best) {
      this.shown.delete(group);
      return;
    }
    this.shown.set(group, best.row.key);
    if (shown !== best.row.key || touched === best.row.key) this.target.upsert(best.row, best.source);
  }

  private newer(a: Row, b: Row): boolean {
    const va = this.orderOf(a);
    const vb = this.orderOf(b);
    if (isMissing(va) !== isMissing(vb)) return isMissing(vb);
    const c = isMissing(va) || isMissing(vb) ? 0 : compareCells(va, vb);
    return c !== 0 ? c > 0 : a.key > b.key;
  }

  private groupKey(row: Row): string {
    return JSON.stringify([row.cluster, ...this.groupGetters.map((get) => get(row))]);
  }
}
