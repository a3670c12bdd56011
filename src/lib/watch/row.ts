/**
 * What the engine keeps per object and what views filter, sort and window: a small plain object
 * projected from the full Kubernetes object as soon as it is parsed. Structured-cloneable, so it
 * crosses the worker boundary and goes into IndexedDB as it is.
 */

export type Cell = string | number | boolean | null;

export interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
}

export interface Row {
  /** `${cluster}/${namespace}/${name}`; namespace is '' for cluster-scoped objects. */
  key: string;
  uid: string;
  cluster: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  /** ISO timestamp; ages are computed from it on screen, never stored. */
  creationTimestamp: string;
  labels: Record<string, string>;
  owners: OwnerRef[];
  /** Kind-specific columns, e.g. `{ phase: 'Running', ready: '1/1', restarts: 3, node: 'n1' }`. */
  cells: Record<string, Cell>;
  /**
   * Recent usage (oldest first) for a sparkline, joined in by the metrics join (src/lib/metrics);
   * never from an informer or the cache. One shared array per object per poll, not per row version.
   */
  series?: { at: number[]; cpu: number[]; memory: number[] };
}

export function rowKey(cluster: string, namespace: string | undefined, name: string): string {
  return `${cluster}/${namespace ?? ''}/${name}`;
}

/** What consumes an informer's rows: a View, a Tally, or a join in front of one. */
export interface RowSink {
  /** Makes the rows of `source` exactly `rows` (a list or relist). */
  replaceSource(source: string, rows: readonly Row[]): void;
  upsert(row: Row, source: string): void;
  remove(key: string): void;
}
