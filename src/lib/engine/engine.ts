/**
 * The engine: finds the clusters to show, keeps one Informer per stream (shared by every view of
 * every tab, through the InformerRegistry), and serves Views: live queries whose window diffs are
 * posted, coalesced, to the page. Plain TypeScript with no Svelte: it runs in the engine's
 * SharedWorker (or dedicated Worker), and in Node for tests and benchmarks.
 */
import type { CacheStats, SnapshotCache } from '../cache/snapshot-cache';
import type { KubeObject } from '../kube/types';
import { ViewScheduler } from '../view/scheduler';
import type { ViewFilter, ViewSort, ViewWindow, WindowDiff } from '../view/types';
import { View } from '../view/view';
import type { OriginBudget } from './budget';
import type { Clock } from '../watch/backoff';
import { ServerCapabilities, type ReflectorOptions } from '../watch/reflector';
import type { Row } from '../watch/row';
import { httpTransport, simTransport, type Transport } from '../watch/transport';
import {
  WebSocketUnavailableError,
  webSocketWatchTransport,
  type WebSocketFactory
} from '../watch/websocket';
import type { Informer, InformerTelemetry, ResourceRef } from './informer';
import { ObjectWatch, type ObjectRef, type ObjectUpdate } from './object-watch';
import { InformerRegistry, type ClusterConnection } from './registry';

/** A simulated cluster as demo mode gets it (the shape `createDemoClusters` returns). */
export interface DemoCluster {
  name: string;
  handler: (request: Request) => Promise<Response>;
  stop(): void;
}

export interface EngineOptions {
  /** Builds the simulated clusters of demo mode; called only when no real API answers. */
  demoClusters: () => DemoCluster[];
  cache?: SnapshotCache;
  /** Opens WebSockets for watches (the browser's WebSocket); without it watches use chunked HTTP. */
  webSocket?: WebSocketFactory;
  clock?: Clock;
  /** How long an informer nobody uses keeps watching. Default 30 s. */
  lingerMs?: number;
  /** All tabs hidden this long closes every watch (rows and resourceVersions stay). Default 5 min. */
  hiddenCloseMs?: number;
  /** Extra Reflector options (tests shorten timeouts). */
  reflector?: Partial<ReflectorOptions<Row>>;
  /** How often an informer without a connection slot gets a turn to catch up. Default 3 s. */
  catchUpEveryMs?: number;
  /** Coalescing interval of view diffs. Default 100 ms (adaptive up to 500 ms). */
  viewIntervalMs?: number;
  /** Failures the engine recovers from by itself (the reflectors retry). */
  onError?: (error: unknown) => void;
}

export interface StartOptions {
  /**
   * Where a real Kubernetes API would be, e.g. `http://127.0.0.1:8001/k8s/` when the app is served
   * by `kubectl proxy --www=build --www-prefix=/ --api-prefix=/k8s/`. Demo mode when absent or
   * when nothing there answers like a Kubernetes API.
   */
  apiBaseUrl?: string;
}

export interface EngineInfo {
  mode: 'cluster' | 'demo';
  clusters: string[];
}

/** What a page asks for: a resource in some clusters and namespaces, filtered, sorted, windowed. */
export interface ViewSpec {
  resource: ResourceRef;
  /** Clusters to show; default all. */
  clusters?: string[];
  /** Namespaces to show; default all. One namespace uses a namespaced watch unless an all-namespaces one runs. */
  namespaces?: string[];
  labelSelector?: string;
  filter?: ViewFilter;
  sort?: ViewSort;
  window?: ViewWindow;
  /** On screen (wins connection slots); default true. */
  visible?: boolean;
}

export interface ViewUpdate {
  filter?: ViewFilter;
  sort?: ViewSort;
  window?: ViewWindow;
  visible?: boolean;
}

/** Everything the diagnostics page shows. Plain data. */
export interface EngineTelemetry {
  at: number;
  mode: EngineInfo['mode'] | 'starting';
  streams: (InformerTelemetry & { eventsPerSecond: number })[];
  budget: OriginBudget[];
  cache: CacheStats | undefined;
  views: number;
  suspended: boolean;
}

/** The name rows carry for the one cluster behind `kubectl proxy` (the proxy does not tell its context). */
export const PROXY_CLUSTER_NAME = 'cluster';

const PROBE_TIMEOUT_MS = 3000;

/** Whether `transport` reaches a Kubernetes API: `GET /api` answers an APIVersions object. */
export async function isKubernetesApi(transport: Transport): Promise<boolean> {
  try {
    const response = await transport.fetch('/api', {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS)
    });
    if (!response.ok) return false;
    const body = (await response.json()) as Partial<KubeObject>;
    return body.kind === 'APIVersions';
  } catch {
    return false;
  }
}

interface OpenView {
  id: number;
  owner: string;
  view: View;
  scheduler: ViewScheduler;
  informers: { informer: Informer; unsubscribe: () => void }[];
  visible: boolean;
}

export class Engine {
  private registry: InformerRegistry | undefined;
  private demo: DemoCluster[] = [];
  private clusters = new Map<string, ClusterConnection>();
  private info: EngineInfo | undefined;
  private started: Promise<EngineInfo> | undefined;
  private views = new Map<number, OpenView>();
  private objects = new Map<number, { owner: string; watch: ObjectWatch }>();
  private nextView = 1;
  private capabilities = new ServerCapabilities();
  private visibleOwners = new Set<string>();
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  private lastEvents = new Map<string, { at: number; events: number }>();

  constructor(private readonly options: EngineOptions) {}

  /** Connects once; later calls (other tabs) get the same answer. */
  start(options: StartOptions = {}): Promise<EngineInfo> {
    this.started ??= this.connect(options).then((info) => (this.info = info));
    return this.started;
  }

  /**
   * Open a live query. `post` receives window diffs: a reset first, then coalesced patches.
   * `owner` names the tab (its views close with it).
   */
  async openView(spec: ViewSpec, post: (diff: WindowDiff) => void, owner = 'local'): Promise<number> {
    const info = await this.start();
    const registry = this.registry!;
    const visible = spec.visible ?? true;
    const view = new View({
      filter: { ...spec.filter, namespaces: spec.namespaces ?? spec.filter?.namespaces },
      sort: spec.sort,
      window: spec.window
    });
    const scheduler = new ViewScheduler(view, post, { intervalMs: this.options.viewIntervalMs });
    const id = this.nextView++;
    const clusters = spec.clusters?.length
      ? spec.clusters.filter((c) => this.clusters.has(c))
      : info.clusters;
    const namespace =
      spec.resource.namespaced && spec.namespaces?.length === 1 ? spec.namespaces[0] : undefined;
    const informers = clusters.map((cluster) => {
      const informer = registry.acquire(
        { cluster, resource: spec.resource, namespace, labelSelector: spec.labelSelector },
        visible
      );
      const source = informer.key;
      const unsubscribe = informer.subscribe((change) => {
        if (change.type === 'reset') view.replaceSource(source, change.rows);
        else if (change.type === 'upsert') view.upsert(change.row, source);
        else view.remove(change.key);
      });
      return { informer, unsubscribe };
    });
    this.views.set(id, { id, owner, view, scheduler, informers, visible });
    scheduler.flushNow();
    return id;
  }

  updateView(id: number, update: ViewUpdate): void {
    const v = this.views.get(id);
    if (!v) return;
    if (update.filter)
      v.view.setFilter({
        ...update.filter,
        namespaces: update.filter.namespaces ?? v.view.filter.namespaces
      });
    if (update.sort) v.view.setSort(update.sort);
    if (update.window) v.view.setWindow(update.window);
    if (update.visible !== undefined && update.visible !== v.visible) {
      v.visible = update.visible;
      for (const { informer } of v.informers) this.registry?.setVisible(informer, update.visible);
    }
  }

  /** The page lost track of the diffs (a gap in `seq`): send the whole window again. */
  resetView(id: number): void {
    const v = this.views.get(id);
    if (!v) return;
    v.view.reset();
    v.scheduler.flushNow();
  }

  closeView(id: number): void {
    const v = this.views.get(id);
    if (!v) return;
    this.views.delete(id);
    v.scheduler.dispose();
    for (const { informer, unsubscribe } of v.informers) {
      unsubscribe();
      this.registry?.release(informer, v.visible);
    }
  }

  /** One full object, watched by name while a detail view shows it. */
  async openObject(ref: ObjectRef, post: (update: ObjectUpdate) => void, owner = 'local'): Promise<number> {
    await this.start();
    const connection = this.clusters.get(ref.cluster);
    if (!connection) throw new Error(`unknown cluster "${ref.cluster}"`);
    const watch = new ObjectWatch({
      ref,
      connection,
      budget: this.registry!.budget,
      post,
      reflector: this.options.reflector as ObjectWatch['options']['reflector']
    });
    const id = this.nextView++;
    this.objects.set(id, { owner, watch });
    watch.start();
    return id;
  }

  closeObject(id: number): void {
    this.objects.get(id)?.watch.stop();
    this.objects.delete(id);
  }

  /** A tab closed: its views go. */
  closeOwner(owner: string): void {
    for (const v of [...this.views.values()]) if (v.owner === owner) this.closeView(v.id);
    for (const [id, o] of [...this.objects]) if (o.owner === owner) this.closeObject(id);
    this.setOwnerVisible(owner, false);
  }

  /**
   * Tabs tell the engine when they are shown and hidden. With every tab hidden for a while the
   * engine closes its watches; the first tab shown again resumes them from their resourceVersions.
   */
  setOwnerVisible(owner: string, visible: boolean): void {
    if (visible) this.visibleOwners.add(owner);
    else this.visibleOwners.delete(owner);
    if (this.visibleOwners.size > 0) {
      if (this.hiddenTimer) clearTimeout(this.hiddenTimer);
      this.hiddenTimer = undefined;
      this.registry?.resume();
      return;
    }
    void this.options.cache?.flushAll();
    this.hiddenTimer ??= setTimeout(() => this.registry?.suspend(), this.options.hiddenCloseMs ?? 5 * 60_000);
  }

  telemetry(): EngineTelemetry {
    const now = this.options.clock?.now() ?? Date.now();
    const streams = (this.registry?.informers() ?? []).map((i) => {
      const t = i.telemetry();
      const last = this.lastEvents.get(t.key);
      // A resumed stream starts counting from 0 again: then everything it counted is new.
      const delta = last && t.events >= last.events ? t.events - last.events : t.events;
      const eventsPerSecond = last && now > last.at ? (delta * 1000) / (now - last.at) : 0;
      this.lastEvents.set(t.key, { at: now, events: t.events });
      return { ...t, eventsPerSecond };
    });
    return {
      at: now,
      mode: this.info?.mode ?? 'starting',
      streams,
      budget: this.registry?.budget.snapshot() ?? [],
      cache: this.options.cache?.stats(),
      views: this.views.size,
      suspended: this.registry?.suspended ?? false
    };
  }

  /** Retry every parked stream now (forbidden, unauthorized, error, backing off). */
  retryAll(): void {
    for (const i of this.registry?.informers() ?? []) i.retryNow();
  }

  stop(): void {
    for (const id of [...this.views.keys()]) this.closeView(id);
    for (const id of [...this.objects.keys()]) this.closeObject(id);
    this.registry?.dispose();
    for (const cluster of this.demo) cluster.stop();
    this.demo = [];
    if (this.hiddenTimer) clearTimeout(this.hiddenTimer);
  }

  private async connect({ apiBaseUrl }: StartOptions): Promise<EngineInfo> {
    if (apiBaseUrl && (await isKubernetesApi(httpTransport(apiBaseUrl)))) {
      this.clusters.set(PROXY_CLUSTER_NAME, this.httpConnection(apiBaseUrl));
    } else {
      this.demo = this.options.demoClusters();
      for (const d of this.demo) {
        const transport = simTransport(d.handler);
        this.clusters.set(d.name, { origin: undefined, transport: () => transport });
      }
    }
    this.registry = new InformerRegistry({
      connection: (cluster) => this.clusters.get(cluster)!,
      lingerMs: this.options.lingerMs,
      catchUpEveryMs: this.options.catchUpEveryMs,
      informer: {
        cache: this.options.cache,
        clock: this.options.clock,
        reflector: { capabilities: this.capabilities, ...this.options.reflector },
        onError: (e) => this.options.onError?.(e)
      }
    });
    // Without a WebSocket factory every watch is chunked HTTP and counts against the budget.
    for (const c of this.clusters.values()) {
      if (c.origin && !this.options.webSocket) this.registry.budget.setWebSocketSupport(c.origin, 'fails');
    }
    return { mode: this.demo.length ? 'demo' : 'cluster', clusters: [...this.clusters.keys()] };
  }

  private httpConnection(apiBaseUrl: string): ClusterConnection {
    const origin = new URL(apiBaseUrl).origin;
    const http = httpTransport(apiBaseUrl);
    const open = this.options.webSocket;
    if (!open) return { origin, transport: () => http };
    const ws = webSocketWatchTransport(apiBaseUrl, http, open);
    const watchOverWebSocket: Transport = {
      fetch: async (path, init) => {
        try {
          const response = await ws.fetch(path, init);
          if (this.registry?.budget.webSocketSupport(origin) === 'unknown') {
            this.registry.budget.setWebSocketSupport(origin, 'works');
          }
          return response;
        } catch (e) {
          // The proxy in front does not pass upgrades: from now on this origin watches over HTTP.
          if (e instanceof WebSocketUnavailableError) this.registry?.webSocketRefused(origin);
          throw e;
        }
      }
    };
    return { origin, transport: (kind) => (kind === 'websocket' ? watchOverWebSocket : http) };
  }
}
