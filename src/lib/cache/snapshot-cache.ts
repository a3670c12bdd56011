/**
 * The engine's persistent cache: per informer, the rows and the resourceVersion they are valid at,
 * kept in IndexedDB so that a reload paints at once and resumes the watch instead of relisting.
 *
 * It is a cache and nothing more: every failure (no IndexedDB, private mode, quota, another tab
 * holding an old schema, corrupt records, aborted transactions) turns into a miss or a skipped
 * write, reported in `stats()` and `onEvent`, never into an exception in the engine and never into
 * a change of live data. All database work runs through one queue, so operations take effect in the
 * order they were called and a load never sees half of a write.
 *
 * This file is the queue, loading and writing. Opening the database is idb-open.ts, its stores and
 * transactions snapshot-db.ts, what leaves the cache eviction.ts, the scheduling of background
 * writes write-behind.ts, the events and counters cache-events.ts.
 */
import { systemClock, type TimerClock } from '../kube/clock';
import type { Row } from '../watch/row';
import { zeroCounters, type CacheEvent, type CacheStats } from './cache-events';
import { evictForSpace, evictToLimits, type CacheLimits } from './eviction';
import { describeError, IdbConnection } from './idb-open';
import {
  CACHE_DB_NAME,
  CACHE_DB_VERSION,
  ignore,
  isQuotaError,
  META,
  putSnapshot,
  ROWS,
  SNAPSHOT_SCHEMA,
  upgradeCacheDb,
  type CacheDB,
  type Db
} from './snapshot-db';
import {
  estimateRowsBytes,
  recordProblem,
  type MetaRecord,
  type RowsRecord,
  type Snapshot,
  type SnapshotData
} from './snapshot-record';
import { WriteBehind, type SnapshotProvider } from './write-behind';

// Importers find every name of the cache here, as before the split.
export type { Snapshot, SnapshotData } from './snapshot-record';
export type { CacheEvent, CacheStats } from './cache-events';
export type { CacheLimits } from './eviction';
export type { CacheDisabledReason } from './idb-open';
export { CACHE_DB_NAME, CACHE_DB_VERSION, SNAPSHOT_SCHEMA, isQuotaError } from './snapshot-db';
export type { SnapshotProvider } from './write-behind';

export interface SnapshotCacheOptions {
  /** Default `globalThis.indexedDB`; `null` means none (the cache is disabled). */
  factory?: IDBFactory | null;
  /** Default `skiff-cache`. */
  dbName?: string;
  /** Default CACHE_DB_VERSION; other values only to simulate other app versions in tests. */
  dbVersion?: number;
  /** Default SNAPSHOT_SCHEMA. */
  schema?: number;
  /** At most one scheduled write per key per this many ms. Default 5000. */
  throttleMs?: number;
  /** Give up on an open that has not answered after this many ms (loads wait for it). Default 2000. */
  openTimeoutMs?: number;
  /** Enforced after every write (least recently used go first). Default 200 snapshots, 256 MiB. */
  limits?: CacheLimits;
  clock?: TimerClock;
  onEvent?: (event: CacheEvent) => void;
}

export class SnapshotCache {
  private readonly schema: number;
  private readonly limits: CacheLimits;
  private readonly clock: TimerClock;
  private readonly onEvent?: (event: CacheEvent) => void;
  private readonly writeBehind: WriteBehind;
  private readonly db: IdbConnection<CacheDB>;

  private tail: Promise<unknown> = Promise.resolve();
  private readonly counters = zeroCounters();
  private lastError?: string;

  constructor(options: SnapshotCacheOptions = {}) {
    this.schema = options.schema ?? SNAPSHOT_SCHEMA;
    this.limits = options.limits ?? { maxSnapshots: 200, maxBytes: 256 * 2 ** 20 };
    this.clock = options.clock ?? systemClock;
    this.onEvent = options.onEvent;
    this.writeBehind = new WriteBehind(this.clock, options.throttleMs ?? 5000, (key, take) =>
      this.run('save', false, (db) => {
        const provider = take();
        return provider ? this.write(db, key, provider) : Promise.resolve(false);
      })
    );
    // Opens at once; a failure to open calls back here (before this constructor returns, at times).
    this.db = new IdbConnection<CacheDB>({
      factory:
        options.factory === null
          ? undefined
          : (options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB),
      name: options.dbName ?? CACHE_DB_NAME,
      version: options.dbVersion ?? CACHE_DB_VERSION,
      upgrade: upgradeCacheDb,
      openTimeoutMs: options.openTimeoutMs ?? 2000,
      clock: this.clock,
      onOpen: (late, version) => this.emit(late ? { type: 'enabled' } : { type: 'open', version }),
      onDisabled: (reason, error) => {
        this.writeBehind.cancelAll();
        const message = error === undefined || error === null ? undefined : describeError(error);
        if (message !== undefined) this.lastError = message;
        this.emit({ type: 'disabled', reason, ...(message !== undefined ? { error: message } : {}) });
      },
      onUpgradeError: (error) => this.report('upgrade', error)
    });
  }

  // ---- public API -------------------------------------------------------------------------------

  /** Resolves once the open has succeeded, failed or been given up on. */
  async ready(): Promise<boolean> {
    return (await this.db.ready()) !== undefined && this.db.state === 'open';
  }

  /** The snapshot saved for `key`, or undefined (none, corrupt, or no cache). Never rejects. */
  async load(key: string): Promise<Snapshot | undefined> {
    this.counters.reads++;
    const snapshot = await this.run('load', undefined, (db) => this.loadFrom(db, key));
    if (snapshot) this.counters.hits++;
    else this.counters.misses++;
    this.emit({ type: 'load', key, hit: snapshot !== undefined });
    return snapshot;
  }

  /**
   * Ask for `key` to be written in the background, at most once per throttle window; `provider`
   * is called when the write happens, so the state written is the latest one. A provider may
   * return undefined when it has nothing consistent to save (e.g. while relisting).
   */
  scheduleSave(key: string, provider: SnapshotProvider): void {
    if (this.db.state === 'disabled' || this.db.state === 'closed') return;
    this.writeBehind.schedule(key, provider);
  }

  /** Write one snapshot now, ignoring the throttle. True when it was stored. Never rejects. */
  save(key: string, data: SnapshotData): Promise<boolean> {
    return this.run('save', false, (db) => {
      this.writeBehind.wrote(key);
      return this.write(db, key, () => data);
    });
  }

  /** Write the pending scheduled save of `key` now. */
  flush(key: string): Promise<boolean> {
    return this.writeBehind.writeNow(key);
  }

  /** Write every pending scheduled save now (the page is being hidden) and wait for all work. */
  async flushAll(): Promise<void> {
    this.writeBehind.writeAll();
    await this.idle();
  }

  /**
   * Remove the snapshot of `key` and drop its pending save. Resolves to whether the database was
   * reached (a disabled cache cannot delete; what it holds stays until it works again). Never rejects.
   */
  delete(key: string): Promise<boolean> {
    this.writeBehind.cancel(key);
    return this.run('delete', false, async (db) => {
      const tx = db.transaction([META, ROWS], 'readwrite');
      await Promise.all([tx.objectStore(META).delete(key), tx.objectStore(ROWS).delete(key), tx.done]);
      return true;
    });
  }

  /** Remove every snapshot and every pending save; resolves as `delete` does. Never rejects. */
  clear(): Promise<boolean> {
    this.writeBehind.cancelAll();
    return this.run('clear', false, async (db) => {
      const tx = db.transaction([META, ROWS], 'readwrite');
      await Promise.all([tx.objectStore(META).clear(), tx.objectStore(ROWS).clear(), tx.done]);
      return true;
    });
  }

  /**
   * Evict least recently used snapshots until at most `maxSnapshots` remain and their estimated
   * size is at most `maxBytes`. Also removes orphaned and foreign records. Returns the evicted keys.
   */
  evictLeastRecentlyUsed(limits: CacheLimits): Promise<string[]> {
    return this.run('evict', [], (db) => this.evict(db, limits, undefined, 'explicit'));
  }

  /** Resolves when every queued database operation has finished. */
  async idle(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    while (seen !== this.tail) {
      seen = this.tail;
      await seen;
    }
  }

  /** Write what is pending, then close the connection. Later calls answer as a disabled cache. */
  async close(): Promise<void> {
    if (this.db.state === 'closed') return;
    await this.flushAll();
    this.db.close();
    this.writeBehind.cancelAll();
  }

  stats(): CacheStats {
    const { state, disabledReason } = this.db;
    return {
      enabled: state === 'open' || state === 'opening',
      ...(disabledReason !== undefined && state !== 'open' ? { disabledReason } : {}),
      ...this.counters,
      pendingWrites: this.writeBehind.size,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {})
    };
  }

  // ---- the queue --------------------------------------------------------------------------------

  /** Run `op` after everything queued before it; failures become `fallback` plus a report. */
  private run<T>(name: string, fallback: T, op: (db: Db) => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      const db = await this.db.connection();
      if (!db) return fallback;
      try {
        return await op(db);
      } catch (error) {
        this.report(name, error);
        return fallback;
      }
    });
    this.tail = result;
    return result;
  }

  private report(op: string, error: unknown): void {
    const message = describeError(error);
    this.lastError = message;
    this.emit({ type: 'error', op, error: message });
  }

  private emit(event: CacheEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(event);
    } catch {
      // A broken listener must not break the cache.
    }
  }

  // ---- operations (run inside the queue) --------------------------------------------------------

  private async loadFrom(db: Db, key: string): Promise<Snapshot | undefined> {
    // One readwrite transaction: read both halves, then touch or drop them, with nothing in between.
    const tx = db.transaction([META, ROWS], 'readwrite', { durability: 'relaxed' });
    const done = tx.done;
    ignore(done);
    const [meta, rows] = (await Promise.all([
      tx.objectStore(META).get(key),
      tx.objectStore(ROWS).get(key)
    ])) as [unknown, unknown];
    if (meta === undefined && rows === undefined) {
      await done;
      return undefined;
    }
    const problem = recordProblem(key, this.schema, meta, rows);
    if (problem !== undefined) {
      this.counters.corruptDropped++;
      this.emit({ type: 'corrupt', key, problem });
      ignore(tx.objectStore(META).delete(key));
      ignore(tx.objectStore(ROWS).delete(key));
      try {
        await done;
      } catch (error) {
        this.report('drop-corrupt', error);
      }
      return undefined;
    }
    const m = meta as MetaRecord;
    const lastUsed = this.clock.now();
    try {
      ignore(tx.objectStore(META).put({ ...m, lastUsed }));
      await done;
    } catch (error) {
      // The rows were read; only the LRU touch was lost.
      this.report('touch', error);
    }
    const snapshot: Snapshot = {
      key,
      schema: m.schema,
      resourceVersion: m.resourceVersion,
      savedAt: m.savedAt,
      rows: (rows as RowsRecord).rows,
      lastUsed,
      bytes: m.bytes
    };
    return snapshot;
  }

  private async write(db: Db, key: string, provider: SnapshotProvider): Promise<boolean> {
    let data: SnapshotData | undefined;
    try {
      data = provider();
    } catch (error) {
      this.writeFailed(key, error, false);
      return false;
    }
    if (data === undefined) return false;
    if (
      typeof data !== 'object' ||
      typeof data.resourceVersion !== 'string' ||
      data.resourceVersion === '' ||
      !Array.isArray(data.rows)
    ) {
      this.writeFailed(key, new TypeError('provider returned a malformed snapshot'), false);
      return false;
    }
    const now = this.clock.now();
    let bytes: number;
    try {
      bytes = data.bytes ?? estimateRowsBytes(data.rows);
    } catch (error) {
      this.writeFailed(key, error, false);
      return false;
    }
    const meta: MetaRecord = {
      key,
      schema: this.schema,
      resourceVersion: data.resourceVersion,
      savedAt: now,
      lastUsed: now,
      bytes,
      count: data.rows.length
    };
    // The rows are cloned by put, synchronously, so later changes by the engine cannot tear them.
    const record: RowsRecord = { key, rows: data.rows as Row[] };
    try {
      await putSnapshot(db, meta, record);
    } catch (error) {
      if (!isQuotaError(error)) {
        this.writeFailed(key, error, false);
        return false;
      }
      let evicted: string[];
      try {
        evicted = await evictForSpace(db, key, bytes);
        this.evicted(evicted, 'quota');
      } catch (evictError) {
        this.report('evict', evictError);
        evicted = [];
      }
      if (evicted.length === 0) {
        this.writeFailed(key, error, false);
        return false;
      }
      try {
        await putSnapshot(db, meta, record);
      } catch (retryError) {
        this.writeFailed(key, retryError, true);
        return false;
      }
    }
    this.counters.writes++;
    this.emit({
      type: 'write',
      key,
      resourceVersion: meta.resourceVersion,
      rows: meta.count,
      bytes
    });
    if (this.limits.maxSnapshots !== undefined || this.limits.maxBytes !== undefined) {
      try {
        await this.evict(db, this.limits, key, 'limits');
      } catch (error) {
        this.report('evict', error);
      }
    }
    return true;
  }

  private writeFailed(key: string, error: unknown, retried: boolean): void {
    this.counters.writeErrors++;
    const message = describeError(error);
    this.lastError = message;
    this.emit({ type: 'write-error', key, error: message, quota: isQuotaError(error), retried });
  }

  private async evict(
    db: Db,
    limits: CacheLimits,
    protect: string | undefined,
    reason: 'limits' | 'explicit'
  ): Promise<string[]> {
    const { victims, orphans, foreign } = await evictToLimits(db, limits, protect);
    if (orphans.length + foreign.length > 0) {
      this.counters.corruptDropped += orphans.length + foreign.length;
      for (const k of orphans) this.emit({ type: 'corrupt', key: k, problem: 'rows without metadata' });
      for (const k of foreign) this.emit({ type: 'corrupt', key: k, problem: 'malformed metadata' });
    }
    this.evicted(victims, reason);
    return victims;
  }

  private evicted(keys: string[], reason: 'quota' | 'limits' | 'explicit'): void {
    if (keys.length === 0) return;
    this.counters.evictions += keys.length;
    this.emit({ type: 'evict', keys, reason });
  }
}
