/**
 * Connections for followed logs. A follow request holds an HTTP/1.1 connection for as long as the
 * log is open, and browsers allow 6 per origin (shared by every tab and worker), so followed logs
 * take a foreground lease from the origin's ConnectionBudget like a watch does. Where the origin's
 * watches run over WebSockets the budget hands out WebSocket leases, which cost no HTTP
 * connection; a log follow is plain HTTP all the same, so those are capped here, per origin.
 * A stream that gets no connection polls instead, and takes one when it frees up.
 */
import type { ConnectionBudget } from '../watch/budget';

/** Followed logs over HTTP per origin when the budget does not count them (WebSocket leases). */
export const HTTP_FOLLOWS_PER_ORIGIN = 2;

export class LogConnections {
  private httpFollows = new Map<string, Set<string>>();

  constructor(
    private readonly budget: ConnectionBudget,
    private readonly perOrigin = HTTP_FOLLOWS_PER_ORIGIN
  ) {}

  /** A connection for stream `id` to follow on; false: poll (and ask again with `acquire` later). */
  acquire(id: string, origin: string | undefined): boolean {
    if (origin === undefined) return true; // the in-browser simulator: no connection at all
    const held = this.budget.leaseOf(id) ?? this.budget.request(id, origin, 'foreground', () => {});
    if (!held) return false;
    if (held.kind === 'chunked') return true;
    const follows = this.httpFollows.get(origin) ?? new Set<string>();
    this.httpFollows.set(origin, follows);
    if (follows.has(id) || follows.size < this.perOrigin) {
      follows.add(id);
      return true;
    }
    return false;
  }

  release(id: string): void {
    this.budget.release(id);
    for (const follows of this.httpFollows.values()) follows.delete(id);
  }
}

const perBudget = new WeakMap<ConnectionBudget, LogConnections>();

/** The one LogConnections of an engine's budget. */
export function logConnections(budget: ConnectionBudget): LogConnections {
  let connections = perBudget.get(budget);
  if (!connections) {
    connections = new LogConnections(budget);
    perBudget.set(budget, connections);
  }
  return connections;
}
