/**
 * Shared pieces of the benchmarks: the API server process (sim-child.ts) and its IPC, a record of
 * which change each shown row carries (for throughput and latency), statistics and the table.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Row } from '../../src/lib/watch/row';
import {
  LABEL_SEQ,
  type BurstResult,
  type ByteCounts,
  type ChurnResult,
  type PodRef,
  type SimCommand,
  type SimReply
} from './protocol';

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type CommandBody = Distribute<SimCommand>;

export const podKey = (p: PodRef) => `${p.namespace}/${p.name}`;
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The simulated API server in a child process, reached over real HTTP at `url`. */
export class SimServer {
  private nextId = 1;
  private pending = new Map<number, (reply: SimReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly pods: number
  ) {
    child.on('message', (m) => {
      const reply = m as SimReply;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  static start(pods: number): Promise<SimServer> {
    const child = fork(fileURLToPath(new URL('./sim-child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
      env: { ...process.env, BENCH_PODS: String(pods) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      child.once('message', (m) => {
        const reply = m as SimReply;
        if (reply.type === 'ready') resolve(new SimServer(child, reply.url, reply.pods));
      });
    });
  }

  private call<T extends SimReply['type']>(command: CommandBody): Promise<Extract<SimReply, { type: T }>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (r) => resolve(r as Extract<SimReply, { type: T }>));
      this.child.send({ ...command, id });
    });
  }

  async setWindow(pods: PodRef[]): Promise<void> {
    await this.call<'ok'>({ type: 'window', pods });
  }

  burst(count: number): Promise<BurstResult> {
    return this.call<'burst'>({ type: 'burst', count });
  }

  churn(durationMs: number, rate: number, hotRate: number): Promise<ChurnResult> {
    return this.call<'churn'>({ type: 'churn', durationMs, rate, hotRate });
  }

  async bytes(reset = true): Promise<ByteCounts> {
    return (await this.call<'bytes'>({ type: 'bytes', reset })).bytes;
  }

  async stop(): Promise<void> {
    this.child.removeAllListeners('exit');
    const exited = new Promise((r) => this.child.once('exit', r));
    void this.call<'ok'>({ type: 'stop' });
    await exited;
  }
}

/**
 * What a client has shown: per pod, the newest change (LABEL_SEQ) on screen and when it got there.
 * A change counts as delivered once the screen shows it or a newer change of the same pod (both
 * the engine's coalescing and the baseline's polling legitimately skip superseded versions).
 */
export class Shown {
  private latest = new Map<string, number>();
  private log = new Map<string, { seq: number; at: number }[]>();
  private waiters: { key: string; seq: number; resolve: (at: number) => void }[] = [];

  record(rows: readonly Row[], at = Date.now()): void {
    for (const row of rows) {
      const seq = Number(row.labels[LABEL_SEQ] ?? 0);
      const key = `${row.namespace}/${row.name}`;
      if (seq <= (this.latest.get(key) ?? 0)) continue;
      this.latest.set(key, seq);
      let entries = this.log.get(key);
      if (!entries) this.log.set(key, (entries = []));
      entries.push({ seq, at });
      for (const w of this.waiters.filter((x) => x.key === key && x.seq <= seq)) w.resolve(at);
      this.waiters = this.waiters.filter((x) => !(x.key === key && x.seq <= seq));
    }
  }

  /** Resolves with the time the pod's change `seq` (or a newer one) was first shown. */
  waitFor(pod: PodRef, seq: number, timeoutMs: number): Promise<number> {
    const key = podKey(pod);
    const shown = this.log.get(key)?.find((e) => e.seq >= seq);
    if (shown) return Promise.resolve(shown.at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`change ${seq} of ${key} not shown within ${timeoutMs} ms`)),
        timeoutMs
      );
      this.waiters.push({
        key,
        seq,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        }
      });
    });
  }

  /** Milliseconds from each change to its first showing; undelivered changes are counted apart. */
  latencies(changes: ChurnResult['changes']): { ms: number[]; missing: number } {
    const ms: number[] = [];
    let missing = 0;
    for (const c of changes) {
      const shown = this.log.get(podKey(c.pod))?.find((e) => e.seq >= c.seq);
      if (shown) ms.push(Math.max(0, shown.at - c.at));
      else missing++;
    }
    return { ms, missing };
  }
}

// ---- statistics ---------------------------------------------------------------------------------

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

/** CPU time (user + system) of this process, in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

type Gc = () => void;

/** Heap in use after full collections; needs `node --expose-gc`. */
export async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:engine does)');
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
  return process.memoryUsage().heapUsed;
}

// ---- formatting ---------------------------------------------------------------------------------

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function bytesText(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (n < 1024) return `${fmt(n)} B`;
  if (n < 1024 ** 2) return `${fmt(n / 1024, 1)} KiB`;
  return `${fmt(n / 1024 ** 2, 1)} MiB`;
}

/**
 * How the engine compares, as a factor ≥ 1 with a word: "3.05× higher" for a rate, "82× less" for
 * a cost; "(worse)" when the engine loses.
 */
export function ratio(engine: number, baseline: number, higherIsBetter: boolean): string {
  if (!Number.isFinite(engine) || !Number.isFinite(baseline) || baseline <= 0) return 'n/a';
  if (engine <= 0) return higherIsBetter ? 'n/a' : 'nothing vs all';
  const r = engine / baseline;
  const text = (x: number) => (x >= 100 ? fmt(x) : x >= 10 ? fmt(x, 1) : fmt(x, 2));
  if (r >= 1) return `${text(r)}× ${higherIsBetter ? 'higher' : 'more (worse)'}`;
  return `${text(1 / r)}× ${higherIsBetter ? 'lower (worse)' : 'less'}`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
