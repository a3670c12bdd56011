/**
 * The whole engine in Node: demo clusters in process, and the simulator's Node server over real
 * HTTP. What a page would see through its views: the right rows, shared informers, cached
 * reloads without a list, and the connection budget with more informers than slots.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveHandler, type RunningServer } from '../../scripts/sim/node-server';
import { SnapshotCache } from '../../src/lib/cache/snapshot-cache';
import { Engine, PROXY_CLUSTER_NAME, type ViewSpec } from '../../src/lib/engine/engine';
import type { ObjectUpdate } from '../../src/lib/engine/object-watch';
import { createDemoClusters } from '../../src/lib/sim/demo';
import { SimWorld } from '../../src/lib/sim/world';
import { applyWindowDiff, EMPTY_WINDOW } from '../../src/lib/view/apply';
import type { WindowState } from '../../src/lib/view/types';
import type { ResourceRef } from '../../src/lib/kube/types';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const ref = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced = true
): ResourceRef => ({
  group,
  version,
  plural,
  kind,
  namespaced
});

let cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** What a page's store holds for a view: the window after applying every diff. */
async function follow(engine: Engine, spec: ViewSpec) {
  const state: { window: WindowState; diffs: number } = { window: EMPTY_WINDOW, diffs: 0 };
  const id = await engine.open('view', { window: { offset: 0, limit: 100_000 }, ...spec }, (diff) => {
    state.window = applyWindowDiff(state.window, diff);
    state.diffs++;
  });
  return { state, id, keys: () => state.window.rows.map((r) => r.key) };
}

function truth(cluster: string, world: SimWorld, namespace?: string): string[] {
  return world.cluster
    .objects(world.cluster.type('v1', 'Pod'), namespace)
    .map((p) => `${cluster}/${p.metadata.namespace}/${p.metadata.name}`)
    .sort();
}

async function simServer(world: SimWorld, delayPodsMs = 0) {
  const requests: { url: string; at: number }[] = [];
  const delay = { podsMs: delayPodsMs };
  const server: RunningServer = await serveHandler(async (req) => {
    const u = new URL(req.url);
    requests.push({ url: u.pathname + u.search, at: Date.now() });
    const ms = delay.podsMs;
    if (ms && u.pathname.endsWith('/pods')) await new Promise((r) => setTimeout(r, ms));
    return world.handler(req);
  });
  cleanup.push(() => server.close());
  return { server, requests, delay };
}

describe('Engine', () => {
  it('in demo mode shows the pods of every demo cluster and follows their churn', async () => {
    const demo = createDemoClusters([
      { name: 'small', seed: 3, pods: 40, churn: 30, tickMs: 20 },
      { name: 'quiet', seed: 4, pods: 15, churn: 0 }
    ]);
    const engine = new Engine({ demoClusters: () => demo, viewIntervalMs: 20 });
    cleanup.push(() => engine.stop());
    expect(await engine.start({ apiBaseUrl: 'http://127.0.0.1:9/k8s/' })).toMatchObject({
      mode: 'demo',
      clusters: ['small', 'quiet']
    });
    const view = await follow(engine, { resource: PODS, sort: { column: 'name', direction: 'asc' } });
    const expected = () => [...truth('small', demo[0].world), ...truth('quiet', demo[1].world)].sort();
    await vi.waitFor(() => expect([...view.keys()].sort()).toEqual(expected()), { timeout: 10_000 });
    const seen = view.state.diffs;
    // Churn keeps changing rows: the view keeps following, and ends equal to the clusters again.
    await vi.waitFor(() => expect(view.state.diffs).toBeGreaterThan(seen + 3), { timeout: 10_000 });
    demo[0].world.stop();
    await vi.waitFor(() => expect([...view.keys()].sort()).toEqual(expected()), { timeout: 10_000 });
  });

  it('shares one informer between views, and serves a namespace from the all-namespaces informer', async () => {
    const demo = createDemoClusters([{ name: 'one', seed: 5, pods: 60, churn: 0 }]);
    const engine = new Engine({ demoClusters: () => demo, viewIntervalMs: 20 });
    cleanup.push(() => engine.stop());
    const all = await follow(engine, { resource: PODS });
    const again = await follow(engine, { resource: PODS });
    const web = await follow(engine, { resource: PODS, namespaces: ['web'] });
    await vi.waitFor(() => expect(web.state.window.total).toBe(truth('one', demo[0].world, 'web').length));
    expect(all.state.window.total).toBe(truth('one', demo[0].world).length);
    expect(again.state.window.total).toBe(all.state.window.total);
    const streams = engine.telemetry().streams;
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ scope: 'all namespaces', subscribers: 3, state: 'live' });
    expect([...web.keys()].every((k) => k.startsWith('one/web/'))).toBe(true);
  });

  it('serves a namespace the user may read even while the all-namespaces stream is forbidden', async () => {
    const demo = createDemoClusters([
      { name: 'prod', seed: 8, pods: 40, churn: 0, user: { name: 'viewer', role: 'viewer' } }
    ]);
    const engine = new Engine({ demoClusters: () => demo, viewIntervalMs: 20 });
    cleanup.push(() => engine.stop());
    const secrets = ref('', 'v1', 'secrets', 'Secret');
    await follow(engine, { resource: secrets });
    // (The all-namespaces view itself is fed from web meanwhile: tests/integration/access.test.ts.)
    await vi.waitFor(() =>
      expect(engine.telemetry().streams.map((s) => [s.scope, s.state])).toContainEqual([
        'all namespaces',
        'forbidden'
      ])
    );
    const web = await follow(engine, { resource: secrets, namespaces: ['web'] });
    const inWeb = demo[0].world.cluster.objects(demo[0].world.cluster.type('v1', 'Secret'), 'web').length;
    expect(inWeb).toBeGreaterThan(0);
    await vi.waitFor(() => expect(web.state.window.total).toBe(inWeb));
  });

  it('joins per-namespace counts into Namespaces rows, and follows a pod deleted on the server', async () => {
    const demo = createDemoClusters([{ name: 'one', seed: 5, pods: 60, churn: 0 }]);
    const engine = new Engine({ demoClusters: () => demo, viewIntervalMs: 20 });
    cleanup.push(() => engine.stop());
    const namespaces = await follow(engine, { resource: ref('', 'v1', 'namespaces', 'Namespace', false) });
    const world = demo[0].world;
    const podsIn = (ns: string) => truth('one', world, ns).length;
    const row = (ns: string) => namespaces.state.window.rows.find((r) => r.name === ns);
    await vi.waitFor(() => expect(row('web')?.cells.pods).toBe(podsIn('web')));
    expect(podsIn('web')).toBeGreaterThan(0);
    const deployments = world.cluster
      .objects(world.cluster.type('apps/v1', 'Deployment'), 'web')
      .map((d) => d.metadata.name);
    await vi.waitFor(() => expect(row('web')?.cells.deployments).toBe(deployments.length));
    expect(row('web')?.cells.workloads).toBeGreaterThanOrEqual(deployments.length);
    // A bare pod (no controller to replace it) created, then deleted on the server: the count follows.
    const before = podsIn('web');
    const pods = world.cluster.type('v1', 'Pod');
    world.cluster.create(pods, 'web', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] }
    });
    await vi.waitFor(() => expect(row('web')?.cells.pods).toBe(before + 1));
    world.cluster.delete(pods, 'web', 'bare');
    await vi.waitFor(() => expect(row('web')?.cells.pods).toBe(before));
  });

  it('against a real HTTP API shows the cluster and removes a pod deleted on the server', async () => {
    const world = new SimWorld({ name: 'http', seed: 6, pods: 50, churn: 0 });
    const { server } = await simServer(world);
    const engine = new Engine({ demoClusters: () => [], viewIntervalMs: 20 });
    cleanup.push(() => engine.stop());
    expect((await engine.start({ apiBaseUrl: server.url })).mode).toBe('cluster');
    const view = await follow(engine, { resource: PODS });
    await vi.waitFor(() => expect([...view.keys()].sort()).toEqual(truth(PROXY_CLUSTER_NAME, world)));
    const victim = world.cluster.objects(world.cluster.type('v1', 'Pod'), 'web')[0];
    world.cluster.delete(world.cluster.type('v1', 'Pod'), 'web', victim.metadata.name);
    await vi.waitFor(() =>
      expect(view.keys()).not.toContain(`${PROXY_CLUSTER_NAME}/web/${victim.metadata.name}`)
    );
  });

  it('reloads from the cache: rows before the network answers, and no list request', async () => {
    const world = new SimWorld({ name: 'cached', seed: 7, pods: 80, churn: 0 });
    const { server, requests, delay } = await simServer(world, 0);
    const dbName = `skiff-test-${Math.random()}`;
    const first = new Engine({
      demoClusters: () => [],
      cache: new SnapshotCache({ dbName }),
      viewIntervalMs: 20
    });
    await first.start({ apiBaseUrl: server.url });
    const before = await follow(first, { resource: PODS });
    await vi.waitFor(() => expect(before.state.window.total).toBe(truth(PROXY_CLUSTER_NAME, world).length));
    await vi.waitFor(() => expect(first.telemetry().streams[0].state).toBe('live'));
    first.setOwnerVisible('local', false); // a hidden page flushes the cache
    await vi.waitFor(() => expect(first.telemetry().cache?.writes).toBeGreaterThan(0));
    first.stop();

    // A change while the page was closed: the resumed watch must bring it.
    const cm = world.cluster.type('v1', 'Pod');
    const gone = world.cluster.objects(cm, 'web')[0].metadata.name;
    world.cluster.delete(cm, 'web', gone);

    // The same server (the cache knows a cluster by its URL), now slow to answer about pods.
    const reloadAt = Date.now();
    const firstRequests = requests.length;
    delay.podsMs = 1500;
    const second = new Engine({
      demoClusters: () => [],
      cache: new SnapshotCache({ dbName }),
      viewIntervalMs: 20
    });
    cleanup.push(() => second.stop());
    await second.start({ apiBaseUrl: server.url });
    const after = await follow(second, { resource: PODS });
    // Painted from the cache while the pod requests are still held back by the server.
    await vi.waitFor(() => expect(after.state.window.total).toBe(before.state.window.total), {
      timeout: 1000
    });
    expect(Date.now() - reloadAt).toBeLessThan(1500);
    expect(second.telemetry().streams[0].state).toBe('cached');
    await vi.waitFor(() => expect(after.keys()).not.toContain(`${PROXY_CLUSTER_NAME}/web/${gone}`), {
      timeout: 10_000
    });
    const podRequests = requests.slice(firstRequests).filter((r) => r.url.startsWith('/api/v1/pods'));
    expect(podRequests.length).toBeGreaterThan(0);
    expect(podRequests.every((r) => /[?&]watch=1/.test(r.url) && /resourceVersion=\d+/.test(r.url))).toBe(
      true
    );
    expect(firstRequests).toBeGreaterThan(0);
  });

  it('runs more informers than connection slots: views on screen win, the rest catch up in turns', async () => {
    const world = new SimWorld({ name: 'budget', seed: 8, pods: 40, churn: 0 });
    const { server } = await simServer(world);
    const engine = new Engine({ demoClusters: () => [], viewIntervalMs: 20, catchUpEveryMs: 100 });
    cleanup.push(() => engine.stop());
    await engine.start({ apiBaseUrl: server.url });
    const kinds = [
      ref('', 'v1', 'services', 'Service'),
      ref('', 'v1', 'configmaps', 'ConfigMap'),
      ref('', 'v1', 'serviceaccounts', 'ServiceAccount'),
      ref('apps', 'v1', 'deployments', 'Deployment'),
      ref('apps', 'v1', 'replicasets', 'ReplicaSet'),
      ref('', 'v1', 'events', 'Event'),
      ref('', 'v1', 'nodes', 'Node', false)
    ];
    const background = await Promise.all(
      kinds.map((resource) => follow(engine, { resource, visible: false }))
    );
    const pods = await follow(engine, { resource: PODS, visible: true });
    const budget = () => engine.telemetry().budget[0];
    await vi.waitFor(() => expect(pods.state.window.total).toBe(truth(PROXY_CLUSTER_NAME, world).length));
    expect(budget().chunkedInUse).toBeLessThanOrEqual(budget().chunkedSlots);
    expect(budget().waiting.length).toBe(kinds.length + 1 - budget().chunkedSlots);
    const podStream = engine.telemetry().streams.find((s) => s.resource === 'pods')!;
    expect(podStream.transport).toBe('chunked');

    // A waiting informer still learns about changes, by catching up from its resourceVersion.
    const cm = world.cluster.type('v1', 'ConfigMap');
    world.cluster.create(cm, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'late' },
      data: {}
    });
    const configmaps = background[1];
    await vi.waitFor(() => expect(configmaps.keys()).toContain(`${PROXY_CLUSTER_NAME}/default/late`), {
      timeout: 10_000
    });
    const streams = engine.telemetry().streams;
    expect(streams.filter((s) => s.relists > 0)).toEqual([]);
  });

  it('watches one full object by name while a detail view is open', async () => {
    const world = new SimWorld({ name: 'object', seed: 9, pods: 20, churn: 0 });
    const { server } = await simServer(world);
    const engine = new Engine({ demoClusters: () => [] });
    cleanup.push(() => engine.stop());
    await engine.start({ apiBaseUrl: server.url });
    const pods = world.cluster.type('v1', 'Pod');
    const pod = world.cluster.objects(pods, 'web')[0];
    const updates: ObjectUpdate[] = [];
    const id = await engine.open(
      'object',
      { cluster: PROXY_CLUSTER_NAME, resource: PODS, namespace: 'web', name: pod.metadata.name },
      (u) => updates.push(u)
    );
    await vi.waitFor(() => expect(updates.at(-1)?.object?.metadata.uid).toBe(pod.metadata.uid));
    expect(updates.at(-1)!.object!.spec.containers.length).toBeGreaterThan(0);
    expect(updates.at(-1)!.object!.metadata.managedFields).toBeUndefined();
    world.cluster.mutate(
      pods,
      'web',
      pod.metadata.name,
      (o) => (o.metadata.labels = { ...o.metadata.labels, seen: 'yes' })
    );
    await vi.waitFor(() => expect(updates.at(-1)?.object?.metadata.labels?.seen).toBe('yes'));
    world.cluster.delete(pods, 'web', pod.metadata.name);
    await vi.waitFor(() => expect(updates.at(-1)?.object).toBeNull());
    engine.close(id);
    expect(engine.telemetry().budget[0]?.webSockets ?? 0).toBe(0);
  });
});
