/**
 * A Reflector keeps an ObjectStore in sync with one Kubernetes collection (a resource path, all
 * namespaces or one, optional selectors), as client-go's `tools/cache` Reflector does:
 *
 * - sync by a streaming list (`sendInitialEvents`) where the server has it, else by a paged list;
 *   a 422 to the streaming list is remembered per cluster and list + watch is used from then on;
 * - watch from the synced resourceVersion with bookmarks and a randomized timeout; a clean end of
 *   the stream resumes from the newest resourceVersion seen, never relists;
 * - relist only when the server says the resourceVersion is gone (410), applying the new list as a
 *   diff while the old items stay, marked as resyncing, or that it never reached it (504
 *   ResourceVersionTooLarge: a re-created cluster), listing from scratch at once and replacing all;
 * - `reconnect()` restarts the watch from its resourceVersion at once (the connection is known to
 *   have broken); a watch that streamed for a healthy while resets the backoff;
 * - every other failure (network, cut, stall, malformed line, 429, 5xx, HTML from a proxy) backs
 *   off with full jitter and resumes from the last resourceVersion; 401/403 park the stream until a
 *   slow retry or `retryNow()`.
 *
 * This file is the loop and the store bookkeeping. What a failure means is decided by `classify`
 * (recovery.ts); requests and their stall watchdog are in request.ts, decoding in decode.ts, the
 * error types in errors.ts, the per-cluster capabilities in capabilities.ts.
 *
 * Time (clock and sleep) and randomness are injected, so tests drive every path deterministically.
 */
import type { KubeObject } from '../kube/types';
import { systemClock, type Clock } from '../kube/clock';
import { Backoff, systemSleep, type Sleep } from './backoff';
import { serverCapabilities, type ServerCapabilities } from './capabilities';
import {
  decodeWatchEvent,
  eventKey,
  eventResourceVersion,
  isInitialEventsEnd,
  listItems,
  parseListPage,
  stripHeavyFields,
  toEntry,
  watchEventError
} from './decode';
import { InvalidResume, StatusError, StreamError, WatchListUnsupported } from './errors';
import { LineSplitter } from './ndjson';
import { ObjectStore, type StoreEntry } from './object-store';
import { classify, type RecoveryAction } from './recovery';
import type { ReflectorOptions } from './reflector-options';
import {
  initialReflectorStatus,
  type ReflectorState,
  type ReflectorStatus,
  type SyncMode
} from './reflector-status';
import { withRequest, type ApiRequest, type RequestSettings } from './request';
import { compareResourceVersions } from './resource-version';

// Importers find every name of the watch machinery here, as before the split.
export { ServerCapabilities, serverCapabilities } from './capabilities';
export { StatusError, StreamError } from './errors';
export { stripHeavyFields } from './decode';
export type { ReflectorOptions } from './reflector-options';
export type { ReflectorState, ReflectorStatus, SyncMode } from './reflector-status';

/** What one watch request is doing; the initial phase belongs to a streaming list. */
interface WatchContext<T> {
  initial: boolean;
  buffer: Map<string, StoreEntry<T>>;
  progressed: boolean;
  /** When the server accepted the watch, and when it last delivered an event or a bookmark. */
  openedAt: number | undefined;
  deliveredAt: number | undefined;
}

export class Reflector<T = KubeObject> {
  readonly store: ObjectStore<T>;
  private readonly cluster: string;
  private readonly path: string;
  private readonly selectors: [string, string][];
  private readonly transform: (object: KubeObject) => T;
  private readonly strip: (object: KubeObject) => void;
  private readonly onState: ((status: ReflectorStatus) => void) | undefined;
  private readonly onError: ((error: Error) => void) | undefined;
  private readonly streamingList: boolean;
  private readonly capabilities: ServerCapabilities;
  private readonly pageSize: number;
  private readonly minWatchTimeoutSeconds: number;
  private readonly minWatchDurationMs: number;
  private readonly slowRetryMs: number;
  private readonly maxLineBytes: number;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly backoff: Backoff;
  private readonly requests: RequestSettings;

  private readonly stopper = new AbortController();
  /** Aborts the requests of the current turn of the loop: `stop()`, or `reconnect()`. */
  private attempt = new AbortController();
  /** `reconnect()` aborted the current turn: resume at once, not a failure. */
  private interrupted = false;
  /** A watch from a resourceVersion is in flight (not a list): what `reconnect()` restarts. */
  private watching = false;
  private wake: AbortController | undefined;
  private running: Promise<void> | undefined;
  /** The store must be (re)built from a list before watching. */
  private mustList = true;
  private expiredInARow = 0;
  private tooLargeInARow = 0;
  /** The next sync replaces every item: the store's resourceVersions are from another history. */
  private fresh = false;
  private synced = false;
  private current: ReflectorStatus = initialReflectorStatus();

  constructor(options: ReflectorOptions<T>) {
    this.cluster = options.cluster;
    this.path = options.path;
    this.selectors = [];
    if (options.labelSelector) this.selectors.push(['labelSelector', options.labelSelector]);
    if (options.fieldSelector) this.selectors.push(['fieldSelector', options.fieldSelector]);
    this.transform = options.transform ?? ((object) => object as unknown as T);
    this.strip = options.strip ?? stripHeavyFields;
    this.store = options.store ?? new ObjectStore<T>();
    if (options.onChange) this.store.listen(options.onChange);
    this.onState = options.onState;
    this.onError = options.onError;
    this.streamingList = options.streamingList ?? true;
    this.capabilities = options.capabilities ?? serverCapabilities;
    this.pageSize = options.pageSize ?? 500;
    this.minWatchTimeoutSeconds = options.minWatchTimeoutSeconds ?? 300;
    this.minWatchDurationMs = options.minWatchDurationMs ?? 1000;
    this.slowRetryMs = options.slowRetryMs ?? 300_000;
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? systemSleep;
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff({ ...options.backoff, random: this.random });
    this.requests = {
      transport: options.transport,
      clock: this.clock,
      sleep: this.sleep,
      stallTimeoutMs: options.stallTimeoutMs ?? 90_000,
      stop: this.stopper.signal,
      onBytes: (bytes) => (this.current.bytes += bytes)
    };
  }

  /** A snapshot of the stream's telemetry. */
  get status(): ReflectorStatus {
    return {
      ...this.current,
      resourceVersion: this.store.resourceVersion,
      resyncing: this.store.resyncing,
      items: this.store.size
    };
  }

  get state(): ReflectorState {
    return this.current.state;
  }

  /** The resourceVersion the store is in sync with; undefined before the first sync. */
  get lastSyncResourceVersion(): string | undefined {
    return this.store.resourceVersion;
  }

  /** Starts syncing (once): list (or streaming list) then watch. Settles after `stop()`. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /**
   * Starts from a known state instead of a list: `entries` (e.g. from a cache) valid at
   * `resourceVersion`. The watch resumes from there; only a 410 makes it relist (as a diff).
   */
  resumeFrom(resourceVersion: string, entries: Iterable<StoreEntry<T>> = []): Promise<void> {
    if (!this.running) {
      this.store.replace(entries, resourceVersion);
      this.mustList = false;
      this.synced = true;
      this.current.syncMode = 'resume';
    }
    return this.run();
  }

  /** Ends a backoff or a parked (forbidden, unauthorized, error) wait now, with a fresh backoff. */
  retryNow(): void {
    this.backoff.reset();
    this.wake?.abort();
  }

  /**
   * Restarts the stream now from its resourceVersion (not a relist), with a fresh backoff: the
   * request in flight is abandoned, a wait ends. For when the connection is known to have been
   * broken (the cluster answers again after an outage, the browser is back online, the computer
   * woke) while a watch may still look open, which only the stall timeout would notice.
   */
  reconnect(): void {
    if (this.stopped) return;
    this.backoff.reset();
    this.wake?.abort();
    // Only a watch is restarted. A list (or a streaming list's initial events) in progress is left
    // to finish under its own stall watchdog: restarting it would start it over, and on a big cluster
    // whose health probes flap under load it would never finish.
    if (!this.watching) return;
    this.interrupted = true;
    this.attempt.abort();
  }

  stop(): void {
    this.stopper.abort();
    this.attempt.abort();
    this.wake?.abort();
    this.setState('stopped');
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private async loop(): Promise<void> {
    // Cached items are on screen but not confirmed until the watch answers.
    this.setState(this.synced ? 'resyncing' : 'listing', true);
    while (!this.stopped) {
      this.attempt = new AbortController();
      this.interrupted = false;
      try {
        if (this.mustList) {
          if (this.streamingList && this.capabilities.supportsWatchList(this.cluster) !== false) {
            await this.watch(true);
            continue;
          }
          await this.list();
        }
        await this.watch(false);
      } catch (error) {
        if (this.interrupted && !this.stopped) {
          // reconnect(): the abandoned request is no failure; go again from the resourceVersion.
          this.current.reconnects++;
          continue;
        }
        const action = classify(error, {
          stopped: this.stopped,
          expiredInARow: this.expiredInARow,
          tooLargeInARow: this.tooLargeInARow
        });
        if (action.kind === 'stop') break;
        await this.recover(action);
      }
    }
    this.setState('stopped');
  }

  // ---- failures ---------------------------------------------------------------------------------

  /** Carries out what `classify` decided, in the order each decision has always taken effect. */
  private async recover(action: Exclude<RecoveryAction, { kind: 'stop' }>): Promise<void> {
    switch (action.kind) {
      case 'use-list-and-watch':
        this.capabilities.setWatchList(this.cluster, false);
        this.report(action.error, action.message);
        return;
      case 'relist':
        this.report(action.error, action.message);
        this.beginRelist();
        if (action.fresh) this.fresh = true;
        if (action.streak === 'expired') this.expiredInARow++;
        if (action.streak === 'too-large') this.tooLargeInARow++;
        if (action.reconnect) await this.retryAfter(undefined);
        else if (action.delay === 'backoff') await this.wait('backoff', this.backoff.next(this.clock.now()));
        return;
      case 'retry':
        // A retry that relists shows the store as resyncing in the status it reports.
        if (action.relist) this.beginRelist();
        this.report(action.error, action.message);
        await this.retryAfter(action.retryAfterMs);
        return;
      case 'park':
        this.report(action.error, action.message);
        await this.wait(action.state, this.slowRetryMs);
        return;
    }
  }

  private beginRelist(): void {
    this.mustList = true;
    if (this.store.resourceVersion !== undefined || this.store.size > 0) this.store.beginResync();
  }

  private report(error: unknown, message: string): void {
    this.current.errors++;
    const changed = this.current.lastError !== message;
    this.current.lastError = message;
    this.onError?.(error instanceof Error ? error : new Error(String(error)));
    if (changed) this.notify();
  }

  /** Backoff with full jitter, but never sooner than the server's Retry-After. */
  private async retryAfter(retryAfterMs: number | undefined): Promise<void> {
    this.current.reconnects++;
    const delay = Math.max(this.backoff.next(this.clock.now()), retryAfterMs ?? 0);
    await this.wait('backoff', delay);
  }

  private async wait(state: ReflectorState, ms: number): Promise<void> {
    if (this.stopped) return;
    const wake = new AbortController();
    this.wake = wake;
    this.current.nextRetryAt = this.clock.now() + ms;
    this.setState(state, true);
    try {
      await this.sleep(ms, wake.signal);
    } finally {
      if (this.wake === wake) this.wake = undefined;
      this.current.nextRetryAt = undefined;
    }
  }

  private setState(state: ReflectorState, force = false): void {
    if (this.current.state === 'stopped') return;
    if (this.current.state === state && !force) return;
    this.current.state = state;
    this.notify();
  }

  private notify(): void {
    this.onState?.(this.status);
  }

  private syncingState(): ReflectorState {
    return this.synced ? 'resyncing' : 'listing';
  }

  /** The sync completed: the store holds the server's state. */
  private synchronized(mode: SyncMode): void {
    if (this.synced) this.current.relists++;
    this.synced = true;
    this.mustList = false;
    this.fresh = false;
    this.current.syncMode = mode;
    this.setState('live');
  }

  private query(extra: [string, string][]): string {
    return `${this.path}?${new URLSearchParams([...extra, ...this.selectors])}`;
  }

  private request<R>(run: (request: ApiRequest) => Promise<R>): Promise<R> {
    return withRequest({ ...this.requests, stop: this.attempt.signal }, run);
  }

  private entry(object: KubeObject): StoreEntry<T> {
    return toEntry(object, this.strip, this.transform);
  }

  // ---- list ---------------------------------------------------------------------------------------

  /** Lists every page and applies the result to the store as a diff; a 410 on any page throws. */
  private async list(): Promise<void> {
    this.setState(this.syncingState());
    const entries: StoreEntry<T>[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const params: [string, string][] = [['limit', String(this.pageSize)]];
      if (token) params.push(['continue', token]);
      const url = this.query(params);
      const page = await this.request(async (request) => {
        const response = await request.fetch(url);
        await request.check(response, url);
        return parseListPage(await request.readText(response), this.path);
      });
      for (const object of listItems(page)) entries.push(this.entry(object));
      resourceVersion = page.metadata?.resourceVersion;
      token = page.metadata?.continue || undefined;
    } while (token);
    if (!resourceVersion)
      throw new StreamError('malformed', `GET ${this.path} answered a list without a resourceVersion`);
    this.store.replace(entries, resourceVersion, this.fresh);
    this.synchronized('list');
  }

  // ---- watch --------------------------------------------------------------------------------------

  /**
   * One watch request until it ends. `initial`: a streaming list, whose initial events are
   * collected (unordered, not gated) and applied as one diff at the initial-events-end bookmark.
   */
  private async watch(initial: boolean): Promise<void> {
    const params: [string, string][] = [
      ['watch', '1'],
      ['allowWatchBookmarks', 'true']
    ];
    if (initial) {
      params.push(
        ['sendInitialEvents', 'true'],
        ['resourceVersionMatch', 'NotOlderThan'],
        ['resourceVersion', '']
      );
      this.setState(this.syncingState());
    } else {
      params.push(['resourceVersion', this.store.resourceVersion ?? '']);
    }
    const timeoutSeconds =
      this.minWatchTimeoutSeconds + Math.floor(this.random() * (this.minWatchTimeoutSeconds + 1));
    params.push(['timeoutSeconds', String(Math.min(timeoutSeconds, 2 * this.minWatchTimeoutSeconds))]);
    const url = this.query(params);
    const startedAt = this.clock.now();
    const context: WatchContext<T> = {
      initial,
      buffer: new Map(),
      progressed: false,
      openedAt: undefined,
      deliveredAt: undefined
    };
    this.watching = !initial;
    try {
      await this.request(async (request) => {
        const response = await request.fetch(url);
        await request.check(response, url);
        context.openedAt = this.clock.now();
        if (!initial) this.setState('live');
        const splitter = new LineSplitter({ maxLineBytes: this.maxLineBytes });
        await request.readBody(response, (chunk) => {
          for (const line of splitter.push(chunk)) this.event(line, context, false);
        });
        const tail = splitter.end();
        if (tail !== undefined) this.event(tail, context, true);
      });
    } catch (error) {
      if (context.initial && error instanceof StatusError && error.code === 422) {
        throw new WatchListUnsupported(error.message);
      }
      // A streaming list faster than it can be read would be cut again on every try: paged lists
      // (bounded pages over HTTP) make progress, then the watch resumes from their resourceVersion.
      if (context.initial && error instanceof StreamError && error.kind === 'backpressure') {
        throw new WatchListUnsupported(error.message);
      }
      if (!initial && error instanceof StatusError && error.code === 400) {
        // The resourceVersion itself may be what the server refuses (a corrupt or foreign cache).
        throw new InvalidResume(error);
      }
      throw error;
    } finally {
      this.watching = false;
      // A watch that streamed for a healthy while pays only a short delay for its next failure.
      if (context.openedAt !== undefined && context.deliveredAt !== undefined) {
        this.backoff.delivered(context.openedAt, context.deliveredAt);
      }
    }
    if (context.initial) {
      throw new StreamError('network', 'the streaming list ended before its initial events were complete');
    }
    if (!context.progressed && this.clock.now() - startedAt < this.minWatchDurationMs) {
      throw new StreamError('network', 'the watch ended at once without any event');
    }
    // A clean end (the server's timeout): the loop resumes from the newest resourceVersion seen.
    this.current.resumes++;
  }

  private event(line: string, context: WatchContext<T>, unterminated: boolean): void {
    const { type, object } = decodeWatchEvent(line, unterminated);
    this.current.lastEventAt = this.clock.now();
    if (type === 'ERROR') throw watchEventError(object);
    const resourceVersion = eventResourceVersion(type, object, line);

    if (type === 'BOOKMARK') {
      this.current.bookmarks++;
      if (!context.initial) {
        this.progressed(context);
        this.store.bookmark(resourceVersion);
      } else if (isInitialEventsEnd(object)) {
        // The initial events are complete: they are the state at this resourceVersion.
        context.initial = false;
        this.watching = true;
        this.store.replace(context.buffer.values(), resourceVersion, this.fresh);
        context.buffer.clear();
        this.capabilities.setWatchList(this.cluster, true);
        this.synchronized('streaming-list');
        this.progressed(context);
      }
      // Other bookmarks during the initial events carry nothing the end marker will not.
      return;
    }

    this.current.events++;
    const key = eventKey(type, object, line);
    if (context.initial) {
      // Initial events come in no particular order: no stream gating; per object the newest wins
      // (arrival order when the two cannot be compared).
      if (type === 'DELETED') {
        context.buffer.delete(key);
        return;
      }
      const held = context.buffer.get(key);
      const order = held ? compareResourceVersions(resourceVersion, held.resourceVersion) : 1;
      if (order === 0 || order === -1) this.current.ignored++;
      else context.buffer.set(key, this.entry(object));
      return;
    }
    this.progressed(context);
    // Check before projecting: duplicates and replays are dropped without that cost.
    const verdict = this.store.check(type, key, resourceVersion);
    if (verdict === 'applied') this.store.apply({ type, ...this.entry(object) });
    else if (verdict === 'absent') this.store.bookmark(resourceVersion);
    if (verdict !== 'applied') this.current.ignored++;
  }

  private progressed(context: WatchContext<T>): void {
    context.deliveredAt = this.clock.now();
    if (context.progressed) return;
    context.progressed = true;
    this.expiredInARow = 0;
    this.tooLargeInARow = 0;
  }
}
