/**
 * A Tally is a live aggregate over rows: how many match a filter, grouped by one column, with sums
 * of numeric cells (the overview's "pods by phase", "nodes not ready", "CPU requested"). Each event
 * moves one row's contribution from its old group to its new one: O(1), never a rescan.
 *
 *   const tally = new Tally({ groupBy: 'phase', filter: { namespaces: ['web'] }, sums: ['restarts'] });
 *   tally.replaceSource('c1/pods', rows); tally.upsert(row, 'c1/pods'); tally.remove(key);
 *   tally.flush(); // TallyResult, or null when nothing changed since the last flush
 */
import type { Row } from '../watch/row';
import { compileFilter, type RowPredicate } from './filter';
import { columnGetter, type CellGetter } from './sort';
import type { Column, ViewFilter } from './types';

export interface TallySpec {
  filter?: ViewFilter;
  /** The column whose value names a row's group; omitted: one group, ''. */
  groupBy?: Column;
  /** Numeric columns summed per group (non-numbers count as 0). */
  sums?: Column[];
}

export interface TallyGroup {
  count: number;
  sums: Record<Column, number>;
}

export interface TallyResult {
  /** Rows that match the filter. */
  total: number;
  groups: Record<string, TallyGroup>;
}

interface Contribution {
  source: string;
  /** undefined: the row does not match the filter. */
  group: string | undefined;
  sums: number[];
}

export class Tally {
  private readonly matches: RowPredicate;
  private readonly groupOf: CellGetter | undefined;
  private readonly sumColumns: Column[];
  private readonly summands: CellGetter[];
  private readonly rows = new Map<string, Contribution>();
  private readonly sources = new Map<string, Set<string>>();
  private readonly groups = new Map<string, { count: number; sums: number[] }>();
  private total = 0;
  private dirty = true;
  private readonly dirtyListeners = new Set<() => void>();

  constructor(spec: TallySpec) {
    this.matches = compileFilter(spec.filter ?? {});
    this.groupOf = spec.groupBy === undefined ? undefined : columnGetter(spec.groupBy);
    this.sumColumns = spec.sums ?? [];
    this.summands = this.sumColumns.map(columnGetter);
  }

  upsert(row: Row, source = ''): void {
    this.withdraw(row.key);
    const match = this.matches(row);
    const value = match ? (this.groupOf?.(row) ?? '') : undefined;
    const contribution: Contribution = {
      source,
      group: value === undefined ? undefined : String(value),
      sums: match ? this.summands.map((get) => numeric(get(row))) : []
    };
    this.rows.set(row.key, contribution);
    let keys = this.sources.get(source);
    if (!keys) this.sources.set(source, (keys = new Set()));
    keys.add(row.key);
    this.contribute(contribution, 1);
  }

  remove(key: string): void {
    this.withdraw(key);
  }

  /** Makes the rows of `source` exactly `rows` (a list or relist); other sources stay. */
  replaceSource(source: string, rows: readonly Row[]): void {
    const incoming = new Set(rows.map((r) => r.key));
    for (const key of [...(this.sources.get(source) ?? [])]) if (!incoming.has(key)) this.withdraw(key);
    for (const row of rows) this.upsert(row, source);
  }

  /** Calls `listener` when the tally goes from flushed to changed. */
  onDirty(listener: () => void): () => void {
    this.dirtyListeners.add(listener);
    return () => this.dirtyListeners.delete(listener);
  }

  /** The current result, or null when nothing changed since the last flush. */
  flush(): TallyResult | null {
    if (!this.dirty) return null;
    this.dirty = false;
    return this.result();
  }

  result(): TallyResult {
    const groups: Record<string, TallyGroup> = {};
    for (const [name, g] of this.groups) {
      const sums: Record<Column, number> = {};
      this.sumColumns.forEach((column, i) => (sums[column] = g.sums[i]));
      groups[name] = { count: g.count, sums };
    }
    return { total: this.total, groups };
  }

  private withdraw(key: string): void {
    const old = this.rows.get(key);
    if (!old) return;
    this.rows.delete(key);
    this.sources.get(old.source)?.delete(key);
    this.contribute(old, -1);
  }

  private contribute(c: Contribution, sign: 1 | -1): void {
    if (c.group === undefined) return;
    let g = this.groups.get(c.group);
    if (!g) this.groups.set(c.group, (g = { count: 0, sums: this.sumColumns.map(() => 0) }));
    g.count += sign;
    c.sums.forEach((v, i) => (g.sums[i] += sign * v));
    this.total += sign;
    if (g.count === 0) this.groups.delete(c.group);
    this.markDirty();
  }

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    for (const listener of this.dirtyListeners) listener();
  }
}

function numeric(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
