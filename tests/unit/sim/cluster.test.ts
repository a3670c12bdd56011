import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import type { KubeObject, WatchEvent } from '$lib/kube/types';

function fakeClock(start = Date.parse('2026-11-26T10:00:00Z')) {
  const c = { t: start, now: () => c.t };
  return c;
}

function setup(opts: Partial<ConstructorParameters<typeof SimCluster>[0]> = {}) {
  const clock = fakeClock();
  const cluster = new SimCluster({ name: 'test', clock, ...opts });
  const ns = cluster.type('v1', 'Namespace');
  const pods = cluster.type('v1', 'Pod');
  for (const n of ['a', 'b'])
    cluster.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } });
  const pod = (namespace: string, name: string, labels: Record<string, string> = {}, phase = 'Running') =>
    cluster.create(pods, namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase }
    });
  return { cluster, clock, pods, pod };
}

const names = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe('SimCluster list', () => {
  it('pages with limit/continue and keeps every page at the first page resourceVersion', () => {
    const { cluster, pods, pod } = setup();
    for (let i = 0; i < 10; i++) pod('a', `p${i}`);
    const first = cluster.list(pods, { limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.remainingItemCount).toBe(6);
    // Changes after the first page do not show up in later pages.
    pod('a', 'p99');
    cluster.delete(pods, 'a', 'p5');
    const second = cluster.list(pods, { limit: 4, continue: first.continue });
    const third = cluster.list(pods, { limit: 4, continue: second.continue });
    expect(third.continue).toBeUndefined();
    expect(second.resourceVersion).toBe(first.resourceVersion);
    expect(names([...first.items, ...second.items, ...third.items])).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `a/p${i}`).sort()
    );
  });

  it('answers 410 Expired for a continue token older than its lifetime', () => {
    const { cluster, clock, pods, pod } = setup({ continueTtlMs: 1000 });
    for (let i = 0; i < 3; i++) pod('a', `p${i}`);
    const first = cluster.list(pods, { limit: 1 });
    clock.t += 2000;
    expect(() => cluster.list(pods, { limit: 1, continue: first.continue })).toThrowError(/too old/);
    try {
      cluster.list(pods, { limit: 1, continue: first.continue });
    } catch (e) {
      expect((e as { code: number }).code).toBe(410);
    }
  });

  it('filters by namespace, label and field selectors and rejects unknown fields with 400', () => {
    const { cluster, pods, pod } = setup();
    pod('a', 'web-1', { app: 'web', tier: 'front' });
    pod('a', 'db-1', { app: 'db' }, 'Pending');
    pod('b', 'web-2', { app: 'web' });
    expect(names(cluster.list(pods, { namespace: 'a' }).items)).toEqual(['a/db-1', 'a/web-1']);
    expect(names(cluster.list(pods, { labelSelector: 'app=web' }).items)).toEqual(['a/web-1', 'b/web-2']);
    expect(names(cluster.list(pods, { labelSelector: 'app in (db,cache)' }).items)).toEqual(['a/db-1']);
    expect(names(cluster.list(pods, { labelSelector: '!tier,app!=db' }).items)).toEqual(['b/web-2']);
    expect(names(cluster.list(pods, { fieldSelector: 'status.phase=Pending' }).items)).toEqual(['a/db-1']);
    expect(
      names(cluster.list(pods, { fieldSelector: 'metadata.name!=web-1,metadata.namespace=a' }).items)
    ).toEqual(['a/db-1']);
    expect(() => cluster.list(pods, { fieldSelector: 'spec.bogus=1' })).toThrowError(
      /not a known field selector/
    );
    expect(() => cluster.list(pods, { labelSelector: 'a in (' })).toThrowError();
  });

  it('serves an exact past resourceVersion and 410 once history no longer covers it', () => {
    const { cluster, pods, pod } = setup({ historyLimit: 5 });
    pod('a', 'x');
    const rv = cluster.resourceVersion();
    pod('a', 'y');
    expect(names(cluster.list(pods, { resourceVersion: rv, resourceVersionMatch: 'Exact' }).items)).toEqual([
      'a/x'
    ]);
    for (let i = 0; i < 10; i++) pod('b', `z${i}`);
    expect(() => cluster.list(pods, { resourceVersion: rv, resourceVersionMatch: 'Exact' })).toThrowError(
      /too old resource version/
    );
  });
});

describe('SimCluster watch', () => {
  it('resumes from a resourceVersion with exactly the later changes', () => {
    const { cluster, pods, pod } = setup();
    pod('a', 'x');
    const rv = cluster.resourceVersion();
    pod('a', 'y');
    cluster.mutate(pods, 'a', 'x', (o) => (o.status.phase = 'Failed'));
    const events: WatchEvent[] = [];
    const h = cluster.watch(pods, { resourceVersion: rv }, (e) => events.push(e));
    cluster.delete(pods, 'a', 'y');
    h.stop();
    pod('a', 'after-stop');
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED y',
      'MODIFIED x',
      'DELETED y'
    ]);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((p, q) => p - q)).toEqual(rvs);
  });

  it('sends one ERROR 410 Expired event for a compacted resourceVersion', () => {
    const { cluster, pods, pod } = setup();
    pod('a', 'x');
    const rv = cluster.resourceVersion();
    pod('a', 'y');
    cluster.compact();
    const events: WatchEvent[] = [];
    cluster.watch(pods, { resourceVersion: rv }, (e) => events.push(e));
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('ERROR');
    expect(events[0].object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('starting at a later resourceVersion, answers 410 for anything older (a cache from an earlier demo load)', () => {
    const earlier = setup();
    earlier.pod('a', 'x');
    const cached = earlier.cluster.resourceVersion();
    const { cluster, pods, pod } = setup({ firstResourceVersion: Number(cached) + 1000 });
    pod('a', 'x');
    expect(Number(cluster.resourceVersion())).toBeGreaterThan(Number(cached) + 1000);
    const events: WatchEvent[] = [];
    cluster.watch(pods, { resourceVersion: cached }, (e) => events.push(e));
    expect(events.map((e) => e.type)).toEqual(['ERROR']);
    expect(events[0].object).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('turns selector enter and leave into ADDED and DELETED', () => {
    const { cluster, pods, pod } = setup();
    pod('a', 'x', { app: 'web' });
    const events: string[] = [];
    cluster.watch(pods, { resourceVersion: cluster.resourceVersion(), labelSelector: 'app=web' }, (e) =>
      events.push(`${e.type} ${e.object.metadata.name}`)
    );
    cluster.mutate(pods, 'a', 'x', (o) => (o.metadata.labels = { app: 'db' }));
    cluster.mutate(pods, 'a', 'x', (o) => (o.metadata.labels = { app: 'web' }));
    cluster.mutate(pods, 'a', 'x', (o) => (o.status.phase = 'Succeeded'));
    pod('a', 'other', { app: 'db' });
    expect(events).toEqual(['DELETED x', 'ADDED x', 'MODIFIED x']);
  });

  it('streams the initial state then an initial-events-end bookmark, or 422 without WatchList', () => {
    const { cluster, pods, pod } = setup();
    pod('a', 'x');
    pod('b', 'y');
    const events: WatchEvent[] = [];
    cluster.watch(
      pods,
      { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
      (e) => events.push(e)
    );
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'BOOKMARK']);
    expect(events[2].object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(events[2].object.metadata.resourceVersion).toBe(cluster.resourceVersion());

    const old = setup({ watchList: false });
    expect(() =>
      old.cluster.watch(
        old.pods,
        { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
        () => {}
      )
    ).toThrowError(expect.objectContaining({ code: 422 }));
  });

  it('answers 504 for a resourceVersion the server has not reached', () => {
    const { cluster, pods } = setup();
    expect(() => cluster.watch(pods, { resourceVersion: '999999' }, () => {})).toThrowError(
      /Too large resource version/
    );
  });

  it('property: a watch resumed from any list resourceVersion reproduces the final state', () => {
    type Op = { op: 'add' | 'mod' | 'del'; ns: 'a' | 'b'; i: number; label: 'web' | 'db' };
    const op = fc.record({
      op: fc.constantFrom<Op['op']>('add', 'mod', 'del'),
      ns: fc.constantFrom<Op['ns']>('a', 'b'),
      i: fc.integer({ min: 0, max: 6 }),
      label: fc.constantFrom<Op['label']>('web', 'db')
    });
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.array(op, { maxLength: 40 }),
        fc.constantFrom(undefined, 'app=web'),
        (before, after, selector) => {
          const { cluster, pods, pod } = setup();
          const apply = (o: Op) => {
            const name = `p${o.i}`;
            const exists = cluster.find(pods, o.ns, name);
            if (o.op === 'add' && !exists) pod(o.ns, name, { app: o.label });
            else if (o.op === 'mod' && exists)
              cluster.mutate(pods, o.ns, name, (x) => (x.metadata.labels = { app: o.label }));
            else if (o.op === 'del' && exists) cluster.delete(pods, o.ns, name);
          };
          before.forEach(apply);
          const listed = cluster.list(pods, { labelSelector: selector });
          const model = new Map(
            listed.items.map((o) => [
              `${o.metadata.namespace}/${o.metadata.name}`,
              o.metadata.resourceVersion
            ])
          );
          cluster.watch(pods, { resourceVersion: listed.resourceVersion, labelSelector: selector }, (e) => {
            const k = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
            if (e.type === 'DELETED') model.delete(k);
            else model.set(k, e.object.metadata.resourceVersion);
          });
          after.forEach(apply);
          const truth = cluster.list(pods, { labelSelector: selector }).items;
          expect(
            new Map(
              truth.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion])
            )
          ).toEqual(model);
        }
      ),
      { numRuns: 200 }
    );
  });
});

describe('SimCluster writes', () => {
  it('rejects an update with a stale resourceVersion with 409 Conflict', () => {
    const { cluster, pods, pod } = setup();
    const p = pod('a', 'x');
    cluster.mutate(pods, 'a', 'x', (o) => (o.status.phase = 'Failed'));
    expect(() => cluster.update(pods, 'a', 'x', { ...p, spec: { ...p.spec, nodeName: 'n2' } })).toThrowError(
      /the object has been modified/
    );
  });

  it('applies merge, strategic and JSON patches; dry-run changes nothing', () => {
    const { cluster } = setup();
    const deploy = cluster.type('apps/v1', 'Deployment');
    cluster.create(deploy, 'a', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'app', image: 'a:1' },
              { name: 'side', image: 's:1' }
            ]
          }
        }
      }
    });
    const rv = cluster.resourceVersion();
    cluster.patch(deploy, 'a', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'side', image: 's:2' }] } } }
    });
    let d = cluster.get(deploy, 'a', 'web');
    expect(d.spec.template.spec.containers.map((c: { image: string }) => c.image)).toEqual(['a:1', 's:2']);
    expect(d.metadata.generation).toBe(2);
    cluster.patch(deploy, 'a', 'web', 'merge', { metadata: { labels: { team: 'x' } } });
    cluster.patch(deploy, 'a', 'web', 'json', [{ op: 'replace', path: '/spec/replicas', value: 5 }]);
    d = cluster.get(deploy, 'a', 'web');
    expect(d.metadata.labels).toEqual({ team: 'x' });
    expect(d.spec.replicas).toBe(5);
    const before = cluster.resourceVersion();
    const dry = cluster.patch(deploy, 'a', 'web', 'merge', { spec: { replicas: 9 } }, { dryRun: true });
    expect(dry.spec.replicas).toBe(9);
    expect(cluster.get(deploy, 'a', 'web').spec.replicas).toBe(5);
    expect(cluster.resourceVersion()).toBe(before);
    expect(Number(before)).toBeGreaterThan(Number(rv));
  });

  it('server-side apply creates, records the field manager, and updates', () => {
    const { cluster } = setup();
    const cm = cluster.type('v1', 'ConfigMap');
    const applied = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'a' },
      data: { k: 'v' }
    };
    cluster.patch(cm, 'a', 'cfg', 'apply', applied, { fieldManager: 'kubectl' });
    const o = cluster.get(cm, 'a', 'cfg');
    expect(o.data).toEqual({ k: 'v' });
    expect(o.metadata.managedFields?.[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply' });
    cluster.patch(cm, 'a', 'cfg', 'apply', { ...applied, data: { k: 'w' } }, { fieldManager: 'kubectl' });
    expect(cluster.get(cm, 'a', 'cfg').data).toEqual({ k: 'w' });
  });

  it('scales through the scale subresource and cascades deletes to dependents', () => {
    const { cluster, pods } = setup();
    const rs = cluster.type('apps/v1', 'ReplicaSet');
    const owner = cluster.create(rs, 'a', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-1' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: {} }
    });
    cluster.update(
      rs,
      'a',
      'web-1',
      { ...cluster.scale(rs, 'a', 'web-1'), spec: { replicas: 3 } } as KubeObject,
      { subresource: 'scale' }
    );
    expect(cluster.get(rs, 'a', 'web-1').spec.replicas).toBe(3);
    const ref = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-1',
      uid: owner.metadata.uid,
      controller: true
    };
    for (const n of ['p1', 'p2']) {
      cluster.create(pods, 'a', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: n, ownerReferences: [ref] },
        spec: {}
      });
    }
    cluster.delete(rs, 'a', 'web-1', { propagationPolicy: 'Orphan' });
    expect(cluster.get(pods, 'a', 'p1').metadata.ownerReferences).toBeUndefined();
    const owner2 = cluster.create(rs, 'a', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-2' },
      spec: { replicas: 1 }
    });
    cluster.create(pods, 'a', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p3', ownerReferences: [{ ...ref, name: 'web-2', uid: owner2.metadata.uid }] },
      spec: {}
    });
    cluster.delete(rs, 'a', 'web-2');
    expect(cluster.find(pods, 'a', 'p3')).toBeUndefined();
  });

  it('keeps an object with finalizers until they are removed', () => {
    const { cluster, pods } = setup();
    cluster.create(pods, 'a', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stuck', finalizers: ['example.com/hold'] },
      spec: {}
    });
    cluster.delete(pods, 'a', 'stuck');
    const marked = cluster.get(pods, 'a', 'stuck');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    cluster.patch(pods, 'a', 'stuck', 'merge', { metadata: { finalizers: null } });
    expect(cluster.find(pods, 'a', 'stuck')).toBeUndefined();
  });

  it('serves the same stored Event as core/v1 and events.k8s.io/v1', () => {
    const { cluster } = setup();
    const core = cluster.type('v1', 'Event');
    const v1 = cluster.type('events.k8s.io/v1', 'Event');
    cluster.create(core, 'a', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1' },
      involvedObject: { kind: 'Pod', name: 'x', namespace: 'a' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      count: 3,
      source: { component: 'kubelet' }
    });
    const e = cluster.get(v1, 'a', 'e1');
    expect(e).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      note: 'Back-off restarting failed container',
      regarding: { name: 'x' },
      reportingController: 'kubelet',
      deprecatedCount: 3
    });
    expect(names(cluster.list(v1, { fieldSelector: 'regarding.name=x' }).items)).toEqual(['a/e1']);
  });
});
