/**
 * Polls one cluster's metrics.k8s.io (there is no watch for it) while something on screen needs it:
 * the pod list, the node list, or both, every `intervalMs`. A failing poll backs off (doubling up
 * to five minutes, longer if the server says Retry-After); three failures in a row make the values
 * stale. A 404 means the cluster has no metrics API (no metrics-server): that is a quiet state,
 * checked again every few minutes, as is a 403.
 */
import type { Transport } from '../watch/transport';
import { BODY_LIMITS, readJsonLimited } from '../watch/body';
import type { MetricsState, Usage } from './types';
import { bytes, millicores } from './units';
import type { Clock } from '../kube/clock';

const API = '/apis/metrics.k8s.io/v1beta1';
/** Failed polls in a row after which values count as stale. */
export const STALE_AFTER_FAILURES = 3;
const MAX_BACKOFF_MS = 5 * 60_000;
/** How often an absent or forbidden metrics API is asked again. */
export const RECHECK_MS = 5 * 60_000;
const MIN_TIMEOUT_MS = 5_000;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>)
};

export interface PodUsage extends Usage {
  namespace: string;
  name: string;
  at: number;
}

export interface NodeUsage extends Usage {
  name: string;
  at: number;
}

export interface PollResult {
  /** When the poll was made. */
  at: number;
  pods?: PodUsage[];
  nodes?: NodeUsage[];
}

export interface Wants {
  pods: boolean;
  nodes: boolean;
}

export interface PollerOptions {
  transport: () => Transport | undefined;
  intervalMs: () => number;
  clock?: Clock;
  timers?: Timers;
  /** A poll answered. */
  onResult: (result: PollResult) => void;
  /** The state, the failure counts or the schedule changed. */
  onState: () => void;
}

/** A failed request: the HTTP status (0 for a network error) and the server's Retry-After. */
class PollError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs = 0
  ) {
    super(message);
  }
}

interface MetricsItem {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  usage?: { cpu?: string; memory?: string };
  containers?: { usage?: { cpu?: string; memory?: string } }[];
}

function usageOf(u: { cpu?: string; memory?: string } | undefined): Usage {
  return { cpu: millicores(u?.cpu) ?? 0, memory: bytes(u?.memory) ?? 0 };
}

function timeOf(item: MetricsItem, fallback: number): number {
  const t = item.timestamp ? Date.parse(item.timestamp) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

export class MetricsPoller {
  state: MetricsState = 'idle';
  errors = 0;
  consecutiveFailures = 0;
  lastError: string | undefined;
  lastPollAt: number | undefined;
  lastSuccessAt: number | undefined;
  nextPollAt: number | undefined;
  private wants: Wants = { pods: false, nodes: false };
  private timer: unknown;
  private inFlight = false;
  private stopped = false;
  /** What the last answered poll covered: a new want polls at once. */
  private covered: Wants = { pods: false, nodes: false };
  private readonly clock: Clock;
  private readonly timers: Timers;

  constructor(private readonly options: PollerOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.timers = options.timers ?? systemTimers;
  }

  get polling(): boolean {
    return this.wants.pods || this.wants.nodes;
  }

  polled(): string[] {
    return [...(this.wants.pods ? ['pods'] : []), ...(this.wants.nodes ? ['nodes'] : [])];
  }

  /** What views on screen need now; nothing stops the polls (values stay). */
  setWants(wants: Wants): void {
    const was = this.wants;
    this.wants = { ...wants };
    if (!this.polling) {
      this.cancel();
      this.nextPollAt = undefined;
      this.options.onState();
      return;
    }
    const now = this.clock.now();
    const interval = this.options.intervalMs();
    // Back on screen after a long while: what is shown is old until the poll answers.
    if (
      !(was.pods || was.nodes) &&
      this.state === 'ok' &&
      this.lastSuccessAt !== undefined &&
      now - this.lastSuccessAt > STALE_AFTER_FAILURES * interval
    ) {
      this.state = 'stale';
    }
    const quiet = this.state === 'absent' || this.state === 'forbidden';
    const newWant = (wants.pods && !this.covered.pods) || (wants.nodes && !this.covered.nodes);
    if (this.inFlight) return;
    if (newWant && !quiet && this.consecutiveFailures === 0) this.schedule(0);
    else if (this.timer === undefined) {
      const due = (this.lastPollAt ?? -Infinity) + (quiet ? RECHECK_MS : interval);
      this.schedule(Math.max(0, due - now));
    }
    this.options.onState();
  }

  /** The interval changed: a poll that is now overdue runs at once. */
  intervalChanged(): void {
    if (!this.polling || this.inFlight || this.state === 'absent' || this.state === 'forbidden') return;
    if (this.consecutiveFailures > 0) return; // the backoff keeps its own time
    const due = (this.lastPollAt ?? -Infinity) + this.options.intervalMs();
    this.schedule(Math.max(0, due - this.clock.now()));
    this.options.onState();
  }

  /** Polls now (the retry button, tests). */
  async pollNow(): Promise<void> {
    this.cancel();
    await this.poll();
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.cancel();
    if (this.stopped || !this.polling) return;
    this.nextPollAt = this.clock.now() + ms;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, ms);
  }

  private async poll(): Promise<void> {
    if (this.inFlight || this.stopped) return;
    const transport = this.options.transport();
    if (!transport) return;
    this.inFlight = true;
    this.nextPollAt = undefined;
    const wants = { ...this.wants };
    const at = this.clock.now();
    this.lastPollAt = at;
    const interval = this.options.intervalMs();
    let delay = interval;
    try {
      const [pods, nodes] = await Promise.all([
        wants.pods ? this.list(transport, 'pods', interval) : undefined,
        wants.nodes ? this.list(transport, 'nodes', interval) : undefined
      ]);
      this.state = 'ok';
      this.consecutiveFailures = 0;
      this.lastError = undefined;
      this.lastSuccessAt = at;
      this.covered = wants;
      this.options.onResult({
        at,
        pods: pods?.map((item) => ({
          namespace: item.metadata?.namespace ?? '',
          name: item.metadata?.name ?? '',
          at: timeOf(item, at),
          ...this.podUsage(item)
        })),
        nodes: nodes?.map((item) => ({
          name: item.metadata?.name ?? '',
          at: timeOf(item, at),
          ...usageOf(item.usage)
        }))
      });
    } catch (e) {
      const error = e instanceof PollError ? e : new PollError(0, e instanceof Error ? e.message : String(e));
      this.lastError = error.message;
      if (error.status === 404 || error.status === 403) {
        this.state = error.status === 404 ? 'absent' : 'forbidden';
        this.consecutiveFailures = 0;
        this.covered = wants;
        delay = RECHECK_MS;
      } else {
        this.errors++;
        this.consecutiveFailures++;
        if (this.consecutiveFailures >= STALE_AFTER_FAILURES)
          this.state = this.lastSuccessAt === undefined ? 'error' : 'stale';
        else if (this.state !== 'ok' && this.state !== 'stale') this.state = 'error';
        delay = Math.max(
          error.retryAfterMs,
          Math.min(MAX_BACKOFF_MS, interval * 2 ** Math.min(this.consecutiveFailures, 20))
        );
      }
    } finally {
      this.inFlight = false;
    }
    // Something new became wanted while this poll ran: ask for it now.
    const uncovered = (this.wants.pods && !wants.pods) || (this.wants.nodes && !wants.nodes);
    this.schedule(uncovered && this.state === 'ok' ? 0 : delay);
    this.options.onState();
  }

  private podUsage(item: MetricsItem): Usage {
    const total: Usage = { cpu: 0, memory: 0 };
    for (const c of item.containers ?? []) {
      const u = usageOf(c.usage);
      total.cpu += u.cpu;
      total.memory += u.memory;
    }
    return total;
  }

  private async list(
    transport: Transport,
    plural: 'pods' | 'nodes',
    interval: number
  ): Promise<MetricsItem[]> {
    let response: Response;
    try {
      response = await transport.fetch(`${API}/${plural}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(Math.max(MIN_TIMEOUT_MS, interval))
      });
    } catch (e) {
      throw new PollError(0, `${plural} metrics: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!response.ok) {
      void response.body?.cancel().catch(() => {});
      const retry = Number(response.headers.get('retry-after'));
      throw new PollError(
        response.status,
        `${plural} metrics: HTTP ${response.status}`,
        Number.isFinite(retry) && retry > 0 ? retry * 1000 : 0
      );
    }
    let body: { items?: MetricsItem[] };
    try {
      body = await readJsonLimited<{ items?: MetricsItem[] }>(
        response,
        `${API}/${plural}`,
        BODY_LIMITS.metrics
      );
    } catch (e) {
      throw new PollError(0, `${plural} metrics: unreadable answer (${e instanceof Error ? e.message : e})`);
    }
    if (!Array.isArray(body?.items)) throw new PollError(0, `${plural} metrics: no items in the answer`);
    return body.items;
  }
}
