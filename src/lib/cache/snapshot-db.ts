/**
 * The snapshot cache's database: its name and versions, its two stores (a small `meta` record and
 * the large `rows` record per snapshot, so LRU bookkeeping never touches the rows), the upgrade
 * between versions, and the transactions that read or write one snapshot.
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import type { MetaRecord, RowsRecord } from './snapshot-record';

export const CACHE_DB_NAME = 'skiff-cache';
/** IndexedDB version: bump when stores or their key paths change. */
export const CACHE_DB_VERSION = 1;
/** Stores written by database versions before this one are incompatible and dropped on upgrade. */
const COMPATIBLE_SINCE = 1;
/**
 * Record format: bump when Row, the record layout or the key changes; older records are dropped on load.
 * 2: keys name the cluster by its URL (its identity), not its name.
 */
export const SNAPSHOT_SCHEMA = 2;

export const META = 'meta';
export const ROWS = 'rows';

export interface CacheDB extends DBSchema {
  meta: { key: string; value: MetaRecord };
  rows: { key: string; value: RowsRecord };
}
export type Db = IDBPDatabase<CacheDB>;

/** Rejections of promises we do not await (requests of an aborted transaction) are expected. */
export function ignore(promise: Promise<unknown>): void {
  promise.catch(() => {});
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return (typeof e.name === 'string' && QUOTA_NAMES.has(e.name)) || e.code === 22;
}

/** Drop stores of incompatible older versions (and anything foreign), then create what is missing. */
export function upgradeCacheDb(db: IDBDatabase, oldVersion: number): void {
  const keep = oldVersion >= COMPATIBLE_SINCE ? new Set([META, ROWS]) : new Set<string>();
  for (const name of Array.from(db.objectStoreNames)) {
    if (!keep.has(name)) db.deleteObjectStore(name);
  }
  if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'key' });
  if (!db.objectStoreNames.contains(ROWS)) db.createObjectStore(ROWS, { keyPath: 'key' });
}

/** Both halves of a snapshot in one transaction: either both are stored or neither is. */
export async function putSnapshot(db: Db, meta: MetaRecord, record: RowsRecord): Promise<void> {
  const tx = db.transaction([META, ROWS], 'readwrite', { durability: 'relaxed' });
  const done = tx.done;
  ignore(done);
  const requests: Promise<unknown>[] = [];
  try {
    requests.push(tx.objectStore(ROWS).put(record));
    requests.push(tx.objectStore(META).put(meta));
  } catch (error) {
    // put can throw synchronously (DataCloneError, some quota paths): abort so nothing half-written commits.
    for (const r of requests) ignore(r);
    try {
      tx.abort();
    } catch {
      // Already finished.
    }
    throw error;
  }
  try {
    await Promise.all([...requests, done]);
  } catch (error) {
    // Requests cut short by an abort fail with AbortError; the transaction knows the real cause.
    throw tx.error ?? error;
  }
}
