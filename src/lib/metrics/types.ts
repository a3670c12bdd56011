import type { ResourceRef } from '../kube/types';
/**
 * The shapes of live metrics: what a poll yields, what the join writes into rows, what a details
 * page or the overview subscribes to, and what diagnostics shows. Plain, structured-cloneable data.
 */

/**
 * `ok`: the last poll answered. `stale`: three polls in a row failed (values kept, marked).
 * `absent`: the cluster serves no metrics.k8s.io (404) — quiet, re-checked now and then.
 * `forbidden`: the user may not list metrics (403) — quiet too. `error`: failing, no values yet.
 * `idle`: nothing on screen needs metrics of this cluster yet.
 */
export type MetricsState = 'idle' | 'ok' | 'stale' | 'absent' | 'forbidden' | 'error';

/** CPU in millicores, memory in bytes. */
export interface Usage {
  cpu: number;
  memory: number;
}

/** One measurement; `at` is when it was taken (the scrape's timestamp, ms since the epoch). */
export interface Sample extends Usage {
  at: number;
}

/** A short history, oldest first; the three arrays have one length. */
export interface Series {
  at: number[];
  cpu: number[];
  memory: number[];
}

/** Which rows get usage: pods and nodes by their own metrics, namespaces and workloads as sums of pods. */
export type MetricsFamily = 'pod' | 'node' | 'namespace' | 'workload';

/** Workload kind ids and the owner kind their pods (or their ReplicaSets) name. */
export const WORKLOAD_OWNER_KINDS: Record<string, string> = {
  'deployments.apps': 'Deployment',
  'statefulsets.apps': 'StatefulSet',
  'daemonsets.apps': 'DaemonSet',
  'replicasets.apps': 'ReplicaSet',
  'jobs.batch': 'Job'
};

/** The catalog id of a resource (`pods`, `deployments.apps`). */
export function kindIdOfRef(ref: Pick<ResourceRef, 'group' | 'plural'>): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

export function familyOf(kindId: string): MetricsFamily | undefined {
  if (kindId === 'pods') return 'pod';
  if (kindId === 'nodes') return 'node';
  if (kindId === 'namespaces') return 'namespace';
  return kindId in WORKLOAD_OWNER_KINDS ? 'workload' : undefined;
}

/** The cells the join writes (null where there is no value). */
export const USAGE_CELLS = {
  cpu: 'cpuUsage',
  memory: 'memoryUsage',
  cpuRequestPct: 'cpuRequestPct',
  cpuLimitPct: 'cpuLimitPct',
  memoryRequestPct: 'memoryRequestPct',
  memoryLimitPct: 'memoryLimitPct',
  cpuAllocatablePct: 'cpuAllocatablePct',
  memoryAllocatablePct: 'memoryAllocatablePct',
  /** true while the cluster's metrics are stale, null without values. */
  stale: 'metricsStale',
  /** When the values were measured (ms); a new scrape always changes the row. */
  at: 'metricsAt'
} as const;

/** Requests and limits: projected for pods, summed into workload rows by the join. */
export const RESOURCE_CELLS = {
  cpuRequest: 'cpuRequest',
  cpuLimit: 'cpuLimit',
  memoryRequest: 'memoryRequest',
  memoryLimit: 'memoryLimit',
  cpuAllocatable: 'cpuAllocatable',
  memoryAllocatable: 'memoryAllocatable'
} as const;

/** What a details page or the overview follows: one object's usage, or a whole cluster's. */
export interface MetricsSpec {
  cluster: string;
  /** A kind id (`pods`, `nodes`, `namespaces`, a workload kind) or `cluster` for the sum of every node. */
  kindId: string;
  namespace?: string;
  name?: string;
}

export interface MetricsUpdate {
  state: MetricsState;
  /** The latest sample; undefined without one. */
  current: Sample | undefined;
  series: Series | undefined;
  intervalMs: number;
}

/** Per cluster, for the diagnostics page. */
export interface MetricsTelemetry {
  cluster: string;
  state: MetricsState;
  /** Whether a view on screen needs this cluster's metrics (so polls run). */
  polling: boolean;
  /** What is polled: `pods`, `nodes`. */
  polled: string[];
  intervalMs: number;
  lastPollAt?: number;
  lastSuccessAt?: number;
  nextPollAt?: number;
  /** Failed polls since the engine started, and in a row now. */
  errors: number;
  consecutiveFailures: number;
  lastError?: string;
  pods: number;
  nodes: number;
}
