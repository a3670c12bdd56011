/**
 * Demo mode builds its clusters on every page load from a fixed seed, at whatever the time is then.
 * A link to an object (a pod named after its ReplicaSet's pod-template-hash, an Event, a CronJob's
 * Job) must still point at it on the next load: names, uids and hashes may depend on the seed and
 * the options, never on the clock. Timestamps do follow the clock.
 */
import { describe, expect, it } from 'vitest';
import { SimWorld } from '$lib/sim/world';
import type { KubeObject } from '$lib/kube/types';

const LOAD = Date.parse('2026-03-10T12:34:56.789Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function worldAt(now: number, seed: number, pods: number): SimWorld {
  return new SimWorld({ name: 'demo-dev', seed, pods, churn: 0, clock: { now: () => now } });
}

/** Every object as `kind namespace name uid`, sorted. */
function identities(w: SimWorld): string[] {
  const out: string[] = [];
  for (const rt of w.cluster.registry.all())
    for (const o of w.cluster.objects(rt))
      out.push(`${o.kind} ${o.metadata.namespace ?? ''} ${o.metadata.name} ${o.metadata.uid}`);
  return out.sort();
}

/** `namespace/pod → pod-template-hash` and `namespace/replicaset → pod-template-hash`. */
function templateHashes(w: SimWorld): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rt of [w.cluster.type('v1', 'Pod'), w.cluster.type('apps/v1', 'ReplicaSet')]) {
    for (const o of w.cluster.objects(rt)) {
      const hash = o.metadata.labels?.['pod-template-hash'];
      if (hash) out[`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`] = hash;
    }
  }
  return out;
}

describe('generated names do not depend on the clock', () => {
  for (const [seed, pods] of [
    [7, 240],
    [42, 500]
  ] as const) {
    it(`seed ${seed}, ${pods} pods: loads a second, an hour and a day apart name everything alike`, () => {
      const first = worldAt(LOAD, seed, pods);
      const names = identities(first);
      const hashes = templateHashes(first);
      expect(Object.keys(hashes).length).toBeGreaterThan(pods / 4);
      for (const later of [LOAD + 1000, LOAD + HOUR, LOAD + DAY]) {
        const again = worldAt(later, seed, pods);
        expect(identities(again)).toEqual(names);
        expect(templateHashes(again)).toEqual(hashes);
      }
    });
  }

  it('the deep link of the storefront pods survives a reload, with timestamps that follow the clock', () => {
    const storefront = (w: SimWorld) =>
      w.cluster
        .objects(w.cluster.type('v1', 'Pod'), 'web')
        .filter((p) => p.metadata.name.startsWith('storefront-'));
    const before = storefront(worldAt(LOAD, 7, 240));
    const after = storefront(worldAt(LOAD + DAY, 7, 240));
    expect(before.length).toBeGreaterThan(0);
    expect(after.map((p) => p.metadata.name)).toEqual(before.map((p) => p.metadata.name));
    // The same pod, created the same time before now.
    expect(
      Date.parse(after[0].metadata.creationTimestamp) - Date.parse(before[0].metadata.creationTimestamp)
    ).toBe(DAY);
  });

  it('a template stamped by `kubectl rollout restart` keeps its ReplicaSet name; the stamp follows the clock', () => {
    const restarted = (w: SimWorld) =>
      w.cluster
        .objects(w.cluster.type('apps/v1', 'Deployment'))
        .filter((d) => d.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    const replicaSetsOf = (w: SimWorld, deployments: KubeObject[]) =>
      w.cluster
        .objects(w.cluster.type('apps/v1', 'ReplicaSet'))
        .filter((rs) => deployments.some((d) => d.metadata.uid === rs.metadata.ownerReferences?.[0]?.uid))
        .map((rs) => rs.metadata.name);
    const first = worldAt(LOAD, 7, 240);
    const second = worldAt(LOAD + HOUR, 7, 240);
    const before = restarted(first);
    const after = restarted(second);
    expect(before.length).toBeGreaterThan(0);
    expect(after.map((d) => d.metadata.name)).toEqual(before.map((d) => d.metadata.name));
    expect(replicaSetsOf(second, after)).toEqual(replicaSetsOf(first, before));
    const stamp = (d: KubeObject) =>
      Date.parse(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    expect(stamp(after[0]) - stamp(before[0])).toBe(HOUR);
  });
});
