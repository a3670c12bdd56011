/**
 * Where Skiff's long tasks go: one run recorded with a Chromium trace (the devtools timeline and
 * V8's sampling profiler), then, for every main-thread task over the limit, the time in style,
 * layout, paint and GC (trace events) and in JS functions (profile samples inside the task: self
 * time and total time, by function and source position).
 */
import { writeFile } from 'node:fs/promises';
import type { Browser } from '@playwright/test';
import { fmt } from '../harness';
import type { ProxiedSim } from './cluster';
import { measure } from './measure';
import { resolvePosition } from './source-maps';
import { mainThread, mainThreadTasks, parseTrace, type ProfileNode, type TraceEvent } from './trace-events';

const CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'disabled-by-default-v8.cpu_profiler'
];

/** Trace events that are not JS, by what a reader calls them. */
const PHASES: Record<string, string> = {
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  MajorGC: 'GC',
  MinorGC: 'GC',
  'V8.GC_SCAVENGER': 'GC',
  'V8.GC_MARK_COMPACTOR': 'GC',
  ParseHTML: 'parse HTML'
};

export interface TraceOptions {
  recordMs: number;
  podsPerSecond: number;
  longMs: number;
  /** Where the served build is, to map minified positions to sources (when .map files exist). */
  wwwDir: string;
  /** Where to keep the raw trace (JSON), if anywhere. */
  traceOut?: string;
}

export async function tracedRun(browser: Browser, sim: ProxiedSim, options: TraceOptions): Promise<string> {
  let trace: Buffer | undefined;
  let loadTrace: Buffer | undefined;
  const result = await measure(browser, sim, 'skiff', {
    ...options,
    categories: CATEGORIES,
    onTrace: (t) => (trace = t),
    onLoadTrace: (t) => (loadTrace = t)
  });
  if (!trace || !loadTrace) return 'no trace recorded';
  if (options.traceOut) {
    await writeFile(options.traceOut, trace);
    await writeFile(options.traceOut.replace(/(\.json)?$/, '-load.json'), loadTrace);
  }
  const header =
    `Traced Skiff run (tracing with the profiler adds overhead): while churning, the long-task API ` +
    `saw ${result.tasks.filter((t) => t > options.longMs).length} tasks over ${options.longMs} ms.`;
  return [
    header,
    'While churning:',
    await analyze(parseTrace(trace), options.longMs, options.wwwDir),
    `While loading (the cluster idle; from navigation to every row counted, ${fmt(result.loadMs)} ms):`,
    await analyze(parseTrace(loadTrace), options.longMs, options.wwwDir)
  ].join('\n');
}

interface Sample {
  ts: number;
  /** Stack, leaf first (node ids). */
  node: number;
  weight: number;
}

/** Samples of the profile of thread `tid`, with the nodes they point at. */
function profileOf(events: TraceEvent[], pid: number, tid: number) {
  const ids = new Set(
    events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid).map((e) => e.id)
  );
  const nodes = new Map<number, ProfileNode>();
  const samples: Sample[] = [];
  for (const id of ids) {
    const start = events.find((e) => e.name === 'Profile' && e.id === id)?.args?.data?.startTime ?? 0;
    let ts = start;
    const raw: { ts: number; node: number }[] = [];
    for (const chunk of events.filter((e) => e.name === 'ProfileChunk' && e.id === id && e.pid === pid)) {
      const profile = chunk.args?.data?.cpuProfile;
      for (const n of profile?.nodes ?? []) nodes.set(n.id, n);
      const deltas = chunk.args?.data?.timeDeltas ?? [];
      (profile?.samples ?? []).forEach((node, i) => {
        ts += deltas[i] ?? 0;
        raw.push({ ts, node });
      });
    }
    raw.sort((a, b) => a.ts - b.ts);
    raw.forEach((s, i) => samples.push({ ...s, weight: Math.max(0, (raw[i + 1]?.ts ?? s.ts) - s.ts) }));
  }
  return { nodes, samples };
}

const IGNORED = new Set(['(root)', '(idle)']);

async function frameName(node: ProfileNode, wwwDir: string): Promise<string> {
  const f = node.callFrame;
  if (!f.url) return f.functionName || '(anonymous)';
  const file = f.url.split('/').pop() ?? f.url;
  const source = await resolvePosition(wwwDir, f.url, f.lineNumber, f.columnNumber);
  const where = `${file}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  return source
    ? `${source.name ?? f.functionName ?? '(anonymous)'} ${source.source}:${source.line} (${where})`
    : `${f.functionName || '(anonymous)'} ${where}`;
}

function top(map: Map<string, number>, n: number, totalUs: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([name, us]) =>
        `    ${fmt(us / 1000, 1).padStart(7)} ms ${fmt((us / totalUs) * 100).padStart(3)} %  ${name}`
    );
}

const NOT_JS = new Set(['(root)', '(idle)', '(program)', '(garbage collector)']);

export async function analyze(events: TraceEvent[], longMs: number, wwwDir: string): Promise<string> {
  const main = mainThread(events);
  if (!main) return 'no renderer main thread in the trace';
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const long = mainThreadTasks(events)
    .filter((e) => (e.dur ?? 0) > longMs * 1000)
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
  if (long.length === 0) return `no main-thread task over ${longMs} ms in the traced run`;
  const inside = (task: TraceEvent, ts: number) => ts >= task.ts && ts < task.ts + (task.dur ?? 0);
  const totalUs = long.reduce((n, t) => n + (t.dur ?? 0), 0);

  const { nodes, samples } = profileOf(events, main.pid, main.tid);
  const names = new Map<number, string>();
  const nameOf = async (id: number) => {
    let name = names.get(id);
    if (name === undefined) names.set(id, (name = await frameName(nodes.get(id)!, wwwDir)));
    return name;
  };
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

  const phases = new Map<string, number>();
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const perTask: string[] = [];
  for (const task of long) {
    const taskPhases = new Map<string, number>();
    for (const e of onMain) {
      const phase = PHASES[e.name];
      if (phase && inside(task, e.ts)) add(taskPhases, phase, e.dur ?? 0);
    }
    const taskSelf = new Map<string, number>();
    let jsUs = 0;
    for (const s of samples) {
      const node = nodes.get(s.node);
      if (!node || !inside(task, s.ts)) continue;
      const leaf = await nameOf(s.node);
      if (!IGNORED.has(node.callFrame.functionName)) add(taskSelf, leaf, s.weight);
      if (!NOT_JS.has(node.callFrame.functionName)) jsUs += s.weight;
      const seen = new Set<string>();
      for (let id: number | undefined = s.node; id !== undefined;) {
        const frame: ProfileNode | undefined = nodes.get(id);
        if (!frame) break;
        const name = await nameOf(id);
        if (!IGNORED.has(frame.callFrame.functionName) && !seen.has(name)) {
          seen.add(name);
          add(total, name, s.weight);
        }
        id = frame.parent;
      }
    }
    for (const [k, v] of taskPhases) add(phases, k, v);
    for (const [k, v] of taskSelf) add(self, k, v);
    if (perTask.length < 10) {
      const ms = (us: number) => fmt(us / 1000, 1);
      const parts = [...taskPhases].map(([k, v]) => `${k} ${ms(v)}`);
      const fns = [...taskSelf]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k, v]) => `${k} ${ms(v)}`);
      perTask.push(
        `    ${ms(task.dur ?? 0)} ms wall, ${task.tdur === undefined ? '?' : ms(task.tdur)} ms on the CPU: ` +
          `JS ${ms(jsUs)}${parts.length ? `, ${parts.join(', ')}` : ''}; top: ${fns.join('; ') || 'none'}`
      );
    }
  }

  const cpuUs = long.reduce((n, t) => n + (t.tdur ?? 0), 0);
  const lines = [
    `${long.length} main-thread tasks over ${longMs} ms, ${fmt(totalUs / 1000)} ms in all, of which ` +
      `${fmt(cpuUs / 1000)} ms on the CPU (the rest: the thread waiting for a core)`,
    '  the longest (wall time, thread CPU time; JS, style, layout, paint, GC in ms; top functions by self time):',
    ...perTask,
    '  all of them, by phase (trace events):',
    ...top(phases, 10, totalUs),
    '  JS self time, by function (profile samples inside those tasks):',
    ...top(self, 15, totalUs),
    '  JS total time (function and what it called):',
    ...top(total, 15, totalUs)
  ];
  return lines.join('\n');
}
