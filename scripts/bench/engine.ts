/**
 * `npm run bench:engine` — the engine against a naive polling dashboard (baseline.ts), both measured
 * in this run, against a simulated cluster served over real HTTP from another process
 * (sim-child.ts). Prints medians and ratios:
 *
 *  1. watch events applied per second, end to end (reflector → store → projection → view → window
 *     diff), for 10k and 50k pods; the baseline's effective changes/s for the same burst;
 *  2. time from a change on the server to the window diff (or poll) that shows it;
 *  3. heap per 10k pods: the engine's rows vs the baseline's parsed objects;
 *  4. bytes served for a cold start, a warm reload from the IndexedDB cache, and while live.
 *
 * Options: --sizes 10000,50000  --runs N (runs at 10k; 50k uses fewer)  --quick (10k only, 3 runs).
 * Figures are for this machine at this moment: read the ratios, not the absolute numbers.
 */
import 'fake-indexeddb/auto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { SnapshotCache } from '../../src/lib/cache/snapshot-cache';
import { Engine, type ViewSpec } from '../../src/lib/engine/engine';
import { applyWindowDiff, EMPTY_WINDOW } from '../../src/lib/view/apply';
import type { WindowState } from '../../src/lib/view/types';
import { PollingDashboard } from './baseline';
import {
  bytesText,
  cpuMs,
  fmt,
  median,
  quantile,
  ratio,
  settledHeap,
  Shown,
  SimServer,
  sleep,
  table
} from './harness';
import type { ByteCounts, PodRef } from './protocol';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,50000' },
    runs: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false }
  }
});

const SIZES = args.quick ? [10_000] : args.sizes.split(',').map(Number);
const RUNS = args.quick ? 3 : Math.max(1, Number(args.runs));
/** Changes per burst (figure 1); the same at every size, so sizes compare. */
const BURST = 5000;
/** The tab the benchmark's views belong to. */
const OWNER = 'bench';
/** Steady churn while measuring latency (figure 2): background changes/s and window changes/s. */
const CHURN_RATE = 200;
const HOT_RATE = 20;
const ENGINE_CHURN_MS = 3000;
const WINDOW = { offset: 0, limit: 100 };
const POD_SPEC: ViewSpec = {
  resource: { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  window: WINDOW
};

const runsFor = (pods: number) => (pods > 20_000 ? Math.min(RUNS, 3) : RUNS);
const log = (...parts: unknown[]) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);
const sumBytes = (b: ByteCounts) => b.list + b.streamingList + b.watch;

// ---- the engine as a page uses it ----------------------------------------------------------------

interface EngineClient {
  engine: Engine;
  startedAt: number;
  /** When the window first held `pods` rows in total (from the cache or the network). */
  fullAt: number;
  state: () => WindowState;
  stop(): void;
}

async function openEngine(url: string, pods: number, shown: Shown, cache?: SnapshotCache) {
  const startedAt = Date.now();
  // hiddenCloseMs 0: hiding the tab closes the watches at once (the catch-up bursts use it).
  const engine = new Engine({ demoClusters: () => [], cache, hiddenCloseMs: 0 });
  const info = await engine.start({ apiBaseUrl: url });
  if (info.mode !== 'cluster') throw new Error('the engine did not reach the simulator');
  engine.setOwnerVisible(OWNER, true);
  let state: WindowState = EMPTY_WINDOW;
  let full: (at: number) => void = () => {};
  const fullAt = new Promise<number>((r) => (full = r));
  await engine.open(
    'view',
    POD_SPEC,
    (diff) => {
      const at = Date.now();
      state = applyWindowDiff(state, diff);
      shown.record(diff.rows ?? diff.upserts?.map((u) => u.row) ?? [], at);
      if (state.total >= pods) full(at);
    },
    OWNER
  );
  const client: EngineClient = {
    engine,
    startedAt,
    fullAt: await withTimeout(fullAt, 180_000, 'engine window never filled'),
    state: () => state,
    stop: () => engine.stop()
  };
  return client;
}

async function waitLive(engine: Engine, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const streams = engine.telemetry().streams;
    if (streams.length > 0 && streams.every((s) => s.state === 'live')) return;
    await sleep(10);
  }
  throw new Error(`engine not live: ${JSON.stringify(engine.telemetry().streams.map((s) => s.state))}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} (${ms} ms)`)), ms).unref())
  ]);
}

const windowPods = (rows: WindowState['rows']): PodRef[] =>
  rows.map((r) => ({ namespace: r.namespace, name: r.name }));

// ---- per size ------------------------------------------------------------------------------------

interface SizeResult {
  pods: number;
  runs: number;
  engineSyncMs: number;
  engine: {
    /** Catch-up bursts: events applied per second from the resume to the last one on screen. */
    eventsPerSecond: number[];
    /** Client CPU per event in the catch-up bursts. */
    cpuUsPerEvent: number[];
    /** Live bursts: the server's rate, and how far behind the view ended. */
    liveServerRate: number[];
    liveLagMs: number[];
    latency: number[];
    missing: number;
    churnCpuMsPerSecond: number[];
    churnBytesPerSecond: number[];
    churnLists: number[];
    heap: number[];
  };
  baseline: {
    changesPerSecond: number[];
    pollMs: number[];
    pollErrors: number;
    latency: number[];
    missing: number;
    cpuMsPerSecond: number;
    bytesPerSecond: number;
    heap: number[];
    listBytes: number;
  };
}

async function benchSize(pods: number, withReload: boolean) {
  const runs = runsFor(pods);
  log(`${fmt(pods)} pods: starting the simulator`);
  const sim = await SimServer.start(pods);
  try {
    const size = await measureSize(sim, pods, runs);
    const reload = withReload ? await benchReload(sim, pods, Math.min(runs, 3)) : undefined;
    return { size, reload };
  } finally {
    await sim.stop();
  }
}

async function measureSize(sim: SimServer, pods: number, runs: number): Promise<SizeResult> {
  const r: SizeResult = {
    pods,
    runs,
    engineSyncMs: NaN,
    engine: {
      eventsPerSecond: [],
      cpuUsPerEvent: [],
      liveServerRate: [],
      liveLagMs: [],
      latency: [],
      missing: 0,
      churnCpuMsPerSecond: [],
      churnBytesPerSecond: [],
      churnLists: [],
      heap: []
    },
    baseline: {
      changesPerSecond: [],
      pollMs: [],
      pollErrors: 0,
      latency: [],
      missing: 0,
      cpuMsPerSecond: NaN,
      bytesPerSecond: NaN,
      heap: [],
      listBytes: NaN
    }
  };

  // Engine: cold start (heap measured around it), then bursts and steady churn.
  let shown = new Shown();
  const heap0 = await settledHeap();
  const client = await openEngine(sim.url, pods, shown);
  await waitLive(client.engine);
  r.engineSyncMs = client.fullAt - client.startedAt;
  r.engine.heap.push((await settledHeap()) - heap0);
  log(`engine synced ${fmt(pods)} pods in ${fmt(r.engineSyncMs)} ms`);
  const hot = windowPods(client.state().rows);
  await sim.setWindow(hot);

  for (let i = 0; i < runs; i++) {
    // Live: the server makes the burst while the engine watches; the simulator is the slower side.
    if (i < 3) {
      await sleep(300);
      const live = await sim.burst(BURST);
      const liveShownAt = await shown.waitFor(live.sentinel, live.sentinelSeq, 120_000);
      r.engine.liveServerRate.push(((BURST + 1) * 1000) / Math.max(1, live.t1 - live.t0));
      r.engine.liveLagMs.push(liveShownAt - live.t1);
    }

    // Catch-up: the tab was hidden long enough for the watch to close; the burst happens meanwhile;
    // on return the engine resumes from its resourceVersion and applies the burst as fast as it can.
    client.engine.setOwnerVisible(OWNER, false);
    await sleep(300);
    const b = await sim.burst(BURST);
    await sim.bytes(true);
    const cpu1 = cpuMs();
    const resumedAt = Date.now();
    client.engine.setOwnerVisible(OWNER, true);
    const shownAt = await shown.waitFor(b.sentinel, b.sentinelSeq, 120_000);
    r.engine.eventsPerSecond.push(((BURST + 1) * 1000) / (shownAt - resumedAt));
    r.engine.cpuUsPerEvent.push(((cpuMs() - cpu1) * 1000) / (BURST + 1));
    // A resume, not a relist: the figure is for watch events (the server counted the requests).
    const lists = (await sim.bytes(true)).listRequests;
    if (lists > 0) log(`warning: the engine relisted ${lists} times during a catch-up`);
  }
  log(`engine bursts: ${r.engine.eventsPerSecond.map((x) => fmt(x)).join(', ')} events/s`);

  for (let i = 0; i < runs; i++) {
    await sleep(300);
    await sim.bytes(true);
    const cpu0 = cpuMs();
    const t0 = Date.now();
    const churn = await sim.churn(ENGINE_CHURN_MS, CHURN_RATE, HOT_RATE);
    const wall = Date.now() - t0;
    r.engine.churnCpuMsPerSecond.push(((cpuMs() - cpu0) * 1000) / wall);
    const served = await sim.bytes(true);
    r.engine.churnBytesPerSecond.push((sumBytes(served) * 1000) / wall);
    r.engine.churnLists.push(served.listRequests);
    await sleep(500); // the last changes' diffs (a diff follows within the coalescing interval)
    const l = shown.latencies(churn.changes);
    r.engine.latency.push(...l.ms);
    r.engine.missing += l.missing;
  }
  log(`engine latency: median ${fmt(median(r.engine.latency))} ms over ${r.engine.latency.length} changes`);
  client.stop();
  await sleep(500);

  // Baseline: its first poll is the heap sample and the list size; then it polls on its own.
  shown = new Shown();
  const dashboard = new PollingDashboard({
    url: sim.url,
    window: WINDOW,
    onWindow: (rows, at) => shown.record(rows, at)
  });
  await sim.bytes(true);
  const heap1 = await settledHeap();
  await dashboard.poll();
  r.baseline.heap.push((await settledHeap()) - heap1);
  r.baseline.listBytes = sumBytes(await sim.bytes(true));
  log(`baseline first poll: ${fmt(dashboard.polls[0].durationMs)} ms, ${bytesText(r.baseline.listBytes)}`);
  dashboard.start();
  await sleep(100);

  // Long enough for a few polls at 10k (one and a bit at 50k, where a poll takes half a minute).
  const baselineChurnMs = Math.min(30_000, Math.max(12_000, 1.25 * dashboard.polls[0].durationMs));
  const cpu0 = cpuMs();
  const t0 = Date.now();
  const churn = await sim.churn(baselineChurnMs, CHURN_RATE, HOT_RATE);
  const wall = Date.now() - t0;
  r.baseline.cpuMsPerSecond = ((cpuMs() - cpu0) * 1000) / wall;
  r.baseline.bytesPerSecond = (sumBytes(await sim.bytes(true)) * 1000) / wall;

  // Each sample costs about two polls: 3 at 10k, 1 at 50k. The first burst starts while the last
  // churn changes still wait for a poll (lists are consistent snapshots: once the burst's last
  // change is shown, so are they), which saves a poll.
  const baselineBursts = Math.min(runs, pods > 20_000 ? 1 : 3);
  for (let i = 0; i < baselineBursts; i++) {
    // As for the engine's catch-up: from the moment the whole burst is on the server.
    const b = await sim.burst(BURST);
    const shownAt = await shown.waitFor(b.sentinel, b.sentinelSeq, 180_000);
    r.baseline.changesPerSecond.push(((BURST + 1) * 1000) / (shownAt - b.t1));
  }
  const l = shown.latencies(churn.changes);
  r.baseline.latency.push(...l.ms);
  r.baseline.missing += l.missing;
  log(
    `baseline latency: median ${fmt(median(r.baseline.latency))} ms over ${r.baseline.latency.length} changes`
  );
  log(`baseline bursts: ${r.baseline.changesPerSecond.map((x) => fmt(x)).join(', ')} changes/s`);
  log(`baseline polls: ${dashboard.polls.map((p) => fmt(p.durationMs)).join(', ')} ms`);
  await dashboard.stop();
  r.baseline.pollMs = dashboard.polls.map((p) => p.durationMs);
  r.baseline.pollErrors = dashboard.errors;
  await sim.bytes(true);

  // More heap samples where they are cheap (a cold engine start and a poll per sample); they vary little.
  if (pods <= 20_000) {
    for (let i = 1; i < Math.min(runs, 3); i++) {
      const h0 = await settledHeap();
      const c = await openEngine(sim.url, pods, new Shown());
      await waitLive(c.engine);
      r.engine.heap.push((await settledHeap()) - h0);
      c.stop();
      await sleep(200);
      const h1 = await settledHeap();
      const d = new PollingDashboard({ url: sim.url, window: WINDOW });
      await d.poll();
      r.baseline.heap.push((await settledHeap()) - h1);
      await d.stop();
    }
    log(`heap samples: engine ${r.engine.heap.map((h) => bytesText(h)).join(', ')}`);
  }
  return r;
}

// ---- warm reload ----------------------------------------------------------------------------------

interface ReloadResult {
  coldBytes: number[];
  coldMs: number[];
  coldLists: number[];
  warmIdleBytes: number[];
  warmIdleFullMs: number[];
  warmIdleLists: number[];
  warmChangedBytes: number[];
  warmChangedLists: number[];
  changes: number;
}

/** Cold start with an empty cache, then reloads (new Engine, new SnapshotCache on the same database). */
async function benchReload(sim: SimServer, pods: number, runs: number): Promise<ReloadResult> {
  const CHANGES = 100;
  const r: ReloadResult = {
    coldBytes: [],
    coldMs: [],
    coldLists: [],
    warmIdleBytes: [],
    warmIdleFullMs: [],
    warmIdleLists: [],
    warmChangedBytes: [],
    warmChangedLists: [],
    changes: CHANGES
  };
  log(`reload: ${fmt(pods)} pods, ${runs} runs`);
  for (let i = 0; i < runs; i++) {
    const dbName = `skiff-bench-${i}`;
    const reload = async (after: (c: EngineClient, shown: Shown) => Promise<void>) => {
      const cache = new SnapshotCache({ dbName });
      const shown = new Shown();
      await sim.bytes(true);
      const c = await openEngine(sim.url, pods, shown, cache);
      await waitLive(c.engine);
      await after(c, shown);
      await sleep(300); // anything else the reload would send
      const bytes = await sim.bytes(true);
      c.stop();
      await cache.close();
      return { bytes, c };
    };

    const cold = await reload(async () => {});
    r.coldBytes.push(sumBytes(cold.bytes));
    r.coldLists.push(cold.bytes.listRequests);
    r.coldMs.push(cold.c.fullAt - cold.c.startedAt);

    const idle = await reload(async () => {});
    r.warmIdleBytes.push(sumBytes(idle.bytes));
    r.warmIdleLists.push(idle.bytes.listRequests);
    r.warmIdleFullMs.push(idle.c.fullAt - idle.c.startedAt);

    // The cluster moved on a little while the page was closed (within the server's history).
    const window = windowPods(idle.c.state().rows);
    await sim.setWindow(window);
    const b = await sim.burst(CHANGES - 1);
    const changed = await reload(async (_, shown) => {
      await shown.waitFor(b.sentinel, b.sentinelSeq, 60_000);
    });
    r.warmChangedBytes.push(sumBytes(changed.bytes));
    r.warmChangedLists.push(changed.bytes.listRequests);
    indexedDB.deleteDatabase(dbName);
  }
  return r;
}

// ---- report ---------------------------------------------------------------------------------------

function report(sizes: SizeResult[], reload: ReloadResult | undefined) {
  const out: string[] = [];
  const cores = os.cpus().length;
  out.push(
    `Skiff engine benchmark — Node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? '?'}), ` +
      `load average at end ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`
  );
  out.push(
    `Simulated cluster over HTTP in a separate process; baseline = GET the full list every 2 s, parse, ` +
      `rebuild all rows, sort, slice. Medians of the runs shown.`
  );

  out.push(
    '',
    `1. Changes applied end to end: ${fmt(BURST)} pod changes are on the server; time until the view shows the last`
  );
  out.push(
    table(
      [
        'pods',
        'runs e/b',
        'engine events/s',
        'baseline changes/s',
        'engine vs baseline',
        'engine CPU/event',
        'baseline poll'
      ],
      sizes.map((s) => {
        const e = median(s.engine.eventsPerSecond);
        const b = median(s.baseline.changesPerSecond);
        return [
          fmt(s.pods),
          `${s.engine.eventsPerSecond.length}/${s.baseline.changesPerSecond.length}`,
          fmt(e),
          fmt(b),
          ratio(e, b, true),
          `${fmt(median(s.engine.cpuUsPerEvent))} µs`,
          `${fmt(median(s.baseline.pollMs))} ms`
        ];
      })
    )
  );
  out.push(
    '   engine: a hidden tab closed its watch, the burst was made, then the engine resumed from its',
    '   resourceVersion (time from resume). baseline: time from the last change to the poll that shows it.',
    `   live (engine watching while the simulator makes the burst, the simulator being the slower side): ${sizes
      .map(
        (s) =>
          `${fmt(s.pods)} pods: server ${fmt(median(s.engine.liveServerRate))} changes/s, view ${fmt(
            median(s.engine.liveLagMs)
          )} ms behind at the end`
      )
      .join('; ')}.`
  );
  const errors = sizes.reduce((n, s) => n + s.baseline.pollErrors, 0);
  if (errors) out.push(`   baseline polls that failed (dropped connection) and were retried: ${errors}.`);

  out.push(
    '',
    `2. Server change → view diff, under steady churn (${CHURN_RATE} changes/s + ${HOT_RATE}/s on the window's pods)`
  );
  out.push(
    table(
      [
        'pods',
        'engine median',
        'engine p95',
        'baseline median',
        'baseline p95',
        'median',
        'p95',
        'engine CPU',
        'baseline CPU',
        'CPU'
      ],
      sizes.map((s) => {
        const em = median(s.engine.latency);
        const ep = quantile(s.engine.latency, 0.95);
        const bm = median(s.baseline.latency);
        const bp = quantile(s.baseline.latency, 0.95);
        const ec = median(s.engine.churnCpuMsPerSecond);
        const bc = s.baseline.cpuMsPerSecond;
        return [
          fmt(s.pods),
          `${fmt(em)} ms`,
          `${fmt(ep)} ms`,
          `${fmt(bm)} ms`,
          `${fmt(bp)} ms`,
          ratio(em, bm, false),
          ratio(ep, bp, false),
          `${fmt(ec / 10, 1)} %`,
          `${fmt(bc / 10, 1)} %`,
          ratio(ec, bc, false)
        ];
      })
    )
  );
  const missing = sizes.reduce((n, s) => n + s.engine.missing + s.baseline.missing, 0);
  out.push(
    `   samples: ${sizes
      .map((s) => `${fmt(s.pods)}: engine ${s.engine.latency.length}, baseline ${s.baseline.latency.length}`)
      .join('; ')}` +
      (missing ? `; ${missing} changes never shown` : '') +
      '. CPU = client process CPU time per wall second (100 % = one core).'
  );

  out.push('', '3. Heap per 10k pods (after full GCs): engine rows + view vs baseline parsed list + rows');
  out.push(
    table(
      ['pods', 'samples', 'engine', 'engine per pod', 'baseline', 'baseline per pod', 'engine vs baseline'],
      sizes.map((s) => {
        const per = 10_000 / s.pods;
        const e = median(s.engine.heap) * per;
        const b = median(s.baseline.heap) * per;
        return [
          fmt(s.pods),
          `${s.engine.heap.length}/${s.baseline.heap.length}`,
          bytesText(e),
          `${fmt(e / 10_000)} B`,
          bytesText(b),
          `${fmt(b / 10_000)} B`,
          ratio(e, b, false)
        ];
      })
    )
  );

  if (reload) {
    const s10 = sizes.find((s) => s.pods === reloadPods) ?? sizes[0];
    const list = s10?.baseline.listBytes ?? NaN;
    out.push('', `4. Bytes served for pods (response bodies) at ${fmt(s10?.pods ?? 10_000)} pods`);
    const row = (name: string, engine: number[], lists: number[], base: number) => [
      name,
      bytesText(median(engine)),
      fmt(median(lists)),
      bytesText(base),
      ratio(median(engine), base, false)
    ];
    out.push(
      table(
        ['scenario', 'engine', 'engine lists', 'baseline', 'engine vs baseline'],
        [
          row('cold start (empty cache)', reload.coldBytes, reload.coldLists, list),
          row('warm reload, idle cluster', reload.warmIdleBytes, reload.warmIdleLists, list),
          row(
            `warm reload, ${reload.changes} changes since`,
            reload.warmChangedBytes,
            reload.warmChangedLists,
            list
          ),
          ...sizes.map((s) => [
            `live, per second of churn (${fmt(s.pods)} pods)`,
            bytesText(median(s.engine.churnBytesPerSecond)),
            fmt(median(s.engine.churnLists)),
            bytesText(s.baseline.bytesPerSecond),
            ratio(median(s.engine.churnBytesPerSecond), s.baseline.bytesPerSecond, false)
          ])
        ]
      )
    );
    out.push(
      `   time to a full window: cold ${fmt(median(reload.coldMs))} ms, warm (cached paint) ` +
        `${fmt(median(reload.warmIdleFullMs))} ms; baseline reload = one full list every time.`
    );
  }
  out.push(
    '',
    `Engine initial sync: ${sizes.map((s) => `${fmt(s.pods)} pods ${fmt(s.engineSyncMs)} ms`).join(', ')}.`
  );
  console.log(out.join('\n'));
}

const started = Date.now();
const results: SizeResult[] = [];
let reload: ReloadResult | undefined;
const reloadPods = SIZES.includes(10_000) ? 10_000 : SIZES[0];
for (const pods of SIZES) {
  const r = await benchSize(pods, pods === reloadPods);
  results.push(r.size);
  reload ??= r.reload;
}
report(results, reload);
log(`done in ${fmt((Date.now() - started) / 1000)} s`);
