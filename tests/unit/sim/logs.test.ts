import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogFollower, followLogs, logLines, logText, resolveLogContainer, rfc3339Nano } from '$lib/sim/logs';
import type { KubeObject } from '$lib/kube/types';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) /;

function pod(
  name: string,
  containers: { name: string; image: string }[],
  statuses: Record<string, unknown>[],
  extra: { uid?: string; nodeName?: string | null; initContainers?: { name: string; image: string }[] } = {}
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'web',
      uid: extra.uid ?? `uid-${name}`,
      resourceVersion: '1',
      creationTimestamp: iso(NOW - 11 * H)
    },
    spec: {
      ...(extra.nodeName === null ? {} : { nodeName: extra.nodeName ?? 'node-1' }),
      ...(extra.initContainers ? { initContainers: extra.initContainers } : {}),
      containers
    },
    status: { phase: 'Running', podIP: '10.244.1.5', containerStatuses: statuses }
  };
}

const running = (name: string, startedAt: number, restartCount = 0) => ({
  name,
  ready: true,
  restartCount,
  state: { running: { startedAt: iso(startedAt) } }
});

const web = pod('web', [{ name: 'nginx', image: 'nginx:1.27' }], [running('nginx', NOW - 10 * M)]);
const crashing = pod(
  'api',
  [{ name: 'api', image: 'python:3.12-slim' }],
  [
    {
      name: 'api',
      ready: false,
      restartCount: 4,
      state: {
        waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' }
      },
      lastState: {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: iso(NOW - 70 * S),
          finishedAt: iso(NOW - 61 * S)
        }
      }
    }
  ]
);

function timeOf(line: string): number {
  const m = TS.exec(line);
  if (!m) throw new Error(`no timestamp: ${line}`);
  return Date.parse(m[1]);
}

describe('logs: content', () => {
  it('writes nginx access logs about one line per 1-2 s after its startup banner', () => {
    const lines = logLines(web, undefined, {}, NOW);
    expect(lines[0]).toBe(
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration'
    );
    expect(lines.length).toBeGreaterThan(300);
    expect(lines.length).toBeLessThan(600);
    const access = lines.filter((l) =>
      /^10\.244\.\d+\.\d+ - - \[26\/Nov\/2026:09:5\d:\d\d \+0000\] "(GET|POST|PUT|DELETE) \S+ HTTP\/1\.1" \d{3} \d+ "-" "[^"]+" "-"$/.test(
        l
      )
    );
    expect(access.length).toBeGreaterThan(lines.length * 0.9);
  });

  it('writes JSON logs with levels for some apps and ANSI-coloured ones for others', () => {
    const app = (uid: string) =>
      logLines(
        pod('svc', [{ name: 'svc', image: 'ghcr.io/acme/orders:1.4.2' }], [running('svc', NOW - 2 * M)], {
          uid
        }),
        undefined,
        {},
        NOW
      );
    const styles = ['a', 'b', 'c', 'd', 'e', 'f'].map(app);
    const json = styles.filter((lines) => lines[0].startsWith('{'));
    expect(json.length).toBeGreaterThan(0);
    for (const lines of json) {
      for (const l of lines) expect(['debug', 'info', 'warn', 'error']).toContain(JSON.parse(l).level);
    }
    const node = logLines(
      pod('ui', [{ name: 'ui', image: 'node:20-alpine' }], [running('ui', NOW - 2 * M)]),
      undefined,
      {},
      NOW
    );
    expect(node.some((l) => l.includes('\x1b[32minfo\x1b[39m'))).toBe(true);
  });

  it('ends a crashed instance with its stack trace, and a crash-looping container serves it as its log', () => {
    const current = logLines(crashing, undefined, { timestamps: true }, NOW);
    expect(current[current.length - 1]).toMatch(/ KeyError: 'DATABASE_URL'$/);
    expect(current.some((l) => l.endsWith(' Traceback (most recent call last):'))).toBe(true);
    expect(timeOf(current[0])).toBeGreaterThanOrEqual(NOW - 70 * S);
    expect(timeOf(current[current.length - 1])).toBeLessThanOrEqual(NOW - 61 * S);
    expect(logLines(crashing, undefined, { previous: true, timestamps: true }, NOW)).toEqual(current);
  });

  it('is deterministic per instance and grows as time passes', () => {
    const a = logLines(web, 'nginx', { timestamps: true }, NOW);
    expect(logLines(web, 'nginx', { timestamps: true }, NOW)).toEqual(a);
    const later = logLines(web, 'nginx', { timestamps: true }, NOW + 30 * S);
    expect(later.slice(0, a.length)).toEqual(a);
    expect(later.length - a.length).toBeGreaterThan(12);
    expect(later.length - a.length).toBeLessThan(35);
    const restarted = pod(
      'web',
      [{ name: 'nginx', image: 'nginx:1.27' }],
      [running('nginx', NOW - 10 * M, 1)]
    );
    expect(logLines(restarted, undefined, {}, NOW)).not.toEqual(logLines(web, undefined, {}, NOW));
  });

  it('serves only the current log file of a long-running container', () => {
    const old = pod('old', [{ name: 'c', image: 'redis:7' }], [running('c', NOW - 10 * H)]);
    const lines = logLines(old, undefined, { timestamps: true }, NOW);
    expect(timeOf(lines[0])).toBeGreaterThanOrEqual(NOW - 2 * H);
    expect(lines.some((l) => l.includes('Redis is starting'))).toBe(false);
  });
});

describe('logs: options', () => {
  const full = logLines(web, undefined, { timestamps: true }, NOW);

  it('prefixes RFC3339Nano timestamps in order, within the container life', () => {
    let prev = NOW - 10 * M;
    for (const l of full) {
      const t = timeOf(l);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
    }
    expect(prev).toBeLessThanOrEqual(NOW);
    expect(rfc3339Nano(Date.parse('2026-11-26T10:00:00.120Z'), 500)).toBe('2026-11-26T10:00:00.1200005Z');
    expect(rfc3339Nano(Date.parse('2026-11-26T10:00:00Z'))).toBe('2026-11-26T10:00:00Z');
  });

  it('tailLines gives the last lines', () => {
    expect(logLines(web, undefined, { timestamps: true, tailLines: 5 }, NOW)).toEqual(full.slice(-5));
    expect(logLines(web, undefined, { tailLines: 0 }, NOW)).toEqual([]);
  });

  it('sinceSeconds gives the lines of the last seconds, and combines with tailLines', () => {
    const recent = logLines(web, undefined, { timestamps: true, sinceSeconds: 60 }, NOW);
    expect(recent.length).toBeGreaterThan(25);
    for (const l of recent) expect(timeOf(l)).toBeGreaterThanOrEqual(NOW - 60 * S);
    expect(full.slice(-recent.length)).toEqual(recent);
    expect(logLines(web, undefined, { timestamps: true, sinceSeconds: 60, tailLines: 3 }, NOW)).toEqual(
      full.slice(-3)
    );
    expect(logLines(web, undefined, { timestamps: true, sinceTime: iso(NOW - 60 * S) }, NOW)).toEqual(recent);
  });

  it('limitBytes cuts the text, possibly mid-line', () => {
    const text = logText(web, undefined, {}, NOW);
    const cut = logText(web, undefined, { limitBytes: 100 }, NOW);
    expect(new TextEncoder().encode(cut).length).toBe(100);
    expect(text.startsWith(cut)).toBe(true);
    expect(logLines(web, undefined, { limitBytes: 100 }, NOW)).toEqual(cut.split('\n'));
  });
});

describe('logs: errors as the API gives them', () => {
  const multi = pod(
    'multi',
    [
      { name: 'app', image: 'ghcr.io/acme/app:1' },
      { name: 'sidecar', image: 'envoyproxy/envoy:v1.31' }
    ],
    [running('app', NOW - M), running('sidecar', NOW - M)],
    { initContainers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:1' }] }
  );

  function apiError(fn: () => unknown): { code: number; message: string } {
    try {
      fn();
    } catch (e) {
      return e as { code: number; message: string };
    }
    throw new Error('expected an error');
  }

  it('asks for a container name when the pod has several', () => {
    expect(apiError(() => logLines(multi, undefined, {}, NOW))).toMatchObject({
      code: 400,
      message: 'a container name must be specified for pod multi, choose one of: [migrate app sidecar]'
    });
    expect(resolveLogContainer(multi, 'sidecar')).toBe('sidecar');
    expect(logLines(multi, 'sidecar', {}, NOW).length).toBeGreaterThan(10);
  });

  it('rejects an unknown container', () => {
    expect(apiError(() => logLines(multi, 'nope', {}, NOW))).toMatchObject({
      code: 400,
      message: 'container nope is not valid for pod multi'
    });
  });

  it('has no previous container before the first restart', () => {
    expect(apiError(() => logLines(web, undefined, { previous: true }, NOW))).toMatchObject({
      code: 400,
      message: 'previous terminated container "nginx" in pod "web" not found'
    });
  });

  it('says when the container has not started, and is empty before scheduling', () => {
    const creating = pod(
      'creating',
      [{ name: 'app', image: 'nginx' }],
      [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }]
    );
    expect(apiError(() => logLines(creating, undefined, {}, NOW))).toMatchObject({
      code: 400,
      message: 'container "app" in pod "creating" is waiting to start: ContainerCreating'
    });
    const pulling = pod(
      'pulling',
      [{ name: 'app', image: 'nginx' }],
      [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }]
    );
    expect(apiError(() => logLines(pulling, undefined, {}, NOW)).message).toBe(
      'container "app" in pod "pulling" is waiting to start: trying and failing to pull image'
    );
    const pending = pod('pending', [{ name: 'app', image: 'nginx' }], [], { nodeName: null });
    expect(logText(pending, undefined, {}, NOW)).toBe('');
  });
});

describe('logs: follow', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('streams new lines as time passes and ends when the container exits', () => {
    const f = new LogFollower(web, undefined, { timestamps: true, tailLines: 2 });
    const first = f.start(NOW).split('\n').slice(0, -1);
    expect(first).toEqual(logLines(web, undefined, { timestamps: true }, NOW).slice(-2));
    const next = f
      .poll(NOW + 10 * S, web)
      .split('\n')
      .slice(0, -1);
    expect(next.length).toBeGreaterThan(3);
    expect(timeOf(next[0])).toBeGreaterThan(NOW);
    for (const l of next) expect(timeOf(l)).toBeLessThanOrEqual(NOW + 10 * S);
    expect(f.poll(NOW + 10 * S, web)).toBe('');
    expect([...first, ...next]).toEqual(
      logLines(web, undefined, { timestamps: true }, NOW + 10 * S).slice(-(2 + next.length))
    );

    const exited = pod(
      'web',
      [{ name: 'nginx', image: 'nginx:1.27' }],
      [
        {
          name: 'nginx',
          ready: false,
          restartCount: 0,
          state: {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: iso(NOW - 10 * M),
              finishedAt: iso(NOW + 15 * S)
            }
          }
        }
      ]
    );
    expect(f.done).toBe(false);
    const last = f
      .poll(NOW + 20 * S, exited)
      .split('\n')
      .slice(0, -1);
    expect(last[last.length - 1]).toMatch(/\[notice\] 1#1: exit$/);
    expect(timeOf(last[last.length - 1])).toBeLessThanOrEqual(NOW + 15 * S);
    expect(f.done).toBe(true);
  });

  it('stops at limitBytes and when the pod is deleted', () => {
    const limited = new LogFollower(web, undefined, { limitBytes: 300, tailLines: 0 });
    expect(limited.start(NOW)).toBe('');
    const text = limited.poll(NOW + 60 * S);
    expect(new TextEncoder().encode(text).length).toBe(300);
    expect(limited.done).toBe(true);
    const gone = new LogFollower(web, undefined, {});
    gone.start(NOW);
    expect(gone.poll(NOW + S, null)).toBe('');
    expect(gone.done).toBe(true);
  });

  it('drives a follow stream with a timer and a clock', () => {
    vi.useFakeTimers();
    const clock = { t: NOW, now: () => clock.t };
    const got: string[] = [];
    let current: KubeObject | undefined = web;
    let ended = 0;
    const stop = followLogs(web, 'nginx', {}, clock, 1000, (l) => got.push(l), {
      getPod: () => current,
      onEnd: () => ended++
    });
    for (let i = 0; i < 10; i++) {
      clock.t += 1000;
      vi.advanceTimersByTime(1000);
    }
    expect(got).toEqual(logLines(web, undefined, {}, NOW + 10 * S).slice(-got.length));
    expect(got.length).toBeGreaterThan(3);
    current = undefined;
    clock.t += 1000;
    vi.advanceTimersByTime(1000);
    expect(ended).toBe(1);
    stop();
  });
});
