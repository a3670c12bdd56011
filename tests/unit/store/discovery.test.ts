import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import { discoverCluster, type ClusterDiscovery } from '$lib/engine/discovery';
import { resolveKind } from '$lib/kinds/resolve';
import { SimWorld } from '$lib/sim/world';
import { discoveryStore, isBuiltinGroup, mergeKinds, pluralTitle } from '$lib/store/discovery';
import { simTransport } from '$lib/watch/transport';

// Two clusters as demo mode has them: an admin, and a viewer who may not read the CRDs here.
async function twoClusters(): Promise<ClusterDiscovery[]> {
  const dev = new SimWorld({ name: 'dev', seed: 7, pods: 10, churn: 0 });
  const prod = new SimWorld({
    name: 'prod',
    seed: 8,
    pods: 10,
    churn: 0,
    user: { name: 'v', role: 'viewer' }
  });
  const roles = prod.cluster.type('rbac.authorization.k8s.io/v1', 'ClusterRole');
  prod.cluster.mutate(roles, undefined, 'skiff-viewer', (role) => {
    role.rules = (role.rules as { apiGroups: string[] }[]).filter(
      (rule) => !rule.apiGroups.includes('apiextensions.k8s.io')
    );
  });
  return Promise.all([
    discoverCluster('dev', simTransport(dev.handler)),
    discoverCluster('prod', simTransport(prod.handler))
  ]);
}

describe('kinds merged across clusters', () => {
  it('lists each browsable kind once, with the clusters serving it and a title for people', async () => {
    const { kinds, hidden } = mergeKinds(await twoClusters());
    const ids = kinds.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    const certs = kinds.find((k) => k.id === 'certificates.cert-manager.io');
    expect(certs).toMatchObject({
      title: 'Certificates',
      group: 'cert-manager.io',
      kind: 'Certificate',
      namespaced: true,
      clusters: ['dev', 'prod'],
      custom: true,
      inCatalog: false,
      printerColumns: 4
    });
    expect(kinds.find((k) => k.id === 'pods')).toMatchObject({
      inCatalog: true,
      custom: false,
      clusters: ['dev', 'prod']
    });
    expect(kinds.find((k) => k.id === 'networkpolicies.networking.k8s.io')?.title).toBe('NetworkPolicies');
    // Access reviews and metrics cannot be listed and watched: counted, not listed.
    expect(ids).not.toContain('selfsubjectaccessreviews.authorization.k8s.io');
    expect(ids).not.toContain('pods.metrics.k8s.io');
    expect(hidden).toBeGreaterThanOrEqual(3);
    // Sorted by group, then kind: the core group first.
    expect(kinds[0].group).toBe('');
  });

  it('titles plurals the way people write them', () => {
    expect(pluralTitle('Certificate', 'certificates')).toBe('Certificates');
    expect(pluralTitle('NetworkPolicy', 'networkpolicies')).toBe('NetworkPolicies');
    expect(pluralTitle('Ingress', 'ingresses')).toBe('Ingresses');
    expect(pluralTitle('Endpoints', 'endpoints')).toBe('Endpoints');
    expect(isBuiltinGroup('apps')).toBe(true);
    expect(isBuiltinGroup('gateway.networking.k8s.io')).toBe(true);
    expect(isBuiltinGroup('cert-manager.io')).toBe(false);
  });
});

describe('resolveKind', () => {
  it('takes the catalog’s kind first, else one made from discovery with the CRD’s printer columns', async () => {
    const clusters = await twoClusters();
    const resources = async () => clusters.flatMap((c) => c.resources);
    const pods = await resolveKind('pods', resources);
    expect(pods?.title).toBe('Pods');
    expect(pods?.section).not.toBe('Custom');

    const certs = await resolveKind('certificates.cert-manager.io', resources);
    expect(certs).toMatchObject({
      id: 'certificates.cert-manager.io',
      section: 'Custom',
      resource: {
        group: 'cert-manager.io',
        version: 'v1',
        plural: 'certificates',
        kind: 'Certificate',
        namespaced: true
      }
    });
    const labels = certs!.columns.map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(['Ready', 'Secret', 'Issuer']));
    expect(certs!.columns.find((c) => c.label === 'Issuer')?.hidden).toBe(true);

    expect(await resolveKind('widgets.example.com', resources)).toBeUndefined();
  });

  it('gives custom kinds name, namespace and age when no cluster lets us read the CRDs', async () => {
    const [, prod] = await twoClusters();
    const certs = await resolveKind('certificates.cert-manager.io', async () => prod.resources);
    expect(certs?.columns.map((c) => c.id)).not.toContain('pc:Ready');
    expect(certs?.columns.map((c) => c.id)).toEqual(expect.arrayContaining(['name', 'namespace']));
  });
});

describe('the discovery store', () => {
  it('merges what the engine answers, refreshes on request, and says when the engine fails', async () => {
    const clusters = await twoClusters();
    let calls: boolean[] = [];
    let fail = false;
    const store = discoveryStore(async (refresh) => {
      calls.push(refresh);
      if (fail) throw new Error('worker gone');
      return clusters;
    });
    const stop = store.subscribe(() => {});
    await expect.poll(() => get(store).loading).toBe(false);
    expect(get(store).kinds.some((k) => k.id === 'certificates.cert-manager.io')).toBe(true);
    expect(calls).toEqual([false]);
    calls = [];
    await store.refresh();
    expect(calls).toEqual([true]);
    fail = true;
    await store.refresh();
    expect(get(store).error).toMatch(/worker gone/);
    expect(get(store).kinds.length).toBeGreaterThan(0);
    stop();
  });
});
