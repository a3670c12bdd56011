/** Messages between the benchmark (parent) and its API server process (sim-child.ts). */

/** Label every benchmark change sets, to a global sequence number: which change a shown row carries. */
export const LABEL_SEQ = 'bench.skiff.dev/seq';

export interface PodRef {
  namespace: string;
  name: string;
}

/** Response body bytes served for pods, by request kind (`other`: every other path). */
export interface ByteCounts {
  list: number;
  streamingList: number;
  watch: number;
  other: number;
  podRequests: number;
  /** Pod requests that were lists (paged or streaming), i.e. relists. */
  listRequests: number;
}

export type SimCommand = { id: number } & (
  | { type: 'window'; pods: PodRef[] }
  | { type: 'burst'; count: number }
  | { type: 'churn'; durationMs: number; rate: number; hotRate: number }
  | { type: 'bytes'; reset: boolean }
  | { type: 'stop' }
);

export interface BurstResult {
  /** Server time (epoch ms) of the first change and after the last. */
  t0: number;
  t1: number;
  /** The last change, on a window pod: once the view shows it, it has applied the whole burst. */
  sentinel: PodRef;
  sentinelSeq: number;
}

export interface ChurnResult {
  /** Every change made to a window pod, with its server time (epoch ms). */
  changes: { pod: PodRef; seq: number; at: number }[];
  total: number;
}

export type SimReply = { id: number } & (
  | { type: 'ready'; url: string; pods: number; resourceVersion: string }
  | { type: 'ok' }
  | ({ type: 'burst' } & BurstResult)
  | ({ type: 'churn' } & ChurnResult)
  | { type: 'bytes'; bytes: ByteCounts }
);
