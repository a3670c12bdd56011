import { describe, expect, it } from 'vitest';
import { twoClusters } from '../../support/two-clusters';
import { resolveKind } from '$lib/kinds/resolve';
import { isBuiltinGroup, mergeKinds, pluralTitle } from '$lib/kinds/discovered';

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
