import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import { AGGREGATED_CONTENT_TYPE, compareKubeVersions, discoveryFor } from '$lib/sim/discovery';

const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function cluster() {
  return new SimCluster({ name: 'disco', clock: { now: () => Date.parse('2026-11-26T10:00:00Z') } });
}

function body(c: SimCluster, path: string, accept = 'application/json'): Json {
  const r = discoveryFor(c, path, accept);
  if (!r) throw new Error(`no discovery answer for ${path}`);
  return r.body;
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', shortNames: ['wd'], categories: ['all'] },
    versions: [
      { name: 'v1beta1', served: true, storage: false },
      { name: 'v1', served: true, storage: true, subresources: { status: {}, scale: {} } }
    ]
  }
};

describe('plain discovery', () => {
  it('answers /version like kube-apiserver', () => {
    const v = body(cluster(), '/version');
    expect(v).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.4',
      platform: 'linux/amd64',
      compiler: 'gc'
    });
    expect(v.buildDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('answers /api and /api/v1 with subresources as their own entries', () => {
    const c = cluster();
    expect(body(c, '/api')).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const list = body(c, '/api/v1');
    expect(list.kind).toBe('APIResourceList');
    expect(list.apiVersion).toBeUndefined();
    expect(list.groupVersion).toBe('v1');
    const byName = new Map<string, Json>(list.resources.map((r: Json) => [r.name, r]));
    expect(byName.get('pods')).toEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all']
    });
    expect(byName.get('pods/log')).toEqual({
      name: 'pods/log',
      singularName: '',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get']
    });
    expect(byName.get('pods/eviction')).toMatchObject({
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create']
    });
    expect(byName.get('nodes')).toMatchObject({ namespaced: false, kind: 'Node' });
    const names = list.resources.map((r: Json) => r.name);
    expect(names).toEqual([...names].sort());
  });

  it('answers /apis with every group and its preferred version, metrics and authorization included', () => {
    const groups = body(cluster(), '/apis').groups as Json[];
    const names = groups.map((g) => g.name);
    expect(names).toContain('metrics.k8s.io');
    expect(names).toContain('authorization.k8s.io');
    expect(names).not.toContain('');
    expect(names.indexOf('apps')).toBeLessThan(names.indexOf('batch'));
    expect(names[names.length - 1]).toBe('metrics.k8s.io');
    expect(groups.find((g) => g.name === 'apps')).toEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' }
    });
  });

  it('answers /apis/G and /apis/G/V, with scale pointing at autoscaling/v1 Scale', () => {
    const c = cluster();
    expect(body(c, '/apis/apps')).toMatchObject({ kind: 'APIGroup', apiVersion: 'v1', name: 'apps' });
    const list = body(c, '/apis/apps/v1');
    expect(list).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
    expect(list.resources.find((r: Json) => r.name === 'deployments/scale')).toEqual({
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update']
    });
    const metrics = body(c, '/apis/metrics.k8s.io/v1beta1');
    expect(metrics.resources.map((r: Json) => [r.name, r.kind, r.namespaced])).toEqual([
      ['nodes', 'NodeMetrics', false],
      ['pods', 'PodMetrics', true]
    ]);
  });

  it('404s unknown groups and versions, and ignores non-discovery paths', () => {
    const c = cluster();
    expect(discoveryFor(c, '/apis/nope.example.com', 'application/json')?.status).toBe(404);
    expect(discoveryFor(c, '/apis/apps/v9', 'application/json')).toMatchObject({
      status: 404,
      body: { kind: 'Status', code: 404, reason: 'NotFound' }
    });
    expect(discoveryFor(c, '/api/v1/pods', 'application/json')).toBeUndefined();
    expect(discoveryFor(c, '/apis/apps/v1/deployments', 'application/json')).toBeUndefined();
    expect(discoveryFor(c, '/healthz', 'application/json')).toBeUndefined();
  });
});

describe('aggregated discovery', () => {
  it('lists the core group with resources, verbs, short names, categories and subresources', () => {
    const r = discoveryFor(cluster(), '/api', AGGREGATED_ACCEPT)!;
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(AGGREGATED_CONTENT_TYPE);
    expect(r.etag).toMatch(/^"[0-9a-f]+"$/);
    const list = r.body as Json;
    expect(list).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    expect(list.items).toHaveLength(1);
    const v1 = list.items[0].versions[0];
    expect(v1).toMatchObject({ version: 'v1', freshness: 'Current' });
    const pods = v1.resources.find((x: Json) => x.resource === 'pods');
    expect(pods).toMatchObject({
      resource: 'pods',
      responseKind: { group: '', version: '', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all']
    });
    expect(pods.subresources.map((s: Json) => s.subresource)).toEqual([
      'ephemeralcontainers',
      'eviction',
      'log',
      'status'
    ]);
    expect(pods.subresources.find((s: Json) => s.subresource === 'log')).toEqual({
      subresource: 'log',
      responseKind: { group: '', version: '', kind: 'Pod' },
      verbs: ['get']
    });
    const nodes = v1.resources.find((x: Json) => x.resource === 'nodes');
    expect(nodes.scope).toBe('Cluster');
    expect(v1.resources.find((x: Json) => x.resource === 'configmaps').subresources).toBeUndefined();
  });

  it('lists named groups for /apis, metrics.k8s.io and authorization.k8s.io included', () => {
    const list = discoveryFor(cluster(), '/apis', AGGREGATED_ACCEPT)!.body as Json;
    const group = (name: string) => list.items.find((g: Json) => g.metadata.name === name);
    expect(group('')).toBeUndefined();
    const metrics = group('metrics.k8s.io').versions[0];
    expect(metrics.version).toBe('v1beta1');
    expect(metrics.resources.map((x: Json) => [x.resource, x.scope, x.responseKind.kind])).toEqual([
      ['nodes', 'Cluster', 'NodeMetrics'],
      ['pods', 'Namespaced', 'PodMetrics']
    ]);
    const ssar = group('authorization.k8s.io').versions[0].resources.find(
      (x: Json) => x.resource === 'selfsubjectaccessreviews'
    );
    expect(ssar).toMatchObject({ scope: 'Cluster', verbs: ['create'] });
    const scale = group('apps')
      .versions[0].resources.find((x: Json) => x.resource === 'deployments')
      .subresources.find((s: Json) => s.subresource === 'scale');
    expect(scale.responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('shows custom resources from CRDs, preferred version first, and drops them with the CRD', () => {
    const c = cluster();
    const crdType = c.type('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    c.create(crdType, undefined, crd);
    const list = discoveryFor(c, '/apis', AGGREGATED_ACCEPT)!.body as Json;
    const g = list.items.find((x: Json) => x.metadata.name === 'example.com');
    expect(g.versions.map((v: Json) => v.version)).toEqual(['v1', 'v1beta1']);
    const widgets = g.versions[0].resources[0];
    expect(widgets).toMatchObject({
      resource: 'widgets',
      responseKind: { group: 'example.com', version: 'v1', kind: 'Widget' },
      shortNames: ['wd'],
      categories: ['all']
    });
    expect(widgets.subresources.map((s: Json) => [s.subresource, s.responseKind.kind])).toEqual([
      ['scale', 'Scale'],
      ['status', 'Widget']
    ]);
    expect(body(c, '/apis/example.com').preferredVersion).toEqual({
      groupVersion: 'example.com/v1',
      version: 'v1'
    });
    c.delete(crdType, undefined, 'widgets.example.com');
    expect(body(c, '/apis').groups.map((x: Json) => x.name)).not.toContain('example.com');
  });

  it('negotiates: plain JSON when not asked, v2beta1 only when that is what is asked, 406 when nothing fits', () => {
    const c = cluster();
    expect(discoveryFor(c, '/apis', 'application/json')!.body).toMatchObject({ kind: 'APIGroupList' });
    expect(discoveryFor(c, '/apis', '')!.body).toMatchObject({ kind: 'APIGroupList' });
    const beta = discoveryFor(
      c,
      '/apis',
      'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'
    )!;
    expect(beta.contentType).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'
    );
    expect((beta.body as Json).apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(
      discoveryFor(
        c,
        '/apis',
        'application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json'
      )!.body
    ).toMatchObject({
      kind: 'APIGroupList'
    });
    // An aggregated Accept on a group version falls through to the plain list.
    expect(discoveryFor(c, '/apis/apps/v1', AGGREGATED_ACCEPT)!.body).toMatchObject({
      kind: 'APIResourceList'
    });
    expect(discoveryFor(c, '/apis', 'application/xml')!.status).toBe(406);
  });

  it('answers 304 to a matching If-None-Match, and changes its ETag when resources change', () => {
    const c = cluster();
    const first = discoveryFor(c, '/apis', AGGREGATED_ACCEPT)!;
    const again = discoveryFor(c, '/apis', AGGREGATED_ACCEPT, first.etag)!;
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    c.create(c.type('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), undefined, crd);
    const changed = discoveryFor(c, '/apis', AGGREGATED_ACCEPT, first.etag)!;
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(first.etag);
  });
});

describe('compareKubeVersions', () => {
  it('orders GA, beta, alpha, then others', () => {
    const versions = ['v1alpha1', 'foo', 'v1beta2', 'v2', 'v1', 'v1beta1', 'v2beta1', 'v10alpha3'];
    expect([...versions].sort(compareKubeVersions)).toEqual([
      'v2',
      'v1',
      'v2beta1',
      'v1beta2',
      'v1beta1',
      'v10alpha3',
      'v1alpha1',
      'foo'
    ]);
  });
});
