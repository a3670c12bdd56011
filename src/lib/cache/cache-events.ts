/**
 * What the snapshot cache tells about itself: an event per thing that happened (for diagnostics
 * and tests) and the counters `stats()` returns. Plain data, structured-cloneable.
 */
import type { CacheDisabledReason } from './idb-open';

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

/** What the cache has done since it was created. */
export interface CacheCounters {
  reads: number;
  hits: number;
  misses: number;
  writes: number;
  writeErrors: number;
  evictions: number;
  corruptDropped: number;
}

export interface CacheStats extends CacheCounters {
  enabled: boolean;
  disabledReason?: CacheDisabledReason;
  /** Scheduled saves not written yet. */
  pendingWrites: number;
  lastError?: string;
}

export function zeroCounters(): CacheCounters {
  return { reads: 0, hits: 0, misses: 0, writes: 0, writeErrors: 0, evictions: 0, corruptDropped: 0 };
}
