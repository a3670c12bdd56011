/**
 * The engine's telemetry: every stream with its event rate, the connection budget, memory, the
 * clusters' health, the cache, permissions and metrics. Gathered on request (the diagnostics page
 * and the connection banner ask every second or two).
 */
import type { EngineTelemetry } from './api';
import type { ClusterLifecycle } from './lifecycle';
import { engineMemory } from './memory';
import type { CacheStats } from '../cache/snapshot-cache';
import type { Clock } from '../kube/clock';

export interface TelemetrySources {
  clusters: ClusterLifecycle;
  clock?: Clock;
  cache?: { stats(): CacheStats };
  openViews: () => number;
}

/** Events per second per stream come from the difference between two asks. */
export class TelemetryGatherer {
  private readonly lastEvents = new Map<string, { at: number; events: number }>();

  constructor(private readonly sources: TelemetrySources) {}

  gather(): EngineTelemetry {
    const { clusters, clock, cache } = this.sources;
    const now = clock?.now() ?? Date.now();
    const informers = clusters.maybeRegistry?.informers() ?? [];
    const guard = clusters.maybeAccess;
    const streams = informers.map((i) => {
      const t = i.telemetry();
      const last = this.lastEvents.get(t.key);
      // A resumed stream starts counting from 0 again: then everything it counted is new.
      const delta = last && t.events >= last.events ? t.events - last.events : t.events;
      const eventsPerSecond = last && now > last.at ? (delta * 1000) / (now - last.at) : 0;
      this.lastEvents.set(t.key, { at: now, events: t.events });
      const fallbackNamespaces = guard?.fallbackNamespaces(t.key);
      return { ...t, eventsPerSecond, ...(fallbackNamespaces ? { fallbackNamespaces } : {}) };
    });
    const info = clusters.info;
    return {
      at: now,
      mode: info?.mode ?? 'starting',
      streams,
      budget: clusters.maybeRegistry?.budget.snapshot() ?? [],
      memory: engineMemory(informers),
      clusters: (info?.details ?? []).map(({ name, ...rest }) => ({
        ...rest,
        ...clusters.healthOf(name),
        cluster: name
      })),
      cache: cache?.stats(),
      views: this.sources.openViews(),
      suspended: clusters.maybeRegistry?.suspended ?? false,
      access: guard?.reviewer.answers() ?? [],
      metrics: clusters.maybeMetrics?.telemetry() ?? []
    };
  }
}
