/**
 * The AccessGuard over a real InformerRegistry and AccessReviewer against a simulated cluster with
 * RBAC (the `viewer` user may read everything but Secrets, and Secrets only in `web`): what a view
 * shows when the user may not list, may list only some namespaces, loses or regains a permission,
 * or sits behind a proxy that refuses the review POSTs; and how often permissions are asked again.
 * A property test checks the namespace fallback after any grants and revokes against a model.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessGuard } from '$lib/engine/access-guard';
import { AccessReviewer } from '$lib/engine/access';
import type { InformerSpec } from '$lib/engine/informer';
import { InformerRegistry } from '$lib/engine/registry';
import { builtinResource } from '$lib/kinds/catalog';
import type { NewObject } from '$lib/kube/types';
import { SimWorld } from '$lib/sim/world';
import type { Row, RowSink } from '$lib/watch/row';
import { simTransport, type Transport } from '$lib/watch/transport';

const SECRETS = builtinResource('secrets');
const PODS = builtinResource('pods');
const RBAC = 'rbac.authorization.k8s.io/v1';
const READ = ['get', 'list', 'watch'];
const REVIEWS = '/apis/authorization.k8s.io/v1/';
/** Long enough that only the test's own re-checks (or the fake timers) ask again. */
const LONG_TTL_MS = 3_600_000;
/** Polls often: the property test waits for many small changes. */
const QUICK = { interval: 5 };
/** A watch resumed after a cut may wait out a backoff first. */
const SLOW = { timeout: 10_000 };

let cleanup: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

/** A view's rows: each source (informer key) replaces its own rows, as the engine's views do. */
class ViewRows implements RowSink {
  private readonly sources = new Map<string, Map<string, Row>>();

  replaceSource(source: string, rows: readonly Row[]): void {
    this.sources.set(source, new Map(rows.map((r) => [r.key, r])));
  }

  upsert(row: Row, source: string): void {
    let rows = this.sources.get(source);
    if (!rows) this.sources.set(source, (rows = new Map()));
    rows.set(row.key, row);
  }

  remove(key: string): void {
    for (const rows of this.sources.values()) rows.delete(key);
  }

  keys(): string[] {
    return [...new Set([...this.sources.values()].flatMap((rows) => [...rows.keys()]))].sort();
  }

  /** The sources that have rows in the view. */
  sourcesWithRows(): string[] {
    return [...this.sources].filter(([, rows]) => rows.size > 0).map(([source]) => source);
  }
}

/**
 * The viewer on cluster `prod`, reached through a transport that logs every request; with
 * `refusePosts` a read-only proxy in front answers every POST with that status in plain text.
 */
function setup(options: { ttlMs?: number; refusePosts?: number } = {}) {
  const world = new SimWorld({
    name: 'prod',
    seed: 8,
    pods: 5,
    churn: 0,
    user: { name: 'viewer', role: 'viewer' }
  });
  const sim = simTransport(world.handler);
  const sent: { method: string; path: string }[] = [];
  let reviewGate: Promise<void> | undefined;
  const transport: Transport = {
    async fetch(path, init) {
      const method = init?.method ?? 'GET';
      sent.push({ method, path: path.split('?')[0] });
      if (method === 'POST') await reviewGate;
      if (options.refusePosts && method === 'POST')
        return new Response('Forbidden', {
          status: options.refusePosts,
          headers: { 'content-type': 'text/plain' }
        });
      return sim.fetch(path, init);
    }
  };
  let ttlMs = options.ttlMs ?? LONG_TTL_MS;
  const reviewer = new AccessReviewer({
    transport: (cluster) => (cluster === 'prod' ? transport : undefined),
    ttlMs: () => ttlMs
  });
  const guard: AccessGuard = new AccessGuard({ reviewer, registry: () => registry });
  const registry = new InformerRegistry({
    connection: () => ({ origin: undefined, transport: () => transport }),
    informer: { access: guard }
  });
  cleanup.push(
    () => guard.stop(),
    () => registry.dispose()
  );

  const rbac = (kind: string) => world.cluster.type(RBAC, kind);
  return {
    world,
    guard,
    registry,
    reviewer,
    setTtl: (ms: number) => (ttlMs = ms),
    lists: (path: string) => sent.filter((r) => r.method === 'GET' && r.path === path).length,
    reviews: () => sent.filter((r) => r.method === 'POST' && r.path.startsWith(REVIEWS)).length,
    /** Keeps every review's answer back from now on until the returned function is called. */
    holdReviews() {
      let release!: () => void;
      reviewGate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        reviewGate = undefined;
        release();
      };
    },
    /** What a page showing `spec` holds: its informer and the rows it shows (the informer's or the fallback's). */
    view(spec: Omit<InformerSpec, 'cluster'>) {
      const informer = registry.acquire({ cluster: 'prod', ...spec }, true);
      const rows = new ViewRows();
      const fed = guard.feed(informer, rows, true);
      cleanup.push(() => {
        fed.unsubscribe();
        registry.release(informer, true);
      });
      return { informer, keys: () => rows.keys(), sources: () => rows.sourcesWithRows() };
    },
    /** The `prod/<namespace>/<name>` of every `kind` object (in `namespace`), as rows are keyed. */
    names(kind: string, namespace?: string) {
      return world.cluster
        .objects(world.cluster.type('v1', kind), namespace)
        .map((o) => `prod/${o.metadata.namespace}/${o.metadata.name}`)
        .sort();
    },
    /** Changes a Secret in `namespace`, so a watch on Secrets sees an event (and a fault armed on it strikes). */
    touchSecret(namespace: string) {
      const type = world.cluster.type('v1', 'Secret');
      const [secret] = world.cluster.objects(type, namespace);
      world.cluster.mutate(type, namespace, secret.metadata.name, (copy) => {
        copy.metadata.labels = { ...copy.metadata.labels, touched: 'yes' };
      });
    },
    /** Takes back what the viewer starts with in `web`: reading its Secrets. */
    revokeWebSecrets() {
      world.cluster.delete(rbac('RoleBinding'), 'web', 'secret-reader-viewer');
    },
    /**
     * Lets the viewer `verbs` Secrets in `namespace` (every namespace when undefined); returns what
     * takes it back.
     */
    grantSecrets(namespace: string | undefined, verbs = READ) {
      const roleKind = namespace ? 'Role' : 'ClusterRole';
      const bindingKind = namespace ? 'RoleBinding' : 'ClusterRoleBinding';
      const name = `secrets-${namespace ?? 'everywhere'}-${verbs.join('-')}`;
      const metadata = { name, ...(namespace ? { namespace } : {}) };
      if (!world.cluster.objects(rbac(roleKind), namespace).some((o) => o.metadata.name === name))
        world.cluster.create(rbac(roleKind), namespace, {
          apiVersion: RBAC,
          kind: roleKind,
          metadata,
          rules: [{ apiGroups: [''], resources: ['secrets'], verbs }]
        } as NewObject);
      world.cluster.create(rbac(bindingKind), namespace, {
        apiVersion: RBAC,
        kind: bindingKind,
        metadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name },
        subjects: [{ kind: 'User', name: 'viewer', apiGroup: 'rbac.authorization.k8s.io' }]
      } as NewObject);
      return () => world.cluster.delete(rbac(bindingKind), namespace, name);
    }
  };
}

/** Resolves after the guard's next round of re-checks has finished. */
function nextRecheck(guard: AccessGuard): Promise<void> {
  return new Promise((resolve) => {
    const stop = guard.listen((informer) => {
      if (informer) return;
      stop();
      resolve();
    });
  });
}

describe('AccessGuard', () => {
  it('asks before listing: a namespace the user may not read is forbidden, says why, and is never listed', async () => {
    const c = setup();
    const data = c.view({ resource: SECRETS, namespace: 'data' });
    await vi.waitFor(() => expect(data.informer.state).toBe('forbidden'));
    expect(data.informer.telemetry().lastError).toBe(
      'SelfSubjectAccessReview: may not list and watch secrets in namespace data'
    );
    expect(data.keys()).toEqual([]);
    expect(c.lists('/api/v1/namespaces/data/secrets')).toBe(0);
  });

  it('may watch but not list is still forbidden, and the reason names the verb missing', async () => {
    const c = setup();
    c.grantSecrets('data', ['watch']);
    const data = c.view({ resource: SECRETS, namespace: 'data' });
    await vi.waitFor(() => expect(data.informer.state).toBe('forbidden'));
    expect(data.informer.telemetry().lastError).toBe(
      'SelfSubjectAccessReview: may not list secrets in namespace data'
    );
    expect(c.lists('/api/v1/namespaces/data/secrets')).toBe(0);
  });

  it('a forbidden cluster-wide view falls back to the namespaces the user may list, and serves their rows', async () => {
    const c = setup();
    const secrets = c.view({ resource: SECRETS });
    const inWeb = c.names('Secret', 'web');
    expect(inWeb.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(secrets.keys()).toEqual(inWeb));
    expect(secrets.informer.state).toBe('forbidden');
    expect(secrets.informer.telemetry().lastError).toMatch(
      /may not list and watch secrets in all namespaces/
    );
    expect(c.guard.fallbackNamespaces(secrets.informer.key)).toEqual(['web']);
    expect(c.lists('/api/v1/secrets')).toBe(0);
    // Served by an informer of its own for `web`, held by the view.
    const web = c.registry.informers().find((i) => i.spec.namespace === 'web')!;
    expect(web.state).toBe('live');
    expect(web.subscribers).toBe(1);
  });

  it('a grant of the cluster-wide permission brings the wide stream back and lets the fallback go', async () => {
    const c = setup();
    const secrets = c.view({ resource: SECRETS });
    await vi.waitFor(() => expect(secrets.keys()).toEqual(c.names('Secret', 'web')));
    const web = c.registry.informers().find((i) => i.spec.namespace === 'web')!;

    c.grantSecrets(undefined);
    await c.guard.recheckAll();
    await vi.waitFor(() => expect(secrets.keys()).toEqual(c.names('Secret')));
    expect(secrets.informer.state).toBe('live');
    expect(secrets.informer.denied).toBeUndefined();
    expect(c.guard.fallbackNamespaces(secrets.informer.key)).toBeUndefined();
    expect(c.lists('/api/v1/secrets')).toBeGreaterThan(0);
    // The namespace stream let go, its rows handed over to the wide one.
    expect(web.subscribers).toBe(0);
    expect(secrets.sources()).toEqual([secrets.informer.key]);
  });

  it('a revoked permission stops the stream, drops its rows and says forbidden; granted again, it lists again', async () => {
    const c = setup();
    const web = c.view({ resource: SECRETS, namespace: 'web' });
    const inWeb = c.names('Secret', 'web');
    await vi.waitFor(() => expect(web.keys()).toEqual(inWeb));

    c.revokeWebSecrets();
    await c.guard.recheckAll();
    expect(web.informer.state).toBe('forbidden');
    expect(web.informer.telemetry().lastError).toMatch(/may not list and watch secrets in namespace web/);
    expect(web.keys()).toEqual([]);
    const listsWhileDenied = c.lists('/api/v1/namespaces/web/secrets');

    c.grantSecrets('web');
    const reviews = c.reviews();
    await c.guard.recheckAll();
    await vi.waitFor(() => expect(web.keys()).toEqual(inWeb));
    // One fresh review of list and watch was all it took.
    expect(c.reviews()).toBe(reviews + 2);
    expect(web.informer.state).toBe('live');
    expect(c.lists('/api/v1/namespaces/web/secrets')).toBeGreaterThan(listsWhileDenied);
  });

  it('a 403 drops the cached answers: asked again at once, long before the TTL', async () => {
    const c = setup();
    const web = c.view({ resource: SECRETS, namespace: 'web' });
    await vi.waitFor(() => expect(web.informer.state).toBe('live'));
    const reviews = c.reviews();
    c.revokeWebSecrets();
    // What the informer does when the server answers 403.
    c.guard.recheck(web.informer);
    // Meanwhile no one is given the cached answer: a check waits for the fresh one.
    const meanwhile = await c.reviewer.check({
      cluster: 'prod',
      verb: 'list',
      group: '',
      resource: 'secrets',
      namespace: 'web'
    });
    expect(meanwhile.answer).toBe('denied');
    await vi.waitFor(() => expect(web.informer.state).toBe('forbidden'));
    expect(c.reviews()).toBe(reviews + 2);
    expect(web.keys()).toEqual([]);
  });

  it('behind a proxy that refuses the review POSTs the answer is unknown and the stream is tried', async () => {
    const c = setup({ refusePosts: 405 });
    const pods = c.view({ resource: PODS });
    await vi.waitFor(() => expect(pods.keys()).toEqual(c.names('Pod')));
    expect(pods.informer.state).toBe('live');
    expect(c.reviews()).toBeGreaterThan(0);
    const answers = c.reviewer.answers();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.answer === 'unknown' && /HTTP 405/.test(a.reason))).toBe(true);

    // What the user may not read is tried too: the server's 403 is what parks it.
    const data = c.view({ resource: SECRETS, namespace: 'data' });
    await vi.waitFor(() => expect(data.informer.state).toBe('forbidden'));
    expect(c.lists('/api/v1/namespaces/data/secrets')).toBeGreaterThan(0);
    expect(data.informer.telemetry().lastError).toMatch(/secrets is forbidden/);
    expect(data.keys()).toEqual([]);

    // Revoked while shown: the 403 of the resumed watch is all there is to go by, and the rows go.
    const web = c.view({ resource: SECRETS, namespace: 'web' });
    await vi.waitFor(() => expect(web.keys()).toEqual(c.names('Secret', 'web')));
    c.revokeWebSecrets();
    c.world.faults.add({ kind: 'cut', path: '/secrets', watch: true, live: true });
    c.touchSecret('web');
    await vi.waitFor(() => expect(web.keys()).toEqual([]), SLOW);
    expect(web.informer.state).toBe('forbidden');
  });

  it('re-checks once per TTL (the TTL read each round), and not after stop', async () => {
    const TTL = 1000;
    const c = setup({ ttlMs: TTL });
    const pods = c.view({ resource: PODS });
    await vi.waitFor(() => expect(pods.informer.state).toBe('live'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    c.guard.start();
    let reviews = c.reviews();
    // One informer runs: each round asks list and watch for it, fresh.
    const round = async (ms: number) => {
      const done = nextRecheck(c.guard);
      await vi.advanceTimersByTimeAsync(ms);
      await done;
      expect(c.reviews()).toBe((reviews += 2));
    };

    await vi.advanceTimersByTimeAsync(TTL - 1);
    expect(c.reviews()).toBe(reviews);
    await round(1);
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(TTL - 1);
      expect(c.reviews()).toBe(reviews);
      await round(1);
    }

    // A new TTL applies from now (reschedule), then every round.
    c.setTtl(5 * TTL);
    c.guard.reschedule();
    await vi.advanceTimersByTimeAsync(5 * TTL - 1);
    expect(c.reviews()).toBe(reviews);
    await round(1);
    await round(5 * TTL);

    // Stopped while a round is on its way: that round ends, and no other comes.
    const release = c.holdReviews();
    const last = nextRecheck(c.guard);
    await vi.advanceTimersByTimeAsync(5 * TTL);
    expect(c.reviews()).toBe((reviews += 2));
    c.guard.stop();
    release();
    await last;
    await vi.advanceTimersByTimeAsync(20 * TTL);
    expect(c.reviews()).toBe(reviews);
    expect(pods.informer.state).toBe('live');
  });

  it('property: after any grants and revokes, a re-check shows exactly the Secrets the user may list', async () => {
    type Grant = 'web' | 'data' | 'everywhere';
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Grant>('web', 'data', 'everywhere'), { minLength: 1, maxLength: 6 }),
        async (toggles) => {
          const c = setup();
          // The model: the grants in force, each with what takes it back (the viewer starts with web).
          const revokes: Partial<Record<Grant, () => void>> = {
            web: () => c.revokeWebSecrets()
          };
          const secrets = c.view({ resource: SECRETS });
          await vi.waitFor(() => expect(secrets.keys()).toEqual(c.names('Secret', 'web')), QUICK);
          for (const toggle of toggles) {
            const revoke = revokes[toggle];
            if (revoke) {
              revoke();
              delete revokes[toggle];
            } else revokes[toggle] = c.grantSecrets(toggle === 'everywhere' ? undefined : toggle);
            await c.guard.recheckAll();
            const fallback = revokes.everywhere
              ? undefined
              : (['data', 'web'] as const).filter((ns) => revokes[ns]);
            const expected = fallback
              ? fallback.flatMap((ns) => c.names('Secret', ns)).sort()
              : c.names('Secret');
            await vi.waitFor(() => {
              expect(secrets.keys()).toEqual(expected);
              expect(c.guard.fallbackNamespaces(secrets.informer.key)).toEqual(fallback);
              expect(secrets.informer.state).toBe(fallback ? 'forbidden' : 'live');
              // The view holds an informer for each namespace it falls back to, and for no other.
              const held = c.registry.informers().filter((i) => i.spec.namespace && i.subscribers > 0);
              expect(held.map((i) => i.spec.namespace).sort()).toEqual(fallback ?? []);
            }, QUICK);
          }
          for (const step of cleanup.splice(0).reverse()) step();
        }
      ),
      { numRuns: 20 }
    );
  });
});
