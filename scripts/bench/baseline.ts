/**
 * The naive baseline: a polling dashboard, as Kubernetes Dashboard and Luxury Yacht v1 work. Every
 * 2 s (or at once, when a poll took longer than that) it GETs the whole collection, parses it,
 * rebuilds every row (with the engine's own projection, so only the strategy differs), sorts them
 * all and slices the window. It keeps the parsed objects until the next poll.
 */
import type { KubeObject } from '../../src/lib/kube/types';
import { compileSort, DEFAULT_SORT } from '../../src/lib/view/sort';
import type { ViewWindow } from '../../src/lib/view/types';
import { project } from '../../src/lib/kinds/projection';
import type { Row } from '../../src/lib/watch/row';

export interface PollingDashboardOptions {
  /** API root, e.g. the simulator's URL. */
  url: string;
  path?: string;
  intervalMs?: number;
  window?: ViewWindow;
  /** The window after each poll, and when it was ready. */
  onWindow?: (rows: Row[], at: number) => void;
}

export interface Poll {
  startedAt: number;
  durationMs: number;
}

const CLUSTER = 'cluster';
const byName = compileSort(DEFAULT_SORT);

export class PollingDashboard {
  readonly polls: Poll[] = [];
  errors = 0;
  /** What the dashboard holds between polls: the parsed list and the rows built from it. */
  items: KubeObject[] = [];
  rows: Row[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: PollingDashboardOptions) {}

  /** One poll: list, parse, rebuild, sort, slice. */
  async poll(): Promise<Row[]> {
    const startedAt = Date.now();
    const { url, path = '/api/v1/pods', window = { offset: 0, limit: 100 } } = this.options;
    const response = await fetch(url + path, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`list answered ${response.status}`);
    const list = JSON.parse(await response.text()) as { items: KubeObject[] };
    const rows = list.items.map((o) => project(CLUSTER, o));
    rows.sort(byName);
    const visible = rows.slice(window.offset, window.offset + window.limit);
    this.items = list.items;
    this.rows = rows;
    const at = Date.now();
    this.polls.push({ startedAt, durationMs: at - startedAt });
    this.options.onWindow?.(visible, at);
    return visible;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const interval = this.options.intervalMs ?? 2000;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        // A failed poll (a dropped connection) shows an error and tries again at the next tick.
        await this.poll().catch(() => this.errors++);
        const wait = interval - (Date.now() - started);
        if (wait > 0 && this.running)
          await new Promise<void>((r) => {
            const timer = setTimeout(r, wait);
            this.wake = () => {
              clearTimeout(timer);
              r();
            };
          });
      }
    })();
  }

  /** Stops after the poll in flight; drops what it held. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.items = [];
    this.rows = [];
  }
}
