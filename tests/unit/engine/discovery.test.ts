import { describe, expect, it } from 'vitest';
import { DiscoveryCache, discoverCluster } from '$lib/engine/discovery';
import type { KubeObject } from '$lib/kube/types';
import { SimWorld, type SimWorldOptions } from '$lib/sim/world';
import { simTransport, type Transport } from '$lib/watch/transport';
import type { DiscoveredResource } from '$lib/kube/discovery';
import { isBrowsable } from '$lib/kube/discovery';

// Discovery against the simulated API server: what a person browsing kinds would see.

function world(options: Partial<SimWorldOptions> = {}) {
  return new SimWorld({ name: 'disco', seed: 3, pods: 20, churn: 0, ...options });
}

interface Logged {
  path: string;
  accept: string;
  ifNoneMatch: string | null;
  status: number;
}

/** A transport that logs requests and lets a test change what the server does. */
function logged(
  w: SimWorld,
  rewrite: (request: Request) => Request | Response | undefined = () => undefined
): Transport & { log: Logged[] } {
  const inner = simTransport(w.handler);
  const log: Logged[] = [];
  return {
    log,
    async fetch(path, init) {
      const request = new Request(`http://sim.invalid${path}`, init);
      const replaced = rewrite(request);
      const response =
        replaced instanceof Response
          ? replaced
          : await inner.fetch(path, replaced ? { headers: replaced.headers } : init);
      log.push({
        path,
        accept: request.headers.get('accept') ?? '',
        ifNoneMatch: request.headers.get('if-none-match'),
        status: response.status
      });
      return response;
    }
  };
}

/** An older API server: it ignores the aggregated media types and answers plain JSON. */
const withoutAggregated = (request: Request) => {
  const headers = new Headers(request.headers);
  headers.set('accept', 'application/json');
  return new Request(request.url, { headers });
};

const byId = (resources: DiscoveredResource[]) => new Map(resources.map((r) => [r.id, r]));

/** What a person sees of a resource in Browse: id, version, scope, verbs, columns. */
const shown = (r: DiscoveredResource) => ({
  id: r.id,
  version: r.version,
  kind: r.kind,
  namespaced: r.namespaced,
  verbs: [...r.verbs].sort(),
  shortNames: r.shortNames ?? [],
  columns: r.printerColumns?.map((c) => c.name)
});

function widgetCrd(name: string, plural: string, kind: string, versions: string[]): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.example.com` } as KubeObject['metadata'],
    spec: {
      group: 'example.com',
      scope: name === 'cluster' ? 'Cluster' : 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: versions.map((v, i) => ({
        name: v,
        served: true,
        storage: i === 0,
        additionalPrinterColumns: [{ name: `Size-${v}`, type: 'integer', jsonPath: '.spec.size' }]
      }))
    }
  };
}

describe('discovery of a cluster', () => {
  it('finds every resource with aggregated discovery in two requests plus the CRDs', async () => {
    const w = world();
    const t = logged(w);
    const d = await discoverCluster('disco', t);
    expect(d.source).toBe('aggregated');
    expect(d.error).toBeUndefined();
    expect(t.log.map((l) => l.path).sort()).toEqual([
      '/api',
      '/apis',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'
    ]);
    expect(t.log.find((l) => l.path === '/api')?.accept).toContain('as=APIGroupDiscoveryList');
    const r = byId(d.resources);
    expect(shown(r.get('pods')!)).toMatchObject({
      id: 'pods',
      version: 'v1',
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po']
    });
    expect(r.get('pods')!.verbs).toEqual(expect.arrayContaining(['list', 'watch']));
    expect(r.get('pods')!.subresources).toEqual(expect.arrayContaining(['log', 'status']));
    expect(r.get('deployments.apps')).toMatchObject({ version: 'v1', kind: 'Deployment', custom: false });
    expect(r.get('nodes')).toMatchObject({ namespaced: false });
    // Subresources are not kinds of their own.
    expect(d.resources.some((x) => x.plural.includes('/'))).toBe(false);
    // cert-manager's Certificate is a CRD: its printer columns come from the CRD.
    const certs = r.get('certificates.cert-manager.io')!;
    expect(certs).toMatchObject({ kind: 'Certificate', version: 'v1', custom: true, namespaced: true });
    expect(certs.printerColumns?.map((c) => c.name)).toEqual(['Ready', 'Secret', 'Issuer', 'Age']);
    expect(certs.printerColumns?.[0].jsonPath).toBe('.status.conditions[?(@.type=="Ready")].status');
    // Access reviews cannot be listed, so they cannot be browsed; pods can.
    expect(isBrowsable(r.get('selfsubjectaccessreviews.authorization.k8s.io')!)).toBe(false);
    expect(isBrowsable(r.get('pods')!)).toBe(true);
  });

  it('falls back to per-group-version discovery on a server without aggregated discovery, with the same result', async () => {
    const w = world();
    const aggregated = await discoverCluster('disco', simTransport(w.handler));
    const t = logged(w, withoutAggregated);
    const legacy = await discoverCluster('disco', t);
    expect(legacy.source).toBe('legacy');
    expect(legacy.error).toBeUndefined();
    const paths = t.log.map((l) => l.path);
    expect(paths).toContain('/api/v1');
    expect(paths).toContain('/apis/apps/v1');
    expect(paths).toContain('/apis/cert-manager.io/v1');
    // The plain answers of /api and /apis are used as they are, not asked for twice.
    expect(paths.filter((p) => p === '/api' || p === '/apis')).toHaveLength(2);
    expect(legacy.resources.map(shown).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
      aggregated.resources.map(shown).sort((a, b) => (a.id < b.id ? -1 : 1))
    );
  });

  it('asks plainly when something in front of the server refuses the aggregated media types (406)', async () => {
    const w = world();
    const t = logged(w, (request) =>
      (request.headers.get('accept') ?? '').includes('apidiscovery')
        ? new Response('{"kind":"Status","code":406,"message":"not acceptable"}', { status: 406 })
        : undefined
    );
    const d = await discoverCluster('disco', t);
    expect(d.source).toBe('legacy');
    expect(d.error).toBeUndefined();
    expect(byId(d.resources).get('certificates.cert-manager.io')?.printerColumns).toHaveLength(4);
  });

  it('keeps the preferred version of each resource, and a resource only served in another version', async () => {
    for (const rewrite of [undefined, withoutAggregated]) {
      const w = world();
      const crds = w.cluster.type('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
      w.cluster.create(crds, undefined, widgetCrd('ns', 'widgets', 'Widget', ['v1', 'v1beta1']));
      w.cluster.create(crds, undefined, widgetCrd('cluster', 'gadgets', 'Gadget', ['v1beta1']));
      const d = await discoverCluster('disco', logged(w, rewrite));
      const r = byId(d.resources);
      expect(r.get('widgets.example.com')).toMatchObject({ version: 'v1', namespaced: true, custom: true });
      expect(r.get('widgets.example.com')!.printerColumns?.map((c) => c.name)).toEqual(['Size-v1']);
      expect(r.get('gadgets.example.com')).toMatchObject({ version: 'v1beta1', namespaced: false });
      expect(r.get('gadgets.example.com')!.printerColumns?.map((c) => c.name)).toEqual(['Size-v1beta1']);
      expect(d.resources.filter((x) => x.id === 'widgets.example.com')).toHaveLength(1);
    }
  });

  it('tells when CRDs may not be read, and still lists the custom kinds without printer columns', async () => {
    const w = world({ user: { name: 'viewer', role: 'viewer' } });
    const roles = w.cluster.type('rbac.authorization.k8s.io/v1', 'ClusterRole');
    w.cluster.mutate(roles, undefined, 'skiff-viewer', (role) => {
      role.rules = (role.rules as { apiGroups: string[] }[]).filter(
        (rule) => !rule.apiGroups.includes('apiextensions.k8s.io')
      );
    });
    const t = logged(w);
    const d = await discoverCluster('disco', t);
    expect(t.log.find((l) => l.path.endsWith('/customresourcedefinitions'))?.status).toBe(403);
    expect(d.error).toBeUndefined();
    expect(d.crdError).toMatch(/may not list CustomResourceDefinitions/);
    const certs = byId(d.resources).get('certificates.cert-manager.io');
    expect(certs).toMatchObject({ kind: 'Certificate', custom: false });
    expect(certs?.printerColumns).toBeUndefined();
  });

  it('reports a cluster whose API does not answer, without throwing', async () => {
    const down: Transport = {
      fetch: () => Promise.reject(new TypeError('Failed to fetch'))
    };
    const d = await discoverCluster('gone', down);
    expect(d).toMatchObject({ cluster: 'gone', resources: [], source: 'none' });
    expect(d.error).toMatch(/discovery failed: .*did not answer \/api.*Failed to fetch/);

    const html = logged(world(), () => new Response('<html>Bad gateway</html>', { status: 502 }));
    const bad = await discoverCluster('proxied', html);
    expect(bad.source).toBe('none');
    expect(bad.error).toMatch(/HTTP 502/);
  });

  it('refuses a discovery document larger than its limit, saying so, and reads a huge error body only in part', async () => {
    // A hostile /apis: 40 MB of JSON, announced by no Content-Length.
    const huge = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            const chunk = new TextEncoder().encode(' '.repeat(1024 * 1024));
            for (let i = 0; i < 40; i++) c.enqueue(chunk);
            c.close();
          }
        }),
        { headers: { 'content-type': 'application/json' } }
      );
    const big = logged(world(), (request) =>
      new URL(request.url).pathname === '/apis' ? huge() : undefined
    );
    const d = await discoverCluster('hostile', big);
    expect(d.error).toMatch(/the response of \/apis was larger than 32 MB; refused/);

    const page = `<html><body>${'Bad gateway '.repeat(1_000_000)}</body></html>`; // 12 MB error page
    const bad = await discoverCluster(
      'proxied',
      logged(world(), () => new Response(page, { status: 502 }))
    );
    expect(bad.source).toBe('none');
    expect(bad.error).toMatch(/HTTP 502/);
  });

  it('keeps the groups that answered when one group version fails (a metrics server that is down)', async () => {
    const w = world();
    const t = logged(w, (request) =>
      new URL(request.url).pathname.startsWith('/apis/metrics.k8s.io')
        ? new Response('{"kind":"Status","message":"service unavailable"}', { status: 503 })
        : withoutAggregated(request)
    );
    const d = await discoverCluster('disco', t);
    expect(d.source).toBe('legacy');
    expect(d.error).toMatch(/some API groups could not be discovered: .*metrics\.k8s\.io.*HTTP 503/);
    const r = byId(d.resources);
    expect(r.has('pods')).toBe(true);
    expect(r.has('deployments.apps')).toBe(true);
    expect(r.has('pods.metrics.k8s.io')).toBe(false);
  });

  it('revalidates aggregated discovery with its ETag', async () => {
    const w = world();
    const t = logged(w);
    const memory = { aggregated: {} };
    const first = await discoverCluster('disco', t, memory);
    t.log.length = 0;
    const second = await discoverCluster('disco', t, memory);
    const roots = t.log.filter((l) => l.path === '/api' || l.path === '/apis');
    expect(roots.map((l) => l.status)).toEqual([304, 304]);
    expect(roots.every((l) => l.ifNoneMatch)).toBe(true);
    expect(second.resources).toEqual(first.resources);
  });
});

describe('the engine’s discovery cache', () => {
  function setup() {
    let now = 1_000_000;
    const w = world();
    const t = logged(w);
    const cache = new DiscoveryCache({
      transport: (c) => (c === 'disco' ? t : undefined),
      clock: { now: () => now },
      maxAgeMs: 60_000
    });
    return { w, t, cache, advance: (ms: number) => (now += ms) };
  }

  it('answers from the cache until the answer is old or a refresh is asked for', async () => {
    const { w, t, cache, advance } = setup();
    const first = await cache.get('disco');
    expect(byId(first.resources).has('pods')).toBe(true);
    const requests = t.log.length;
    await cache.get('disco');
    advance(30_000);
    await cache.get('disco');
    expect(t.log.length).toBe(requests);

    // A CRD added meanwhile shows after a refresh.
    const crds = w.cluster.type('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    w.cluster.create(crds, undefined, widgetCrd('ns', 'widgets', 'Widget', ['v1']));
    const refreshed = await cache.get('disco', true);
    expect(byId(refreshed.resources).has('widgets.example.com')).toBe(true);
    expect(t.log.length).toBeGreaterThan(requests);

    const before = t.log.length;
    advance(61_000);
    await cache.get('disco');
    expect(t.log.length).toBeGreaterThan(before);
  });

  it('shares one discovery between concurrent readers', async () => {
    const { t, cache } = setup();
    const [a, b] = await Promise.all([cache.get('disco'), cache.get('disco')]);
    expect(a).toBe(b);
    expect(t.log.filter((l) => l.path === '/api')).toHaveLength(1);
  });

  it('keeps what it knew when a refresh fails, with the error next to it', async () => {
    let down = false;
    const w = world();
    const inner = simTransport(w.handler);
    const cache = new DiscoveryCache({
      transport: (c) =>
        c === 'disco'
          ? {
              fetch: (path, init) =>
                down ? Promise.reject(new TypeError('offline')) : inner.fetch(path, init)
            }
          : undefined
    });
    const good = await cache.get('disco');
    down = true;
    const failed = await cache.get('disco', true);
    expect(failed.resources).toEqual(good.resources);
    expect(failed.error).toMatch(/offline/);
    expect((await cache.get('nowhere')).error).toMatch(/unknown cluster/);
    expect(cache.cached().map((d) => d.cluster)).toEqual(['disco']);
  });
});
