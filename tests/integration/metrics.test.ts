/**
 * Live metrics through the whole engine, against simulated clusters whose clocks the test moves:
 * usage appears in the rows of pods, nodes, workloads and namespaces, changes with the next scrape,
 * is polled only for views on screen, backs off and goes stale when metrics.k8s.io fails, and a
 * cluster without the metrics API is quietly "no metrics".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine, type EngineTelemetry, type ViewSpec } from '../../src/lib/engine/engine';
import { builtinResource } from '../../src/lib/kinds/catalog';
import { millicores } from '../../src/lib/metrics/units';
import { podMetrics, nodeMetrics } from '../../src/lib/sim/metrics';
import { SimWorld } from '../../src/lib/sim/world';
import { applyWindowDiff, EMPTY_WINDOW } from '../../src/lib/view/apply';
import type { WindowState } from '../../src/lib/view/types';
import type { Row } from '../../src/lib/watch/row';

let cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

type Mode = 'ok' | 'fail' | 'absent';

/** A simulated cluster with a clock the test moves, counting (and failing on demand) metrics requests. */
function cluster(name: string, seed: number) {
  const clock = { t: Date.UTC(2026, 0, 1) };
  const world = new SimWorld({ name, seed, pods: 30, churn: 0, clock: { now: () => clock.t } }).start();
  const state = { mode: 'ok' as Mode, metricsRequests: 0 };
  const handler = async (req: Request) => {
    if (new URL(req.url).pathname.startsWith('/apis/metrics.k8s.io/')) {
      state.metricsRequests++;
      if (state.mode === 'fail') return new Response('metrics-server is down', { status: 503 });
      if (state.mode === 'absent')
        return Response.json(
          { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 },
          { status: 404 }
        );
    }
    return world.handler(req);
  };
  return { name, world, clock, state, demo: { name, handler, stop: () => world.stop() } };
}

async function engineWith(clusters: ReturnType<typeof cluster>[], intervalMs = 40) {
  const errors: unknown[] = [];
  const engine = new Engine({
    demoClusters: () => clusters.map((c) => c.demo),
    viewIntervalMs: 10,
    onError: (e) => errors.push(e)
  });
  cleanup.push(() => engine.stop());
  await engine.start({ metricsIntervalMs: intervalMs });
  return { engine, errors };
}

async function follow(engine: Engine, spec: ViewSpec) {
  const state = { window: EMPTY_WINDOW as WindowState };
  const id = await engine.open('view', { window: { offset: 0, limit: 10_000 }, ...spec }, (diff) => {
    state.window = applyWindowDiff(state.window, diff);
  });
  return { id, row: (key: string): Row | undefined => state.window.rows.find((r) => r.key === key), state };
}

const sumCpu = (containers: { usage: { cpu: string } }[]) =>
  containers.reduce((s, c) => s + millicores(c.usage.cpu)!, 0);

/** What metrics.k8s.io says a pod uses now (millicores), or undefined when it has no metrics. */
function expectedPodCpu(world: SimWorld, namespace: string, name: string): number | undefined {
  try {
    return sumCpu(podMetrics(world.cluster, namespace, name).containers);
  } catch {
    return undefined;
  }
}

function metricsOf(t: EngineTelemetry, name: string) {
  return t.metrics?.find((m) => m.cluster === name);
}

describe('metrics', () => {
  it('joins usage into pod rows and changes it with the next scrape', async () => {
    const a = cluster('a', 11);
    const { engine, errors } = await engineWith([a]);
    const pods = await follow(engine, { resource: builtinResource('pods'), clusters: ['a'] });
    const running = a.world.cluster
      .objects(a.world.cluster.type('v1', 'Pod'))
      .find((p) => expectedPodCpu(a.world, p.metadata.namespace!, p.metadata.name) !== undefined)!;
    const key = `a/${running.metadata.namespace}/${running.metadata.name}`;
    const want = () => expectedPodCpu(a.world, running.metadata.namespace!, running.metadata.name);
    await vi.waitFor(() => expect(pods.row(key)?.cells.cpuUsage).toBeCloseTo(want()!, 6), {
      timeout: 10_000
    });
    const first = pods.row(key)!;
    expect(first.cells.status).toBe('Running');
    expect(first.cells.metricsStale).toBe(false);
    const before = want()!;
    // The next scrape, 15 s later on the cluster's clock.
    a.clock.t += 15_000;
    expect(want()).not.toBeCloseTo(before, 6);
    await vi.waitFor(() => expect(pods.row(key)?.cells.cpuUsage).toBeCloseTo(want()!, 6), {
      timeout: 10_000
    });
    await vi.waitFor(() => expect(pods.row(key)?.series?.cpu.length).toBe(2), { timeout: 10_000 });
    expect(errors).toEqual([]);
  });

  it('sums pod usage into workloads and namespaces, and gives nodes their share of allocatable', async () => {
    const a = cluster('a', 12);
    const { engine } = await engineWith([a]);
    const deployments = await follow(engine, {
      resource: builtinResource('deployments.apps'),
      clusters: ['a']
    });
    const namespaces = await follow(engine, { resource: builtinResource('namespaces'), clusters: ['a'] });
    const nodes = await follow(engine, { resource: builtinResource('nodes'), clusters: ['a'] });
    const c = a.world.cluster;
    const podsOf = (ns: string) => c.objects(c.type('v1', 'Pod'), ns);
    const deployment = c
      .objects(c.type('apps/v1', 'Deployment'))
      .find((d) => (d.status?.readyReplicas ?? 0) > 0)!;
    const ns = deployment.metadata.namespace!;
    const deploymentCpu = podsOf(ns)
      .filter((p) =>
        (p.metadata.ownerReferences ?? []).some(
          (o: { kind: string; name: string }) =>
            o.kind === 'ReplicaSet' &&
            o.name === `${deployment.metadata.name}-${p.metadata.labels?.['pod-template-hash']}`
        )
      )
      .reduce((s, p) => s + (expectedPodCpu(a.world, ns, p.metadata.name) ?? 0), 0);
    expect(deploymentCpu).toBeGreaterThan(0);
    const namespaceCpu = sumCpu(podMetrics(c, ns).items.flatMap((p) => p.containers));
    const node = nodeMetrics(c).items[0];
    await vi.waitFor(
      () => {
        expect(deployments.row(`a/${ns}/${deployment.metadata.name}`)?.cells.cpuUsage).toBeCloseTo(
          deploymentCpu,
          6
        );
        expect(namespaces.row(`a//${ns}`)?.cells.cpuUsage).toBeCloseTo(namespaceCpu, 6);
        expect(nodes.row(`a//${node.metadata.name}`)?.cells.cpuUsage).toBeCloseTo(
          millicores(node.usage.cpu)!,
          6
        );
      },
      { timeout: 10_000 }
    );
    const nodeRow = nodes.row(`a//${node.metadata.name}`)!;
    expect(nodeRow.cells.cpuAllocatablePct).toBeCloseTo(
      (millicores(node.usage.cpu)! / (nodeRow.cells.cpuAllocatable as number)) * 100,
      6
    );
    expect(namespaces.row(`a//${ns}`)?.cells.pods).toBeGreaterThan(0);
  });

  it('polls only the clusters whose views are on screen, and only while a tab is shown', async () => {
    const a = cluster('a', 13);
    const b = cluster('b', 14);
    const { engine } = await engineWith([a, b]);
    await follow(engine, { resource: builtinResource('pods'), clusters: ['a'] });
    const onB = await follow(engine, { resource: builtinResource('pods'), clusters: ['b'], visible: false });
    await vi.waitFor(() => expect(a.state.metricsRequests).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    expect(b.state.metricsRequests).toBe(0);
    engine.updateView(onB.id, { visible: true });
    await vi.waitFor(() => expect(b.state.metricsRequests).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    // Every tab hidden: no polls at all until one is shown again.
    engine.setOwnerVisible('tab', true);
    engine.setOwnerVisible('tab', false);
    const [atA, atB] = [a.state.metricsRequests, b.state.metricsRequests];
    const c = cluster('c', 15); // a clock of polls that does not stop: a third engine's cluster
    const other = await engineWith([c]);
    await follow(other.engine, { resource: builtinResource('pods') });
    await vi.waitFor(() => expect(c.state.metricsRequests).toBeGreaterThanOrEqual(6), { timeout: 10_000 });
    // At most a poll that was already on its way.
    expect(a.state.metricsRequests - atA).toBeLessThanOrEqual(1);
    expect(b.state.metricsRequests - atB).toBeLessThanOrEqual(1);
    engine.setOwnerVisible('tab', true);
    await vi.waitFor(() => expect(a.state.metricsRequests).toBeGreaterThan(atA + 2), { timeout: 10_000 });
  });

  it('backs off while metrics.k8s.io fails, marks the values stale, and recovers', async () => {
    const a = cluster('a', 16);
    const { engine, errors } = await engineWith([a], 20);
    const pods = await follow(engine, { resource: builtinResource('pods'), clusters: ['a'] });
    await vi.waitFor(() => expect(metricsOf(engine.telemetry(), 'a')?.state).toBe('ok'), { timeout: 10_000 });
    const key = pods.state.window.rows.find((r) => r.cells.cpuUsage !== null)?.key;
    await vi.waitFor(() => expect(pods.state.window.rows.some((r) => r.cells.cpuUsage !== null)).toBe(true));
    a.state.mode = 'fail';
    await vi.waitFor(() => expect(metricsOf(engine.telemetry(), 'a')?.state).toBe('stale'), {
      timeout: 10_000
    });
    const t = metricsOf(engine.telemetry(), 'a')!;
    expect(t.errors).toBeGreaterThanOrEqual(3);
    // Three failures in a row: the next try waits at least 2³ intervals.
    expect(t.nextPollAt! - t.lastPollAt!).toBeGreaterThanOrEqual(8 * 20);
    const someKey = key ?? pods.state.window.rows.find((r) => r.cells.cpuUsage !== null)!.key;
    await vi.waitFor(() => expect(pods.row(someKey)?.cells.metricsStale).toBe(true));
    expect(pods.row(someKey)?.cells.cpuUsage).not.toBeNull();
    a.state.mode = 'ok';
    await vi.waitFor(() => expect(pods.row(someKey)?.cells.metricsStale).toBe(false), { timeout: 10_000 });
    expect(metricsOf(engine.telemetry(), 'a')?.state).toBe('ok');
    expect(errors).toEqual([]);
  });

  it('treats a cluster without the metrics API as quietly having no metrics', async () => {
    const a = cluster('a', 17);
    a.state.mode = 'absent';
    const { engine, errors } = await engineWith([a]);
    const pods = await follow(engine, { resource: builtinResource('pods'), clusters: ['a'] });
    await vi.waitFor(() => expect(metricsOf(engine.telemetry(), 'a')?.state).toBe('absent'), {
      timeout: 10_000
    });
    await vi.waitFor(() =>
      expect(pods.state.window.rows.length).toBe(
        a.world.cluster.objects(a.world.cluster.type('v1', 'Pod')).length
      )
    );
    expect(pods.state.window.rows.every((r) => r.cells.cpuUsage === null && r.cells.status)).toBe(true);
    expect(metricsOf(engine.telemetry(), 'a')).toMatchObject({ errors: 0, consecutiveFailures: 0 });
    // Asked again only every few minutes, not every interval.
    expect(a.state.metricsRequests).toBe(1);
    expect(errors).toEqual([]);
  });
});
