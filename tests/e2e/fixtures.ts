/**
 * The README's real-cluster setup, for real: `kubectl proxy --www=build --www-prefix=/ --api-prefix=/k8s/`
 * serves the build and forwards /k8s/ to an API server, here the simulator over HTTP standing in for
 * a kube-apiserver. Each test gets its own simulated cluster and proxy (and Playwright gives it a
 * fresh browser context, so a fresh IndexedDB).
 *
 * The server logs every request it answers (WebSocket watches included) and can hold requests at a
 * gate, so tests can see what the engine asks for and what it shows before the network answers.
 */
import { test as base } from '@playwright/test';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { serveHandler, type RunningServer } from '../../scripts/sim/node-server';
import { SimWorld, type SimWorldOptions } from '../../src/lib/sim/world';
import type { KubeObject } from '../../src/lib/kube/types';
import { startKubectlProxy, writeKubeconfig } from '../support/kubectl';

const BUILD = join(import.meta.dirname, '../../build');

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Arrived as a WebSocket upgrade (a watch over WebSocket). */
  webSocket: boolean;
  /** Index in the log: later requests have larger ones. */
  seq: number;
}

export interface ProxiedCluster {
  world: SimWorld;
  /** kubectl proxy's URL: the app is at `${url}/`, the API at `${url}/k8s/`. */
  url: string;
  kubeconfig: { path: string; cacheDir: string };
  /** Every request the API server received, in arrival order. */
  requests: LoggedRequest[];
  /**
   * Hold every request matching `match` before the simulator answers it (a WebSocket watch is
   * upgraded, then sends nothing) until the returned function is called.
   */
  hold(match: (request: LoggedRequest) => boolean): () => void;
  pods(): KubeObject[];
}

/** Requests for the all-namespaces pod collection. */
export const isPods = (r: LoggedRequest) => r.method === 'GET' && r.path === '/api/v1/pods';
export const isWatch = (r: LoggedRequest) => /^(1|true)$/.test(r.query.get('watch') ?? '');
export const podWatches = (requests: LoggedRequest[]) => requests.filter((r) => isPods(r) && isWatch(r));
export const podLists = (requests: LoggedRequest[]) => requests.filter((r) => isPods(r) && !isWatch(r));

export function describeRequests(requests: LoggedRequest[]): string {
  return requests
    .map((r) => `${r.seq} ${r.webSocket ? 'WS ' : ''}${r.method} ${r.path}?${r.query.toString()}`)
    .join('\n');
}

export const test = base.extend<{ sim: SimWorldOptions; cluster: ProxiedCluster }>({
  sim: [{ name: 'proxied', seed: 5, pods: 30, churn: 0 }, { option: true }],

  cluster: async ({ sim }, use) => {
    const world = new SimWorld(sim).start();
    const requests: LoggedRequest[] = [];
    const gates = new Set<{
      match: (r: LoggedRequest) => boolean;
      open: Promise<void>;
      release: () => void;
    }>();
    let api: RunningServer | undefined;
    let proxy: Awaited<ReturnType<typeof startKubectlProxy>> | undefined;
    const kubeconfig = { path: '', cacheDir: '' };
    try {
      api = await serveHandler(async (request) => {
        const url = new URL(request.url);
        const logged: LoggedRequest = {
          method: request.method,
          path: url.pathname,
          query: url.searchParams,
          webSocket: request.headers.get('upgrade')?.toLowerCase() === 'websocket',
          seq: requests.length
        };
        requests.push(logged);
        for (const gate of [...gates]) if (gate.match(logged)) await gate.open;
        return world.handler(request);
      });
      Object.assign(kubeconfig, writeKubeconfig(api.url));
      proxy = await startKubectlProxy(kubeconfig, [`--www=${BUILD}`, '--www-prefix=/', '--api-prefix=/k8s/']);
      const podType = world.cluster.type('v1', 'Pod');
      await use({
        world,
        url: proxy.url,
        kubeconfig,
        requests,
        hold(match) {
          let release!: () => void;
          const open = new Promise<void>((resolve) => (release = resolve));
          const gate = { match, open, release };
          gates.add(gate);
          return () => {
            gates.delete(gate);
            release();
          };
        },
        pods: () => world.cluster.objects(podType)
      });
    } finally {
      for (const gate of gates) gate.release();
      proxy?.stop();
      await api?.close();
      world.stop();
      if (kubeconfig.path) await rm(dirname(kubeconfig.path), { recursive: true, force: true });
    }
  }
});

export { expect } from '@playwright/test';
