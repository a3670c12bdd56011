/**
 * How a Reflector is set up: what it watches, where its items go, who hears about it, and its
 * timings. Every field but transport, cluster and path has a default (given with each field).
 */
import type { Clock } from '../kube/clock';
import type { KubeObject } from '../kube/types';
import type { Sleep } from './backoff';
import type { ServerCapabilities } from './capabilities';
import type { ObjectStore, StoreChange } from './object-store';
import type { ReflectorStatus } from './reflector-status';
import type { Transport } from './transport';

export interface ReflectorOptions<T> {
  transport: Transport;
  /** Names the server for the shared capabilities (a cluster name or an origin). */
  cluster: string;
  /** Collection path, e.g. `/api/v1/pods` or `/apis/apps/v1/namespaces/prod/deployments`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Projects each object as soon as it is parsed (after heavy fields are stripped); the store keeps
   * only what this returns. Default: the object itself.
   */
  transform?: (object: KubeObject) => T;
  /** Removes fields nobody shows, in place. Default: managedFields and the last-applied annotation. */
  strip?: (object: KubeObject) => void;
  /** The store to keep in sync; default a new one. */
  store?: ObjectStore<T>;
  /** Change listener added to the store. */
  onChange?: (change: StoreChange<T>) => void;
  /** Called on every state change (and when the last error changes). */
  onState?: (status: ReflectorStatus) => void;
  /** Failures the reflector recovers from by itself; for logs. */
  onError?: (error: Error) => void;
  /** Try the streaming list when the cluster is not known to refuse it. Default true. */
  streamingList?: boolean;
  capabilities?: ServerCapabilities;
  /** Items per list page. Default 500. */
  pageSize?: number;
  /** Each watch asks the server to end it after a random time in [min, 2 × min] s. Default 300. */
  minWatchTimeoutSeconds?: number;
  /** No byte (not even a bookmark) for this long aborts the request as stalled. Default 90 s; 0 = never. */
  stallTimeoutMs?: number;
  /** A watch that ends cleanly sooner than this without any event counts as a failure. Default 1000. */
  minWatchDurationMs?: number;
  /**
   * Backoff after transient failures. Default 800 ms doubling to 30 s, reset after 2 min without a
   * failure, or by a watch that delivered events or bookmarks over 30 s (`healthyAfterMs`).
   */
  backoff?: { baseMs?: number; capMs?: number; resetAfterMs?: number; healthyAfterMs?: number };
  /** Retry schedule of a stream parked by 401/403/other client errors. Default 5 min. */
  slowRetryMs?: number;
  /** Default 64 MiB. */
  maxLineBytes?: number;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
}
