import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveHandler, type RunningServer } from '../../scripts/sim/node-server';
import { createDemoClusters, type DemoCluster } from '../../src/lib/sim/demo';
import { SimWorld } from '../../src/lib/sim/world';
import { Engine, PROXY_CLUSTER_NAME } from '../../src/lib/engine/engine';
import { podRow, type PodRow } from '../../src/lib/watch/pods';
import type { RowsMessage } from '../../src/lib/watch/rows';

/** What a page's store would hold: the rows after applying every message. */
function follow(engine: Engine, namespace?: string) {
  const rows = new Map<string, PodRow>();
  const unsubscribe = engine.subscribePods((message: RowsMessage<PodRow>) => {
    if (message.type === 'snapshot') rows.clear();
    const upserts = message.type === 'snapshot' ? message.rows : message.upserts;
    if (message.type === 'diff') for (const key of message.deletes) rows.delete(key);
    for (const row of upserts) rows.set(row.key, row);
  }, namespace);
  return { rows, unsubscribe };
}

/** The rows the cluster's pods should show as, right now. */
function expectedRows(clusterName: string, world: SimWorld, namespace?: string): Map<string, PodRow> {
  const podType = world.cluster.type('v1', 'Pod');
  const rows = world.cluster.objects(podType, namespace).map((pod) => podRow(clusterName, pod));
  return new Map(rows.map((row) => [row.key, row]));
}

let cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe('Engine', () => {
  it('in demo mode shows every demo cluster’s pods and follows their churn', async () => {
    let demo: DemoCluster[] = [];
    const engine = new Engine({
      demoClusters: () =>
        (demo = createDemoClusters([
          { name: 'small', seed: 3, pods: 40, churn: 30, tickMs: 20 },
          { name: 'quiet', seed: 4, pods: 15, churn: 0 }
        ]))
    });
    cleanup.push(() => engine.stop());
    // No API answers at this address, so the engine falls back to the demo.
    const info = await engine.start({ apiBaseUrl: 'http://127.0.0.1:9/k8s/' });
    expect(info).toEqual({ mode: 'demo', clusters: ['small', 'quiet'] });

    const all = follow(engine);
    await vi.waitFor(() => expect(all.rows.size).toBeGreaterThan(40), { timeout: 10_000 });
    const first = new Map(all.rows);

    // Let churn run, then freeze the clusters: the rows must converge to their exact state.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const cluster of demo) cluster.world.stop();
    const expected = new Map([
      ...expectedRows('small', demo[0].world),
      ...expectedRows('quiet', demo[1].world)
    ]);
    await vi.waitFor(() => expect(all.rows).toEqual(expected), { timeout: 10_000 });
    expect(all.rows).not.toEqual(first);

    // A namespace subscription sees exactly that namespace's pods.
    const namespace = [...expected.values()][0].namespace;
    const one = follow(engine, namespace);
    const inNamespace = new Map([...expected].filter(([, row]) => row.namespace === namespace));
    await vi.waitFor(() => expect(one.rows).toEqual(inNamespace), { timeout: 5000 });
    all.unsubscribe();
    one.unsubscribe();
  });

  it('shows the cluster behind kubectl proxy when an API answers next to the page', async () => {
    const world = new SimWorld({ name: 'real', seed: 9, pods: 25, churn: 0 });
    const seenAuthorization: string[] = [];
    const api = world.handlerAt('/k8s');
    const server: RunningServer = await serveHandler(async (request) => {
      const authorization = request.headers.get('authorization');
      if (authorization) seenAuthorization.push(authorization);
      return api(request);
    });
    cleanup.push(() => server.close());
    const engine = new Engine({
      demoClusters: () => {
        throw new Error('demo mode must not start when a cluster answers');
      }
    });
    cleanup.push(() => engine.stop());

    const info = await engine.start({ apiBaseUrl: `${server.url}/k8s/` });
    expect(info).toEqual({ mode: 'cluster', clusters: [PROXY_CLUSTER_NAME] });
    const all = follow(engine);
    const expected = expectedRows(PROXY_CLUSTER_NAME, world);
    await vi.waitFor(() => expect(all.rows).toEqual(expected), { timeout: 10_000 });

    // A change made in the cluster arrives through the watch.
    const podType = world.cluster.type('v1', 'Pod');
    // A running pod has container statuses to count restarts in.
    const changed = [...expected.values()].find((row) => row.phase === 'Running')!;
    world.cluster.mutate(podType, changed.namespace, changed.name, (pod) => {
      pod.status.containerStatuses[0].restartCount += 5;
    });
    await vi.waitFor(() => expect(all.rows.get(changed.key)?.restarts).toBe(changed.restarts + 5), {
      timeout: 10_000
    });
    expect(all.rows).toEqual(expectedRows(PROXY_CLUSTER_NAME, world));
    expect(seenAuthorization).toEqual([]);
    all.unsubscribe();
  });
});
