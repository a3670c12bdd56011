/**
 * A keyed set of table rows that tells subscribers what changed, coalesced: a subscriber first gets
 * every current row, then at most one diff per interval. Rows are small plain objects, cheap to
 * post to the main thread (full Kubernetes objects are not).
 */

export interface Row {
  key: string;
}

export type RowsMessage<R extends Row> =
  { type: 'snapshot'; rows: R[] } | { type: 'diff'; upserts: R[]; deletes: string[] };

export type RowsListener<R extends Row> = (message: RowsMessage<R>) => void;

export interface RowFeedOptions {
  /** Changes within this window reach subscribers as one diff. Default 100 ms. */
  intervalMs?: number;
}

function sameRow(a: Row, b: Row): boolean {
  const fieldsA = a as unknown as Record<string, unknown>;
  const fieldsB = b as unknown as Record<string, unknown>;
  const keys = Object.keys(fieldsA);
  return keys.length === Object.keys(fieldsB).length && keys.every((k) => Object.is(fieldsA[k], fieldsB[k]));
}

export class RowFeed<R extends Row> {
  private readonly rows = new Map<string, R>();
  /** Keys changed since the last flush: the new row, or null when it was deleted. */
  private readonly pending = new Map<string, R | null>();
  private readonly subscribers = new Set<{ listener: RowsListener<R>; match?: (key: string) => boolean }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly intervalMs: number;

  constructor(options: RowFeedOptions = {}) {
    this.intervalMs = options.intervalMs ?? 100;
  }

  get size(): number {
    return this.rows.size;
  }

  upsert(row: R): void {
    const current = this.rows.get(row.key);
    if (current && sameRow(current, row)) return;
    this.rows.set(row.key, row);
    this.changed(row.key, row);
  }

  delete(key: string): void {
    if (!this.rows.delete(key)) return;
    this.changed(key, null);
  }

  /** Makes the rows whose key starts with `prefix` exactly `rows` (after a relist of one source). */
  replace(prefix: string, rows: R[]): void {
    const kept = new Set<string>();
    for (const row of rows) {
      kept.add(row.key);
      this.upsert(row);
    }
    for (const key of [...this.rows.keys()]) {
      if (key.startsWith(prefix) && !kept.has(key)) this.delete(key);
    }
  }

  /**
   * Sends the current rows now, then coalesced diffs; returns the unsubscribe function.
   * `match` narrows the subscription to some keys (a key's row may change, its key never does).
   */
  subscribe(listener: RowsListener<R>, match?: (key: string) => boolean): () => void {
    const subscriber = { listener, match };
    this.subscribers.add(subscriber);
    const rows = [...this.rows.values()];
    listener({ type: 'snapshot', rows: match ? rows.filter((row) => match(row.key)) : rows });
    return () => this.subscribers.delete(subscriber);
  }

  /** Sends pending changes now instead of at the end of the interval. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const upserts: R[] = [];
    const deletes: string[] = [];
    for (const [key, row] of this.pending) {
      if (row) upserts.push(row);
      else deletes.push(key);
    }
    this.pending.clear();
    const all: RowsMessage<R> = { type: 'diff', upserts, deletes };
    for (const { listener, match } of this.subscribers) {
      if (!match) {
        listener(all);
        continue;
      }
      const message: RowsMessage<R> = {
        type: 'diff',
        upserts: upserts.filter((row) => match(row.key)),
        deletes: deletes.filter(match)
      };
      if (message.upserts.length > 0 || message.deletes.length > 0) listener(message);
    }
  }

  private changed(key: string, row: R | null): void {
    this.pending.set(key, row);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }
}
