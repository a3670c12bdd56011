/** Chromium trace events (chrome://tracing JSON), and the page's main-thread tasks in them. */

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  /** Start, µs (the trace clock). */
  ts: number;
  /** Wall time of an X event, µs. */
  dur?: number;
  /** Thread (CPU) time of an X event, µs: the time the thread actually ran. */
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: {
    name?: string;
    data?: {
      startTime?: number;
      cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
      timeDeltas?: number[];
    };
  };
}

export interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

/** The categories that give every task with its wall and thread time, and little else. */
export const TASK_CATEGORIES = ['toplevel'];

export const parseTrace = (buffer: Buffer): TraceEvent[] =>
  (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;

// The devtools timeline calls a task RunTask; the toplevel category ThreadControllerImpl::RunTask.
const TASK_NAMES = ['RunTask', 'ThreadControllerImpl::RunTask'];

/** The renderer main thread with the most task time: the page's (workers have threads of their own). */
export function mainThread(events: TraceEvent[]): { pid: number; tid: number } | undefined {
  const names = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  }
  const busy = new Map<string, number>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph === 'X' && TASK_NAMES.includes(e.name) && names.get(key) === 'CrRendererMain')
      busy.set(key, (busy.get(key) ?? 0) + (e.dur ?? 0));
  }
  const best = [...busy].sort((a, b) => b[1] - a[1])[0];
  if (!best) return undefined;
  const [pid, tid] = best[0].split(':').map(Number);
  return { pid, tid };
}

/** The page's main-thread tasks (outermost only), in trace order. */
export function mainThreadTasks(events: TraceEvent[]): TraceEvent[] {
  const main = mainThread(events);
  if (!main) return [];
  const candidates = events.filter(
    (e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && TASK_NAMES.includes(e.name)
  );
  // With both categories on, each task appears under both names: keep the devtools one.
  const name = candidates.some((e) => e.name === 'RunTask') ? 'RunTask' : TASK_NAMES[1];
  const tasks = candidates.filter((e) => e.name === name).sort((a, b) => a.ts - b.ts);
  const outer: TraceEvent[] = [];
  for (const t of tasks) {
    const last = outer.at(-1);
    if (last && t.ts < last.ts + (last.dur ?? 0)) continue; // a task run inside another (a nested loop)
    outer.push(t);
  }
  return outer;
}
