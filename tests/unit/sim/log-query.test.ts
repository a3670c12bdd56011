/**
 * `GET .../pods/NAME/log?sinceTime=…` over the simulator's HTTP handler, with the API's semantics:
 * an RFC 3339 time (a fraction of a second allowed), lines at or after it; a time that does not
 * parse is a 400, and sinceTime with sinceSeconds the apiserver's 422 (ValidatePodLogOptions).
 */
import { describe, expect, it } from 'vitest';
import { LogFollower } from '$lib/sim/logs';
import { SimWorld } from '$lib/sim/world';
import type { KubeObject } from '$lib/kube/types';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const world = new SimWorld({ name: 'logs', seed: 9, pods: 60, churn: 0, clock: { now: () => NOW } });
const podType = world.cluster.type('v1', 'Pod');
// A pod whose container has been running for a while: a log of many lines.
const pod = world.cluster
  .objects(podType)
  .find(
    (p) =>
      p.status?.phase === 'Running' &&
      NOW - Date.parse(p.status.containerStatuses?.[0]?.state?.running?.startedAt ?? '') > 3_600_000
  )!;
const container = pod.spec.containers[0].name;

async function get(query: string): Promise<Response> {
  const { namespace, name } = pod.metadata;
  return world.handler(
    new Request(`http://sim/api/v1/namespaces/${namespace}/pods/${name}/log?container=${container}&${query}`)
  );
}

async function lines(query: string): Promise<string[]> {
  const res = await get(query);
  expect(res.status).toBe(200);
  const text = await res.text();
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** A line's timestamp (RFC3339Nano, fraction trimmed) in nanoseconds since the epoch. */
function nanosOf(line: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z /.exec(line)!;
  return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

const stamp = (line: string) => line.slice(0, line.indexOf(' '));

describe('pod log sinceTime over HTTP', () => {
  it('serves the lines at or after sinceTime, the line at exactly that time included', async () => {
    expect(pod).toBeDefined();
    const all = await lines('timestamps=true');
    expect(all.length).toBeGreaterThan(100);
    const pivot = all[Math.floor(all.length / 2)];
    const since = await lines(`timestamps=true&sinceTime=${encodeURIComponent(stamp(pivot))}`);
    expect(since[0]).toBe(all.find((l) => nanosOf(l) >= nanosOf(pivot)));
    expect(since).toEqual(all.filter((l) => nanosOf(l) >= nanosOf(pivot)));
    expect(since.length).toBeLessThan(all.length);
  });

  it('takes whole seconds, fractions and offsets, and leaves out the timestamps unless asked', async () => {
    const all = await lines('timestamps=true');
    const pivot = all[Math.floor(all.length / 3)];
    const second = `${stamp(pivot).slice(0, 19)}Z`;
    const fromSecond = all.filter((l) => nanosOf(l) >= BigInt(Date.parse(second)) * 1_000_000n);
    expect(await lines(`timestamps=true&sinceTime=${second}`)).toEqual(fromSecond);
    // The same moment written with an offset.
    const local = new Date(Date.parse(second) + 2 * 3_600_000).toISOString().slice(0, 19) + '+02:00';
    expect(await lines(`timestamps=true&sinceTime=${encodeURIComponent(local)}`)).toEqual(fromSecond);
    expect(await lines(`sinceTime=${second}`)).toEqual(fromSecond.map((l) => l.slice(l.indexOf(' ') + 1)));
    // Half a second later: the lines of the first half of that second are left out.
    const half = `${stamp(pivot).slice(0, 19)}.5Z`;
    const fromHalf = all.filter((l) => nanosOf(l) >= BigInt(Date.parse(half)) * 1_000_000n);
    expect(await lines(`timestamps=true&sinceTime=${half}`)).toEqual(fromHalf);
    // With tailLines: the last lines of those at or after sinceTime.
    expect(await lines(`timestamps=true&sinceTime=${second}&tailLines=3`)).toEqual(fromSecond.slice(-3));
    expect(await lines(`sinceTime=${new Date(NOW + 60_000).toISOString()}`)).toEqual([]);
  });

  it('answers sinceTime with sinceSeconds as the apiserver does: 422 Invalid', async () => {
    const res = await get('sinceSeconds=60&sinceTime=2026-11-26T09:59:00Z');
    expect(res.status).toBe(422);
    const status = await res.json();
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      details: { name: pod.metadata.name, kind: 'PodLogOptions' }
    });
    expect(status.message).toBe(
      `PodLogOptions "${pod.metadata.name}" is invalid: : Forbidden: at most one of \`sinceTime\` or \`sinceSeconds\` may be specified`
    );
    // Validation comes before the pod is looked up.
    const missing = await world.handler(
      new Request(
        'http://sim/api/v1/namespaces/web/pods/nope/log?sinceSeconds=60&sinceTime=2026-11-26T09:59:00Z'
      )
    );
    expect(missing.status).toBe(422);
  });

  it('answers a sinceTime that is not RFC 3339 with 400 BadRequest', async () => {
    for (const bad of [
      'yesterday',
      '2026-11-26',
      '2026-11-26T09:59:00',
      '2026-11-26 09:59:00Z',
      '2026-02-30T00:00:00Z'
    ]) {
      const res = await get(`sinceTime=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    }
  });

  it('a follow from a sinceTime still to come serves nothing before it', () => {
    const since = NOW + 30_000;
    const follower = new LogFollower(pod as KubeObject, container, {
      timestamps: true,
      sinceTime: new Date(since).toISOString()
    });
    expect(follower.start(NOW)).toBe('');
    expect(follower.poll(NOW + 20_000)).toBe('');
    const later = follower
      .poll(NOW + 60_000)
      .replace(/\n$/, '')
      .split('\n');
    expect(later.length).toBeGreaterThan(5);
    expect(later.every((l) => nanosOf(l) >= BigInt(since) * 1_000_000n)).toBe(true);
  });
});
