/**
 * Logs of several pods and containers merged for one page: one engine log stream per pod and
 * container shown, their lines merged by timestamp into one bounded buffer, a stable colour per
 * pod, and the pause state. While paused the buffer keeps receiving but the view holds still on a
 * snapshot, counting what arrived meanwhile. Framework-free: store/logs.ts adapts it to Svelte.
 */
import { LogBuffer, type BufferedLine } from './buffer';
import type { LogSpec, LogState, LogUpdate } from './types';

/** Opens one container's log in the engine; returns the close function. */
export type LogOpener = (spec: LogSpec, post: (update: LogUpdate) => void) => () => void;

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

/** How many pod colours the view has (see the log view's CSS). */
export const POD_COLORS = 10;

export interface MergedLogsOptions {
  /** Lines kept at most (default BUFFER_LINES). */
  capacity?: number;
  /** Bytes of text kept at most (default BUFFER_BYTES; see buffer.ts). */
  capacityBytes?: number;
  /** At most one change notice per this many ms. Default 50. */
  notifyMs?: number;
}

export class MergedLogs {
  private readonly buffer: LogBuffer;
  private readonly streams = new Map<string, { source: LogSource; close: () => void }>();
  private readonly colors = new Map<string, number>();
  private wanted: LogTarget[] = [];
  private frozen: BufferedLine[] | undefined;
  private newWhilePaused = 0;
  private revision = 0;
  private listener: ((view: LogsView) => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly open: LogOpener,
    private readonly base: Omit<LogSpec, 'pod' | 'container'>,
    private readonly options: MergedLogsOptions = {}
  ) {
    this.buffer = new LogBuffer({ lines: options.capacity, bytes: options.capacityBytes });
  }

  view(): LogsView {
    return {
      lines: this.frozen ?? this.buffer.lines,
      revision: this.revision,
      dropped: this.buffer.dropped,
      paused: this.frozen !== undefined,
      newWhilePaused: this.newWhilePaused,
      sources: [...this.streams.values()].map((s) => ({ ...s.source })),
      colors: new Map(this.colors)
    };
  }

  /** Streams open while someone listens; `listener` hears of changes, coalesced. */
  start(listener: (view: LogsView) => void): void {
    this.listener = listener;
    this.apply();
  }

  stop(): void {
    this.listener = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
  }

  /** The pods and containers to show: streams open for new ones and close for those gone. */
  setTargets(targets: LogTarget[]): void {
    this.wanted = targets;
    this.apply();
  }

  pause(): void {
    if (this.frozen) return;
    this.frozen = this.buffer.lines.slice();
    this.newWhilePaused = 0;
    this.notify();
  }

  resume(): void {
    this.frozen = undefined;
    this.newWhilePaused = 0;
    this.notify();
  }

  /** Every buffered line, paused or not (for a download). */
  all(): readonly BufferedLine[] {
    return this.buffer.lines;
  }

  // Many streams post up to 10 times a second each: the view hears of it at most once per interval.
  private notify(): void {
    this.revision++;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.listener?.(this.view());
    }, this.options.notifyMs ?? 50);
  }

  private colorOf(pod: string): number {
    let color = this.colors.get(pod);
    if (color !== undefined) return color;
    const used = new Set([...this.streams.values()].map((s) => s.source.color));
    color = 0;
    while (used.has(color) && color < POD_COLORS - 1) color++;
    if (used.has(color)) color = this.colors.size % POD_COLORS;
    this.colors.set(pod, color);
    return color;
  }

  private apply(): void {
    if (!this.listener) return;
    const keys = new Set(this.wanted.map((t) => `${t.pod}/${t.container}`));
    for (const [key, s] of this.streams) {
      if (keys.has(key)) continue;
      s.close();
      this.streams.delete(key);
    }
    for (const t of this.wanted) {
      const key = `${t.pod}/${t.container}`;
      if (this.streams.has(key)) continue;
      const source: LogSource = { ...t, state: 'connecting', color: this.colorOf(t.pod) };
      const entry = { source, close: () => {} };
      this.streams.set(key, entry);
      entry.close = this.open({ ...this.base, ...t }, (update) => {
        if (this.streams.get(key) !== entry) return; // closed meanwhile
        source.state = update.state;
        source.error = update.error;
        this.buffer.add(update.lines);
        if (this.frozen) this.newWhilePaused += update.lines.length;
        this.notify();
      });
    }
    this.notify();
  }
}
