/**
 * A Reflector keeps a store in sync with one Kubernetes collection by list + watch, as client-go's
 * `tools/cache` Reflector does: list (paged) to get the state and its resourceVersion, watch from
 * that resourceVersion, resume from the newest one seen when a watch ends, relist when the server
 * says the resourceVersion has expired (410), and back off on any other failure.
 */
import type { KubeObject, Status, WatchEventType } from '../sim/types';
import { readLines } from './lines';
import type { Transport } from './transport';

/** Where a Reflector puts what it learns. */
export interface ReflectorStore {
  /** The whole collection after a (re)list: anything not in `objects` is gone. */
  replace(objects: KubeObject[], resourceVersion: string): void;
  upsert(object: KubeObject): void;
  remove(object: KubeObject): void;
}

export interface ReflectorOptions {
  transport: Transport;
  /** Collection path, e.g. `/api/v1/pods` or `/apis/apps/v1/namespaces/prod/deployments`. */
  path: string;
  store: ReflectorStore;
  /** Items per list page. Default 500. */
  pageSize?: number;
  /** Each watch asks the server to end it after a random time in [min, 2 × min] s. Default 300. */
  minWatchTimeoutSeconds?: number;
  /** First retry delay after a failure; doubles up to `maxBackoffMs`. Default 800. */
  initialBackoffMs?: number;
  /** Default 30 000. */
  maxBackoffMs?: number;
  /** A watch that ends cleanly sooner than this without any event counts as a failure. Default 1000. */
  minWatchDurationMs?: number;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Failures the reflector recovers from by itself (it retries); for logs and diagnostics. */
  onError?: (error: unknown) => void;
}

/** A failed request or a watch ERROR event, carrying the API's metav1.Status. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string
  ) {
    super(message);
  }

  static fromStatus(status: Partial<Status> | undefined, fallbackCode: number): StatusError {
    return new StatusError(
      status?.code ?? fallbackCode,
      status?.reason ?? 'Unknown',
      status?.message ?? `HTTP ${fallbackCode}`
    );
  }
}

interface ListBody {
  items: KubeObject[];
  metadata: { resourceVersion: string; continue?: string };
}

interface WatchLine {
  type: WatchEventType;
  object: KubeObject;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

export class Reflector {
  private readonly options: Required<ReflectorOptions>;
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  /** The resourceVersion the store is known to be in sync with; undefined until the first list. */
  lastSyncResourceVersion: string | undefined;

  constructor(options: ReflectorOptions) {
    this.options = {
      pageSize: 500,
      minWatchTimeoutSeconds: 300,
      initialBackoffMs: 800,
      maxBackoffMs: 30_000,
      minWatchDurationMs: 1000,
      random: Math.random,
      now: Date.now,
      sleep: abortableSleep,
      onError: () => {},
      // An option given as undefined keeps its default.
      ...(Object.fromEntries(
        Object.entries(options).filter(([, value]) => value !== undefined)
      ) as ReflectorOptions)
    };
  }

  /** Starts syncing (once); the promise settles after `stop()`. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  stop(): void {
    this.controller.abort();
  }

  private async loop(): Promise<void> {
    const { signal } = this.controller;
    const { initialBackoffMs, maxBackoffMs } = this.options;
    let backoffMs = initialBackoffMs;
    let expiredInARow = 0;
    while (!signal.aborted) {
      try {
        if (this.lastSyncResourceVersion === undefined) {
          this.lastSyncResourceVersion = await this.list(signal);
          backoffMs = initialBackoffMs;
        }
        const progressed = await this.watch(signal);
        if (progressed) {
          backoffMs = initialBackoffMs;
          expiredInARow = 0;
          continue;
        }
        if (signal.aborted) break;
        this.options.onError(new Error(`watch of ${this.options.path} ended at once without events`));
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof StatusError && error.code === 410) {
          // The resourceVersion (or a list's continue token) is too old: the only way on is a relist.
          this.lastSyncResourceVersion = undefined;
          expiredInARow++;
          if (expiredInARow === 1) continue;
        }
        this.options.onError(error);
      }
      // Jitter spreads the retries of many reflectors that failed together.
      await this.options.sleep(backoffMs * (0.5 + this.options.random() / 2), signal);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  }

  private async request(path: string, signal: AbortSignal): Promise<Response> {
    const response = await this.options.transport.fetch(path, {
      signal,
      headers: { accept: 'application/json' }
    });
    if (!response.ok) {
      const status = (await response.json().catch(() => undefined)) as Partial<Status> | undefined;
      throw StatusError.fromStatus(status, response.status);
    }
    return response;
  }

  /** Lists every page; returns the list's resourceVersion. */
  private async list(signal: AbortSignal): Promise<string> {
    const objects: KubeObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string;
    do {
      const query = new URLSearchParams({ limit: String(this.options.pageSize) });
      if (continueToken) query.set('continue', continueToken);
      const page = (await (await this.request(`${this.options.path}?${query}`, signal)).json()) as ListBody;
      for (const item of page.items) objects.push(item);
      resourceVersion = page.metadata.resourceVersion;
      continueToken = page.metadata.continue || undefined;
    } while (continueToken);
    if (signal.aborted) return resourceVersion;
    this.options.store.replace(objects, resourceVersion);
    return resourceVersion;
  }

  /**
   * Watches from `lastSyncResourceVersion` until the stream ends, keeping it up to date.
   * Returns whether the watch made progress (delivered events or lasted a normal time).
   */
  private async watch(signal: AbortSignal): Promise<boolean> {
    const { minWatchTimeoutSeconds, random, now, store } = this.options;
    const timeoutSeconds = Math.floor(minWatchTimeoutSeconds * (1 + random()));
    const query = new URLSearchParams({
      watch: '1',
      resourceVersion: this.lastSyncResourceVersion ?? '',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(timeoutSeconds)
    });
    const startedAt = now();
    const response = await this.request(`${this.options.path}?${query}`, signal);
    if (!response.body) throw new Error(`watch of ${this.options.path} returned no body`);
    let events = 0;
    for await (const line of readLines(response.body, signal)) {
      const event = JSON.parse(line) as WatchLine;
      switch (event.type) {
        case 'ADDED':
        case 'MODIFIED':
          store.upsert(event.object);
          break;
        case 'DELETED':
          store.remove(event.object);
          break;
        case 'BOOKMARK':
          break;
        case 'ERROR':
          throw StatusError.fromStatus(event.object as unknown as Status, 500);
      }
      events++;
      this.lastSyncResourceVersion = event.object.metadata.resourceVersion;
    }
    return events > 0 || now() - startedAt >= this.options.minWatchDurationMs;
  }
}
