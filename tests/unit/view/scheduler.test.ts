import { describe, expect, it } from 'vitest';
import { ViewScheduler } from '$lib/view/scheduler';
import type { WindowDiff } from '$lib/view/types';
import { View } from '$lib/view/view';
import type { Row } from '$lib/watch/row';
import type { TimerClock } from '$lib/kube/clock';

class FakeClock implements TimerClock {
  time = 0;
  private timers: { at: number; id: number; callback: () => void }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, id, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Runs due timers in time order, including those they set. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.callback();
    }
    // A flush may have moved the clock past `end` (it "took" time).
    this.time = Math.max(this.time, end);
  }
}

function row(name: string, v = 0): Row {
  return {
    key: `c/ns/${name}`,
    uid: name,
    cluster: 'c',
    namespace: 'ns',
    name,
    resourceVersion: String(v),
    creationTimestamp: '2024-01-01T00:00:00Z',
    labels: {},
    owners: [],
    cells: { v }
  };
}

function setup(options: { flushCostMs?: number } = {}) {
  const clock = new FakeClock();
  const view = new View({ window: { offset: 0, limit: 10 } });
  const posts: { at: number; diff: WindowDiff }[] = [];
  // The flush "takes" flushCostMs of clock time, so load is simulated without real timing.
  const slow = {
    flush: () => {
      const diff = view.flush();
      clock.time += options.flushCostMs ?? 0;
      return diff;
    },
    onDirty: (listener: () => void) => view.onDirty(listener)
  };
  const scheduler = new ViewScheduler(slow, (diff) => posts.push({ at: clock.time, diff }), { clock });
  return { clock, view, posts, scheduler };
}

describe('ViewScheduler', () => {
  it('posts the first window at once, then nothing while the view is quiet', () => {
    const { clock, posts } = setup();
    clock.advance(0);
    expect(posts).toHaveLength(1);
    expect(posts[0].diff.rows).toEqual([]);
    clock.advance(10_000);
    expect(posts).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('flushes the first change after a quiet spell at once and coalesces the rest per interval', () => {
    const { clock, view, posts } = setup();
    clock.advance(1000);
    view.upsert(row('a', 1));
    clock.advance(0);
    expect(posts.map((p) => p.at)).toEqual([0, 1000]);
    for (let i = 0; i < 50; i++) {
      view.upsert(row('a', i + 2));
      clock.advance(5);
    }
    // Changes kept coming for 250 ms: one post per 100 ms, each with the latest row.
    expect(posts.map((p) => p.at)).toEqual([0, 1000, 1100, 1200]);
    clock.advance(100);
    expect(posts.map((p) => p.at)).toEqual([0, 1000, 1100, 1200, 1300]);
    const last = posts.at(-1)!.diff;
    expect((last.rows ?? last.upserts!.map((u) => u.row))[0].cells.v).toBe(51);
  });

  it('lengthens the interval to 250 and then 500 ms while flushes are slow', () => {
    const { clock, view, scheduler } = setup({ flushCostMs: 30 });
    clock.advance(0);
    expect(scheduler.intervalMs).toBe(250);
    view.upsert(row('a', 1));
    clock.advance(250);
    expect(scheduler.intervalMs).toBe(500);
    view.upsert(row('a', 2));
    clock.advance(500);
    expect(scheduler.intervalMs).toBe(500);
  });

  it('steps back down after calm flushes', () => {
    const clock = new FakeClock();
    const view = new View();
    let cost = 30;
    const flushable = {
      flush: () => {
        const d = view.flush();
        clock.time += cost;
        return d;
      },
      onDirty: (l: () => void) => view.onDirty(l)
    };
    const scheduler = new ViewScheduler(flushable, () => {}, { clock, calmFlushes: 2 });
    clock.advance(0);
    view.upsert(row('a', 1));
    clock.advance(1000);
    expect(scheduler.intervalMs).toBe(500);
    cost = 0;
    const intervals: number[] = [];
    for (let i = 2; i < 8; i++) {
      view.upsert(row('a', i));
      clock.advance(1000);
      intervals.push(scheduler.intervalMs);
    }
    expect(intervals).toEqual([500, 200, 200, 100, 100, 100]);
  });

  it('treats a large diff as load', () => {
    const clock = new FakeClock();
    const view = new View({ window: { offset: 0, limit: 300 } });
    for (let i = 0; i < 300; i++) view.upsert(row(`r${i}`));
    const scheduler = new ViewScheduler(view, () => {}, { clock, largeDiffRows: 250 });
    clock.advance(0);
    expect(scheduler.intervalMs).toBe(250);
  });

  it('flushNow posts at once; dispose stops every post and timer', () => {
    const { clock, view, posts, scheduler } = setup();
    clock.advance(1000);
    view.upsert(row('a', 1));
    clock.advance(0);
    view.upsert(row('b', 1));
    expect(clock.pending).toBe(1);
    expect(scheduler.flushNow()).toBe(true);
    expect(posts).toHaveLength(3);
    expect(scheduler.flushNow()).toBe(false);
    view.upsert(row('c', 1));
    scheduler.dispose();
    expect(clock.pending).toBe(0);
    view.upsert(row('d', 1));
    clock.advance(1000);
    expect(posts).toHaveLength(3);
  });
});
