/**
 * The engine's persistent cache: per informer, the rows and the resourceVersion they are valid at,
 * kept in IndexedDB so that a reload paints at once and resumes the watch instead of relisting.
 *
 * It is a cache and nothing more: every failure (no IndexedDB, private mode, quota, another tab
 * holding an old schema, corrupt records, aborted transactions) turns into a miss or a skipped
 * write, reported in `stats()` and `onEvent`, never into an exception in the engine and never into
 * a change of live data. All database work runs through one queue, so operations take effect in the
 * order they were called and a load never sees half of a write.
 */
import { systemClock, type TimerClock } from '../kube/clock';
import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { Row } from '../watch/row';
import {
  estimateRowsBytes,
  isMetaRecord,
  recordProblem,
  type MetaRecord,
  type RowsRecord,
  type Snapshot,
  type SnapshotData
} from './snapshot-record';

export type { Snapshot, SnapshotData } from './snapshot-record';

export const CACHE_DB_NAME = 'skiff-cache';
/** IndexedDB version: bump when stores or their key paths change. */
export const CACHE_DB_VERSION = 1;
/** Stores written by database versions before this one are incompatible and dropped on upgrade. */
const COMPATIBLE_SINCE = 1;
/** Record format: bump when Row or the record layout changes; older records are dropped on load. */
export const SNAPSHOT_SCHEMA = 1;

const META = 'meta';
const ROWS = 'rows';

interface CacheDB extends DBSchema {
  meta: { key: string; value: MetaRecord };
  rows: { key: string; value: RowsRecord };
}
type Db = IDBPDatabase<CacheDB>;

export type SnapshotProvider = () => SnapshotData | undefined;

export interface CacheLimits {
  maxSnapshots?: number;
  maxBytes?: number;
}

export type CacheDisabledReason =
  /** No IndexedDB in this environment (Node, some private modes). */
  | 'unavailable'
  /** `open` threw or failed (private mode, storage disabled, corrupt profile). */
  | 'open-failed'
  /** The database is at a newer version, written by a newer app in another tab. */
  | 'version'
  /** Another tab holds an older version open and does not let go. */
  | 'blocked'
  /** The open neither succeeded nor failed in time. */
  | 'open-timeout'
  /** Another tab upgraded the database; this connection stepped aside. */
  | 'superseded'
  /** The browser closed the connection (storage cleared, disk error). */
  | 'terminated'
  | 'closed';

export type CacheEvent =
  | { type: 'open'; version: number }
  | { type: 'disabled'; reason: CacheDisabledReason; error?: string }
  /** A blocked or slow open finished after all; the cache works from now on. */
  | { type: 'enabled' }
  | { type: 'load'; key: string; hit: boolean }
  | { type: 'write'; key: string; resourceVersion: string; rows: number; bytes: number }
  | { type: 'write-error'; key: string; error: string; quota: boolean; retried: boolean }
  | { type: 'evict'; keys: string[]; reason: 'quota' | 'limits' | 'explicit' }
  | { type: 'corrupt'; key: string; problem: string }
  | { type: 'error'; op: string; error: string };

export interface CacheStats {
  enabled: boolean;
  disabledReason?: CacheDisabledReason;
  reads: number;
  hits: number;
  misses: number;
  writes: number;
  writeErrors: number;
  evictions: number;
  corruptDropped: number;
  /** Scheduled saves not written yet. */
  pendingWrites: number;
  lastError?: string;
}

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

type State = 'opening' | 'open' | 'disabled' | 'closed';

interface PendingSave {
  provider: SnapshotProvider;
  timer?: unknown;
  /** Set once the write is in the queue: later providers still replace `provider`, no new timer. */
  done?: Promise<boolean>;
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return (typeof e.name === 'string' && QUOTA_NAMES.has(e.name)) || e.code === 22;
}

function describe(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)) {
    const e = error as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' ? e.name : 'Error';
    return typeof e.message === 'string' && e.message !== '' ? `${name}: ${e.message}` : name;
  }
  return String(error);
}

/** Rejections of promises we do not await (requests of an aborted transaction) are expected. */
function ignore(promise: Promise<unknown>): void {
  promise.catch(() => {});
}

export class SnapshotCache {
  private readonly factory: IDBFactory | undefined;
  private readonly dbName: string;
  private readonly dbVersion: number;
  private readonly schema: number;
  private readonly throttleMs: number;
  private readonly openTimeoutMs: number;
  private readonly limits: CacheLimits;
  private readonly clock: TimerClock;
  private readonly onEvent?: (event: CacheEvent) => void;

  private state: State = 'opening';
  private disabledReason?: CacheDisabledReason;
  private db?: Db;
  private raw?: IDBDatabase;
  private opened!: Promise<Db | undefined>;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, PendingSave>();
  private readonly lastWriteAt = new Map<string, number>();
  private readonly counters = {
    reads: 0,
    hits: 0,
    misses: 0,
    writes: 0,
    writeErrors: 0,
    evictions: 0,
    corruptDropped: 0
  };
  private lastError?: string;

  constructor(options: SnapshotCacheOptions = {}) {
    this.factory =
      options.factory === null
        ? undefined
        : (options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB);
    this.dbName = options.dbName ?? CACHE_DB_NAME;
    this.dbVersion = options.dbVersion ?? CACHE_DB_VERSION;
    this.schema = options.schema ?? SNAPSHOT_SCHEMA;
    this.throttleMs = options.throttleMs ?? 5000;
    this.openTimeoutMs = options.openTimeoutMs ?? 2000;
    this.limits = options.limits ?? { maxSnapshots: 200, maxBytes: 256 * 2 ** 20 };
    this.clock = options.clock ?? systemClock;
    this.onEvent = options.onEvent;
    this.open();
  }

  // ---- public API -------------------------------------------------------------------------------

  /** Resolves once the open has succeeded, failed or been given up on. */
  async ready(): Promise<boolean> {
    return (await this.opened) !== undefined && this.state === 'open';
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
    if (this.state === 'disabled' || this.state === 'closed') return;
    const entry = this.pending.get(key);
    if (entry) {
      entry.provider = provider;
      return;
    }
    const fresh: PendingSave = { provider };
    this.pending.set(key, fresh);
    const last = this.lastWriteAt.get(key);
    const delay = last === undefined ? 0 : Math.max(0, last + this.throttleMs - this.clock.now());
    fresh.timer = this.clock.setTimeout(() => {
      fresh.timer = undefined;
      void this.writePending(key);
    }, delay);
  }

  /** Write one snapshot now, ignoring the throttle. True when it was stored. Never rejects. */
  save(key: string, data: SnapshotData): Promise<boolean> {
    return this.run('save', false, (db) => {
      this.lastWriteAt.set(key, this.clock.now());
      return this.write(db, key, () => data);
    });
  }

  /** Write the pending scheduled save of `key` now. */
  flush(key: string): Promise<boolean> {
    return this.writePending(key);
  }

  /** Write every pending scheduled save now (the page is being hidden) and wait for all work. */
  async flushAll(): Promise<void> {
    for (const key of [...this.pending.keys()]) void this.writePending(key);
    await this.idle();
  }

  /**
   * Remove the snapshot of `key` and drop its pending save. Resolves to whether the database was
   * reached (a disabled cache cannot delete; what it holds stays until it works again). Never rejects.
   */
  delete(key: string): Promise<boolean> {
    this.cancelPending(key);
    return this.run('delete', false, async (db) => {
      const tx = db.transaction([META, ROWS], 'readwrite');
      await Promise.all([tx.objectStore(META).delete(key), tx.objectStore(ROWS).delete(key), tx.done]);
      return true;
    });
  }

  /** Remove every snapshot and every pending save; resolves as `delete` does. Never rejects. */
  clear(): Promise<boolean> {
    for (const key of [...this.pending.keys()]) this.cancelPending(key);
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
    if (this.state === 'closed') return;
    await this.flushAll();
    this.state = 'closed';
    this.disabledReason = 'closed';
    for (const key of [...this.pending.keys()]) this.cancelPending(key);
    this.raw?.close();
    this.raw = undefined;
    this.db = undefined;
  }

  stats(): CacheStats {
    return {
      enabled: this.state === 'open' || this.state === 'opening',
      ...(this.disabledReason !== undefined && this.state !== 'open'
        ? { disabledReason: this.disabledReason }
        : {}),
      ...this.counters,
      pendingWrites: this.pending.size,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {})
    };
  }

  // ---- opening ----------------------------------------------------------------------------------

  private open(): void {
    let settle!: (db: Db | undefined) => void;
    this.opened = new Promise((resolve) => (settle = resolve));
    const factory = this.factory;
    if (!factory) {
      this.disable('unavailable');
      settle(undefined);
      return;
    }
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(this.dbName, this.dbVersion);
    } catch (error) {
      this.disable('open-failed', error);
      settle(undefined);
      return;
    }
    const timer = this.clock.setTimeout(() => {
      if (this.state !== 'opening') return;
      this.disable('open-timeout');
      settle(undefined);
    }, this.openTimeoutMs);

    request.addEventListener('upgradeneeded', (event) => {
      try {
        upgrade(request.result, event.oldVersion);
      } catch (error) {
        this.report('upgrade', error);
        request.transaction?.abort();
      }
    });
    request.addEventListener('blocked', () => {
      // An old tab keeps the previous version open. Serve as no cache now; if it lets go later,
      // the open completes and the cache comes back.
      this.clock.clearTimeout(timer);
      if (this.state === 'opening') this.disable('blocked');
      settle(undefined);
    });
    request.addEventListener('error', (event) => {
      event.preventDefault();
      this.clock.clearTimeout(timer);
      const error = request.error;
      if (this.state !== 'closed') {
        this.disable(error?.name === 'VersionError' ? 'version' : 'open-failed', error);
      }
      settle(undefined);
    });
    request.addEventListener('success', () => {
      this.clock.clearTimeout(timer);
      const raw = request.result;
      if (this.state === 'closed') {
        raw.close();
        settle(undefined);
        return;
      }
      raw.addEventListener('versionchange', () => {
        // Another tab wants a newer version (or to delete the database): step aside instead of
        // blocking it, and work as no cache from here on.
        raw.close();
        this.forget(raw);
        if (this.state !== 'closed') this.disable('superseded');
      });
      raw.addEventListener('close', () => {
        this.forget(raw);
        if (this.state !== 'closed') this.disable('terminated');
      });
      let db: Db;
      try {
        db = wrap(raw) as unknown as Db;
      } catch (error) {
        raw.close();
        this.disable('open-failed', error);
        settle(undefined);
        return;
      }
      const late = this.state === 'disabled';
      this.db = db;
      this.raw = raw;
      this.state = 'open';
      this.disabledReason = undefined;
      this.emit(late ? { type: 'enabled' } : { type: 'open', version: raw.version });
      settle(db);
    });
  }

  private forget(raw: IDBDatabase): void {
    if (this.raw !== raw) return;
    this.raw = undefined;
    this.db = undefined;
  }

  private disable(reason: CacheDisabledReason, error?: unknown): void {
    this.state = 'disabled';
    this.disabledReason = reason;
    for (const key of [...this.pending.keys()]) this.cancelPending(key);
    const message = error === undefined || error === null ? undefined : describe(error);
    if (message !== undefined) this.lastError = message;
    this.emit({ type: 'disabled', reason, ...(message !== undefined ? { error: message } : {}) });
  }

  private async connection(): Promise<Db | undefined> {
    if (this.state === 'open' && this.db) return this.db;
    if (this.state !== 'opening') return undefined;
    return this.opened;
  }

  // ---- the queue --------------------------------------------------------------------------------

  /** Run `op` after everything queued before it; failures become `fallback` plus a report. */
  private run<T>(name: string, fallback: T, op: (db: Db) => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      const db = await this.connection();
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
    const message = describe(error);
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

  private writePending(key: string): Promise<boolean> {
    const entry = this.pending.get(key);
    if (!entry) return Promise.resolve(false);
    if (entry.done) return entry.done;
    if (entry.timer !== undefined) {
      this.clock.clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    entry.done = this.run('save', false, (db) => {
      // Cancelled by delete/clear/disable while waiting in the queue.
      if (this.pending.get(key) !== entry) return Promise.resolve(false);
      this.pending.delete(key);
      this.lastWriteAt.set(key, this.clock.now());
      return this.write(db, key, entry.provider);
    }).then((ok) => {
      if (this.pending.get(key) === entry) this.pending.delete(key);
      return ok;
    });
    return entry.done;
  }

  private cancelPending(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    this.pending.delete(key);
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
        evicted = await this.evictForSpace(db, key, bytes);
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
    const message = describe(error);
    this.lastError = message;
    this.emit({ type: 'write-error', key, error: message, quota: isQuotaError(error), retried });
  }

  /** After a quota error: evict least recently used snapshots (not `key`) worth at least `bytes`. */
  private async evictForSpace(db: Db, key: string, bytes: number): Promise<string[]> {
    const tx = db.transaction([META, ROWS], 'readwrite');
    const done = tx.done;
    ignore(done);
    const metas = lruOrder((await tx.objectStore(META).getAll()) as unknown[]);
    const victims: string[] = [];
    let freed = 0;
    for (const m of metas) {
      if (m.key === key) continue;
      if (victims.length > 0 && freed >= bytes) break;
      victims.push(m.key);
      freed += m.bytes;
    }
    for (const victim of victims) {
      ignore(tx.objectStore(META).delete(victim));
      ignore(tx.objectStore(ROWS).delete(victim));
    }
    await done;
    this.evicted(victims, 'quota');
    return victims;
  }

  private async evict(
    db: Db,
    limits: CacheLimits,
    protect: string | undefined,
    reason: 'limits' | 'explicit'
  ): Promise<string[]> {
    const tx = db.transaction([META, ROWS], 'readwrite');
    const done = tx.done;
    ignore(done);
    const [rawMetas, rowKeys] = await Promise.all([
      tx.objectStore(META).getAll() as Promise<unknown[]>,
      tx.objectStore(ROWS).getAllKeys()
    ]);
    const metas = lruOrder(rawMetas);
    const known = new Set(metas.map((m) => m.key));
    // Rows without usable metadata can never be loaded: drop them along with the evictions.
    const orphans = rowKeys.filter((k): k is string => typeof k === 'string' && !known.has(k));
    const maxSnapshots = limits.maxSnapshots ?? Infinity;
    const maxBytes = limits.maxBytes ?? Infinity;
    let count = metas.length;
    let total = metas.reduce((sum, m) => sum + m.bytes, 0);
    const victims: string[] = [];
    for (const m of metas) {
      if (count <= maxSnapshots && total <= maxBytes) break;
      if (m.key === protect) continue;
      victims.push(m.key);
      count--;
      total -= m.bytes;
    }
    for (const victim of victims) {
      ignore(tx.objectStore(META).delete(victim));
      ignore(tx.objectStore(ROWS).delete(victim));
    }
    for (const orphan of orphans) ignore(tx.objectStore(ROWS).delete(orphan));
    // Metadata records that are not even metadata-shaped.
    const foreign = rawMetas.filter((m) => !isMetaRecord(m));
    for (const f of foreign) {
      const k = (f as { key?: unknown } | null)?.key;
      if (typeof k === 'string' || typeof k === 'number') ignore(tx.objectStore(META).delete(String(k)));
    }
    await done;
    if (orphans.length + foreign.length > 0) {
      this.counters.corruptDropped += orphans.length + foreign.length;
      for (const k of orphans) this.emit({ type: 'corrupt', key: k, problem: 'rows without metadata' });
      for (const f of foreign) {
        this.emit({
          type: 'corrupt',
          key: String((f as { key?: unknown } | null)?.key),
          problem: 'malformed metadata'
        });
      }
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

/** Well-formed metadata, least recently used first (ties: older write, then key, for determinism). */
function lruOrder(values: unknown[]): MetaRecord[] {
  return values
    .filter(isMetaRecord)
    .sort(
      (a, b) =>
        a.lastUsed - b.lastUsed || a.savedAt - b.savedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
    );
}

/** Both halves of a snapshot in one transaction: either both are stored or neither is. */
async function putSnapshot(db: Db, meta: MetaRecord, record: RowsRecord): Promise<void> {
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

/** Drop stores of incompatible older versions (and anything foreign), then create what is missing. */
function upgrade(db: IDBDatabase, oldVersion: number): void {
  const keep = oldVersion >= COMPATIBLE_SINCE ? new Set([META, ROWS]) : new Set<string>();
  for (const name of Array.from(db.objectStoreNames)) {
    if (!keep.has(name)) db.deleteObjectStore(name);
  }
  if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'key' });
  if (!db.objectStoreNames.contains(ROWS)) db.createObjectStore(ROWS, { keyPath: 'key' });
}
