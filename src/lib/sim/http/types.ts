/** The simulated API handler's options, and what its parts share while serving a request. */
import type { SimCluster } from '../cluster';
import type { Faults } from '../faults';

export interface ApiHandlerOptions {
  /** Path prefix the API is mounted under (`/k8s` behind `kubectl proxy --api-prefix=/k8s/`). */
  prefix?: string;
  faults?: Faults;
  /** How often a watch that asked for bookmarks gets one (the real server: about a minute). */
  bookmarkIntervalMs?: number;
  /** Upper bound for a watch without `timeoutSeconds` (the real server picks 30–60 min). */
  maxWatchSeconds?: number;
  /** Delay between followed log lines. */
  logIntervalMs?: number;
}

export type ApiHandler = (request: Request) => Promise<Response>;

/** The cluster a handler serves and how it was set up. */
export interface HandlerContext {
  cluster: SimCluster;
  options: ApiHandlerOptions;
}
