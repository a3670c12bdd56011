/**
 * The metrics join against a model: whatever watch upserts, deletes and relists and whatever poll
 * answers come, in any order, every row the view holds is the object's latest row plus the latest
 * usage of that key (and its % of request and limit), and the view sorts by usage.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterMetrics } from '$lib/metrics/cluster-metrics';
import { MetricsHistory } from '$lib/metrics/history';
import { MetricsJoin } from '$lib/metrics/join';
import type { PollResult } from '$lib/metrics/poller';
import type { MetricsFamily } from '$lib/metrics/types';
import { View } from '$lib/view/view';
import type { Cell, Row, RowSink } from '$lib/watch/row';
import { testRow } from '../../support/rows';
import { applySinkOp, sinkOpArb, type ModelRows, type SinkOp } from '../../support/sink-ops';

const NEVER = { setTimeout: () => 0, clearTimeout: () => {} };

function clusterMetrics(watchPods?: (sink: RowSink) => () => void) {
  return new ClusterMetrics({
    cluster: 'c1',
    history: new MetricsHistory(),
    transport: () => undefined,
    intervalMs: () => 10_000,
    timers: NEVER,
    watchPods
  });
}

const NAMES = ['a', 'b', 'c', 'd'];
const maybe = (arb: fc.Arbitrary<number>) => fc.option(arb, { nil: null });

const podRowArb: fc.Arbitrary<Row> = fc
  .record({
    name: fc.constantFrom(...NAMES),
    rv: fc.integer({ min: 1, max: 99 }),
    status: fc.constantFrom('Running', 'Pending'),
    cpuRequest: maybe(fc.integer({ min: 1, max: 2000 })),
    cpuLimit: maybe(fc.integer({ min: 1, max: 4000 })),
    memoryRequest: maybe(fc.integer({ min: 1, max: 2 ** 30 })),
    memoryLimit: maybe(fc.integer({ min: 1, max: 2 ** 31 }))
  })
  .map(({ name, rv, status, ...resources }) =>
    testRow(name, { status, ...resources }, { resourceVersion: String(rv) })
  );

type Usage = { cpu: number; memory: number };
type Poll = { type: 'poll'; pods: [string, Usage][] };
type Op = SinkOp | Poll;

const pollArb: fc.Arbitrary<Poll> = fc.record({
  type: fc.constant('poll' as const),
  pods: fc.uniqueArray(
    fc.tuple(
      fc.constantFrom(...NAMES),
      fc.record({ cpu: fc.integer({ min: 0, max: 3000 }), memory: fc.integer({ min: 0, max: 2 ** 31 }) })
    ),
    { selector: ([n]) => n, maxLength: 4 }
  )
});

const opArb: fc.Arbitrary<Op> = fc.oneof(sinkOpArb(podRowArb), pollArb);

const pct = (part: number | undefined, whole: Cell | undefined): number | null =>
  part === undefined || typeof whole !== 'number' || whole <= 0 ? null : (part / whole) * 100;

/** What a row should look like: the object's row, then its usage. */
function expected(row: Row, usage: Usage | undefined, at: number): Row {
  const c = row.cells;
  return {
    ...row,
    cells: {
      ...c,
      cpuUsage: usage?.cpu ?? null,
      memoryUsage: usage?.memory ?? null,
      cpuRequestPct: pct(usage?.cpu, c.cpuRequest),
      cpuLimitPct: pct(usage?.cpu, c.cpuLimit),
      memoryRequestPct: pct(usage?.memory, c.memoryRequest),
      memoryLimitPct: pct(usage?.memory, c.memoryLimit),
      metricsStale: usage ? false : null,
      metricsAt: usage ? at : null
    }
  };
}

function pollResult(op: Poll, at: number): PollResult {
  return { at, pods: op.pods.map(([name, u]) => ({ namespace: 'ns', name, at, ...u })) };
}

describe('MetricsJoin', () => {
  it('keeps object fields and the latest usage of each key through any interleaving', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const metrics = clusterMetrics();
        const view = new View({
          sort: { column: 'cpuUsage', direction: 'desc' },
          window: { offset: 0, limit: 100 }
        });
        const join = new MetricsJoin(view, 'pods', 'pod', () => metrics, true);
        const rows: ModelRows = new Map();
        let usage = new Map<string, Usage>();
        let at = 0;
        for (const op of ops) {
          if (op.type === 'poll') {
            at += 15_000;
            usage = new Map(op.pods.map(([n, u]) => [`c1/ns/${n}`, u]));
            metrics.ingest(pollResult(op, at));
          } else applySinkOp(join, rows, op);
          const want = [...rows.values()].map(({ row }) => {
            const u = usage.get(row.key);
            return expected(row, u, at);
          });
          const got = view.sortedRows().map(({ series: _series, ...r }) => r);
          // Sorted by CPU, most first, rows without usage last, ties by key.
          want.sort((x, y) => {
            const a = x.cells.cpuUsage as number | null;
            const b = y.cells.cpuUsage as number | null;
            if ((a === null) !== (b === null)) return a === null ? 1 : -1;
            if (a !== null && b !== null && a !== b) return b - a;
            return x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
          });
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 300 }
    );
  });

  it('sums the usage of a workload’s pods, Deployments through their ReplicaSets’ hash', () => {
    const pods = new Map<string, Row>();
    let feed: RowSink | undefined;
    const metrics = clusterMetrics((sink) => {
      feed = sink;
      return () => (feed = undefined);
    });
    const deployments = new View({ window: { offset: 0, limit: 100 } });
    const join = new MetricsJoin(deployments, 'deployments.apps', 'workload', () => metrics, true);
    join.replaceSource('d', [testRow('web', { ready: '2/2' }), testRow('api', { ready: '1/1' })]);
    const pod = (
      name: string,
      rs: string,
      hash: string,
      cpuRequest: number | null,
      cpuLimit: number | null
    ) =>
      testRow(
        name,
        { cpuRequest, cpuLimit, memoryRequest: null, memoryLimit: null },
        { owners: [{ kind: 'ReplicaSet', name: rs, uid: rs }], labels: { 'pod-template-hash': hash } }
      );
    for (const p of [
      pod('web-7d9f-a', 'web-7d9f', '7d9f', 100, 200),
      pod('web-7d9f-b', 'web-7d9f', '7d9f', 100, null),
      pod('api-55c4-a', 'api-55c4', '55c4', 50, 100)
    ])
      pods.set(p.key, p);
    feed!.replaceSource('pods', [...pods.values()]);
    metrics.ingest({
      at: 1000,
      pods: [
        { namespace: 'ns', name: 'web-7d9f-a', at: 1000, cpu: 30, memory: 1000 },
        { namespace: 'ns', name: 'web-7d9f-b', at: 1000, cpu: 20, memory: 2000 },
        { namespace: 'ns', name: 'api-55c4-a', at: 1000, cpu: 25, memory: 500 }
      ]
    });
    const web = () => deployments.get('c1/ns/web')!.cells;
    expect(web()).toMatchObject({ cpuUsage: 50, memoryUsage: 3000, cpuRequestPct: 25, cpuLimitPct: null });
    expect(deployments.get('c1/ns/api')!.cells).toMatchObject({
      cpuUsage: 25,
      cpuRequestPct: 50,
      cpuLimitPct: 25
    });
    expect(deployments.get('c1/ns/web')!.cells.ready).toBe('2/2');

    // A pod goes: its usage leaves the sum at once, before the next poll.
    feed!.remove('c1/ns/web-7d9f-b');
    expect(web()).toMatchObject({ cpuUsage: 30, cpuRequestPct: 30, cpuLimitPct: 15 });
    // A watch update of the deployment keeps the usage.
    join.upsert(testRow('web', { ready: '1/2' }, { resourceVersion: '2' }), 'd');
    expect(web()).toMatchObject({ ready: '1/2', cpuUsage: 30 });
  });

  it.each<[MetricsFamily, string, Row]>([
    [
      'node',
      'nodes',
      testRow('n1', { cpuAllocatable: 4000, memoryAllocatable: 8000 }, { namespace: '', key: 'c1//n1' })
    ],
    ['namespace', 'namespaces', testRow('ns', { status: 'Active' }, { namespace: '', key: 'c1//ns' })]
  ])('gives %s rows their usage', (family, kindId, row) => {
    const metrics = clusterMetrics();
    const view = new View({ window: { offset: 0, limit: 100 } });
    const join = new MetricsJoin(view, kindId, family, () => metrics, true);
    join.upsert(row, 's');
    metrics.ingest({
      at: 1000,
      nodes: [{ name: 'n1', at: 900, cpu: 1000, memory: 2000 }],
      pods: [
        { namespace: 'ns', name: 'p1', at: 900, cpu: 10, memory: 100 },
        { namespace: 'ns', name: 'p2', at: 950, cpu: 20, memory: 200 },
        { namespace: 'other', name: 'p3', at: 950, cpu: 40, memory: 400 }
      ]
    });
    const cells = view.get(row.key)!.cells;
    if (family === 'node')
      expect(cells).toMatchObject({
        cpuUsage: 1000,
        memoryUsage: 2000,
        cpuAllocatablePct: 25,
        memoryAllocatablePct: 25
      });
    else expect(cells).toMatchObject({ cpuUsage: 30, memoryUsage: 300, status: 'Active' });
  });

  it('marks usage stale after three failed polls, and carries the history for sparklines', async () => {
    let failing = false;
    const metrics = new ClusterMetrics({
      cluster: 'c1',
      history: new MetricsHistory(),
      transport: () => ({
        fetch: async () =>
          failing ? new Response('no', { status: 503 }) : Response.json({ kind: 'PodMetricsList', items: [] })
      }),
      intervalMs: () => 10_000,
      timers: NEVER
    });
    const view = new View({ window: { offset: 0, limit: 100 } });
    const join = new MetricsJoin(view, 'pods', 'pod', () => metrics, true);
    join.upsert(testRow('a'), 's');
    for (let i = 1; i <= 3; i++)
      metrics.ingest({
        at: i * 15_000,
        pods: [{ namespace: 'ns', name: 'a', at: i * 15_000, cpu: i, memory: i }]
      });
    expect(view.get('c1/ns/a')!.series).toEqual({
      at: [15_000, 30_000, 45_000],
      cpu: [1, 2, 3],
      memory: [1, 2, 3]
    });
    metrics.poller.state = 'ok';
    metrics.poller.lastSuccessAt = 45_000;
    failing = true;
    for (let i = 1; i <= 2; i++) {
      await metrics.poller.pollNow();
      expect(view.get('c1/ns/a')!.cells).toMatchObject({ metricsStale: false, cpuUsage: 3 });
    }
    await metrics.poller.pollNow();
    expect(view.get('c1/ns/a')!.cells).toMatchObject({ metricsStale: true, cpuUsage: 3 });
    failing = false;
    await metrics.poller.pollNow();
    // The empty answer: the pod has no usage any more (it stopped running).
    expect(view.get('c1/ns/a')!.cells).toMatchObject({ metricsStale: null, cpuUsage: null });
  });
});
