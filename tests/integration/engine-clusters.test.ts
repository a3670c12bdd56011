/**
 * Several clusters in one engine: two simulated clusters over real HTTP and one demo cluster in one
 * merged view. An outage of one never blanks another's rows, health says which cluster is down,
 * recovery needs no reload; the cluster list can change while views are open; clusters behind one
 * origin share its connection budget.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveHandler, type RunningServer } from '../../scripts/sim/node-server';
import { Engine, type ViewSpec } from '../../src/lib/engine/engine';
import { createDemoClusters, demoPreset } from '../../src/lib/sim/demo';
import { SimWorld } from '../../src/lib/sim/world';
import { applyWindowDiff, EMPTY_WINDOW } from '../../src/lib/view/apply';
import type { WindowState } from '../../src/lib/view/types';
import type { ResourceRef } from '../../src/lib/kube/types';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

let cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** The window a page would hold, and the smallest count of each cluster's rows seen after `armed`. */
async function follow(engine: Engine, spec: ViewSpec) {
  const state = { window: EMPTY_WINDOW as WindowState, armed: false, lowest: new Map<string, number>() };
  const id = await engine.open('view', { window: { offset: 0, limit: 100_000 }, ...spec }, (diff) => {
    state.window = applyWindowDiff(state.window, diff);
    if (!state.armed) return;
    const counts = new Map<string, number>();
    for (const r of state.window.rows) counts.set(r.cluster, (counts.get(r.cluster) ?? 0) + 1);
    for (const [c, low] of state.lowest) state.lowest.set(c, Math.min(low, counts.get(c) ?? 0));
  });
  const of = (cluster: string) => state.window.rows.filter((r) => r.cluster === cluster).map((r) => r.key);
  const arm = (clusters: string[]) => {
    for (const c of clusters) state.lowest.set(c, of(c).length);
    state.armed = true;
  };
  return { state, of, arm, id };
}

function podKeys(cluster: string, world: SimWorld): string[] {
  return world.cluster
    .objects(world.cluster.type('v1', 'Pod'))
    .map((p) => `${cluster}/${p.metadata.namespace}/${p.metadata.name}`);
}

function addPod(world: SimWorld, name: string) {
  world.cluster.create(world.cluster.type('v1', 'Pod'), 'web', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'web' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] }
  });
}

/** Watch requests each server received, by path (`/api/v1/pods`), to see streams restarted. */
const watches = new Map<string, string[]>();

async function serve(world: SimWorld, port = 0): Promise<RunningServer> {
  const log: string[] = [];
  const server = await serveHandler((request) => {
    const url = new URL(request.url);
    if (/^(1|true)$/.test(url.searchParams.get('watch') ?? '')) log.push(url.pathname);
    return world.handler(request);
  }, port);
  watches.set(server.url, log);
  cleanup.push(() => server.close());
  return server;
}

const podWatchesAt = (server: RunningServer) =>
  (watches.get(server.url) ?? []).filter((p) => p === '/api/v1/pods').length;

function engineFor() {
  const engine = new Engine({
    demoClusters: () => [],
    demoCluster: (name) => createDemoClusters([{ ...demoPreset(name), pods: 40, churn: 0 }])[0],
    viewIntervalMs: 20,
    healthEveryMs: 200,
    healthRetryMs: 100,
    probeWhileHidden: true,
    // A long backoff: only the health probe's recovery makes beta come back within the test's wait.
    reflector: { backoff: { baseMs: 6000, capMs: 30_000 }, random: () => 0.99 }
  });
  cleanup.push(() => engine.stop());
  return engine;
}

describe('several clusters', () => {
  it('merges three clusters in one view; one going down leaves the others live and its rows in place', async () => {
    const a = new SimWorld({ name: 'a', seed: 1, pods: 30, churn: 0 }).start();
    const b = new SimWorld({ name: 'b', seed: 2, pods: 20, churn: 0 }).start();
    cleanup.push(
      () => a.stop(),
      () => b.stop()
    );
    const serverA = await serve(a);
    let serverB = await serve(b);
    const engine = engineFor();
    const info = await engine.start({
      clusters: [
        { name: 'alpha', url: serverA.url },
        { name: 'beta', url: serverB.url, color: '#123456' },
        { name: 'demo-dev', demo: true }
      ]
    });
    expect(info.mode).toBe('mixed');
    expect(info.details.map((d) => [d.name, d.demo])).toEqual([
      ['alpha', false],
      ['beta', false],
      ['demo-dev', true]
    ]);
    expect(info.details[1].color).toBe('#123456');
    expect(info.details[0].color).not.toBe(info.details[2].color);

    const view = await follow(engine, { resource: PODS });
    await vi.waitFor(() => {
      expect(view.of('alpha').sort()).toEqual(podKeys('alpha', a).sort());
      expect(view.of('beta').sort()).toEqual(podKeys('beta', b).sort());
      expect(view.of('demo-dev').length).toBeGreaterThan(0);
    });
    await vi.waitFor(async () =>
      expect((await engine.clusterStatus()).health.map((h) => h.reachable)).toEqual([true, true, true])
    );
    const betaRows = view.of('beta').length;
    view.arm(['alpha', 'beta', 'demo-dev']);

    // beta's server goes away: beta is unreachable, alpha keeps following changes.
    await serverB.close();
    await vi.waitFor(async () => {
      const beta = (await engine.clusterStatus()).health.find((h) => h.cluster === 'beta')!;
      expect(beta.reachable).toBe(false);
      expect(beta.unreachableSince).toBeTypeOf('number');
    });
    addPod(a, 'while-beta-is-down');
    await vi.waitFor(() => expect(view.of('alpha')).toContain('alpha/web/while-beta-is-down'));
    expect(view.of('beta').length).toBe(betaRows);
    expect(engine.telemetry().clusters.find((c) => c.cluster === 'alpha')?.reachable).toBe(true);

    // beta comes back on the same port: without any call from the page, its stream resumes.
    addPod(b, 'made-during-the-outage');
    serverB = await serve(b, new URL(serverB.url).port as unknown as number);
    addPod(b, 'after-the-outage');
    await vi.waitFor(
      () => {
        expect(view.of('beta')).toContain('beta/web/made-during-the-outage');
        expect(view.of('beta')).toContain('beta/web/after-the-outage');
      },
      { timeout: 4000 }
    );
    await vi.waitFor(async () =>
      expect((await engine.clusterStatus()).health.find((h) => h.cluster === 'beta')?.reachable).toBe(true)
    );
    // No cluster's rows were ever blanked, not even the one that went down.
    expect(view.state.lowest.get('alpha')).toBeGreaterThanOrEqual(podKeys('alpha', a).length - 1);
    expect(view.state.lowest.get('beta')).toBe(betaRows);
    expect(view.state.lowest.get('demo-dev')).toBeGreaterThan(0);
  });

  it('follows a new cluster list while views are open; kept clusters keep their rows', async () => {
    const a = new SimWorld({ name: 'a', seed: 3, pods: 25, churn: 0 }).start();
    const b = new SimWorld({ name: 'b', seed: 4, pods: 15, churn: 0 }).start();
    cleanup.push(
      () => a.stop(),
      () => b.stop()
    );
    const [serverA, serverB] = [await serve(a), await serve(b)];
    const engine = engineFor();
    await engine.start({ clusters: [{ name: 'alpha', url: serverA.url }] });
    const view = await follow(engine, { resource: PODS });
    const alphaOnly = await follow(engine, { resource: PODS, clusters: ['alpha'] });
    await vi.waitFor(() => expect(view.of('alpha').length).toBe(podKeys('alpha', a).length));
    view.arm(['alpha']);
    const alphaWatches = podWatchesAt(serverA);

    const added = await engine.configure([
      { name: 'alpha', url: serverA.url, color: '#abcdef' },
      { name: 'beta', url: serverB.url }
    ]);
    expect(added.clusters).toEqual(['alpha', 'beta']);
    expect(added.details[0].color).toBe('#abcdef');
    await vi.waitFor(() => expect(view.of('beta').sort()).toEqual(podKeys('beta', b).sort()));
    expect(alphaOnly.of('beta')).toEqual([]);
    // alpha was kept: its rows never left the view, and its stream was not restarted.
    expect(view.state.lowest.get('alpha')).toBe(podKeys('alpha', a).length);
    expect(podWatchesAt(serverA)).toBe(alphaWatches);
    await engine.configure([
      { name: 'alpha', url: `${serverA.url}` },
      { name: 'beta', url: serverB.url }
    ]);
    expect(podWatchesAt(serverA)).toBe(alphaWatches);

    await engine.configure([{ name: 'beta', url: serverB.url }]);
    await vi.waitFor(() => expect(view.of('alpha')).toEqual([]));
    expect(view.of('beta').length).toBe(podKeys('beta', b).length);
    expect(engine.telemetry().streams.every((s) => s.cluster === 'beta')).toBe(true);
    await expect(engine.configure([{ name: 'bad name!', url: serverB.url }])).rejects.toThrow(/cluster name/);
    await expect(engine.configure([])).rejects.toThrow(/at least one/);
  });

  it('a view of one cluster follows that cluster to its new URL; closing it leaves other views alone', async () => {
    const a = new SimWorld({ name: 'a', seed: 6, pods: 12, churn: 0 }).start();
    const b = new SimWorld({ name: 'b', seed: 7, pods: 9, churn: 0 }).start();
    cleanup.push(
      () => a.stop(),
      () => b.stop()
    );
    const [serverA, serverB] = [await serve(a), await serve(b)];
    const engine = engineFor();
    await engine.start({ clusters: [{ name: 'prod', url: serverA.url }] });
    const pinned = await follow(engine, { resource: PODS, clusters: ['prod'] });
    const all = await follow(engine, { resource: PODS });
    await vi.waitFor(() => expect(pinned.of('prod').sort()).toEqual(podKeys('prod', a).sort()));

    // prod now points at another API server: both views show what that one holds.
    await engine.configure([{ name: 'prod', url: serverB.url }]);
    await vi.waitFor(() => {
      expect(pinned.of('prod').sort()).toEqual(podKeys('prod', b).sort());
      expect(all.of('prod').sort()).toEqual(podKeys('prod', b).sort());
    });

    // Closing the pinned view releases its own informer only: the other view stays live.
    engine.close(pinned.id);
    addPod(b, 'after-the-pinned-view-closed');
    await vi.waitFor(() => expect(all.of('prod')).toContain('prod/web/after-the-pinned-view-closed'));
  });

  it('clusters behind one origin share its connection budget', async () => {
    const a = new SimWorld({ name: 'a', seed: 5, pods: 10, churn: 0 }).start();
    cleanup.push(() => a.stop());
    const server = await serve(a);
    const engine = engineFor();
    await engine.start({
      clusters: [
        { name: 'one', url: `${server.url}/` },
        { name: 'two', url: `${server.url}/` }
      ]
    });
    await follow(engine, { resource: PODS });
    await vi.waitFor(() =>
      expect(engine.telemetry().streams.filter((s) => s.state === 'live').length).toBe(2)
    );
    const t = engine.telemetry();
    expect(t.budget.map((b) => b.origin)).toEqual([server.url]);
    expect(t.clusters.map((c) => [c.cluster, c.origin])).toEqual([
      ['one', server.url],
      ['two', server.url]
    ]);
    expect(t.budget[0].chunkedInUse).toBe(2);
  });

  it('a watch that looked open through a silent outage restarts when the cluster answers again', async () => {
    const world = new SimWorld({ name: 'q', seed: 4, pods: 10, churn: 0 }).start();
    cleanup.push(() => world.stop());
    // While `down`, /version fails and every byte of an open watch is lost without a word: the
    // watch looks open, and only the 90 s stall timeout would notice.
    let down = false;
    const podWatches: string[] = [];
    const server = await serveHandler(async (request) => {
      const url = new URL(request.url);
      if (down && url.pathname === '/version') return new Response('no', { status: 503 });
      if (url.pathname === '/api/v1/pods' && url.searchParams.get('watch'))
        podWatches.push(url.searchParams.get('resourceVersion') ?? '');
      const response = await world.handler(request);
      if (!response.body) return response;
      const body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, c) => (down ? undefined : c.enqueue(chunk))
        })
      );
      return new Response(body, { status: response.status, headers: response.headers });
    });
    cleanup.push(() => server.close());
    const engine = engineFor();
    await engine.start({ clusters: [{ name: 'quiet', url: server.url }] });
    const view = await follow(engine, { resource: PODS });
    await vi.waitFor(() => expect(view.of('quiet').sort()).toEqual(podKeys('quiet', world).sort()));
    await vi.waitFor(async () => expect((await engine.clusterStatus()).health[0].reachable).toBe(true));
    const watchesBefore = podWatches.length;

    down = true;
    await vi.waitFor(async () => expect((await engine.clusterStatus()).health[0].reachable).toBe(false));
    addPod(world, 'made-during-the-outage');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(view.of('quiet')).not.toContain('quiet/web/made-during-the-outage');
    down = false;
    // Health recovers within a probe interval, and the pods watch restarts from its resourceVersion
    // (no relist) at once: the pod made meanwhile shows long before any stall timeout.
    await vi.waitFor(() => expect(view.of('quiet')).toContain('quiet/web/made-during-the-outage'), {
      timeout: 4000
    });
    expect(podWatches.length).toBeGreaterThan(watchesBefore);
    expect(podWatches.slice(watchesBefore).every((rv) => rv !== '')).toBe(true);
    expect(engine.telemetry().streams.find((i) => i.resource === 'pods')?.relists).toBe(0);
  });
});
