/** What the log model's parts share: request options, timing constants, a container instance, a line. */
export interface LogOptions {
  previous?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

export const STARTUP_MS = 2000; // regular lines begin after the startup banner
export const SLOT_MS = 3000; // each slot holds 1–3 lines: one line per ~1.5 s
export const ROTATE_MS = 4 * 3600_000; // the log file the kubelet serves starts at the last rotation
export const CRASH_MS = 40; // the crash report occupies the last few milliseconds of an instance

export type Style = 'nginx' | 'json' | 'ansi' | 'klog' | 'redis' | 'postgres' | 'python' | 'shell';

/** How an instance ended: still running, exit 0, killed for memory, or crashed with a report. */
export type Ending = 'running' | 'completed' | 'oom' | 'crash';

export interface Instance {
  pod: string;
  index: number; // restart number
  container: string;
  seed: number;
  start: number;
  end: number | undefined;
  ending: Ending;
  style: Style;
  podIP: string;
}

export interface Line {
  t: number; // ms since epoch
  nanos: number; // sub-millisecond part, for RFC3339Nano timestamps
  text: string;
}
