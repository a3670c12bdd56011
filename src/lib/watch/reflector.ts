/**
 * A Reflector keeps an ObjectStore in sync with one Kubernetes collection (a resource path, all
 * namespaces or one, optional selectors), as client-go's `tools/cache` Reflector does:
 *
 * - sync by a streaming list (`sendInitialEvents`) where the server has it, else by a paged list;
 *   a 422 to the streaming list is remembered per cluster and list + watch is used from then on;
 * - watch from the synced resourceVersion with bookmarks and a randomized timeout; a clean end of
 *   the stream resumes from the newest resourceVersion seen, never relists;
 * - relist only when the server says the resourceVersion is gone (410), applying the new list as a
 *   diff while the old items stay, marked as resyncing;
 * - every other failure (network, cut, stall, malformed line, 429, 5xx, HTML from a proxy) backs
 *   off with full jitter and resumes from the last resourceVersion; 401/403 park the stream until a
 *   slow retry or `retryNow()`.
 *
 * Time (clock and sleep) and randomness are injected, so tests drive every path deterministically.
 */
import type { KubeObject, Status } from '../kube/types';
import { Backoff, parseRetryAfter, systemSleep, type Sleep } from './backoff';
import { LineSplitter, LineTooLongError } from './ndjson';
import { ObjectStore, objectKey, type StoreChange, type StoreEntry } from './object-store';
import { compareResourceVersions } from './resource-version';
import type { Transport } from './transport';
import { systemClock, type Clock } from '../kube/clock';

export type ReflectorState =
  /** First sync in progress, nothing known yet. */
  | 'listing'
  /** Watching; the store follows the server. */
  | 'live'
  /** Relisting after a 410 (or syncing after a resume from a cache): the old items stay meanwhile. */
  | 'resyncing'
  /** Waiting to retry after a transient failure (see `nextRetryAt`). */
  | 'backoff'
  /** 403: parked until the slow retry or `retryNow()`. */
  | 'forbidden'
  /** 401: parked until the slow retry or `retryNow()`. */
  | 'unauthorized'
  /** A request the server rejects as invalid (400, 404, …): parked like 403. */
  | 'error'
  | 'stopped';

/** How the store was last brought in sync. */
export type SyncMode = 'streaming-list' | 'list' | 'resume';

/** What telemetry shows about one stream. Plain data, structured-cloneable. */
export interface ReflectorStatus {
  state: ReflectorState;
  /** The resourceVersion the store is in sync with. */
  resourceVersion: string | undefined;
  /** The store holds the old items of a relist in progress. */
  resyncing: boolean;
  syncMode: SyncMode | undefined;
  items: number;
  /** ADDED/MODIFIED/DELETED events received (applied or not). */
  events: number;
  bookmarks: number;
  /** Response body bytes read (after any content decoding). */
  bytes: number;
  /** Syncs after the first one (410, or a resume the server refused). */
  relists: number;
  /** Retries after a failure. */
  reconnects: number;
  /** Watches resumed after the server ended one cleanly. */
  resumes: number;
  /** Events dropped by resourceVersion gating (duplicates, replays, stale, deletes of unknown keys). */
  ignored: number;
  /** Failures of any kind, 410s included. */
  errors: number;
  lastEventAt: number | undefined;
  lastError: string | undefined;
  /** When a parked or backing-off stream tries again. */
  nextRetryAt: number | undefined;
}

/**
 * What the reflectors of one cluster learned about its API server, shared by all of them: whether
 * it serves the streaming list. Keyed by cluster name or origin.
 */
export class ServerCapabilities {
  private readonly watchList = new Map<string, boolean>();

  /** undefined until tried. */
  supportsWatchList(cluster: string): boolean | undefined {
    return this.watchList.get(cluster);
  }

  setWatchList(cluster: string, supported: boolean): void {
    this.watchList.set(cluster, supported);
  }
}

/** The capabilities shared by reflectors that are given none. */
export const serverCapabilities = new ServerCapabilities();

/** A failed request or a watch ERROR event: the API's metav1.Status, or the HTTP status. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly retryAfterMs?: number,
    readonly causes: { reason?: string; message?: string }[] = []
  ) {
    super(message);
    this.name = 'StatusError';
  }

  static fromStatus(
    status: Partial<Status> | undefined,
    fallbackCode: number,
    retryAfterMs?: number
  ): StatusError {
    const code = typeof status?.code === 'number' && status.code > 0 ? status.code : fallbackCode;
    const details = status?.details;
    const fromDetails =
      typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds * 1000 : undefined;
    return new StatusError(
      code,
      status?.reason || 'Unknown',
      status?.message || `HTTP ${code}`,
      retryAfterMs ?? fromDetails,
      Array.isArray(details?.causes) ? (details.causes as { reason?: string; message?: string }[]) : []
    );
  }
}

/** A failure below the API level: the connection, the framing or the content. */
export class StreamError extends Error {
  constructor(
    readonly kind: 'network' | 'stall' | 'malformed' | 'non-json',
    message: string
  ) {
    super(message);
    this.name = 'StreamError';
  }
}

/** The server refused the streaming list (422): use list + watch. */
class WatchListUnsupported extends Error {}

/** A watch from a given resourceVersion was refused as a bad request: list instead. */
class InvalidResume extends Error {
  constructor(readonly status: StatusError) {
    super(status.message);
  }
}

/** The attempt was cancelled (stop or stall); the caller decides which. */
class Aborted extends Error {}

export interface ReflectorOptions<T> {
  transport: Transport;
  /** Names the server for the shared capabilities (a cluster name or an origin). */
  cluster: string;
  /** Collection path, e.g. `/api/v1/pods` or `/apis/apps/v1/namespaces/prod/deployments`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Projects each object as soon as it is parsed (after heavy fields are stripped); the store keeps
   * only what this returns. Default: the object itself.
   */
  transform?: (object: KubeObject) => T;
  /** Removes fields nobody shows, in place. Default: managedFields and the last-applied annotation. */
  strip?: (object: KubeObject) => void;
  /** The store to keep in sync; default a new one. */
  store?: ObjectStore<T>;
  /** Change listener added to the store. */
  onChange?: (change: StoreChange<T>) => void;
  /** Called on every state change (and when the last error changes). */
  onState?: (status: ReflectorStatus) => void;
  /** Failures the reflector recovers from by itself; for logs. */
  onError?: (error: Error) => void;
  /** Try the streaming list when the cluster is not known to refuse it. Default true. */
  streamingList?: boolean;
  capabilities?: ServerCapabilities;
  /** Items per list page. Default 500. */
  pageSize?: number;
  /** Each watch asks the server to end it after a random time in [min, 2 × min] s. Default 300. */
  minWatchTimeoutSeconds?: number;
  /** No byte (not even a bookmark) for this long aborts the request as stalled. Default 90 s; 0 = never. */
  stallTimeoutMs?: number;
  /** A watch that ends cleanly sooner than this without any event counts as a failure. Default 1000. */
  minWatchDurationMs?: number;
  /** Backoff after transient failures. Default 800 ms doubling to 30 s, reset after 2 min healthy. */
  backoff?: { baseMs?: number; capMs?: number; resetAfterMs?: number };
  /** Retry schedule of a stream parked by 401/403/other client errors. Default 5 min. */
  slowRetryMs?: number;
  /** Default 64 MiB. */
  maxLineBytes?: number;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
}

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const WATCH_EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** Drops what no list shows and what costs most to keep: managedFields and kubectl's copy of the object. */
export function stripHeavyFields(object: KubeObject): void {
  const metadata = object.metadata as Partial<KubeObject['metadata']> | undefined;
  if (!metadata) return;
  delete metadata.managedFields;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _dropped, ...rest } = metadata.annotations;
    metadata.annotations = rest;
  }
}

/** Printable start of a body that is not what was expected; HTML is reduced to its text. */
function snippet(text: string, max = 160): string {
  const html = /^\s*</.test(text);
  const flat = (html ? text.replace(/<[^>]*>/g, ' ') : text).replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface ListBody {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[] | null;
}

/** What one watch request is doing; the initial phase belongs to a streaming list. */
interface WatchContext<T> {
  initial: boolean;
  buffer: Map<string, StoreEntry<T>>;
  progressed: boolean;
}

/** One request: its abort controller and a watchdog that aborts it when no byte comes for too long. */
class Attempt {
  readonly controller = new AbortController();
  private readonly watchdog = new AbortController();
  private lastActivity: number;
  stalled = false;
  private readonly unlink: () => void;

  constructor(
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly stallTimeoutMs: number,
    stop: AbortSignal
  ) {
    this.lastActivity = clock.now();
    const abort = () => this.controller.abort();
    if (stop.aborted) abort();
    else stop.addEventListener('abort', abort, { once: true });
    this.unlink = () => stop.removeEventListener('abort', abort);
    if (stallTimeoutMs > 0 && Number.isFinite(stallTimeoutMs)) void this.watch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    this.lastActivity = this.clock.now();
  }

  close(): void {
    this.watchdog.abort();
    this.unlink();
  }

  private async watch(): Promise<void> {
    while (!this.watchdog.signal.aborted && !this.controller.signal.aborted) {
      const wait = this.lastActivity + this.stallTimeoutMs - this.clock.now();
      if (wait <= 0) {
        this.stalled = true;
        this.controller.abort();
        return;
      }
      await this.sleep(wait, this.watchdog.signal);
    }
  }
}

export class Reflector<T = KubeObject> {
  readonly store: ObjectStore<T>;
  private readonly transport: Transport;
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
  private readonly stallTimeoutMs: number;
  private readonly minWatchDurationMs: number;
  private readonly slowRetryMs: number;
  private readonly maxLineBytes: number;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly backoff: Backoff;

  private readonly stopper = new AbortController();
  private wake: AbortController | undefined;
  private running: Promise<void> | undefined;
  /** The store must be (re)built from a list before watching. */
  private mustList = true;
  private expiredInARow = 0;
  private tooLargeInARow = 0;
  private synced = false;
  private current: ReflectorStatus = {
    state: 'listing',
    resourceVersion: undefined,
    resyncing: false,
    syncMode: undefined,
    items: 0,
    events: 0,
    bookmarks: 0,
    bytes: 0,
    relists: 0,
    reconnects: 0,
    resumes: 0,
    ignored: 0,
    errors: 0,
    lastEventAt: undefined,
    lastError: undefined,
    nextRetryAt: undefined
  };

  constructor(options: ReflectorOptions<T>) {
    this.transport = options.transport;
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
    this.stallTimeoutMs = options.stallTimeoutMs ?? 90_000;
    this.minWatchDurationMs = options.minWatchDurationMs ?? 1000;
    this.slowRetryMs = options.slowRetryMs ?? 300_000;
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? systemSleep;
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff({ ...options.backoff, random: this.random });
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

  stop(): void {
    this.stopper.abort();
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
        if (this.stopped) break;
        await this.recover(error);
      }
    }
    this.setState('stopped');
  }

  // ---- failures ---------------------------------------------------------------------------------

  private async recover(error: unknown): Promise<void> {
    if (error instanceof WatchListUnsupported) {
      // Making progress beats insisting: list + watch for every stream of this cluster from now on.
      this.capabilities.setWatchList(this.cluster, false);
      this.report(error, `the server refused the streaming list, using list + watch: ${error.message}`);
      return;
    }
    if (error instanceof InvalidResume) {
      this.report(error.status, `HTTP 400 on resuming the watch, relisting: ${error.message}`);
      this.beginRelist();
      await this.retryAfter(undefined);
      return;
    }
    if (error instanceof StatusError) {
      const { code } = error;
      if (code === 410 || error.reason === 'Expired' || error.reason === 'Gone') {
        this.report(error, `resourceVersion expired (410), relisting: ${error.message}`);
        this.beginRelist();
        this.expiredInARow++;
        // The first 410 relists at once; repeated ones mean the server is unwell: back off.
        if (this.expiredInARow > 1) await this.wait('backoff', this.backoff.next(this.clock.now()));
        return;
      }
      if (code === 401 || code === 403) {
        const state = code === 401 ? 'unauthorized' : 'forbidden';
        this.report(error, `HTTP ${code} ${error.reason}: ${error.message}`);
        await this.wait(state, this.slowRetryMs);
        return;
      }
      if (this.isTooLargeResourceVersion(error)) {
        // The server is behind the resourceVersion asked for: retry, and relist if it stays behind.
        this.tooLargeInARow++;
        if (this.tooLargeInARow > 1) this.beginRelist();
        this.report(error, `HTTP ${code} ${error.reason}: ${error.message}`);
        await this.retryAfter(error.retryAfterMs);
        return;
      }
      if (code >= 400 && code < 500 && code !== 408 && code !== 429) {
        this.report(error, `HTTP ${code} ${error.reason}: ${error.message}`);
        await this.wait('error', this.slowRetryMs);
        return;
      }
      this.report(error, `HTTP ${code} ${error.reason}: ${error.message}`);
      await this.retryAfter(error.retryAfterMs);
      return;
    }
    if (error instanceof LineTooLongError) {
      this.report(error, `malformed stream: ${error.message}`);
    } else if (error instanceof StreamError) {
      this.report(error, error.message);
    } else {
      this.report(error, `request failed: ${errorMessage(error)}`);
    }
    await this.retryAfter(undefined);
  }

  private isTooLargeResourceVersion(error: StatusError): boolean {
    return (
      error.code === 504 &&
      (error.causes.some((c) => c.reason === 'ResourceVersionTooLarge') ||
        /too large resource version/i.test(error.message))
    );
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
    this.current.syncMode = mode;
    this.setState('live');
  }

  // ---- requests ---------------------------------------------------------------------------------

  private query(extra: [string, string][]): string {
    return `${this.path}?${new URLSearchParams([...extra, ...this.selectors])}`;
  }

  private async attempt<R>(run: (attempt: Attempt) => Promise<R>): Promise<R> {
    const attempt = new Attempt(this.clock, this.sleep, this.stallTimeoutMs, this.stopper.signal);
    try {
      return await run(attempt);
    } catch (error) {
      if (attempt.stalled && !this.stopped) {
        throw new StreamError('stall', `no data for ${this.stallTimeoutMs} ms: the request was abandoned`);
      }
      throw error;
    } finally {
      attempt.close();
    }
  }

  private fetch(url: string, attempt: Attempt): Promise<Response> {
    const { signal } = attempt;
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(new Aborted());
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.transport.fetch(url, { signal, headers: { accept: 'application/json' } }).then(
        (response) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) {
            void response.body?.cancel().catch(() => {});
            return;
          }
          attempt.touch();
          resolve(response);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(signal.aborted ? new Aborted() : error);
        }
      );
    });
  }

  /**
   * Feeds each chunk of the body to `onChunk` until the end, or until it returns false; a broken
   * stream becomes a StreamError. The body is cancelled on the way out, which releases the connection.
   */
  private async readBody(
    response: Response,
    attempt: Attempt,
    onChunk: (chunk: Uint8Array) => boolean | void
  ) {
    if (!response.body) return;
    const reader = response.body.getReader();
    const cancel = () => void reader.cancel().catch(() => {});
    attempt.signal.addEventListener('abort', cancel);
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          if (attempt.signal.aborted) throw new Aborted();
          throw new StreamError('network', `the connection broke: ${errorMessage(error)}`);
        }
        if (attempt.signal.aborted) throw new Aborted();
        if (result.done) return;
        attempt.touch();
        this.current.bytes += result.value.byteLength;
        if (onChunk(result.value) === false) return;
      }
    } finally {
      attempt.signal.removeEventListener('abort', cancel);
      cancel();
    }
  }

  /** The body as text; with a limit, only about that many characters (the rest is not read). */
  private async readText(response: Response, attempt: Attempt, limit = Infinity): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    await this.readBody(response, attempt, (chunk) => {
      text += decoder.decode(chunk, { stream: true });
      return text.length < limit;
    });
    return text + decoder.decode();
  }

  /** Throws for anything but a 200 with a JSON body, with the status and the start of the body. */
  private async check(response: Response, attempt: Attempt, url: string): Promise<void> {
    const type = response.headers.get('content-type') ?? '';
    const what = `GET ${url.split('?')[0]}`;
    if (response.ok) {
      if (!type || /json/i.test(type)) return;
      const text = await this.readText(response, attempt, 4096);
      throw new StreamError(
        'non-json',
        `${what} answered HTTP ${response.status} with ${type} instead of JSON (is a proxy or login page in the way?): ${snippet(text)}`
      );
    }
    const text = await this.readText(response, attempt, 64 * 1024);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.clock.now());
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body && typeof body === 'object' && (body as Partial<Status>).kind === 'Status') {
      throw StatusError.fromStatus(body as Partial<Status>, response.status, retryAfterMs);
    }
    const described =
      body === undefined ? `a non-JSON body (${type || 'no content type'})` : 'a body that is not a Status';
    throw new StatusError(
      response.status,
      response.statusText || 'Unknown',
      `${what} answered HTTP ${response.status} with ${described}: ${snippet(text)}`,
      retryAfterMs
    );
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
      const page = await this.attempt(async (attempt) => {
        const response = await this.fetch(url, attempt);
        await this.check(response, attempt, url);
        const text = await this.readText(response, attempt);
        try {
          return JSON.parse(text) as ListBody;
        } catch {
          throw new StreamError(
            'malformed',
            `GET ${this.path} answered a list that is not valid JSON: ${snippet(text)}`
          );
        }
      });
      const itemKind = page.kind?.replace(/List$/, '');
      for (const object of page.items ?? []) {
        // List items carry no kind of their own; give them the list's, as kubectl does.
        if (!object.kind && itemKind) object.kind = itemKind;
        if (!object.apiVersion && page.apiVersion) object.apiVersion = page.apiVersion;
        entries.push(this.entry(object));
      }
      resourceVersion = page.metadata?.resourceVersion;
      token = page.metadata?.continue || undefined;
    } while (token);
    if (!resourceVersion)
      throw new StreamError('malformed', `GET ${this.path} answered a list without a resourceVersion`);
    this.store.replace(entries, resourceVersion);
    this.synchronized('list');
  }

  private entry(object: KubeObject): StoreEntry<T> {
    const metadata = object?.metadata;
    if (!metadata || typeof metadata.name !== 'string' || typeof metadata.resourceVersion !== 'string') {
      throw new StreamError(
        'malformed',
        `an object without name or resourceVersion: ${snippet(JSON.stringify(object))}`
      );
    }
    this.strip(object);
    return {
      key: objectKey(metadata.namespace, metadata.name),
      resourceVersion: metadata.resourceVersion,
      item: this.transform(object)
    };
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
    const context: WatchContext<T> = { initial, buffer: new Map(), progressed: false };
    try {
      await this.attempt(async (attempt) => {
        const response = await this.fetch(url, attempt);
        await this.check(response, attempt, url);
        if (!initial) this.setState('live');
        const splitter = new LineSplitter({ maxLineBytes: this.maxLineBytes });
        await this.readBody(response, attempt, (chunk) => {
          for (const line of splitter.push(chunk)) this.event(line, context, false);
        });
        const tail = splitter.end();
        if (tail !== undefined) this.event(tail, context, true);
      });
    } catch (error) {
      if (context.initial && error instanceof StatusError && error.code === 422) {
        throw new WatchListUnsupported(error.message);
      }
      if (!initial && error instanceof StatusError && error.code === 400) {
        // The resourceVersion itself may be what the server refuses (a corrupt or foreign cache).
        throw new InvalidResume(error);
      }
      throw error;
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
    let event: { type?: unknown; object?: KubeObject };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      throw new StreamError(
        'malformed',
        unterminated
          ? `the watch stream ended in the middle of a line: ${snippet(line, 80)}`
          : `a watch event is not valid JSON: ${snippet(line, 80)}`
      );
    }
    const type = event?.type;
    const object = event?.object;
    if (typeof type !== 'string' || !WATCH_EVENT_TYPES.has(type) || !object || typeof object !== 'object') {
      throw new StreamError('malformed', `not a watch event: ${snippet(line, 80)}`);
    }
    this.current.lastEventAt = this.clock.now();
    if (type === 'ERROR') throw StatusError.fromStatus(object as unknown as Partial<Status>, 500);
    const resourceVersion = object.metadata?.resourceVersion;
    if (typeof resourceVersion !== 'string' || resourceVersion === '') {
      throw new StreamError('malformed', `a ${type} event without resourceVersion: ${snippet(line, 80)}`);
    }

    if (type === 'BOOKMARK') {
      this.current.bookmarks++;
      if (!context.initial) {
        this.progressed(context);
        this.store.bookmark(resourceVersion);
      } else if (object.metadata.annotations?.[INITIAL_EVENTS_END] === 'true') {
        // The initial events are complete: they are the state at this resourceVersion.
        context.initial = false;
        this.store.replace(context.buffer.values(), resourceVersion);
        context.buffer.clear();
        this.capabilities.setWatchList(this.cluster, true);
        this.synchronized('streaming-list');
        this.progressed(context);
      }
      // Other bookmarks during the initial events carry nothing the end marker will not.
      return;
    }

    this.current.events++;
    const name = object.metadata?.name;
    if (typeof name !== 'string') {
      throw new StreamError('malformed', `a ${type} event without a name: ${snippet(line, 80)}`);
    }
    const key = objectKey(object.metadata.namespace, name);
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
    const eventType = type as 'ADDED' | 'MODIFIED' | 'DELETED';
    // Check before projecting: duplicates and replays are dropped without that cost.
    const verdict = this.store.check(eventType, key, resourceVersion);
    if (verdict === 'applied') this.store.apply({ type: eventType, ...this.entry(object) });
    else if (verdict === 'absent') this.store.bookmark(resourceVersion);
    if (verdict !== 'applied') this.current.ignored++;
  }

  private progressed(context: WatchContext<T>): void {
    if (context.progressed) return;
    context.progressed = true;
    this.expiredInARow = 0;
    this.tooLargeInARow = 0;
  }
}
