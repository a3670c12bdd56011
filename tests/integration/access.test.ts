/**
 * Permissions that stay true, through the whole engine against simulated clusters with RBAC: the
 * access review before listing, a short permission TTL so revokes and grants are noticed, a 403
 * that re-asks, a proxy that refuses the review POSTs, and the namespaces fallback of a
 * cluster-wide view the user may not list.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine, type ViewSpec } from '../../src/lib/engine/engine';
import type { NewObject } from '../../src/lib/kube/types';
import { createDemoClusters, type DemoCluster } from '../../src/lib/sim/demo';
import type { SimWorldOptions } from '../../src/lib/sim/world';
import { applyWindowDiff, EMPTY_WINDOW } from '../../src/lib/view/apply';
import type { WindowState } from '../../src/lib/view/types';
import type { ResourceRef } from '../../src/lib/kube/types';

const SECRETS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true
};
const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const REVIEWS = '/apis/authorization.k8s.io/v1/';
const TTL_MS = 300;
const WAIT = { timeout: 10_000 };

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

interface Logged {
  method: string;
  path: string;
  watch: boolean;
}

/**
 * A demo cluster whose requests are logged; with `rejectPosts` a read-only proxy in front answers
 * every POST with a plain-text refusal, as `kubectl proxy --reject-methods=POST` does.
 */
function cluster(options: SimWorldOptions, rejectPosts?: number) {
  const [demo] = createDemoClusters([{ churn: 0, pods: 40, ...options }]);
  const requests: Logged[] = [];
  let gate: Promise<void> | undefined;
  let held = 0;
  const logged: DemoCluster = {
    ...demo,
    handler: async (request) => {
      const url = new URL(request.url);
      requests.push({
        method: request.method,
        path: url.pathname,
        watch: /^(1|true)$/.test(url.searchParams.get('watch') ?? '')
      });
      if (rejectPosts && request.method === 'POST')
        return new Response('Forbidden', { status: rejectPosts, headers: { 'content-type': 'text/plain' } });
      if (gate && url.pathname.startsWith(REVIEWS)) {
        held++;
        await gate;
      }
      return demo.handler(request);
    }
  };
  const world = demo.world;
  const rbac = (kind: string) => world.cluster.type('rbac.authorization.k8s.io/v1', kind);
  return {
    demo: logged,
    world,
    requests,
    lists: (path: string) => requests.filter((r) => r.method === 'GET' && r.path === path),
    reviews: () => requests.filter((r) => r.method === 'POST' && r.path.startsWith(REVIEWS)),
    /** Holds every review request from now on until the returned function is called. */
    holdReviews() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    held: () => held,
    /** Changes an object, so a watch sees an event (and a fault armed on it strikes). */
    touch(kind: string, namespace?: string) {
      const type = world.cluster.type('v1', kind);
      const [o] = world.cluster.objects(type, namespace);
      world.cluster.mutate(type, o.metadata.namespace, o.metadata.name, (copy) => {
        copy.metadata.labels = { ...copy.metadata.labels, touched: String(Date.now()) };
      });
    },
    /** Removes a binding; returns what puts it back. */
    revoke(kind: 'RoleBinding' | 'ClusterRoleBinding', namespace: string | undefined, name: string) {
      const saved = world.cluster.get(rbac(kind), namespace, name);
      world.cluster.delete(rbac(kind), namespace, name);
      return () => {
        const { apiVersion, kind: k, roleRef, subjects } = saved;
        const metadata = { name, ...(namespace ? { namespace } : {}) };
        world.cluster.create(rbac(kind), namespace, {
          apiVersion,
          kind: k,
          metadata,
          roleRef,
          subjects
        } as NewObject);
      };
    },
    names: (kind: string, namespace?: string) =>
      world.cluster
        .objects(world.cluster.type('v1', kind), namespace)
        .map((o) => `${options.name}/${o.metadata.namespace}/${o.metadata.name}`)
        .sort()
  };
}

async function engineFor(demo: DemoCluster, ttlMs = TTL_MS) {
  const engine = new Engine({ demoClusters: () => [demo], viewIntervalMs: 20 });
  cleanup.push(() => engine.stop());
  await engine.start({ permissionTtlMs: ttlMs });
  return engine;
}

async function follow(engine: Engine, spec: ViewSpec) {
  let window: WindowState = EMPTY_WINDOW;
  await engine.open('view', { window: { offset: 0, limit: 100_000 }, ...spec }, (diff) => {
    window = applyWindowDiff(window, diff);
  });
  return {
    keys: () => window.rows.map((r) => r.key).sort(),
    /** The streams feeding the view, as the engine posted them with its diffs. */
    streams: () =>
      (window.streams ?? []).map((s) => ({ scope: s.scope, state: s.state, fallback: s.fallbackNamespaces }))
  };
}

/** May the user `verb` the core or `group` resource in `namespace`, as the engine answers. */
const can = (
  engine: Engine,
  cluster: string,
  verb: string,
  resource: string,
  namespace?: string,
  group = ''
) => engine.can({ cluster, verb, resource: { group, resource }, namespace });

const streams = (engine: Engine) =>
  engine.telemetry().streams.map((s) => ({ scope: s.scope, state: s.state, fallback: s.fallbackNamespaces }));

describe('Permissions', () => {
  it('asks before listing: a denied list is forbidden without a list request', async () => {
    const c = cluster({ name: 'prod', seed: 8, user: { name: 'viewer', role: 'viewer' } });
    const engine = await engineFor(c.demo);
    await follow(engine, { resource: SECRETS, namespaces: ['data'] });
    await vi.waitFor(() => expect(streams(engine)).toEqual([{ scope: 'data', state: 'forbidden' }]), WAIT);
    expect(c.lists('/api/v1/namespaces/data/secrets')).toEqual([]);
    expect(engine.telemetry().access).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          cluster: 'prod',
          verb: 'list',
          resource: 'secrets',
          namespace: 'data',
          answer: 'denied'
        })
      ])
    );
    expect(await can(engine, 'prod', 'list', 'secrets', 'data')).toBe('denied');
    expect(await can(engine, 'prod', 'list', 'secrets', 'web')).toBe('allowed');
    expect(await can(engine, 'prod', 'delete', 'deployments', 'web', 'apps')).toBe('denied');
    expect(await can(engine, 'nowhere', 'list', 'pods')).toBe('unknown');
  });

  it('a permission revoked while running is forbidden within the TTL with its rows gone; granted, it comes back', async () => {
    const c = cluster({ name: 'prod', seed: 8, user: { name: 'viewer', role: 'viewer' } });
    const engine = await engineFor(c.demo);
    const web = await follow(engine, { resource: SECRETS, namespaces: ['web'] });
    const inWeb = c.names('Secret', 'web');
    expect(inWeb.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(web.keys()).toEqual(inWeb), WAIT);

    const grant = c.revoke('RoleBinding', 'web', 'secret-reader-viewer');
    await vi.waitFor(() => expect(streams(engine)).toEqual([{ scope: 'web', state: 'forbidden' }]), WAIT);
    await vi.waitFor(() => expect(web.keys()).toEqual([]), WAIT);
    const listsWhileDenied = c.lists('/api/v1/namespaces/web/secrets').length;

    grant();
    await vi.waitFor(() => expect(web.keys()).toEqual(inWeb), WAIT);
    expect(streams(engine)).toEqual([{ scope: 'web', state: 'live' }]);
    // It listed again (its resourceVersion went with its rows).
    expect(c.lists('/api/v1/namespaces/web/secrets').length).toBeGreaterThan(listsWhileDenied);
  });

  it('a 403 drops the cached answer and asks again, long before the TTL', async () => {
    const c = cluster({ name: 'prod', seed: 8, user: { name: 'viewer', role: 'viewer' } });
    const engine = await engineFor(c.demo, 3_600_000);
    const pods = await follow(engine, { resource: PODS });
    await vi.waitFor(() => expect(pods.keys()).toEqual(c.names('Pod')), WAIT);
    const listPods = () => can(engine, 'prod', 'list', 'pods');
    expect(await listPods()).toBe('allowed');
    const reviews = c.reviews().length;
    const release = c.holdReviews();

    // Revoked: the open watch goes on (as on a real API server) until it is cut and resumed.
    c.revoke('ClusterRoleBinding', undefined, 'skiff-viewer-viewer');
    c.world.faults.add({ kind: 'cut', path: '/pods', watch: true, live: true });
    c.touch('Pod');
    // The watch resumed into a 403: the engine asks again, and meanwhile trusts no cached answer.
    await vi.waitFor(() => expect(c.held()).toBeGreaterThan(0), WAIT);
    const meanwhile = listPods();
    release();
    expect(await meanwhile).toBe('denied');
    await vi.waitFor(
      () => expect(streams(engine)).toEqual([{ scope: 'all namespaces', state: 'forbidden', fallback: [] }]),
      WAIT
    );
    expect(pods.keys()).toEqual([]);
    expect(c.reviews().length).toBeGreaterThan(reviews);
  });

  it('a proxy that refuses the review POSTs means unknown: the list is tried', async () => {
    const c = cluster({ name: 'dev', seed: 3 }, 405);
    const engine = await engineFor(c.demo);
    const pods = await follow(engine, { resource: PODS });
    await vi.waitFor(() => expect(pods.keys()).toEqual(c.names('Pod')), WAIT);
    expect(c.reviews().length).toBeGreaterThan(0);
    const access = engine.telemetry().access ?? [];
    expect(access.length).toBeGreaterThan(0);
    expect(access.every((a) => a.answer === 'unknown')).toBe(true);
    expect(await can(engine, 'dev', 'list', 'pods')).toBe('unknown');
  });

  it('behind a read-only proxy a list that answers 403 is forbidden, and its rows go', async () => {
    const c = cluster({ name: 'prod', seed: 8, user: { name: 'viewer', role: 'viewer' } }, 403);
    const engine = await engineFor(c.demo);
    await follow(engine, { resource: SECRETS, namespaces: ['data'] });
    await vi.waitFor(() => expect(streams(engine)).toEqual([{ scope: 'data', state: 'forbidden' }]), WAIT);
    expect(c.lists('/api/v1/namespaces/data/secrets').length).toBeGreaterThan(0);
    expect(engine.telemetry().streams[0].lastError).toMatch(/secrets is forbidden/);

    // Revoked while shown: the resumed watch's 403 is all there is to go by, and it is enough.
    const web = await follow(engine, { resource: SECRETS, namespaces: ['web'] });
    await vi.waitFor(() => expect(web.keys()).toEqual(c.names('Secret', 'web')), WAIT);
    c.revoke('RoleBinding', 'web', 'secret-reader-viewer');
    c.world.faults.add({ kind: 'cut', path: '/secrets', watch: true, live: true });
    c.touch('Secret', 'web');
    await vi.waitFor(() => expect(web.keys()).toEqual([]), WAIT);
    expect(streams(engine)).toContainEqual({ scope: 'web', state: 'forbidden' });
  });

  it('a cluster-wide view the user may not list shows the namespaces the user may list, and follows them', async () => {
    const c = cluster({ name: 'prod', seed: 8, user: { name: 'viewer', role: 'viewer' } });
    const engine = await engineFor(c.demo);
    const secrets = await follow(engine, { resource: SECRETS });
    const inWeb = c.names('Secret', 'web');
    await vi.waitFor(() => expect(secrets.keys()).toEqual(inWeb), WAIT);
    expect(streams(engine)).toContainEqual({
      scope: 'all namespaces',
      state: 'forbidden',
      fallback: ['web']
    });
    expect(c.lists('/api/v1/secrets')).toEqual([]);

    // Revoked in web too: nothing left to show, and the view says so.
    const grant = c.revoke('RoleBinding', 'web', 'secret-reader-viewer');
    await vi.waitFor(() => expect(secrets.keys()).toEqual([]), WAIT);
    await vi.waitFor(
      () =>
        expect(streams(engine)).toContainEqual({ scope: 'all namespaces', state: 'forbidden', fallback: [] }),
      WAIT
    );
    grant();
    await vi.waitFor(() => expect(secrets.keys()).toEqual(inWeb), WAIT);
  });

  it('each view is told which streams feed it: the all-namespaces one while it runs, its own while that is refused', async () => {
    const dev = cluster({ name: 'dev', seed: 7 });
    const admin = await engineFor(dev.demo);
    const allPods = await follow(admin, { resource: PODS });
    await vi.waitFor(
      () => expect(allPods.streams()).toEqual([{ scope: 'all namespaces', state: 'live' }]),
      WAIT
    );
    const webPods = await follow(admin, { resource: PODS, namespaces: ['web'] });
    await vi.waitFor(() => expect(webPods.keys()).toEqual(dev.names('Pod', 'web')), WAIT);
    expect(webPods.streams()).toEqual([{ scope: 'all namespaces', state: 'live' }]);

    const prod = cluster({ name: 'prod', seed: 8, user: { name: 'viewer', role: 'viewer' } });
    const viewer = await engineFor(prod.demo);
    const allSecrets = await follow(viewer, { resource: SECRETS });
    await vi.waitFor(
      () =>
        expect(allSecrets.streams()).toEqual([
          { scope: 'all namespaces', state: 'forbidden', fallback: ['web'] }
        ]),
      WAIT
    );
    const webSecrets = await follow(viewer, { resource: SECRETS, namespaces: ['web'] });
    await vi.waitFor(() => expect(webSecrets.streams()).toEqual([{ scope: 'web', state: 'live' }]), WAIT);
  });

  it('property: after any grants and revokes, a re-check shows exactly the Secrets the user may list', async () => {
    const RBAC = 'rbac.authorization.k8s.io/v1';
    const READ = ['get', 'list', 'watch'];
    const subjects = [{ kind: 'User', name: 'viewer', apiGroup: 'rbac.authorization.k8s.io' }];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('web', 'other', 'everywhere'), { minLength: 1, maxLength: 5 }),
        async (toggles) => {
          const c = cluster({ name: 'prod', seed: 8, user: { name: 'viewer', role: 'viewer' } });
          // A very long TTL: only the explicit re-checks below notice a change.
          const engine = await engineFor(c.demo, 3_600_000);
          const sim = c.world.cluster;
          const type = (kind: string) => sim.type(RBAC, kind);
          const other = sim
            .objects(sim.type('v1', 'Secret'))
            .map((o) => o.metadata.namespace!)
            .find((ns) => ns !== 'web')!;
          sim.create(type('Role'), other, {
            apiVersion: RBAC,
            kind: 'Role',
            metadata: { name: 'secret-reader', namespace: other },
            rules: [{ apiGroups: [''], resources: ['secrets'], verbs: READ }]
          } as NewObject);
          sim.create(type('ClusterRole'), undefined, {
            apiVersion: RBAC,
            kind: 'ClusterRole',
            metadata: { name: 'secret-reader-everywhere' },
            rules: [{ apiGroups: [''], resources: ['secrets'], verbs: READ }]
          } as NewObject);
          const bindings = {
            web: {
              kind: 'RoleBinding',
              namespace: 'web',
              name: 'secret-reader-viewer',
              role: 'Role:secret-reader'
            },
            other: {
              kind: 'RoleBinding',
              namespace: other,
              name: 'secret-reader-viewer',
              role: 'Role:secret-reader'
            },
            everywhere: {
              kind: 'ClusterRoleBinding',
              namespace: undefined,
              name: 'secret-reader-everywhere-viewer',
              role: 'ClusterRole:secret-reader-everywhere'
            }
          };
          const granted = { web: true, other: false, everywhere: false };
          const secrets = await follow(engine, { resource: SECRETS });
          const expected = () =>
            granted.everywhere
              ? c.names('Secret')
              : [
                  ...(granted.web ? c.names('Secret', 'web') : []),
                  ...(granted.other ? c.names('Secret', other) : [])
                ].sort();
          await vi.waitFor(() => expect(secrets.keys()).toEqual(expected()), WAIT);
          for (const toggle of toggles) {
            const b = bindings[toggle];
            if (granted[toggle]) sim.delete(type(b.kind), b.namespace, b.name);
            else {
              const [roleKind, roleName] = b.role.split(':');
              sim.create(type(b.kind), b.namespace, {
                apiVersion: RBAC,
                kind: b.kind,
                metadata: { name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}) },
                roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
                subjects
              } as NewObject);
            }
            granted[toggle] = !granted[toggle];
            await engine.recheckPermissions();
            await vi.waitFor(() => expect(secrets.keys()).toEqual(expected()), WAIT);
            const fallback = granted.everywhere
              ? []
              : [...(granted.web ? ['web'] : []), ...(granted.other ? [other] : [])].sort();
            const streams = engine.telemetry().streams;
            const wide = streams.find((st) => st.scope === 'all namespaces')!;
            if (granted.everywhere) expect(wide.state).toBe('live');
            else expect(wide.fallbackNamespaces).toEqual(fallback);
            // The view holds a stream for each of those namespaces, and no other.
            await vi.waitFor(() => {
              const held = engine
                .telemetry()
                .streams.filter((st) => st.scope !== 'all namespaces' && st.subscribers > 0);
              expect(held.map((st) => [st.scope, st.state]).sort()).toEqual(
                fallback.map((ns) => [ns, 'live'])
              );
            }, WAIT);
          }
          engine.stop();
        }
      ),
      { numRuns: 8 }
    );
  }, 120_000);
});
