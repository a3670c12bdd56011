/**
 * A View is a live query over rows from one or more sources (informers): filter, stable sort and a
 * window (offset, limit). It keeps the matching rows as a sorted array of row ids (sorted.ts), so one
 * event costs a binary search and at most one int32 memmove, never a rescan, and it posts only what
 * changed in the window.
 *
 *   const view = new View({ filter: { namespaces: ['prod'] }, sort: { column: 'name', direction: 'asc' },
 *                           window: { offset: 0, limit: 100 } });
 *   view.replaceSource('c1/pods', rows);   // a list or relist of one source, applied as a diff
 *   view.upsert(row, 'c1/pods');           // watch events
 *   const diff = view.flush();             // WindowDiff | null, for applyWindowDiff on the main thread
 *
 * Rows are treated as immutable: pass a new object for a new version, never edit one in place.
 */
import type { Row } from '../watch/row';
import { compileFilter, type RowPredicate } from './filter';
import { compileSort, DEFAULT_SORT } from './sort';
import { SortedIds } from './sorted';
import type { ViewFilter, ViewSort, ViewStream, ViewWindow, WindowDiff, WindowPatch } from './types';

export interface ViewOptions {
  filter?: ViewFilter;
  sort?: ViewSort;
  window?: ViewWindow;
  /**
   * A relist that changes more rows than this rebuilds the sorted array in one merge (O(n + k log k))
   * instead of k splices (O(k·n)). Tuning only; both paths give the same result.
   */
  batchThreshold?: number;
}

interface Entry {
  /** Index into `View.rows`; the sorted order holds ids, not rows (see sorted.ts). */
  id: number;
  source: string;
  /** Whether the row passes the current filter, i.e. sits in `order`. */
  match: boolean;
}

/** What the main thread holds after the previous diff, kept to compute the next one. */
interface Posted {
  total: number;
  offset: number;
  limit: number;
  keys: string[];
  rows: Map<string, Row>;
}

function sameRecord<V>(a: Record<string, V>, b: Record<string, V>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || !Object.is(a[k], b[k])) return false;
  return true;
}

/** Same content: a relist hands over new objects for unchanged rows, and those must cost nothing. */
export function sameRow(a: Row, b: Row): boolean {
  if (a === b) return true;
  if (
    a.key !== b.key ||
    a.uid !== b.uid ||
    a.resourceVersion !== b.resourceVersion ||
    a.cluster !== b.cluster ||
    a.namespace !== b.namespace ||
    a.name !== b.name ||
    a.creationTimestamp !== b.creationTimestamp ||
    a.owners.length !== b.owners.length ||
    !sameRecord(a.cells, b.cells) ||
    !sameRecord(a.labels, b.labels)
  )
    return false;
  return a.owners.every(
    (o, i) => o.kind === b.owners[i].kind && o.name === b.owners[i].name && o.uid === b.owners[i].uid
  );
}

function normalizeWindow(window: ViewWindow): ViewWindow {
  const clean = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
  return { offset: clean(window.offset), limit: clean(window.limit) };
}

export class View {
  private readonly entries = new Map<string, Entry>();
  private readonly sources = new Map<string, Set<string>>();
  /** Rows by id; a freed id's slot is undefined until reused. */
  private readonly rows: (Row | undefined)[] = [];
  private readonly freeIds: number[] = [];
  /** Ids of the matching rows in sort order. */
  private readonly order: SortedIds;
  private filterSpec: ViewFilter;
  private sortSpec: ViewSort;
  private windowSpec: ViewWindow;
  private matches: RowPredicate;
  private readonly batchThreshold: number;
  private posted: Posted | null = null;
  private seq = 0;
  private streams: ViewStream[] | undefined;
  /** `streams` changed (state, error, fallback) since the last flush: worth a diff of its own. */
  private streamsChanged = false;
  /** Only the streams' row counts changed: they ride along with the next diff that goes anyway. */
  private streamRowsChanged = false;
  /** Something may have changed in the window or the total since the last flush. */
  private dirty = true;
  private readonly dirtyListeners = new Set<() => void>();

  constructor(options: ViewOptions = {}) {
    this.filterSpec = structuredClone(options.filter ?? {});
    this.sortSpec = { ...(options.sort ?? DEFAULT_SORT) };
    this.windowSpec = normalizeWindow(options.window ?? { offset: 0, limit: 100 });
    this.matches = compileFilter(this.filterSpec);
    this.order = new SortedIds((id) => this.rows[id]!, compileSort(this.sortSpec));
    this.batchThreshold = options.batchThreshold ?? 64;
  }

  /** Rows that match the filter. */
  get total(): number {
    return this.order.length;
  }

  /** Rows known to the view, matching or not. */
  get size(): number {
    return this.entries.size;
  }

  get filter(): ViewFilter {
    return structuredClone(this.filterSpec);
  }

  get sort(): ViewSort {
    return { ...this.sortSpec };
  }

  get window(): ViewWindow {
    return { ...this.windowSpec };
  }

  get(key: string): Row | undefined {
    const entry = this.entries.get(key);
    return entry && this.rows[entry.id];
  }

  /** The window as it is now (not as last flushed). */
  windowRows(): Row[] {
    const { offset, limit } = this.windowSpec;
    return this.order.slice(offset, offset + limit).map((id) => this.rows[id]!);
  }

  /**
   * Every row that matches the filter, in sort order (an export; windows are what pages hold).
   * Named so because `rows` is the id-indexed store.
   */
  sortedRows(): Row[] {
    return this.order.toArray().map((id) => this.rows[id]!);
  }

  /** Calls `listener` whenever the view goes from flushed to changed (once per flush cycle). */
  onDirty(listener: () => void): () => void {
    this.dirtyListeners.add(listener);
    return () => this.dirtyListeners.delete(listener);
  }

  /** Adds or replaces a row; a row equal to the one held changes nothing. */
  upsert(row: Row, source = ''): void {
    const entry = this.entries.get(row.key);
    if (!entry) {
      const added = this.add(row, source);
      if (added.match) this.insertSorted(added.id);
      return;
    }
    if (entry.source !== source) this.moveSource(entry, row.key, source);
    const old = this.rows[entry.id]!;
    if (sameRow(old, row)) return;
    const match = this.matches(row);
    if (entry.match && match) this.replaceSorted(entry.id, row);
    else {
      if (entry.match) this.removeSorted(entry.id);
      this.rows[entry.id] = row;
      if (match) this.insertSorted(entry.id);
    }
    entry.match = match;
  }

  remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.match) this.removeSorted(entry.id);
    this.forget(key, entry);
  }

  /**
   * Makes the rows of `source` exactly `rows` (a list or relist), as adds, changes and deletes;
   * rows of other sources stay. A key held by another source moves to this one.
   */
  replaceSource(source: string, rows: readonly Row[]): void {
    const incoming = new Map<string, Row>();
    for (const row of rows) incoming.set(row.key, row);
    const gone: string[] = [];
    for (const key of this.sources.get(source) ?? []) if (!incoming.has(key)) gone.push(key);
    const changed: Row[] = [];
    for (const row of incoming.values()) {
      const entry = this.entries.get(row.key);
      if (!entry) changed.push(row);
      else {
        if (entry.source !== source) this.moveSource(entry, row.key, source);
        if (!sameRow(this.rows[entry.id]!, row)) changed.push(row);
      }
    }
    if (gone.length + changed.length <= this.batchThreshold) {
      for (const key of gone) this.remove(key);
      for (const row of changed) this.upsert(row, source);
    } else {
      this.applyBatch(source, gone, changed);
    }
  }

  /** Forgets every row of `source` (its informer went away). */
  removeSource(source: string): void {
    this.replaceSource(source, []);
  }

  /** Throws FilterError (leaving the view as it was) when the filter does not compile. */
  setFilter(filter: ViewFilter): void {
    if (JSON.stringify(filter) === JSON.stringify(this.filterSpec)) return;
    const matches = compileFilter(filter);
    this.filterSpec = structuredClone(filter);
    this.matches = matches;
    const ids: number[] = [];
    for (const entry of this.entries.values()) {
      entry.match = matches(this.rows[entry.id]!);
      if (entry.match) ids.push(entry.id);
    }
    this.rebuild(ids);
  }

  setSort(sort: ViewSort): void {
    if (sort.column === this.sortSpec.column && sort.direction === this.sortSpec.direction) return;
    this.sortSpec = { ...sort };
    this.order.compare = compileSort(this.sortSpec);
    this.rebuild(this.order.toArray());
  }

  setWindow(window: ViewWindow): void {
    const next = normalizeWindow(window);
    if (next.offset === this.windowSpec.offset && next.limit === this.windowSpec.limit) return;
    this.windowSpec = next;
    this.markDirty();
  }

  /** Makes the next flush send the whole window (a new subscriber, or a store that lost track). */
  reset(): void {
    this.posted = null;
    this.markDirty();
  }

  /** The states of the streams feeding the view: posted with the next diff when they changed. */
  setStreams(streams: ViewStream[]): void {
    const before = this.streams;
    if (before && sameStreams(before, streams, true)) return;
    this.streams = streams;
    if (before && sameStreams(before, streams, false)) {
      this.streamRowsChanged = true;
      return;
    }
    this.streamsChanged = true;
    this.markDirty();
  }

  /**
   * What changed in the window since the previous flush, or null when nothing did. Changes in
   * between coalesce: the diff carries the latest row per key and nothing else. The streams' states
   * ride along when they changed, and with every whole window.
   */
  flush(): WindowDiff | null {
    if (!this.dirty) return null;
    const diff = this.flushWindow();
    const attach =
      this.streamsChanged || (diff !== null && (this.streamRowsChanged || diff.rows !== undefined));
    if (!this.streams || !attach) return diff;
    this.streamsChanged = false;
    this.streamRowsChanged = false;
    if (diff) return { ...diff, streams: this.streams };
    const { total, offset, limit } = this.posted!;
    return { seq: ++this.seq, total, offset, limit, streams: this.streams };
  }

  private flushWindow(): WindowDiff | null {
    this.dirty = false;
    const { offset, limit } = this.windowSpec;
    const total = this.order.length;
    const rows = this.windowRows();
    const prev = this.posted;
    const keys = rows.map((row) => row.key);
    const now = new Map(rows.map((row) => [row.key, row]));
    this.posted = { total, offset, limit, keys, rows: now };

    if (prev !== null) {
      const upserts: { index: number; row: Row }[] = [];
      rows.forEach((row, index) => {
        if (prev.rows.get(row.key) !== row) upserts.push({ index, row });
      });
      // Most of the window is new (a jump, a new filter): the whole window is as small and simpler.
      if (upserts.length * 2 <= rows.length) {
        const orderChanged = keys.length !== prev.keys.length || keys.some((k, i) => k !== prev.keys[i]);
        const removes = orderChanged ? prev.keys.filter((k) => !now.has(k)) : [];
        if (
          !orderChanged &&
          upserts.length === 0 &&
          total === prev.total &&
          offset === prev.offset &&
          limit === prev.limit
        )
          return null;
        const patch: WindowPatch = { seq: ++this.seq, total, offset, limit };
        if (orderChanged) patch.order = keys;
        if (upserts.length > 0) patch.upserts = upserts;
        if (removes.length > 0) patch.removes = removes;
        return patch;
      }
    }
    return { seq: ++this.seq, total, offset, limit, rows };
  }

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    for (const listener of this.dirtyListeners) listener();
  }

  /** Marks dirty only when the change can be seen: in or before the window, or in the total. */
  private touched(index: number, totalChanged: boolean): void {
    if (totalChanged || index < this.windowSpec.offset + this.windowSpec.limit) this.markDirty();
  }

  private add(row: Row, source: string): Entry {
    const id = this.freeIds.pop() ?? this.rows.length;
    this.rows[id] = row;
    const entry = { id, source, match: this.matches(row) };
    this.entries.set(row.key, entry);
    this.addToSource(source, row.key);
    return entry;
  }

  private forget(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.sources.get(entry.source)?.delete(key);
    this.rows[entry.id] = undefined;
    this.freeIds.push(entry.id);
  }

  private addToSource(source: string, key: string): void {
    let keys = this.sources.get(source);
    if (!keys) this.sources.set(source, (keys = new Set()));
    keys.add(key);
  }

  private moveSource(entry: Entry, key: string, source: string): void {
    this.sources.get(entry.source)?.delete(key);
    entry.source = source;
    this.addToSource(source, key);
  }

  private rebuild(ids: number[]): void {
    const rows = this.rows;
    const compare = this.order.compare;
    ids.sort((a, b) => compare(rows[a]!, rows[b]!));
    this.order.reset(ids);
    this.markDirty();
  }

  private insertSorted(id: number): void {
    const index = this.order.lowerBound(this.rows[id]!);
    this.order.insertAt(index, id);
    this.touched(index, true);
  }

  private removeSorted(id: number): void {
    const index = this.order.indexOf(id);
    this.order.removeAt(index);
    this.touched(index, true);
  }

  /** A changed row that still matches: in place when its position holds, else one move. */
  private replaceSorted(id: number, row: Row): void {
    const order = this.order;
    const index = order.indexOf(id);
    const before = index > 0 ? this.rows[order.idAt(index - 1)]! : null;
    const after = index < order.length - 1 ? this.rows[order.idAt(index + 1)]! : null;
    this.rows[id] = row;
    if ((!before || order.compare(before, row) < 0) && (!after || order.compare(row, after) < 0)) {
      this.touched(index, false);
      return;
    }
    order.removeAt(index);
    const to = order.lowerBound(row);
    order.insertAt(to, id);
    this.touched(Math.min(index, to), false);
  }

  /** Many changes at once: drop the touched ids in one pass, sort the new ones, merge. */
  private applyBatch(source: string, gone: string[], changed: Row[]): void {
    const drop = new Set<number>();
    for (const key of gone) {
      const entry = this.entries.get(key)!;
      if (entry.match) drop.add(entry.id);
      this.forget(key, entry);
    }
    const add: number[] = [];
    for (const row of changed) {
      const entry = this.entries.get(row.key);
      if (entry) {
        if (entry.match) drop.add(entry.id);
        this.rows[entry.id] = row;
        entry.match = this.matches(row);
        if (entry.match) add.push(entry.id);
      } else {
        const added = this.add(row, source);
        if (added.match) add.push(added.id);
      }
    }
    if (drop.size === 0 && add.length === 0) return;
    const rows = this.rows;
    const compare = this.order.compare;
    const kept = drop.size > 0 ? this.order.toArray().filter((id) => !drop.has(id)) : this.order.toArray();
    add.sort((a, b) => compare(rows[a]!, rows[b]!));
    const merged: number[] = [];
    let i = 0;
    let j = 0;
    while (i < kept.length && j < add.length)
      merged.push(compare(rows[kept[i]]!, rows[add[j]]!) < 0 ? kept[i++] : add[j++]);
    while (i < kept.length) merged.push(kept[i++]);
    while (j < add.length) merged.push(add[j++]);
    this.order.reset(merged);
    this.markDirty();
  }
}

export type { ViewFilter, ViewSort, ViewWindow, WindowDiff } from './types';
export { FilterError } from './filter';

/** Whether two stream lists say the same; `rows` says whether row counts count. */
function sameStreams(a: ViewStream[], b: ViewStream[], rows: boolean): boolean {
  if (a.length !== b.length) return false;
  return a.every((s, i) => {
    const o = b[i];
    return (
      s.key === o.key &&
      s.state === o.state &&
      (!rows || s.rows === o.rows) &&
      s.lastError === o.lastError &&
      s.fallbackNamespaces?.join() === o.fallbackNamespaces?.join()
    );
  });
}
