/**
 * How busy the whole machine is (Linux /proc/stat): a task that waits for a core is a long task to
 * the browser, so on a shared machine the benchmark notes the load of each run and can wait for a
 * quiet moment before one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { sleep } from '../harness';

/** Total and idle CPU time of the machine so far (clock ticks), or undefined off Linux. */
function cpuTimes(): { total: number; idle: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
    return { total: fields.reduce((a, b) => a + b, 0), idle };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (clock ticks) of this process and everything it started: the browser, the simulator,
 * kubectl proxy. Processes that exit meanwhile are not counted (the benchmark's live all run long).
 */
function ourTicks(): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "pid (comm) ": state ppid … utime (field 14) stime (15).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(rest[1]));
      ticks.set(Number(entry), Number(rest[11]) + Number(rest[12]));
    } catch {
      // gone meanwhile
    }
  }
  let sum = 0;
  for (const [pid, t] of ticks) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        sum += t;
        break;
      }
    }
  }
  return sum;
}

/**
 * A mark to measure from: `busy()` is the share of all cores in use since, `others()` the share
 * used by processes this benchmark did not start (other work on a shared machine).
 */
export function cpuMark(): { busy(): number; others(): number } {
  const start = cpuTimes();
  const ours = start ? ourTicks() : 0;
  const share = (end: { total: number; idle: number } | undefined, used: (e: typeof end) => number) =>
    !start || !end || end.total === start.total ? NaN : used(end) / (end.total - start.total);
  return {
    busy: () => share(cpuTimes(), (end) => end!.total - start!.total - (end!.idle - start!.idle)),
    others: () => {
      const end = cpuTimes();
      const mine = ourTicks() - ours;
      return share(end, (e) => e!.total - start!.total - (e!.idle - start!.idle) - mine);
    }
  };
}

/**
 * Waits until under `share` of the machine's cores were busy over 3 s, or `maxMs` passed.
 * Returns how long it waited, and the share seen last.
 */
export async function waitForQuiet(
  share: number,
  maxMs: number
): Promise<{ waitedMs: number; busy: number }> {
  const start = Date.now();
  for (;;) {
    const mark = cpuMark();
    await sleep(3000);
    const busy = mark.busy();
    if (!(busy >= share) || Date.now() - start >= maxMs) return { waitedMs: Date.now() - start, busy };
  }
}

export function machineLine(): string {
  const cpus = os.cpus();
  return (
    `${cpus.length} cores (${cpus[0]?.model ?? '?'}), load ` +
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')
  );
}
