import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '$lib/engine/engine';
import { SimWorld } from '$lib/sim/world';
import type { ResourceRef } from '$lib/kube/types';

// The engine's search and discovery, as the page reaches them: what informers hold, and kinds.

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

let engine: Engine | undefined;
afterEach(() => engine?.stop());

function start() {
  const worlds = [
    new SimWorld({ name: 'one', seed: 11, pods: 30, churn: 0 }),
    new SimWorld({ name: 'two', seed: 12, pods: 30, churn: 0 })
  ];
  engine = new Engine({
    demoClusters: () =>
      worlds.map((w) => ({ name: w.options.name, handler: w.handler, stop: () => w.stop() })),
    lingerMs: 60_000
  });
  return { engine, worlds };
}

describe('engine search and discovery', () => {
  it('finds a pod by name once a view holds pods, and kinds once discovery ran', async () => {
    const { engine, worlds } = start();
    const pod = worlds[1].cluster.objects(worlds[1].cluster.type('v1', 'Pod'))[0];
    expect(engine.search(pod.metadata.name, 10)).toEqual([]);

    let total = 0;
    await engine.open('view', { resource: PODS }, (d) => (total = d.total));
    await expect.poll(() => total).toBe(60);
    const results = engine.search(pod.metadata.name.toUpperCase(), 10);
    expect(results[0]).toEqual({
      type: 'object',
      kindId: 'pods',
      kind: 'Pod',
      name: pod.metadata.name,
      cluster: 'two',
      namespace: pod.metadata.namespace,
      tier: 0
    });

    // Kinds are searchable once discovery has answered.
    expect(engine.search('certificates', 5).some((r) => r.type === 'kind')).toBe(false);
    const resources = await engine.resources();
    expect(new Set(resources.map((r) => r.cluster))).toEqual(new Set(['one', 'two']));
    expect(resources.filter((r) => r.id === 'certificates.cert-manager.io')).toHaveLength(2);
    expect(engine.search('cert', 5)[0]).toMatchObject({
      type: 'kind',
      kindId: 'certificates.cert-manager.io',
      clusters: ['one', 'two']
    });
    expect((await engine.resources('one')).every((r) => r.cluster === 'one')).toBe(true);
    const perCluster = await engine.discovery();
    expect(perCluster.map((d) => [d.cluster, d.source, d.error])).toEqual([
      ['one', 'aggregated', undefined],
      ['two', 'aggregated', undefined]
    ]);
  });
});
