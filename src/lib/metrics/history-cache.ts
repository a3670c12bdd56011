/**
 * The metrics history in IndexedDB, so a reload still draws the last minutes: one record per
 * cluster in a small database of its own (`skiff-metrics`), packed into typed arrays. Like the
 * snapshot cache it is only a cache, and opens its database the same way (cache/idb-open.ts): no
 * IndexedDB, quota, a blocked, failed or superseded open, a corrupt record — each becomes "nothing
 * cached" or "not written", counted, never an exception.
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import { describeError, IdbConnection } from '../cache/idb-open';
import { systemClock } from '../kube/clock';
import type { Series } from './types';

export const METRICS_DB_NAME = 'skiff-metrics';
const STORE = 'history';
/** 2: records are stored under the cluster's identity (its URL), not its name. */
const FORMAT = 2;
const OPEN_TIMEOUT_MS = 3000;

interface HistoryRecord {
  format: number;
  cluster: string;
  /** What the cluster was known by (its API URL, or `demo:NAME`), when the hub said. */
  identity?: string;
  savedAt: number;
  ids: string[];
  /** Samples per id, in `ids` order; the arrays below are their concatenation. */
  lengths: Uint16Array;
  at: Float64Array;
  cpu: Float64Array;
  memory: Float64Array;
}

interface MetricsDB extends DBSchema {
  history: { key: string; value: HistoryRecord };
}

/** What the hub needs of a history cache (tests pass an in-memory one). */
export interface HistoryStore {
  /** The histories of every record `accept` takes (all without it). */
  load(accept?: (cluster: string, identity: string | undefined) => boolean): Promise<[string, Series][]>;
  /** Stores a cluster's histories under its identity (its name when there is none). */
  save(cluster: string, entries: [string, Series][], now: number, identity?: string): Promise<void>;
}

export interface HistoryCacheStats {
  enabled: boolean;
  writes: number;
  writeErrors: number;
  lastError?: string;
}

export function packHistory(
  cluster: string,
  entries: [string, Series][],
  now: number,
  identity?: string
): HistoryRecord {
  let total = 0;
  for (const [, s] of entries) total += s.at.length;
  const rec: HistoryRecord = {
    format: FORMAT,
    cluster,
    ...(identity === undefined ? {} : { identity }),
    savedAt: now,
    ids: entries.map(([id]) => id),
    lengths: new Uint16Array(entries.length),
    at: new Float64Array(total),
    cpu: new Float64Array(total),
    memory: new Float64Array(total)
  };
  let o = 0;
  entries.forEach(([, s], i) => {
    rec.lengths[i] = s.at.length;
    rec.at.set(s.at, o);
    rec.cpu.set(s.cpu, o);
    rec.memory.set(s.memory, o);
    o += s.at.length;
  });
  return rec;
}

/** The histories of a record; nothing for a record that does not add up. */
export function unpackHistory(rec: unknown): [string, Series][] {
  const r = rec as Partial<HistoryRecord> | undefined;
  if (
    !r ||
    r.format !== FORMAT ||
    !Array.isArray(r.ids) ||
    !(r.lengths instanceof Uint16Array) ||
    !(r.at instanceof Float64Array) ||
    !(r.cpu instanceof Float64Array) ||
    !(r.memory instanceof Float64Array) ||
    r.lengths.length !== r.ids.length
  )
    return [];
  const total = r.lengths.reduce((a, b) => a + b, 0);
  if (r.at.length !== total || r.cpu.length !== total || r.memory.length !== total) return [];
  const out: [string, Series][] = [];
  let o = 0;
  r.ids.forEach((id, i) => {
    const n = r.lengths![i];
    if (typeof id === 'string')
      out.push([
        id,
        {
          at: [...r.at!.subarray(o, o + n)],
          cpu: [...r.cpu!.subarray(o, o + n)],
          memory: [...r.memory!.subarray(o, o + n)]
        }
      ]);
    o += n;
  });
  return out;
}

export class MetricsHistoryCache implements HistoryStore {
  readonly stats: HistoryCacheStats = { enabled: true, writes: 0, writeErrors: 0 };
  private connection: IdbConnection<MetricsDB> | undefined;

  constructor(
    /** null: no IndexedDB (the cache keeps nothing). */
    private readonly factory: IDBFactory | null = globalThis.indexedDB ?? null,
    private readonly name = METRICS_DB_NAME
  ) {}

  /** Opens on first use, with the snapshot cache's handling of blocked, superseded and failed opens. */
  private open(): Promise<IDBPDatabase<MetricsDB> | undefined> {
    this.connection ??= new IdbConnection<MetricsDB>({
      factory: this.factory ?? undefined,
      name: this.name,
      version: 1,
      upgrade: (db) => {
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
      },
      // Blocked by an old tab or never answering: no cache rather than a wait.
      openTimeoutMs: OPEN_TIMEOUT_MS,
      clock: systemClock,
      onOpen: () => {
        this.stats.enabled = true;
      },
      onDisabled: (reason, error) => {
        this.stats.enabled = false;
        this.stats.lastError =
          error === undefined || error === null ? `IndexedDB ${reason}` : describeError(error);
      },
      onUpgradeError: (error) => {
        this.stats.lastError = describeError(error);
      }
    });
    return this.connection.connection();
  }

  async load(
    accept?: (cluster: string, identity: string | undefined) => boolean
  ): Promise<[string, Series][]> {
    try {
      const db = await this.open();
      if (!db) return [];
      const records = await db.getAll(STORE);
      return records
        .filter((r) => !accept || (typeof r?.cluster === 'string' && accept(r.cluster, r.identity)))
        .flatMap((r) => unpackHistory(r));
    } catch (e) {
      this.stats.lastError = String(e instanceof Error ? e.message : e);
      return [];
    }
  }

  async save(cluster: string, entries: [string, Series][], now: number, identity?: string): Promise<void> {
    try {
      const db = await this.open();
      if (!db) return;
      await db.put(STORE, packHistory(cluster, entries, now, identity), identity ?? cluster);
      this.stats.writes++;
    } catch (e) {
      // Quota or a closed database: the next save tries again; nothing live depends on it.
      this.stats.writeErrors++;
      this.stats.lastError = String(e instanceof Error ? e.message : e);
    }
  }
}
