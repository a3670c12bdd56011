/**
 * The main thread's handle on the engine: connects this tab to the shared engine worker (a
 * SharedWorker, so every tab uses one set of watches; a dedicated Worker where SharedWorker is
 * missing), tells it while the tab is open and whether it is shown, and proxies the engine's
 * protocol (src/lib/engine/protocol.ts) as it is: a new engine call needs nothing here.
 * Subscriptions are opened for this tab and closed by the function `subscribe` returns.
 */
import * as Comlink from 'comlink';
import { loadStartOptions } from '../config/clusters';
import type { EngineInfo, ViewSpec, ViewUpdate } from '../engine/api';
import type { EngineApi, SpecOf, SubscriptionKind, UpdateOf } from '../engine/protocol';
import type { WindowDiff } from '../view/types';
import type { Row } from '../watch/row';

export interface ViewHandle {
  update(update: ViewUpdate): void;
  reset(): void;
  close(): void;
  /** Every row of the view that matches its filter, in its sort order (for a CSV export). */
  exportRows(): Promise<Row[]>;
}

/** Calls the tab makes itself (connecting, pinging) or through `subscribe` and `openView`. */
type Plumbing =
  'start' | 'ping' | 'closeOwner' | 'open' | 'close' | 'updateView' | 'resetView' | 'exportView';

export type EngineClient = Omit<Comlink.Remote<EngineApi>, Plumbing> & {
  /** Resolves once the engine knows which clusters it shows. */
  info: Promise<EngineInfo>;
  /** Starts a live subscription for this tab; returns what closes it. */
  subscribe<K extends SubscriptionKind>(
    kind: K,
    spec: SpecOf<K>,
    post: (update: UpdateOf<K>) => void
  ): () => void;
  /** A live query: `post` receives its window diffs. */
  openView(spec: ViewSpec, post: (diff: WindowDiff) => void): ViewHandle;
};

let client: EngineClient | undefined;

export function engine(): EngineClient {
  client ??= connect();
  return client;
}

function openWorker(): Comlink.Remote<EngineApi> {
  if (typeof SharedWorker !== 'undefined') {
    const shared = new SharedWorker(new URL('../../workers/engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'skiff-engine'
    });
    return Comlink.wrap<EngineApi>(shared.port);
  }
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'skiff-engine'
  });
  return Comlink.wrap<EngineApi>(worker);
}

const PING_MS = 5_000;

/** A call into the worker that failed (a value that cannot be cloned, a closed worker). */
function report(error: unknown) {
  console.error('[skiff] engine call failed', error);
}

/** Calls that may run before the engine has started; every other call waits for `started`. */
const BEFORE_START = new Set<PropertyKey>(['start', 'ping', 'closeOwner']);

/**
 * The worker's API with every call held until `started` settles: the page decides its clusters
 * (config.json, settings, URL) before the engine starts, and a view opened meanwhile must not
 * start the engine with none.
 */
function afterStart(remote: Comlink.Remote<EngineApi>, started: Promise<unknown>): Comlink.Remote<EngineApi> {
  const settled = started.then(
    () => undefined,
    () => undefined
  );
  return new Proxy(remote, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (BEFORE_START.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        settled.then(() => (value as (...a: unknown[]) => Promise<unknown>)(...args));
    }
  });
}

/** Hidden at least this long (the computer may have slept, connections died silently): reconnect on show. */
const WAKE_AFTER_HIDDEN_MS = 30_000;

/** Calls `wake` when the browser is back online, or the page is shown after a long hidden time. */
function watchForWake(wake: () => void): void {
  let hiddenAt = document.visibilityState === 'hidden' ? Date.now() : undefined;
  addEventListener('online', wake);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') hiddenAt ??= Date.now();
    else if (hiddenAt !== undefined) {
      if (Date.now() - hiddenAt >= WAKE_AFTER_HIDDEN_MS) wake();
      hiddenAt = undefined;
    }
  });
}

function connect(): EngineClient {
  const worker = openWorker();
  const owner = `tab-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const ping = () => void worker.ping(owner, document.visibilityState === 'visible');
  ping();
  setInterval(ping, PING_MS);
  document.addEventListener('visibilitychange', ping);
  watchForWake(() => void remote.reconnectAll().catch(report));
  addEventListener('pagehide', () => void worker.closeOwner(owner));
  // config.json, the settings or the URL name the clusters; without them, served by
  // `kubectl proxy --www=build --www-prefix=/ --api-prefix=/k8s/` the API sits next to the page.
  const info = loadStartOptions().then((options) => worker.start(options));
  const remote = afterStart(worker, info);
  const open = <K extends SubscriptionKind>(kind: K, spec: SpecOf<K>, post: (update: UpdateOf<K>) => void) =>
    // comlink's typing of a generic method across the worker loses K; the call is as declared.
    (remote.open as unknown as EngineApi['open'])(kind, spec, Comlink.proxy(post), owner);
  const extra: Pick<EngineClient, 'info' | 'subscribe' | 'openView'> = {
    info,
    subscribe(kind, spec, post) {
      const id = open(kind, spec, post);
      return () => void id.then((i) => remote.close(i)).catch(report);
    },
    openView(spec, post) {
      const id = open('view', spec, post);
      return {
        update: (update) => void id.then((v) => remote.updateView(v, update)).catch(report),
        reset: () => void id.then((v) => remote.resetView(v)).catch(report),
        close: () => void id.then((v) => remote.close(v)).catch(report),
        exportRows: () => id.then((v) => remote.exportView(v))
      };
    }
  };
  // Everything else is the engine's protocol as it is, held until the engine has started.
  return new Proxy(remote as unknown as EngineClient, {
    get: (target, prop) =>
      Object.hasOwn(extra, prop) ? extra[prop as keyof typeof extra] : Reflect.get(target, prop)
  });
}
