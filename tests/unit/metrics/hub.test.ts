/**
 * The metrics hub: subscriptions of details pages and the overview get an object's (or a cluster's)
 * usage and history; the history outlives the engine through its cache; a changed interval and a
 * paused engine reach the pollers.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryStore } from '$lib/metrics/history-cache';
import { MetricsHub } from '$lib/metrics/hub';
import type { Timers } from '$lib/metrics/poller';
import type { MetricsUpdate, Series } from '$lib/metrics/types';

/** Timers the test runs by hand. */
class HandTimers implements Timers {
  pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    this.pending.set(this.next, { fn, ms });
    return this.next++;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  delays(): number[] {
    return [...this.pending.values()].map((p) => p.ms);
  }
  runAll(): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.fn();
  }
}

class MemoryStore implements HistoryStore {
  saved = new Map<string, [string, Series][]>();
  async load() {
    return [...this.saved.values()].flat();
  }
  async save(cluster: string, entries: [string, Series][]) {
    this.saved.set(cluster, structuredClone(entries));
  }
}

function hub(cache?: HistoryStore, timers = new HandTimers()) {
  const now = { t: 1_000_000 };
  const h = new MetricsHub({
    transport: () => undefined,
    defaultIntervalMs: () => undefined,
    clock: { now: () => now.t },
    timers,
    cache
  });
  return { h, now, timers };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('MetricsHub', () => {
  it('gives a subscriber the usage and history of its object, and of the whole cluster', () => {
    const { h } = hub();
    const pod: MetricsUpdate[] = [];
    const cluster: MetricsUpdate[] = [];
    h.subscribe({ cluster: 'c', kindId: 'pods', namespace: 'ns', name: 'p' }, (u) => pod.push(u));
    h.subscribe({ cluster: 'c', kindId: 'cluster' }, (u) => cluster.push(u));
    expect(h.telemetry()[0]).toMatchObject({ cluster: 'c', polled: ['pods', 'nodes'], intervalMs: 10_000 });
    for (const at of [15_000, 30_000])
      h.cluster('c').ingest({
        at,
        pods: [{ namespace: 'ns', name: 'p', at, cpu: at / 1000, memory: 1 }],
        nodes: [
          { name: 'n1', at, cpu: 100, memory: 10 },
          { name: 'n2', at, cpu: 50, memory: 5 }
        ]
      });
    expect(pod.at(-1)).toMatchObject({
      current: { at: 30_000, cpu: 30, memory: 1 },
      series: { cpu: [15, 30] }
    });
    expect(cluster.at(-1)).toMatchObject({ current: { cpu: 150, memory: 15 }, series: { cpu: [150, 150] } });
  });

  it('caches the history and a new engine starts from it', async () => {
    const store = new MemoryStore();
    const first = hub(store);
    first.h.subscribe({ cluster: 'c', kindId: 'nodes', name: 'n1' }, () => {});
    first.h.cluster('c').ingest({ at: 15_000, nodes: [{ name: 'n1', at: 15_000, cpu: 7, memory: 8 }] });
    // A write is scheduled after a poll, not made at once.
    expect(store.saved.size).toBe(0);
    expect(first.timers.delays()).toContain(120_000);
    await first.h.flush();
    expect(store.saved.get('c')?.map(([id]) => id)).toEqual(['nodes|c//n1', 'cluster|c']);

    const second = hub(store);
    await settle();
    const seen: MetricsUpdate[] = [];
    second.h.subscribe({ cluster: 'c', kindId: 'nodes', name: 'n1' }, (u) => seen.push(u));
    expect(seen.at(-1)?.series).toEqual({ at: [15_000], cpu: [7], memory: [8] });
  });

  it('passes a new interval to the pollers, and polls nothing while paused', () => {
    const { h, timers } = hub();
    const close = h.subscribe({ cluster: 'c', kindId: 'pods', namespace: 'ns', name: 'p' }, () => {});
    expect(h.telemetry()[0].polling).toBe(true);
    h.setInterval(2_000);
    expect(h.telemetry()[0].intervalMs).toBe(2_000);
    h.setPaused(true);
    expect(h.telemetry()[0].polling).toBe(false);
    expect(timers.pending.size).toBe(0);
    h.setPaused(false);
    expect(h.telemetry()[0].polling).toBe(true);
    close();
    expect(h.telemetry()[0].polling).toBe(false);
  });
});
