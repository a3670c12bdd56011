/**
 * The HealthMonitor on fake timers: how often each cluster's `/version` is asked (reachable or
 * not), that recovery is announced once per outage, that removed clusters and hidden tabs cost no
 * requests, and that a server which is not Kubernetes (a static file server's HTML) counts as down.
 * A property test checks the probe schedule and the recoveries against a simple model.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HealthMonitor, type HealthMonitorOptions } from '$lib/engine/health';
import { VERSION_INFO } from '$lib/sim/discovery';
import { SimWorld } from '$lib/sim/world';
import { simTransport } from '$lib/watch/transport';

const EVERY_MS = 1000;
const RETRY_MS = 300;

/** What a cluster's address answers right now. */
type Answer = 'kubernetes' | 'down' | 'html' | 'not-found';

/** How the monitor reaches a cluster (named by what the monitor takes, wherever the type lives). */
type Connection = NonNullable<ReturnType<HealthMonitorOptions['connection']>>;

const STATIC_PAGE = '<!doctype html><html><head><title>Skiff</title></head><body></body></html>';

/** The API server every cluster that is up answers from (only its `/version` is asked). */
const world = new SimWorld({ name: 'sim', seed: 1, pods: 1, churn: 0 });

/**
 * Clusters whose `/version` answers as `answers` says (a simulated API server when up), with the
 * time of every request each one received; `latency` delays a cluster's answers (on the fake
 * clock), `hold()` keeps every answer back until released.
 */
function clusters(names: string[]) {
  const answers = new Map<string, Answer>(names.map((n) => [n, 'kubernetes']));
  const probes = new Map<string, number[]>(names.map((n) => [n, []]));
  const latency = new Map<string, number>();
  let gate: Promise<void> | undefined;
  const connection = (cluster: string): Connection | undefined => {
    if (!answers.has(cluster)) return undefined;
    const sim = simTransport(world.handler);
    return {
      origin: `http://${cluster}.invalid`,
      transport: () => ({
        async fetch(path: string, init?: RequestInit) {
          probes.get(cluster)!.push(Date.now());
          const answer = answers.get(cluster);
          await gate;
          const delay = latency.get(cluster);
          if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
          if (answer === 'down') throw new TypeError('fetch failed');
          if (answer === 'html')
            return new Response(STATIC_PAGE, { status: 200, headers: { 'content-type': 'text/html' } });
          if (answer === 'not-found') return new Response('404 page not found', { status: 404 });
          return sim.fetch(path, init);
        }
      })
    };
  };
  const hold = () => {
    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      gate = undefined;
      release();
    };
  };
  return {
    connection,
    answers,
    latency,
    probes,
    hold,
    count: (cluster: string) => probes.get(cluster)!.length
  };
}

function monitorFor(
  connection: HealthMonitorOptions['connection'],
  extra: Partial<HealthMonitorOptions> = {}
) {
  const recovered: string[] = [];
  const monitor = new HealthMonitor({
    connection,
    onRecovered: (c) => recovered.push(c),
    clock: { now: () => Date.now() },
    everyMs: EVERY_MS,
    retryMs: RETRY_MS,
    ...extra
  });
  return { monitor, recovered };
}

/** Moves fake time on, letting each probe's answer arrive before the next timer fires. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

let monitors: HealthMonitor[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  for (const m of monitors) m.dispose();
  monitors = [];
  vi.useRealTimers();
});

/** A running monitor of `names`; `first` says what some of them answer from the first probe on. */
function running(
  names: string[],
  first: Record<string, Answer> = {},
  extra: Partial<HealthMonitorOptions> = {}
) {
  const c = clusters(names);
  for (const [name, answer] of Object.entries(first)) c.answers.set(name, answer);
  const m = monitorFor(c.connection, extra);
  monitors.push(m.monitor);
  m.monitor.setRunning(true);
  for (const n of names) m.monitor.add(n);
  return { ...c, ...m };
}

describe('HealthMonitor', () => {
  it('asks a reachable cluster at once, then every everyMs, and reports its version and round trip', async () => {
    const c = clusters(['a']);
    c.latency.set('a', 40);
    const { monitor } = monitorFor(c.connection);
    monitors.push(monitor);
    monitor.setRunning(true);
    monitor.add('a');
    await advance(40);
    expect(monitor.get('a')).toEqual({
      cluster: 'a',
      reachable: true,
      gitVersion: VERSION_INFO.gitVersion,
      platform: VERSION_INFO.platform,
      latencyMs: 40,
      checkedAt: 40
    });
    // The next probe is one interval after the answer, not after the question.
    await advance(EVERY_MS - 1);
    expect(c.probes.get('a')).toEqual([0]);
    await advance(1 + 3 * (EVERY_MS + 40));
    expect(c.probes.get('a')).toEqual([0, 1040, 2080, 3120, 4160]);
  });

  it('asks an unreachable cluster every retryMs, and says since when and why it is down', async () => {
    const { monitor, probes } = running(['a'], { a: 'down' });
    await advance(0);
    await advance(3 * RETRY_MS);
    expect(probes.get('a')).toEqual([0, 300, 600, 900]);
    expect(monitor.get('a')).toMatchObject({
      reachable: false,
      unreachableSince: 0,
      checkedAt: 900,
      latencyMs: undefined,
      error: 'fetch failed'
    });
  });

  it('down then up calls onRecovered exactly once, and back to the slow pace', async () => {
    const { monitor, probes, answers, recovered } = running(['a', 'b']);
    await advance(0);
    // The first answer is not a recovery: nothing failed before it.
    expect(recovered).toEqual([]);
    answers.set('a', 'down');
    await advance(EVERY_MS + 2 * RETRY_MS);
    expect(monitor.get('a')?.reachable).toBe(false);
    answers.set('a', 'kubernetes');
    await advance(RETRY_MS);
    expect(monitor.get('a')).toMatchObject({ reachable: true, gitVersion: VERSION_INFO.gitVersion });
    expect(monitor.get('a')?.error).toBeUndefined();
    expect(recovered).toEqual(['a']);
    const before = probes.get('a')!.length;
    await advance(3 * EVERY_MS);
    expect(probes.get('a')!.length).toBe(before + 3);
    expect(recovered).toEqual(['a']);
    // The other cluster went on at its own pace all along.
    expect(probes.get('b')).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('a static file server in place of the API (HTML with 200) counts as unreachable, with the reason', async () => {
    const { monitor, answers } = running(['a'], { a: 'html' });
    await advance(0);
    expect(monitor.get('a')).toMatchObject({ reachable: false, unreachableSince: 0 });
    expect(monitor.get('a')?.error).toMatch(/JSON/);
    expect(monitor.get('a')?.gitVersion).toBeUndefined();
    answers.set('a', 'not-found');
    await advance(RETRY_MS);
    expect(monitor.get('a')).toMatchObject({
      reachable: false,
      unreachableSince: 0,
      error: 'HTTP 404 from /version'
    });
  });

  it('removing a cluster stops its probes and leaves no timer behind', async () => {
    const { monitor, count } = running(['a', 'b']);
    await advance(0);
    monitor.remove('a');
    await advance(5 * EVERY_MS);
    expect(count('a')).toBe(1);
    expect(monitor.get('a')).toBeUndefined();
    expect(monitor.all().map((h) => h.cluster)).toEqual(['b']);
    monitor.remove('b');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an answer that arrives after its cluster was removed is forgotten, and asks nothing more', async () => {
    const { monitor, count, hold } = running(['a']);
    const release = hold();
    monitor.remove('a');
    monitor.add('a');
    // Added again while the first probe is on its way: it is asked anew, not given the old answer.
    const probe = monitor.probe('a');
    monitor.remove('a');
    release();
    expect(await probe).toEqual({ cluster: 'a', reachable: undefined });
    await advance(5 * EVERY_MS);
    expect(count('a')).toBe(2);
    expect(monitor.get('a')).toBeUndefined();
  });

  it('a probe on its way when the last tab is hidden schedules no next one', async () => {
    const { monitor, count, hold } = running(['a']);
    await advance(0);
    const release = hold();
    await advance(EVERY_MS);
    expect(count('a')).toBe(2);
    monitor.setRunning(false);
    release();
    await advance(10 * EVERY_MS);
    expect(monitor.get('a')).toMatchObject({ reachable: true, checkedAt: EVERY_MS });
    expect(count('a')).toBe(2);
  });

  it('probes nothing while no tab is shown, starts at once when one is, and stops when hidden again', async () => {
    const c = clusters(['a']);
    const { monitor } = monitorFor(c.connection);
    monitors.push(monitor);
    monitor.add('a');
    await advance(10 * EVERY_MS);
    expect(c.count('a')).toBe(0);
    expect(monitor.get('a')).toEqual({ cluster: 'a', reachable: undefined });

    monitor.setRunning(true);
    await advance(0);
    expect(c.probes.get('a')).toEqual([10_000]);
    await advance(EVERY_MS);
    expect(c.count('a')).toBe(2);

    monitor.setRunning(false);
    await advance(10 * EVERY_MS);
    expect(c.count('a')).toBe(2);
    // Shown again: asked at once, not one interval later.
    monitor.setRunning(true);
    await advance(0);
    expect(c.count('a')).toBe(3);
  });

  it('concurrent asks share one request; a cluster without a connection is not asked', async () => {
    const { monitor, count } = running(['a']);
    await advance(0);
    const asks = await Promise.all([monitor.probe('a'), monitor.probe('a'), monitor.probe('a')]);
    expect(count('a')).toBe(2);
    expect(new Set(asks).size).toBe(1);
    monitor.add('gone');
    expect(await monitor.probe('gone')).toEqual({ cluster: 'gone', reachable: undefined });
  });

  it('uses the default pace (10 s up, 3 s down) without options', async () => {
    const { probes } = running(['a', 'b'], { b: 'down' }, { everyMs: undefined, retryMs: undefined });
    await advance(30_000);
    expect(probes.get('a')).toEqual([0, 10_000, 20_000, 30_000]);
    expect(probes.get('b')).toHaveLength(11);
  });

  it('property: probes follow the answers (everyMs after up, retryMs after down), one recovery per outage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 25 }), async (ups) => {
        const c = clusters(['a']);
        const { monitor, recovered } = monitorFor(c.connection);
        monitors.push(monitor);
        const start = Date.now();
        // The model: when each probe is sent, how the cluster stands after it, recoveries so far.
        let at = start;
        let reachable: boolean | undefined;
        let since: number | undefined;
        let recoveries = 0;
        const sentAt: number[] = [];
        monitor.setRunning(true);
        for (const [i, up] of ups.entries()) {
          c.answers.set('a', up ? 'kubernetes' : 'down');
          if (i === 0) monitor.add('a');
          await advance(i === 0 ? 0 : at - Date.now());
          sentAt.push(at);
          if (up && reachable === false) recoveries++;
          if (!up && reachable !== false) since = at;
          reachable = up;
          expect(c.probes.get('a')).toEqual(sentAt);
          const health = monitor.get('a');
          expect(health).toMatchObject({ reachable, checkedAt: at });
          expect(health?.unreachableSince).toBe(up ? undefined : since);
          expect(recovered).toHaveLength(recoveries);
          at += up ? EVERY_MS : RETRY_MS;
        }
        monitor.dispose();
      })
    );
  });
});
