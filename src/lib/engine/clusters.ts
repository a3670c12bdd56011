/**
 * The clusters the engine shows, from their configuration: a connection per cluster (the
 * in-browser simulator for demo entries, HTTP/WebSocket to `url` otherwise), a colour each, and
 * the origin whose connection budget a cluster shares with every other cluster behind it.
 */
import { simTransport } from '../watch/transport';
import type { WebSocketFactory } from '../watch/websocket';
import type { ClusterConfig, ClusterInfo, DemoCluster } from './api';
import { httpConnection } from './cluster-connection';
import type { InformerRegistry } from './registry';
import type { ClusterConnection } from '../watch/budget';

/** Distinct in light and dark themes, and for the common colour-vision deficiencies in order. */
export const CLUSTER_PALETTE = ['#1f77b4', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a', '#0c8599', '#a87b00'];

const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,99}$/;

/** Why a cluster configuration cannot be used, or undefined when it can. */
export function configProblem(config: ClusterConfig): string | undefined {
  if (!NAME.test(config.name ?? ''))
    return `cluster name "${config.name}" must start with a letter or digit and use letters, digits, - _ . : @`;
  if (config.demo) return undefined;
  if (!config.url) return `cluster "${config.name}" needs a url (or "demo": true)`;
  return urlProblem(config.name, config.url);
}

/** Schemes a cluster URL may have: Skiff only ever fetches from (or opens WebSockets to) an HTTP server. */
const SCHEMES = new Set(['http:', 'https:']);

/**
 * Why a cluster URL cannot be used: it does not parse, or it is not http(s) once resolved against
 * the page (`javascript:`, `data:`, `file:`, `blob:`, `ftp:`…). A relative URL takes the page's
 * scheme (http or https: Skiff is served over HTTP), so it is checked against a placeholder http
 * base; the engine checks again what it is given, resolved. The URL parser's own reading decides
 * (it drops tabs and newlines, so `java\tscript:` is `javascript:`), not a pattern of ours.
 */
function urlProblem(name: string, url: string): string | undefined {
  let resolved: URL;
  try {
    resolved = new URL(url, 'http://relative.invalid/');
  } catch {
    return `cluster "${name}": "${url}" is not a URL`;
  }
  if (!SCHEMES.has(resolved.protocol))
    return `cluster "${name}": only http: and https: URLs are allowed, not "${resolved.protocol}"`;
  return undefined;
}

/**
 * What the caches know a cluster by: its absolute API URL (or `demo:NAME` for a simulated one),
 * never its name alone, so rows cached for "prod" at one URL are never painted for "prod" at another.
 */
export function clusterIdentity(config: ClusterConfig, base: string | undefined): string {
  return config.demo ? `demo:${config.name}` : absoluteApiUrl(config.url ?? '', base);
}

/** A base URL that ends in `/` (so `api` resolves below it), absolute against `base`. */
export function absoluteApiUrl(url: string, base: string | undefined): string {
  const resolved = new URL(url, base);
  if (!resolved.pathname.endsWith('/')) resolved.pathname += '/';
  return resolved.href;
}

/** A running cluster's connection, with the identity its cached snapshots are stored under. */
export interface IdentifiedConnection extends ClusterConnection {
  /** See clusterIdentity. */
  identity: string;
}

export interface RunningCluster {
  info: ClusterInfo;
  connection: IdentifiedConnection;
  demo?: DemoCluster;
}

export interface ClusterFactory {
  /** A simulated cluster of that name (demo presets by name). */
  demo: (name: string) => DemoCluster;
  webSocket: WebSocketFactory | undefined;
  registry: () => InformerRegistry | undefined;
  /** What relative URLs are relative to (the page); undefined in Node, where URLs are absolute. */
  base: string | undefined;
}

/** Starts what a configuration needs; the colour is the configured one or the next palette colour. */
export function runCluster(config: ClusterConfig, index: number, factory: ClusterFactory): RunningCluster {
  const color = config.color || CLUSTER_PALETTE[index % CLUSTER_PALETTE.length];
  if (config.demo) {
    const demo = factory.demo(config.name);
    const transport = simTransport(demo.handler);
    return {
      info: { name: config.name, url: undefined, demo: true, color, origin: undefined },
      connection: {
        origin: undefined,
        transport: () => transport,
        identity: clusterIdentity(config, undefined)
      },
      demo
    };
  }
  const url = absoluteApiUrl(config.url!, factory.base);
  const connection = { ...httpConnection(url, factory.webSocket, factory.registry), identity: url };
  return { info: { name: config.name, url, demo: false, color, origin: connection.origin }, connection };
}

/**
 * Whether two configurations run the same cluster the same way (a colour change keeps it running;
 * `clusters/prod` and `clusters/prod/` are one URL).
 */
export function sameCluster(a: ClusterConfig, b: ClusterConfig, base?: string): boolean {
  if (a.name !== b.name || !!a.demo !== !!b.demo) return false;
  if (a.demo) return true;
  const url = (c: ClusterConfig) => {
    try {
      return absoluteApiUrl(c.url ?? '', base);
    } catch {
      return c.url;
    }
  };
  return url(a) === url(b);
}

export interface ClusterSetOptions {
  factory: Omit<ClusterFactory, 'demo'>;
  /** The default demo clusters (built once when their names are needed). */
  demoClusters: () => DemoCluster[];
  /** One simulated cluster for a configured `demo: true` entry. */
  demoCluster?: (name: string) => DemoCluster;
  /** The default demo names, known without building the clusters. */
  demoNames?: string[];
  /** A cluster started: the engine sets up its health probe and budget. */
  onAdded: (name: string, connection: ClusterConnection) => void;
  /** A cluster left: the engine stops its streams, probes and polls. */
  onRemoved: (name: string) => void;
}

/**
 * The running clusters, by name, as the last configuration asked: `apply` starts new ones, stops
 * those that left, and keeps the rest (their connections, streams and rows) untouched.
 */
export class ClusterSet {
  private running = new Map<string, RunningCluster>();
  private configs: ClusterConfig[] = [];
  /** Default demo clusters built for their names but not running yet. */
  private demoPool: DemoCluster[] = [];

  constructor(private readonly options: ClusterSetOptions) {}

  get(name: string): IdentifiedConnection | undefined {
    return this.running.get(name)?.connection;
  }

  /** What the caches know a running cluster by (see clusterIdentity). */
  identity(name: string): string | undefined {
    return this.running.get(name)?.connection.identity;
  }

  has(name: string): boolean {
    return this.running.has(name);
  }

  keys(): IterableIterator<string> {
    return this.running.keys();
  }

  /** Demo mode without configuration: the default demo clusters' names. */
  defaultDemoNames(): string[] {
    if (this.options.demoNames) return this.options.demoNames;
    this.demoPool = [...this.options.demoClusters()];
    return this.demoPool.map((d) => d.name);
  }

  /** Runs exactly `configs` from now on; returns them as running and the names that left. */
  apply(configs: ClusterConfig[]): { details: ClusterInfo[]; gone: string[] } {
    const before = new Map(this.configs.map((c) => [c.name, c]));
    const kept = new Set(
      configs
        .filter((c) => before.has(c.name) && sameCluster(before.get(c.name)!, c, this.options.factory.base))
        .map((c) => c.name)
    );
    const gone = [...before.keys()].filter((name) => !kept.has(name));
    for (const name of gone) {
      this.options.onRemoved(name);
      this.running.get(name)?.demo?.stop();
      this.running.delete(name);
    }
    const details = configs.map((config, index) => {
      let cluster = this.running.get(config.name);
      if (!cluster) {
        cluster = runCluster(config, index, { ...this.options.factory, demo: (n) => this.demo(n) });
        this.running.set(config.name, cluster);
        this.options.onAdded(config.name, cluster.connection);
      }
      cluster.info = { ...cluster.info, color: config.color || cluster.info.color };
      return cluster.info;
    });
    this.configs = configs;
    return { details, gone };
  }

  private demo(name: string): DemoCluster {
    const pooled = this.demoPool.findIndex((d) => d.name === name);
    if (pooled >= 0) return this.demoPool.splice(pooled, 1)[0];
    if (this.options.demoCluster) return this.options.demoCluster(name);
    const all = this.options.demoClusters();
    const match = all.find((d) => d.name === name) ?? all[0];
    for (const d of all) if (d !== match) d.stop();
    return { ...match, name };
  }

  dispose(): void {
    for (const c of this.running.values()) c.demo?.stop();
    for (const d of this.demoPool) d.stop();
    this.running.clear();
    this.demoPool = [];
  }
}
