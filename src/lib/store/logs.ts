/**
 * A Svelte store over MergedLogs (src/lib/logs/merged.ts): the logs of the pods and containers a
 * page shows, open while subscribed.
 */
import { readable, type Readable } from 'svelte/store';
import type { BufferedLine } from '../logs/buffer';
import {
  MergedLogs,
  type LogOpener,
  type LogsView,
  type LogTarget,
  type MergedLogsOptions
} from '../logs/merged';

export { BUFFER_BYTES, BUFFER_LINES } from '../logs/buffer';
export type { BufferedLine } from '../logs/buffer';
export type { LogSource, LogTarget, LogsView } from '../logs/merged';
import type { LogSpec } from '../logs/types';

export interface LogsStore extends Readable<LogsView> {
  /** The pods and containers to show: streams open for new ones and close for those gone. */
  setTargets(targets: LogTarget[]): void;
  pause(): void;
  resume(): void;
  /** Every buffered line, paused or not (for a download). */
  all(): readonly BufferedLine[];
}

export function logStore(
  open: LogOpener,
  base: Omit<LogSpec, 'pod' | 'container'>,
  options: MergedLogsOptions = {}
): LogsStore {
  const merged = new MergedLogs(open, base, options);
  const store = readable<LogsView>(merged.view(), (set) => {
    merged.start(set);
    return () => merged.stop();
  });
  return {
    subscribe: store.subscribe,
    setTargets: (targets) => merged.setTargets(targets),
    pause: () => merged.pause(),
    resume: () => merged.resume(),
    all: () => merged.all()
  };
}
