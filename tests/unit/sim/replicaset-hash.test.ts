/**
 * A pod of a Deployment belongs to a ReplicaSet: it carries that ReplicaSet's pod-template-hash label,
 * its name starts with the ReplicaSet's name, and its controller reference names the ReplicaSet. This
 * holds in every populated world, after controllers and churn have run (rollouts included), and the
 * deployment controller does not replace a populated ReplicaSet by a new one when it starts.
 */
import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import { Controllers } from '$lib/sim/controllers';
import * as k from '$lib/sim/objects';
import { Random } from '$lib/sim/random';
import { SimWorld } from '$lib/sim/world';
import type { KubeObject } from '$lib/kube/types';

const NOW = Date.parse('2026-11-26T10:00:00Z');

/** Pods owned by a ReplicaSet that do not match it, described for the failure message. */
function mismatchedPods(cluster: SimCluster): string[] {
  const replicaSets = new Map(
    cluster.objects(cluster.type('apps/v1', 'ReplicaSet')).map((rs) => [rs.metadata.uid, rs])
  );
  const out: string[] = [];
  let owned = 0;
  for (const pod of cluster.objects(cluster.type('v1', 'Pod'))) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (ref?.kind !== 'ReplicaSet') continue;
    owned++;
    const rs = replicaSets.get(ref.uid);
    const where = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (!rs) out.push(`${where}: owner ${ref.name} does not exist`);
    else if (ref.name !== rs.metadata.name) out.push(`${where}: owner reference names ${ref.name}`);
    else if (pod.metadata.labels?.['pod-template-hash'] !== rs.metadata.labels?.['pod-template-hash'])
      out.push(`${where}: hash ${pod.metadata.labels?.['pod-template-hash']} is not ${rs.metadata.name}'s`);
    else if (!pod.metadata.name.startsWith(`${rs.metadata.name}-`))
      out.push(`${where}: not named after ${rs.metadata.name}`);
  }
  expect(owned).toBeGreaterThan(0);
  return out;
}

function replicaSetNames(cluster: SimCluster): string[] {
  return cluster
    .objects(cluster.type('apps/v1', 'ReplicaSet'))
    .map((rs) => `${rs.metadata.namespace}/${rs.metadata.name}`)
    .sort();
}

describe('pods match the ReplicaSet that owns them', () => {
  for (const seed of [3, 7, 11]) {
    it(`seed ${seed}: at start, with no new ReplicaSet, and after churn and rollouts`, () => {
      let now = NOW;
      const world = new SimWorld({ name: 'demo', seed, pods: 240, churn: 20, clock: { now: () => now } });
      const { cluster } = world;
      const step = (ms: number) => {
        now += ms;
        world.step(ms);
      };
      expect(mismatchedPods(cluster)).toEqual([]);
      const populated = replicaSetNames(cluster);
      // Every workload reconciled from scratch (a restarted controller manager): nothing to replace.
      world.churn.rate = 0;
      world.controllers.resync();
      for (let i = 0; i < 20; i++) step(100);
      expect(replicaSetNames(cluster)).toEqual(populated);
      expect(mismatchedPods(cluster)).toEqual([]);

      // Every Deployment restarted (as `kubectl rollout restart` does), with churn on top.
      const deployType = cluster.type('apps/v1', 'Deployment');
      for (const d of cluster.objects(deployType))
        cluster.patch(deployType, d.metadata.namespace, d.metadata.name, 'strategic', {
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': k.isoTime(now) } } }
          }
        });
      world.churn.rate = 20;
      for (let i = 0; i < 1200; i++) {
        step(100);
        if (i % 200 === 0) expect(mismatchedPods(cluster)).toEqual([]);
      }
      expect(replicaSetNames(cluster).length).toBeGreaterThan(populated.length);
      expect(mismatchedPods(cluster)).toEqual([]);
    });
  }
});

describe('the deployment controller finds a ReplicaSet by its template, not by its hash', () => {
  function deploymentWithReplicaSet(hash: string) {
    const clock = { t: NOW, now: () => clock.t };
    const cluster = new SimCluster({ name: 'adopt', clock, seed: 5 });
    cluster.create(cluster.type('v1', 'Namespace'), undefined, k.namespace('web', NOW));
    cluster.create(
      cluster.type('v1', 'Node'),
      undefined,
      k.node({
        name: 'node-1',
        role: 'worker',
        pool: 'general',
        zone: 'eu-west-1a',
        region: 'eu-west-1',
        instanceType: 'm6i.2xlarge',
        cpu: 8,
        memoryGi: 32,
        maxPods: 110,
        internalIP: '10.0.0.10',
        podCIDR: '10.64.1.0/24',
        created: NOW,
        now: NOW,
        rand: new Random(1)
      })
    );
    const template = k.podTemplate({
      labels: { app: 'shop' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-20T08:00:00Z' },
      containers: [{ name: 'shop', image: 'nginx:1.27.3' }]
    });
    const rsType = cluster.type('apps/v1', 'ReplicaSet');
    const deployment = cluster.create(
      cluster.type('apps/v1', 'Deployment'),
      'web',
      k.deployment({
        name: 'shop',
        namespace: 'web',
        created: NOW,
        replicas: 2,
        selector: { app: 'shop' },
        template,
        revision: 1
      })
    );
    // A ReplicaSet whose hash is not what its template hashes to here: what a cluster whose
    // controller hashed differently holds, and what the populated world makes of a stamped template.
    cluster.create(
      rsType,
      'web',
      k.replicaSet({
        name: '',
        namespace: 'web',
        created: NOW,
        deployment,
        template,
        hash,
        replicas: 2,
        revision: 1
      })
    );
    // The controllers start over the existing objects, as on a restart of the controller manager.
    const controllers = new Controllers(cluster, { events: false });
    controllers.resync();
    const tick = (n: number) => {
      for (let i = 0; i < n; i++) {
        clock.t += 1000;
        controllers.tick(1000);
      }
    };
    return { cluster, rsType, template, tick };
  }

  it('adopts the ReplicaSet of its template whatever its hash, and its pods carry that hash', () => {
    const { cluster, rsType, template, tick } = deploymentWithReplicaSet('7d9f8c6b5');
    expect(k.templateHash(template)).not.toBe('7d9f8c6b5');
    tick(10);
    const replicaSets: KubeObject[] = cluster.objects(rsType, 'web');
    expect(replicaSets.map((rs) => rs.metadata.name)).toEqual(['shop-7d9f8c6b5']);
    const pods = cluster.objects(cluster.type('v1', 'Pod'), 'web');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^shop-7d9f8c6b5-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.labels?.['pod-template-hash']).toBe('7d9f8c6b5');
    }
    expect(cluster.get(cluster.type('apps/v1', 'Deployment'), 'web', 'shop').status).toMatchObject({
      replicas: 2,
      updatedReplicas: 2
    });
  });

  it('a changed template still gets a new ReplicaSet named by the new hash', () => {
    const { cluster, rsType, tick } = deploymentWithReplicaSet('7d9f8c6b5');
    tick(10);
    const deployType = cluster.type('apps/v1', 'Deployment');
    cluster.patch(deployType, 'web', 'shop', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'shop', image: 'nginx:1.27.4' }] } } }
    });
    tick(30);
    const hash = k.templateHash(cluster.get(deployType, 'web', 'shop').spec.template);
    expect(
      cluster
        .objects(rsType, 'web')
        .map((rs) => `${rs.metadata.name} ${rs.spec.replicas}`)
        .sort()
    ).toEqual([`shop-${hash} 2`, 'shop-7d9f8c6b5 0'].sort());
    const pods = cluster.objects(cluster.type('v1', 'Pod'), 'web');
    expect(pods.map((p) => p.metadata.labels?.['pod-template-hash'])).toEqual([hash, hash]);
    expect(pods.every((p) => p.metadata.name.startsWith(`shop-${hash}-`))).toBe(true);
  });
});
