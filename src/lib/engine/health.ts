/**
 * Cluster health: each cluster's `/version`, asked every few seconds while a tab shows, with its
 * round trip. A cluster that stops answering is marked unreachable (its rows stay, marked by their
 * streams' states); when it answers again its streams restart at once from their resourceVersions
 * (those backing off, and those whose watch looks open but may have died with the connection), so
 * recovery takes one probe interval, not a backoff or a stall timeout.
 */
import type { ClusterHealth } from './api';
import { clusterVersion } from './cluster-connection';
import type { Clock } from '../kube/clock';
import type { ClusterConnection } from '../watch/budget';

export interface HealthMonitorOptions {
  connection: (cluster: string) => ClusterConnection | undefined;
  /** The cluster answered again after failing. */
  onRecovered: (cluster: string) => void;
  clock?: Clock;
  /** Between probes of a reachable cluster. Default 10 s. */
  everyMs?: number;
  /** Between probes of an unreachable one. Default 3 s. */
  retryMs?: number;
}

export class HealthMonitor {
  private health = new Map<string, ClusterHealth>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private inFlight = new Map<string, Promise<ClusterHealth>>();
  private running = false;

  constructor(private readonly options: HealthMonitorOptions) {}

  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }

  /** Starts probing `cluster` (first probe now). */
  add(cluster: string): void {
    if (this.health.has(cluster)) return;
    this.health.set(cluster, { cluster, reachable: undefined });
    if (this.running) void this.probe(cluster);
  }

  remove(cluster: string): void {
    this.health.delete(cluster);
    this.inFlight.delete(cluster);
    clearTimeout(this.timers.get(cluster));
    this.timers.delete(cluster);
  }

  /** Probing runs while some tab is shown. */
  setRunning(running: boolean): void {
    if (running === this.running) return;
    this.running = running;
    if (running) for (const c of this.health.keys()) void this.probe(c);
    else {
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
    }
  }

  get(cluster: string): ClusterHealth | undefined {
    return this.health.get(cluster);
  }

  all(): ClusterHealth[] {
    return [...this.health.values()];
  }

  /** Asks now (a stream failed, the user pressed retry); concurrent asks share one request. */
  probe(cluster: string): Promise<ClusterHealth> {
    const pending = this.inFlight.get(cluster);
    if (pending) return pending;
    const run: Promise<ClusterHealth> = this.ask(cluster).finally(() => {
      if (this.inFlight.get(cluster) === run) this.inFlight.delete(cluster);
    });
    this.inFlight.set(cluster, run);
    return run;
  }

  private async ask(cluster: string): Promise<ClusterHealth> {
    const connection = this.options.connection(cluster);
    const before = this.health.get(cluster);
    if (!connection || !before) return { cluster, reachable: undefined };
    const started = this.now();
    const version = await clusterVersion(connection);
    const at = this.now();
    // Removed (or removed and added again, another connection) while asking: forget the answer.
    if (this.health.get(cluster) !== before) return { cluster, reachable: undefined };
    const reachable = !version.error;
    const next: ClusterHealth = reachable
      ? {
          cluster,
          reachable,
          gitVersion: version.gitVersion,
          platform: version.platform,
          latencyMs: at - started,
          checkedAt: at
        }
      : {
          ...before,
          cluster,
          reachable,
          checkedAt: at,
          latencyMs: undefined,
          unreachableSince: before.reachable === false ? before.unreachableSince : at,
          error: version.error
        };
    this.health.set(cluster, next);
    if (reachable && before.reachable === false) this.options.onRecovered(cluster);
    this.schedule(cluster, reachable);
    return next;
  }

  private schedule(cluster: string, reachable: boolean): void {
    clearTimeout(this.timers.get(cluster));
    if (!this.running) return;
    const delay = reachable ? (this.options.everyMs ?? 10_000) : (this.options.retryMs ?? 3_000);
    this.timers.set(
      cluster,
      setTimeout(() => void this.probe(cluster), delay)
    );
  }

  dispose(): void {
    this.running = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.health.clear();
  }
}
