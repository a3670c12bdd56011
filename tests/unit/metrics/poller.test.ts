/**
 * The metrics poller against a scripted server and a clock the test moves: it polls only what is
 * wanted and only while wanted, at the interval, backs off on failures, goes stale after three,
 * and treats a missing metrics API (404) or a forbidden one (403) as quiet states.
 */
import { describe, expect, it } from 'vitest';
import { MetricsPoller, RECHECK_MS, type PollResult, type Timers } from '$lib/metrics/poller';

/** Timers that fire only when the test advances the clock. */
class ManualTime implements Timers {
  now = 0;
  private pending = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** When the next timer fires, or undefined. */
  due(): number | undefined {
    const ats = [...this.pending.values()].map((p) => p.at);
    return ats.length ? Math.min(...ats) : undefined;
  }
  /** Moves to the next timer and runs it (and lets the poll finish). */
  async fire(): Promise<number> {
    const at = this.due();
    if (at === undefined) throw new Error('no timer pending');
    this.now = at;
    for (const [id, p] of [...this.pending]) {
      if (p.at !== at) continue;
      this.pending.delete(id);
      p.fn();
    }
    for (let i = 0; i < 10; i++) await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    return at;
  }
}

const podList = (cpu: string) =>
  Response.json({
    kind: 'PodMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {},
    items: [
      {
        metadata: { name: 'p', namespace: 'ns' },
        timestamp: '2026-01-01T00:00:00Z',
        window: '15s',
        containers: [
          { name: 'a', usage: { cpu, memory: '1Mi' } },
          { name: 'b', usage: { cpu: '1m', memory: '512Ki' } }
        ]
      }
    ]
  });

function setup(answer: (path: string) => Response) {
  const time = new ManualTime();
  const requests: { path: string; at: number }[] = [];
  const results: PollResult[] = [];
  const poller = new MetricsPoller({
    transport: () => ({
      fetch: async (path) => {
        requests.push({ path, at: time.now });
        return answer(path);
      }
    }),
    intervalMs: () => 10_000,
    clock: { now: () => time.now },
    timers: time,
    onResult: (r) => results.push(r),
    onState: () => {}
  });
  return { time, requests, results, poller };
}

describe('MetricsPoller', () => {
  it('polls only what is wanted, at the interval, and nothing once nothing is wanted', async () => {
    const { time, requests, results, poller } = setup(() => podList('250m'));
    expect(time.due()).toBeUndefined();
    poller.setWants({ pods: true, nodes: false });
    await time.fire();
    expect(requests.map((r) => r.path)).toEqual(['/apis/metrics.k8s.io/v1beta1/pods']);
    expect(results[0].pods).toEqual([
      { namespace: 'ns', name: 'p', at: Date.parse('2026-01-01T00:00:00Z'), cpu: 251, memory: 1.5 * 2 ** 20 }
    ]);
    expect(poller.state).toBe('ok');
    expect(await time.fire()).toBe(10_000);
    expect(await time.fire()).toBe(20_000);
    expect(requests).toHaveLength(3);
    poller.setWants({ pods: false, nodes: false });
    expect(time.due()).toBeUndefined();
    // Wanted again after a short while: the next poll keeps the interval.
    time.now = 25_000;
    poller.setWants({ pods: true, nodes: false });
    expect(time.due()).toBe(30_000);
    // Nodes wanted as well: polled at once.
    poller.setWants({ pods: true, nodes: true });
    expect(time.due()).toBe(25_000);
  });

  it('backs off on errors and marks values stale after three failed polls in a row', async () => {
    let status = 200;
    const { time, poller } = setup(() => (status === 200 ? podList('5m') : new Response('down', { status })));
    poller.setWants({ pods: true, nodes: false });
    await time.fire();
    status = 503;
    const at: number[] = [];
    const states: string[] = [];
    for (let i = 0; i < 4; i++) {
      at.push(await time.fire());
      states.push(poller.state);
    }
    // 10 s, then 20 s, 40 s, 80 s between polls.
    expect(at).toEqual([10_000, 30_000, 70_000, 150_000]);
    expect(states).toEqual(['ok', 'ok', 'stale', 'stale']);
    expect(poller.errors).toBe(4);
    status = 200;
    await time.fire();
    expect(poller.state).toBe('ok');
    expect(poller.consecutiveFailures).toBe(0);
    expect(time.due()).toBe(time.now + 10_000);
  });

  it('refuses a metrics answer larger than its limit, as a failed poll that says why', async () => {
    const huge = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            const chunk = new TextEncoder().encode(' '.repeat(1024 * 1024));
            for (let i = 0; i < 65; i++) c.enqueue(chunk);
            c.close();
          }
        }),
        { headers: { 'content-type': 'application/json' } }
      );
    const { time, poller, results } = setup(huge);
    poller.setWants({ pods: true, nodes: false });
    await time.fire();
    expect(results).toHaveLength(0);
    expect(poller.state).toBe('error');
    expect(poller.lastError).toMatch(
      /the response of \/apis\/metrics\.k8s\.io\/v1beta1\/pods was larger than 64 MB; refused/
    );
  });

  it('treats a missing metrics API as a quiet state, asked again every few minutes', async () => {
    let status = 404;
    const { time, requests, results, poller } = setup(() =>
      status === 200 ? podList('5m') : new Response('{"kind":"Status","code":404}', { status })
    );
    poller.setWants({ pods: true, nodes: false });
    await time.fire();
    expect(poller.state).toBe('absent');
    expect(poller.errors).toBe(0);
    expect(await time.fire()).toBe(RECHECK_MS);
    expect(requests).toHaveLength(2);
    status = 403;
    await time.fire();
    expect(poller.state).toBe('forbidden');
    status = 200;
    await time.fire();
    expect(poller.state).toBe('ok');
    expect(results).toHaveLength(1);
  });

  it('follows a shorter interval at once', async () => {
    let interval = 10_000;
    const time = new ManualTime();
    const poller = new MetricsPoller({
      transport: () => ({ fetch: async () => podList('1m') }),
      intervalMs: () => interval,
      clock: { now: () => time.now },
      timers: time,
      onResult: () => {},
      onState: () => {}
    });
    poller.setWants({ pods: true, nodes: false });
    await time.fire();
    time.now = 3_000;
    interval = 2_000;
    poller.intervalChanged();
    expect(time.due()).toBe(3_000);
  });
});
