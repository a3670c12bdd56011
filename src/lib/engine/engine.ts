/**
 * The engine: finds the clusters to show, runs a Reflector per cluster and collection, and feeds
 * rows to subscribers. Plain TypeScript with no Svelte: it runs in the engine worker and in Node
 * tests alike. The worker file only exposes it over comlink.
 */
import type { KubeObject } from '../sim/types';
import { podRow, type PodRow } from '../watch/pods';
import { Reflector } from '../watch/reflector';
import { RowFeed, type RowsListener } from '../watch/rows';
import { httpTransport, simTransport, type Transport } from '../watch/transport';

/** A simulated cluster as demo mode gets it (the shape `createDemoClusters` returns). */
export interface DemoCluster {
  name: string;
  handler: (request: Request) => Promise<Response>;
  stop(): void;
}

export interface EngineOptions {
  /** Builds the simulated clusters of demo mode; called only when no real API answers. */
  demoClusters: () => DemoCluster[];
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

export class Engine {
  private readonly pods = new RowFeed<PodRow>();
  private readonly reflectors: Reflector<PodRow>[] = [];
  private demo: DemoCluster[] = [];
  private started: Promise<EngineInfo> | undefined;

  constructor(private readonly options: EngineOptions) {}

  /** Connects once; later calls return the same answer. */
  start(options: StartOptions = {}): Promise<EngineInfo> {
    this.started ??= this.connect(options);
    return this.started;
  }

  /**
   * Pod rows, all or of one namespace: the current rows at once, then coalesced diffs.
   * Returns the unsubscribe function.
   */
  subscribePods(listener: RowsListener<PodRow>, namespace?: string): () => void {
    // Keys are `<cluster>/<namespace>/<name>`, and a pod never changes namespace.
    const inNamespace =
      namespace === undefined ? undefined : (key: string) => key.split('/')[1] === namespace;
    return this.pods.subscribe(listener, inNamespace);
  }

  stop(): void {
    for (const reflector of this.reflectors) reflector.stop();
    for (const cluster of this.demo) cluster.stop();
    this.reflectors.length = 0;
    this.demo = [];
  }

  private async connect({ apiBaseUrl }: StartOptions): Promise<EngineInfo> {
    if (apiBaseUrl) {
      const transport = httpTransport(apiBaseUrl);
      if (await isKubernetesApi(transport)) {
        this.watchPods(PROXY_CLUSTER_NAME, transport);
        return { mode: 'cluster', clusters: [PROXY_CLUSTER_NAME] };
      }
    }
    this.demo = this.options.demoClusters();
    for (const cluster of this.demo) this.watchPods(cluster.name, simTransport(cluster.handler));
    return { mode: 'demo', clusters: this.demo.map((cluster) => cluster.name) };
  }

  private watchPods(cluster: string, transport: Transport): void {
    const reflector = new Reflector<PodRow>({
      transport,
      cluster,
      path: '/api/v1/pods',
      transform: (pod) => podRow(cluster, pod),
      onChange: (change) =>
        change.type === 'upsert' ? this.pods.upsert(change.item) : this.pods.delete(change.item.key),
      onError: this.options.onError
    });
    this.reflectors.push(reflector);
    void reflector.run();
  }
}
