/**
 * The reflector's recovery policy as one pure function: what a failure means and what to do next.
 * `classify` decides; the Reflector carries the action out (report it, mark the store resyncing,
 * wait, count). Tested case by case in tests/unit/watch/recovery.test.ts.
 *
 * - 422 to the streaming list: list + watch from now on, for the whole cluster, at once.
 * - 410 (resourceVersion expired or gone, on a watch or a continue token): relist as a diff, at once
 *   the first time; when it repeats before any progress the server is unwell, so after a backoff.
 * - 400 to a resume from a resourceVersion: the resourceVersion may be what is refused: relist,
 *   after the retry backoff.
 * - 504 ResourceVersionTooLarge: the resourceVersion is newer than anything the server has (the
 *   cluster was re-created at the same address, etcd was restored, or a cache outlived its cluster):
 *   stop trusting it and list from scratch at once, replacing every item, as client-go does; when
 *   it repeats before any progress, after a backoff.
 * - 401, 403 and other client errors (but 408 and 429): park until the slow retry or `retryNow()`.
 * - Anything else (429, 5xx, network, stall, malformed stream, HTML from a proxy): retry from the
 *   last resourceVersion after a backoff with full jitter, never sooner than Retry-After.
 */
import { InvalidResume, StatusError, StreamError, WatchListUnsupported, errorMessage } from './errors';
import { LineTooLongError } from './ndjson';

/** What the reflector knows when a request failed. */
export interface RecoveryContext {
  /** The reflector was stopped: the failure is only the cancellation. */
  stopped: boolean;
  /** 410s since the last progress (events or bookmarks on a watch). */
  expiredInARow: number;
  /** 504 ResourceVersionTooLarge answers since the last progress (events or bookmarks on a watch). */
  tooLargeInARow: number;
}

/** What is reported of a failure: `message` becomes the status's lastError, `error` goes to onError. */
interface Reported {
  message: string;
  error: unknown;
}

export type RecoveryAction =
  /** Stopped: leave the loop. */
  | { kind: 'stop' }
  /** Remember that the cluster has no streaming list, and list + watch at once. */
  | ({ kind: 'use-list-and-watch' } & Reported)
  /**
   * Mark the store resyncing and list again: at once, or after a backoff. `reconnect`: the wait is
   * the retry backoff and counts as a reconnect. `streak`: this failure extends the 410 or the 504
   * streak. `fresh`: nothing of the store is trusted, every item is replaced by the list's even
   * where the resourceVersions match (they came from another history).
   */
  | ({
      kind: 'relist';
      delay: 'none' | 'backoff';
      reconnect: boolean;
      streak?: 'expired' | 'too-large';
      fresh?: true;
    } & Reported)
  /**
   * Retry after a backoff, never sooner than `retryAfterMs`; counts as a reconnect. `relist`: mark
   * the store resyncing (before reporting) and list again.
   */
  | ({ kind: 'retry'; retryAfterMs: number | undefined; relist: boolean } & Reported)
  /** Wait in `state` for the slow retry or `retryNow()`. */
  | ({ kind: 'park'; state: 'unauthorized' | 'forbidden' | 'error' } & Reported);

/** What to do about `error`; decides only, changes nothing. */
export function classify(error: unknown, context: RecoveryContext): RecoveryAction {
  if (context.stopped) return { kind: 'stop' };
  if (error instanceof WatchListUnsupported) {
    // Making progress beats insisting: list + watch for every stream of this cluster from now on.
    return {
      kind: 'use-list-and-watch',
      message: `the server refused the streaming list, using list + watch: ${error.message}`,
      error
    };
  }
  if (error instanceof InvalidResume) {
    return {
      kind: 'relist',
      delay: 'backoff',
      reconnect: true,
      message: `HTTP 400 on resuming the watch, relisting: ${error.message}`,
      error: error.status
    };
  }
  if (error instanceof StatusError) return classifyStatus(error, context);
  const message =
    error instanceof LineTooLongError
      ? `malformed stream: ${error.message}`
      : error instanceof StreamError
        ? error.message
        : `request failed: ${errorMessage(error)}`;
  return { kind: 'retry', retryAfterMs: undefined, relist: false, message, error };
}

function classifyStatus(error: StatusError, context: RecoveryContext): RecoveryAction {
  const { code } = error;
  const message = `HTTP ${code} ${error.reason}: ${error.message}`;
  if (code === 410 || error.reason === 'Expired' || error.reason === 'Gone') {
    // The first 410 relists at once; repeated ones mean the server is unwell: back off.
    return {
      kind: 'relist',
      delay: context.expiredInARow > 0 ? 'backoff' : 'none',
      reconnect: false,
      streak: 'expired',
      message: `resourceVersion expired (410), relisting: ${error.message}`,
      error
    };
  }
  if (code === 401 || code === 403) {
    return { kind: 'park', state: code === 401 ? 'unauthorized' : 'forbidden', message, error };
  }
  if (isTooLargeResourceVersion(error)) {
    // The resourceVersion is from another history (a re-created cluster, a restored etcd): waiting
    // for the server to reach it may take forever. List from scratch at once, as client-go does;
    // a repeat before any progress (a server that is merely behind) waits for the backoff.
    return {
      kind: 'relist',
      delay: context.tooLargeInARow > 0 ? 'backoff' : 'none',
      reconnect: false,
      streak: 'too-large',
      fresh: true,
      message: `resourceVersion newer than the server's (504, was the cluster re-created?), listing from scratch: ${error.message}`,
      error
    };
  }
  if (code >= 400 && code < 500 && code !== 408 && code !== 429) {
    return { kind: 'park', state: 'error', message, error };
  }
  return { kind: 'retry', retryAfterMs: error.retryAfterMs, relist: false, message, error };
}

function isTooLargeResourceVersion(error: StatusError): boolean {
  return (
    error.code === 504 &&
    (error.causes.some((c) => c.reason === 'ResourceVersionTooLarge') ||
      /too large resource version/i.test(error.message))
  );
}
