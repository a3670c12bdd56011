/**
 * The clusters the engine shows, from their configuration: a connection per cluster (the
 * in-browser simulator for demo entries, HTTP/WebSocket to `url` otherwise), a colour each, and
 * the origin whose connection budget a cluster shares with every other cluster behind it.
 */
import { simTransport } from '../watch/transport';
import type { WebSocketFactory } from '../watch/websocket';
import type { ClusterConfig, ClusterInfo, DemoCluster } from './api';
import { httpConnection } from './cluster-connection';
import type { ClusterConnection, InformerRegistry } from './registry';

/** Distinct in light and dark themes, and for the common colour-vision deficiencies in order. */
export const CLUSTER_PALETTE = ['#1f77b4', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a', '#0c8599', '#a87b00'];

const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,99}$/;

/** Why a cluster configuration cannot be used, or undefined when it can. */
export function configProblem(config: ClusterConfig): string | undefined {
  if (!NAME.test(config.name ?? ''))
    return `cluster name "${config.name}" must start with a letter or digit and use letters, digits, - _ . : @`;
  if (config.demo) return undefined;
  if (!config.url) return `cluster "${config.name}" needs a url (or "demo": true)`;
  return undefined;
}

/** A base URL that ends in `/` (so `api` resolves below it), absolute against `base`. */
export function absoluteApiUrl(url: string, base: string | undefined): string {
  const resolved = new URL(url, base);
  if (!resolved.pathname.endsWith('/')) resolved.pathname += '/';
  return resolved.href;
}

export interface RunningCluster {
  info: ClusterInfo;
  connection: ClusterConnection;
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
      connection: { origin: undefined, transport: () => transport },
      demo
    };
  }
  const url = absoluteApiUrl(config.url!, factory.base);
  const connection = httpConnection(url, factory.webSocket, factory.registry);
  return { info: { name: config.name, url, demo: false, color, origin: connection.origin }, connection };
}

/** Whether two configurations run the same cluster the same way (a colour change keeps it running). */
export function sameCluster(a: ClusterConfig, b: ClusterConfig): boolean {
  return a.name === b.name && !!a.demo === !!b.demo && (a.demo || a.url === b.url);
}
