/** The shapes the simulated cluster's layers share: its options, change events, history and snapshots. */
import type { Clock } from '../../kube/clock';
import type { KubeObject, ResourceType, WriteOptions } from '../../kube/types';

export interface SimClusterOptions {
  name: string;
  clock?: Clock;
  /** Changes kept for watch resume; a watch from an older resourceVersion gets 410 Expired. */
  historyLimit?: number;
  /** Serve the streaming list (`sendInitialEvents`); off answers 422 as servers without WatchList do. */
  watchList?: boolean;
  /** Lifetime of a list continue token. */
  continueTtlMs?: number;
  /** The identity every request is made as (see rbac.ts). */
  user?: string;
  /** Seeds generated names and uids. */
  seed?: number;
  /**
   * The resourceVersion the cluster starts at (default 1); anything older is gone (410). Demo mode
   * starts each page load's clusters at the wall clock, so a resourceVersion cached by an earlier
   * load is always older than the new cluster, never "too large", and the cache relists at once.
   */
  firstResourceVersion?: number;
}

export interface ChangeEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  object: KubeObject;
  prev?: KubeObject;
  rv: number;
}

/** One committed change, as watches replay it. */
export interface HistoryEntry {
  rv: number;
  key: string; // storage key
  type: ChangeEvent['type'];
  object: KubeObject;
  prev?: KubeObject;
}

/** The objects of one resource at one resourceVersion. */
export interface Snapshot {
  rv: number;
  keys: string[]; // sorted object keys
  objects: Map<string, KubeObject>;
}

export type SubresourceWrite = WriteOptions & { subresource?: string };

/** For the simulator's own world building: when the object was created (default: now). */
export type CreateOptions = WriteOptions & { createdAt?: number };

/** An object's key within its resource's bucket. */
export const objKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
