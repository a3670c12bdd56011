/**
 * Which snapshots leave the cache: least recently used first, to keep within the limits after
 * every write, or to make room after a quota error. Each runs as one transaction that reads only
 * the small meta records. Eviction also sweeps what can never be loaded (rows without metadata,
 * metadata that is not metadata-shaped) and says so, for the cache to count as corrupt.
 */
import { ignore, META, ROWS, type Db } from './snapshot-db';
import { isMetaRecord, type MetaRecord } from './snapshot-record';

export interface CacheLimits {
  maxSnapshots?: number;
  maxBytes?: number;
}

/** What one eviction to the limits removed. */
export interface LimitEviction {
  /** Snapshots evicted, least recently used first. */
  victims: string[];
  /** Keys of rows that had no usable metadata. */
  orphans: string[];
  /** Keys of metadata records that were not metadata-shaped. */
  foreign: string[];
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

/** After a quota error: evict least recently used snapshots (not `key`) worth at least `bytes`. */
export async function evictForSpace(db: Db, key: string, bytes: number): Promise<string[]> {
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
  return victims;
}

/**
 * Evict least recently used snapshots (never `protect`) until at most `maxSnapshots` remain and
 * their estimated size is at most `maxBytes`; drop orphaned rows and foreign metadata on the way.
 */
export async function evictToLimits(
  db: Db,
  limits: CacheLimits,
  protect: string | undefined
): Promise<LimitEviction> {
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
  return { victims, orphans, foreign: foreign.map((f) => String((f as { key?: unknown } | null)?.key)) };
}
