/**
 * The page's side of logs: one engine log stream per pod and container shown, their lines merged
 * by timestamp into one bounded buffer, and the pause state. While paused the buffer keeps
 * receiving but the view holds still on a snapshot, counting what arrived meanwhile.
 */
import { readable, type Readable } from 'svelte/store';
import { timestampKey } from '../logs/timestamp';
import type { LogLine, LogSpec, LogState, LogUpdate } from '../logs/types';

/** Opens one container's log in the engine (`engine().openLogs`); returns the close function. */
export type LogOpener = (spec: LogSpec, post: (update: LogUpdate) => void) => () => void;

export interface BufferedLine extends LogLine {
  /** Sort key: the timestamp, fixed width (see timestamp.ts). */
  key: string;
  /** Arrival order: ties between equal timestamps keep it. */
  seq: number;
}

/** Lines kept by default; older ones are dropped (and counted). */
export const BUFFER_LINES = 50_000;

const byKey = (a: BufferedLine, b: BufferedLine) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq);

/** The newest `capacity` lines of every stream, in timestamp order (arrival order for ties). */
export class LogBuffer {
  readonly lines: BufferedLine[] = [];
  /** Lines dropped from the front to stay within capacity. */
  dropped = 0;
  private seq = 0;

  constructor(readonly capacity = BUFFER_LINES) {}

  add(batch: readonly LogLine[]): void {
    if (batch.length === 0) return;
    const incoming = batch.map((l) => ({ ...l, key: timestampKey(l.ts), seq: this.seq++ })).sort(byKey);
    const lines = this.lines;
    const last = lines[lines.length - 1];
    if (!last || byKey(incoming[0], last) > 0) {
      for (const l of incoming) lines.push(l); // the usual case: newer than everything held
    } else {
      // Older lines (a pod whose first lines came late): merge from where they belong.
      let lo = 0;
      let hi = lines.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byKey(lines[mid], incoming[0]) <= 0) lo = mid + 1;
        else hi = mid;
      }
      const tail = lines.splice(lo);
      let i = 0;
      let j = 0;
      while (i < tail.length || j < incoming.length) {
        if (j >= incoming.length || (i < tail.length && byKey(tail[i], incoming[j]) <= 0))
          lines.push(tail[i++]);
        else lines.push(incoming[j++]);
      }
    }
    const excess = lines.length - this.capacity;
    if (excess > 0) {
      lines.splice(0, excess);
      this.dropped += excess;
    }
  }
}

export interface LogTarget {
  pod: string;
  container: string;
}

export interface LogSource extends LogTarget {
  state: LogState;
  error?: string;
  /** Index into the pod palette: stable for a pod while it is shown. */
  color: number;
}

export interface LogsView {
  /** What the view shows: the buffer, or while paused the snapshot taken when pausing. */
  lines: readonly BufferedLine[];
  /** Changes whenever `lines` (or anything else here) changed. */
  revision: number;
  dropped: number;
  paused: boolean;
  /** Lines that arrived while paused. */
  newWhilePaused: number;
  sources: LogSource[];
  /** Colour index of every pod seen (its lines stay after it goes). */
  colors: Map<string, number>;
}

export interface LogsStore extends Readable<LogsView> {
  /** The pods and containers to show: streams open for new ones and close for those gone. */
  setTargets(targets: LogTarget[]): void;
  pause(): void;
  resume(): void;
  /** Every buffered line, paused or not (for a download). */
  all(): readonly BufferedLine[];
}

/** How many pod colours the view has (see the log view's CSS). */
export const POD_COLORS = 10;

export function logStore(
  open: LogOpener,
  base: Omit<LogSpec, 'pod' | 'container'>,
  options: { capacity?: number; notifyMs?: number } = {}
): LogsStore {
  const buffer = new LogBuffer(options.capacity);
  const streams = new Map<string, { source: LogSource; close: () => void }>();
  const colors = new Map<string, number>();
  let wanted: LogTarget[] = [];
  let frozen: BufferedLine[] | undefined;
  let newWhilePaused = 0;
  let revision = 0;
  let set: ((view: LogsView) => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const view = (): LogsView => ({
    lines: frozen ?? buffer.lines,
    revision,
    dropped: buffer.dropped,
    paused: frozen !== undefined,
    newWhilePaused,
    sources: [...streams.values()].map((s) => ({ ...s.source })),
    colors: new Map(colors)
  });
  // Many streams post up to 10 times a second each: the view hears of it at most once per interval.
  const notify = () => {
    revision++;
    timer ??= setTimeout(() => {
      timer = undefined;
      set?.(view());
    }, options.notifyMs ?? 50);
  };

  const colorOf = (pod: string) => {
    let color = colors.get(pod);
    if (color !== undefined) return color;
    const used = new Set([...streams.values()].map((s) => s.source.color));
    color = 0;
    while (used.has(color) && color < POD_COLORS - 1) color++;
    if (used.has(color)) color = colors.size % POD_COLORS;
    colors.set(pod, color);
    return color;
  };

  const apply = () => {
    if (!set) return;
    const keys = new Set(wanted.map((t) => `${t.pod}/${t.container}`));
    for (const [key, s] of streams) {
      if (keys.has(key)) continue;
      s.close();
      streams.delete(key);
    }
    for (const t of wanted) {
      const key = `${t.pod}/${t.container}`;
      if (streams.has(key)) continue;
      const source: LogSource = { ...t, state: 'connecting', color: colorOf(t.pod) };
      const entry = { source, close: () => {} };
      streams.set(key, entry);
      entry.close = open({ ...base, ...t }, (update) => {
        if (streams.get(key) !== entry) return; // closed meanwhile
        source.state = update.state;
        source.error = update.error;
        buffer.add(update.lines);
        if (frozen) newWhilePaused += update.lines.length;
        notify();
      });
    }
    notify();
  };

  const store = readable<LogsView>(view(), (s) => {
    set = s;
    apply();
    return () => {
      set = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const s of streams.values()) s.close();
      streams.clear();
    };
  });

  return {
    subscribe: store.subscribe,
    setTargets(targets) {
      wanted = targets;
      apply();
    },
    pause() {
      if (frozen) return;
      frozen = buffer.lines.slice();
      newWhilePaused = 0;
      notify();
    },
    resume() {
      frozen = undefined;
      newWhilePaused = 0;
      notify();
    },
    all: () => buffer.lines
  };
}
