/**
 * What a Reflector shows of itself: its state, how it last synced, and its telemetry counters.
 * Plain data, structured-cloneable, so it crosses to the main thread as is.
 */

export type ReflectorState =
  /** First sync in progress, nothing known yet. */
  | 'listing'
  /** Watching; the store follows the server. */
  | 'live'
  /** Relisting after a 410 (or syncing after a resume from a cache): the old items stay meanwhile. */
  | 'resyncing'
  /** Waiting to retry after a transient failure (see `nextRetryAt`). */
  | 'backoff'
  /** 403: parked until the slow retry or `retryNow()`. */
  | 'forbidden'
  /** 401: parked until the slow retry or `retryNow()`. */
  | 'unauthorized'
  /** A request the server rejects as invalid (400, 404, …): parked like 403. */
  | 'error'
  | 'stopped';

/** How the store was last brought in sync. */
export type SyncMode = 'streaming-list' | 'list' | 'resume';

/** What telemetry shows about one stream. Plain data, structured-cloneable. */
export interface ReflectorStatus {
  state: ReflectorState;
  /** The resourceVersion the store is in sync with. */
  resourceVersion: string | undefined;
  /** The store holds the old items of a relist in progress. */
  resyncing: boolean;
  syncMode: SyncMode | undefined;
  items: number;
  /** ADDED/MODIFIED/DELETED events received (applied or not). */
  events: number;
  bookmarks: number;
  /** Response body bytes read (after any content decoding). */
  bytes: number;
  /** Syncs after the first one (410, or a resume the server refused). */
  relists: number;
  /** Retries after a failure. */
  reconnects: number;
  /** Watches resumed after the server ended one cleanly. */
  resumes: number;
  /** Events dropped by resourceVersion gating (duplicates, replays, stale, deletes of unknown keys). */
  ignored: number;
  /** Failures of any kind, 410s included. */
  errors: number;
  lastEventAt: number | undefined;
  lastError: string | undefined;
  /** When a parked or backing-off stream tries again. */
  nextRetryAt: number | undefined;
}

/** The status of a reflector that has not started. */
export function initialReflectorStatus(): ReflectorStatus {
  return {
    state: 'listing',
    resourceVersion: undefined,
    resyncing: false,
    syncMode: undefined,
    items: 0,
    events: 0,
    bookmarks: 0,
    bytes: 0,
    relists: 0,
    reconnects: 0,
    resumes: 0,
    ignored: 0,
    errors: 0,
    lastEventAt: undefined,
    lastError: undefined,
    nextRetryAt: undefined
  };
}
