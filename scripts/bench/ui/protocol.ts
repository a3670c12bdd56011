/** Messages between the UI benchmark and its API server process (ui/sim-child.ts). */

/** What a churn made, counted at the server from its start to `idle`. */
export interface ChurnStats {
  ms: number;
  /** Pod ADDED, MODIFIED and DELETED changes. */
  podChanges: number;
  /** Changes of every kind (Events, ReplicaSets, EndpointSlices… as well as pods). */
  allChanges: number;
  /** CPU time the simulator process used meanwhile (it stands in for a remote API server). */
  cpuMs: number;
}

export type UiSimCommand = { id: number } & (
  { type: 'churn'; podsPerSecond: number } | { type: 'idle' } | { type: 'count' } | { type: 'stop' }
);

export type UiSimReply = { id: number } & (
  | { type: 'ready'; url: string; pods: number }
  | { type: 'ok' }
  | { type: 'churned'; stats: ChurnStats }
  | { type: 'count'; pods: number }
);
