/**
 * A LogStream: one container's log, live. It reads
 * `/api/v1/namespaces/{ns}/pods/{pod}/log?container=…&follow=…&timestamps=true` through the
 * cluster's Transport and posts the lines, batched, to the page.
 *
 * Timestamps are always requested: they are how a broken stream resumes. After a dropped connection
 * (or for the next poll, when there is no connection to follow on) it asks again from the second of
 * the last line it delivered and drops what it already delivered (see LogCursor), so the page gets
 * every line exactly once, in order. A follow stream that ends by itself means the container
 * exited: the stream keeps asking, more and more slowly, in case it starts again (a crash loop).
 * Every failure becomes a state with a message; nothing escapes to the worker.
 */
import { Backoff, systemSleep, type BackoffOptions, type Sleep } from '../watch/backoff';
import { parseAnsi } from './ansi';
import { classify, LogRequestError, requestError } from './errors';
import { logConnections, type LogConnections } from './connections';
import { LogCursor } from './cursor';
import { LogLineSplitter } from './lines';
import { sinceTimeOf, splitTimestamp } from './timestamp';
import type { LogLine, LogSpec, LogState, LogUpdate } from './types';
import type { ConnectionBudget } from '../watch/budget';
import { systemClock, type Clock } from '../kube/clock';
import type { ClusterConnection } from '../watch/budget';

export interface LogStreamOptions {
  spec: LogSpec;
  connection: ClusterConnection;
  budget: ConnectionBudget;
  post: (update: LogUpdate) => void;
  /** How often a followed log without a connection of its own asks for new lines. Default 3 s. */
  pollMs?: number;
  /** Lines are posted at most this often. Default 100 ms. */
  flushMs?: number;
  /** After a failure. Default 800 ms doubling to 30 s. */
  backoff?: BackoffOptions;
  /** After the container exited (or has not started): checks for a new instance. Default 2 s to 30 s. */
  idleBackoff?: BackoffOptions;
  clock?: Clock;
  sleep?: Sleep;
  connections?: LogConnections;
}

let nextId = 1;

/**
 * Text queued before it is posted without waiting for the flush interval: a fast log (or a hostile
 * one) moves on to the page's bounded buffer instead of piling up here. Lines themselves are at
 * most LOG_LINE_BYTES (see lines.ts): a line without a newline is cut, never held whole.
 */
const PENDING_CHARS = 1024 * 1024;

export class LogStream {
  private readonly id = `logs-${nextId++}`;
  private readonly cursor = new LogCursor();
  private readonly abort = new AbortController();
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly backoff: Backoff;
  private readonly idle: Backoff;
  private readonly connections: LogConnections;
  private state: LogState = 'connecting';
  private error: string | undefined;
  private pending: LogLine[] = [];
  /** Characters of text in `pending`: past PENDING_CHARS they are posted without waiting. */
  private pendingChars = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last timestamp seen: lines without one (a server that sends none) take it. */
  private lastTs = { ts: '', key: '' };
  private started = false;

  constructor(private readonly options: LogStreamOptions) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? systemSleep;
    this.backoff = new Backoff(options.backoff);
    this.idle = new Backoff({ baseMs: 2000, capMs: 30_000, ...options.idleBackoff });
    this.connections = options.connections ?? logConnections(options.budget);
  }

  get status(): { state: LogState; error?: string } {
    return { state: this.state, error: this.error };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.setState('connecting');
    void this.run().catch((e) => {
      // A bug, not a server failure: say so rather than die silently.
      if (!this.stopped) this.setState('error', `Log stream failed: ${String(e)}`);
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.abort.abort();
    this.connections.release(this.id);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending = [];
    this.pendingChars = 0;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Whether this log grows: a previous container's does not. */
  private get follows(): boolean {
    return this.options.spec.follow && !this.options.spec.previous;
  }

  private async run(): Promise<void> {
    const origin = this.options.connection.origin;
    while (!this.stopped) {
      const streaming = this.follows && this.connections.acquire(this.id, origin);
      let delivered = 0;
      try {
        delivered = await this.request(streaming);
      } catch (e) {
        if (this.stopped) return;
        const c = classify(e, this.options.spec.pod, this.options.spec.container);
        if (!c.retry) {
          this.connections.release(this.id);
          return this.setState(c.state, c.message);
        }
        const delay =
          c.state === 'waiting'
            ? this.idle.next(this.clock.now())
            : (c.retryAfterMs ?? this.backoff.next(this.clock.now()));
        this.setState(c.state, c.message);
        await this.sleep(delay, this.abort.signal);
        continue;
      }
      if (this.stopped) return;
      if (!this.follows) {
        this.connections.release(this.id);
        return this.setState('complete');
      }
      if (delivered > 0) this.idle.reset();
      if (!streaming) {
        this.setState('polling');
        await this.sleep(this.options.pollMs ?? 3000, this.abort.signal);
        continue;
      }
      // A follow stream ended by itself: the container exited. A new instance may start.
      this.setState('ended', `Container ${this.options.spec.container} exited; watching for a restart`);
      await this.sleep(this.idle.next(this.clock.now()), this.abort.signal);
    }
  }

  /** One request, read to its end. Returns how many new lines it delivered. */
  private async request(follow: boolean): Promise<number> {
    const transport = this.options.connection.transport(follow ? 'chunked' : 'direct');
    this.cursor.resume();
    const response = await transport.fetch(this.path(follow), {
      headers: { accept: 'text/plain, */*' },
      signal: this.abort.signal
    });
    if (!response.ok) throw await requestError(response, this.clock.now());
    const type = response.headers.get('content-type') ?? '';
    if (/html/i.test(type)) {
      const err = await requestError(response, this.clock.now());
      throw new LogRequestError(502, `a proxy answered with an HTML page instead of the log: ${err.message}`);
    }
    if (follow) this.setState('live');
    if (!response.body) return 0;
    const splitter = new LogLineSplitter();
    const reader = response.body.getReader();
    const cancel = () => void reader.cancel().catch(() => {});
    this.abort.signal.addEventListener('abort', cancel);
    let delivered = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Bytes arrived: the connection works, whatever happened before.
        this.backoff.reset();
        for (const line of splitter.push(value)) delivered += this.receive(line);
      }
      const last = splitter.end();
      if (last !== undefined) delivered += this.receive(last);
    } catch (e) {
      // The unfinished line comes again, whole, on the next request.
      splitter.discard();
      throw e;
    } finally {
      this.abort.signal.removeEventListener('abort', cancel);
    }
    return delivered;
  }

  private path(follow: boolean): string {
    const { namespace, pod, container, tailLines, sinceSeconds, previous } = this.options.spec;
    const q = new URLSearchParams({ container, timestamps: 'true' });
    if (follow) q.set('follow', 'true');
    if (previous) q.set('previous', 'true');
    if (this.cursor.lastKey) q.set('sinceTime', sinceTimeOf(this.cursor.lastKey));
    else {
      if (tailLines !== undefined) q.set('tailLines', String(tailLines));
      if (sinceSeconds !== undefined) q.set('sinceSeconds', String(sinceSeconds));
    }
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q}`;
  }

  /** One line from the server: 1 when it is new (and queued for the page), else 0. */
  private receive(raw: string): number {
    const stamped = splitTimestamp(raw);
    if (stamped.key) this.lastTs = { ts: stamped.ts, key: stamped.key };
    if (this.stopped || !this.cursor.accept(this.lastTs.key, stamped.text)) return 0;
    const { pod, container } = this.options.spec;
    const parsed = parseAnsi(stamped.text);
    this.pending.push({ pod, container, ts: this.lastTs.ts, ...parsed });
    this.pendingChars += parsed.text.length;
    if (this.pendingChars > PENDING_CHARS) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.options.flushMs ?? 100);
    return 1;
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.stopped) return;
    const lines = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    this.options.post({ lines, state: this.state, ...(this.error ? { error: this.error } : {}) });
  }

  private setState(state: LogState, error?: string): void {
    if (this.stopped || (state === this.state && error === this.error)) return;
    this.state = state;
    this.error = error;
    this.flush();
  }
}
