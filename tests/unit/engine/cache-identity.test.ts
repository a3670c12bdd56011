/**
 * The snapshot cache knows a cluster by its URL, not its name: a link that names another server
 * "prod" must not leave rows that a later normal visit to the real "prod" paints, nor paint the
 * real "prod"'s rows for the other server.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { SnapshotCache } from '$lib/cache/snapshot-cache';
import { clusterIdentity } from '$lib/engine/clusters';
import { informerCacheKey, informerKey } from '$lib/engine/informer';
import { InformerRegistry } from '$lib/engine/registry';
import type { ResourceRef } from '$lib/kube/types';
import { SimWorld } from '$lib/sim/world';
import { simTransport, type Transport } from '$lib/watch/transport';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const A = 'https://a.example/k8s/';
const B = 'https://b.example/k8s/';

let stop: (() => void)[] = [];
afterEach(() => {
  for (const s of stop) s();
  stop = [];
});

/** A server that never answers (the page is reloading; only the cache can paint). */
const silent: Transport = simTransport(
  (request) =>
    new Promise((_, reject) =>
      request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
    )
);

/** One page load: a registry whose cluster "prod" is served at `identity`. */
function page(cache: SnapshotCache, identity: string, transport: Transport) {
  const registry = new InformerRegistry({
    connection: () => ({ origin: undefined, transport: () => transport, identity }),
    informer: { cache },
    lingerMs: 60_000
  });
  stop.push(() => registry.dispose());
  return registry;
}

describe('snapshot cache keys', () => {
  it('keeps "prod" at two URLs apart: a reload at B does not paint the rows cached at A', async () => {
    const dbName = `identity-${Math.random()}`;
    const world = new SimWorld({ name: 'a', seed: 5, pods: 12, churn: 0 });
    stop.push(() => world.stop());
    const expected = world.cluster.objects(world.cluster.type('v1', 'Pod')).length;

    // Visit 1: "prod" at A, live; the rows are written to the cache.
    const cacheA = new SnapshotCache({ dbName });
    const first = page(cacheA, A, simTransport(world.handler)).acquire(
      { cluster: 'prod', resource: PODS },
      true
    );
    await vi.waitFor(() => expect(first.store.items()).toHaveLength(expected));
    await vi.waitFor(() => expect(first.telemetry().state).toBe('live'));
    await cacheA.flushAll();
    await cacheA.idle();

    // Visit 2 (a crafted link): "prod" at B. Nothing cached for B: nothing painted.
    const atB = page(new SnapshotCache({ dbName }), B, silent).acquire(
      { cluster: 'prod', resource: PODS },
      true
    );
    await atB.load();
    expect(atB.store.items()).toHaveLength(0);
    expect(atB.cacheKey).not.toBe(first.cacheKey);

    // Visit 3: "prod" at A again paints A's rows from the cache before any answer.
    const again = page(new SnapshotCache({ dbName }), A, silent).acquire(
      { cluster: 'prod', resource: PODS },
      true
    );
    await again.load();
    expect(again.store.items()).toHaveLength(expected);
    // The rows still say which cluster they belong to by name.
    expect(again.store.items().every((r) => r.cluster === 'prod')).toBe(true);

    // Visit 4: the same URL under another name (renamed in settings, or a second name in a link):
    // the cached rows say "prod", so they are not painted as "staging"'s.
    const renamed = page(new SnapshotCache({ dbName }), A, silent).acquire(
      { cluster: 'staging', resource: PODS },
      true
    );
    await renamed.load();
    expect(renamed.store.items()).toHaveLength(0);
  });

  it('names a cache entry by the cluster identity; informers stay shared by name', () => {
    const spec = fc.record({
      cluster: fc.constantFrom('prod', 'dev'),
      namespace: fc.option(fc.constantFrom('web', 'db'), { nil: undefined }),
      labelSelector: fc.option(fc.constantFrom('app=x', 'tier in (a,b)'), { nil: undefined })
    });
    fc.assert(
      fc.property(spec, fc.webUrl(), fc.webUrl(), (s, u1, u2) => {
        const full = { ...s, resource: PODS };
        const a = clusterIdentity({ name: s.cluster, url: u1 }, undefined);
        const b = clusterIdentity({ name: s.cluster, url: u2 }, undefined);
        // Same name, different URLs: different cache entries (same URL: the same one).
        expect(informerCacheKey(full, a) === informerCacheKey(full, b)).toBe(a === b);
        // The informer key (views, sharing) is still by name.
        expect(informerKey(full)).toContain(s.cluster);
      })
    );
    expect(clusterIdentity({ name: 'lab', demo: true }, undefined)).toBe('demo:lab');
    expect(clusterIdentity({ name: 'p', url: 'clusters/p' }, 'https://x.example/skiff/')).toBe(
      'https://x.example/skiff/clusters/p/'
    );
  });
});
