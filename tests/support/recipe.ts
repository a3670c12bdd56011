/**
 * The hosting recipes in deploy/ for real: a web server (nginx, Caddy) started from the recipe as
 * written, with only its ports and web root replaced, in front of two kubectl proxies, each in
 * front of a simulated cluster, the way the recipe's comments tell a user to run them. The same
 * checks for every recipe: static files and config.json, then per cluster discovery, lists, a watch
 * event passed on while the watch is open, and a WebSocket watch.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lib/kube/types';
import { startKubectlProxy, startSimServer, writeKubeconfig, type SimServer } from './kubectl';
import { watchEventWhileOpen, webSocketWatchEvent } from './watch-through';

export const DEPLOY = join(import.meta.dirname, '../../deploy');

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Replaces `from` by `to` in a recipe that must contain it exactly once (so the test follows the recipe). */
export function substitute(recipe: string, text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`${recipe} should contain "${from}" once`);
  return parts.join(to);
}

/**
 * A stand-in for the built site in `www` (the real build may not exist yet when vitest runs): a page
 * containing `skiff-index` and a hashed asset, `_app/immutable/start.abc123.js`.
 */
export async function writeSite(www: string): Promise<string> {
  await mkdir(join(www, '_app/immutable'), { recursive: true });
  await writeFile(join(www, 'index.html'), '<!doctype html><title>Skiff</title><p>skiff-index</p>');
  await writeFile(join(www, '_app/immutable/start.abc123.js'), 'export const skiff = 1;\n');
  return www;
}

/** What a recipe's server gets to run on. */
export interface RecipeEnv {
  /** A directory of its own for configuration and temporary files. */
  dir: string;
  /** The web root: a small built site and the recipe's config.json. */
  www: string;
  port: number;
  /** Where the recipe's clusters' kubectl proxies really listen (`http://127.0.0.1:PORT`), by name. */
  proxies: Record<string, string>;
}

/** Starts a long-running server process, resolving once `url` answers; rejects with its output if it exits. */
export async function startServerProcess(
  command: string,
  args: string[],
  url: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<{ stop(): void }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${command} exited ${code}:\n${output}`)))
  );
  const up = (async () => {
    for (;;) {
      if (
        await fetch(url).then(
          (r) => r.ok,
          () => false
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await Promise.race([up, exited]);
  return { stop: () => child.kill('SIGTERM') };
}

interface Cluster {
  name: string;
  sim: SimServer;
  proxy: { url: string; stop(): void };
}

const names = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();

/**
 * The checks for one recipe. `start` runs the web server for `env` and returns a way to stop it.
 * The recipe's clusters are those of deploy/nginx/config.json (prod and staging).
 */
export function recipeSuite(start: (env: RecipeEnv) => Promise<{ stop(): void }>): void {
  let dir = '';
  let base = '';
  let server: { stop(): void } | undefined;
  const clusters: Cluster[] = [];
  let configExample: { clusters: { name: string; url: string }[] } = { clusters: [] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-recipe-'));
    configExample = JSON.parse(await readFile(join(DEPLOY, 'nginx/config.json'), 'utf8'));
    for (const [i, { name }] of configExample.clusters.entries()) {
      const sim = await startSimServer({ name, seed: i + 1, pods: 20 + i, churn: 0 });
      clusters.push({ name, sim, proxy: await startKubectlProxy(writeKubeconfig(sim.server.url)) });
    }
    const www = await writeSite(join(dir, 'www'));
    await writeFile(join(www, 'config.json'), JSON.stringify(configExample));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await start({
      dir,
      www,
      port,
      proxies: Object.fromEntries(clusters.map((c) => [c.name, c.proxy.url]))
    });
  });

  afterAll(async () => {
    server?.stop();
    for (const c of clusters) {
      c.proxy.stop();
      await c.sim.close();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('static files', () => {
    it('serves the page, hashed assets with a long cache, and config.json', async () => {
      const page = await fetch(`${base}/`);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('skiff-index');

      const asset = await fetch(`${base}/_app/immutable/start.abc123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('javascript');
      expect(asset.headers.get('cache-control')).toContain('immutable');

      const config = await fetch(`${base}/config.json`);
      expect(config.headers.get('content-type')).toContain('application/json');
      expect(await config.json()).toEqual(configExample);
    });

    it('answers 404 for files that do not exist', async () => {
      expect((await fetch(`${base}/nope.js`)).status).toBe(404);
    });
  });

  describe.each(['prod', 'staging'])("the recipe's cluster %s", (clusterName) => {
    const cluster = () => clusters.find((c) => c.name === clusterName)!;
    /** The cluster's base URL as the page resolves it from config.json. */
    const url = () =>
      new URL(configExample.clusters.find((c) => c.name === clusterName)!.url, `${base}/`).href;

    it('answers discovery and /version at the config.json URL', async () => {
      const version = await (await fetch(`${url()}version`)).json();
      expect(version.gitVersion).toMatch(/^v1\./);
      const api = await (await fetch(`${url()}api`)).json();
      expect(api).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
      const groups = await fetch(`${url()}apis`, {
        headers: {
          accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'
        }
      });
      expect(groups.headers.get('content-type')).toContain('as=APIGroupDiscoveryList');
      expect(
        (await groups.json()).items.map((g: { metadata: { name: string } }) => g.metadata.name)
      ).toContain('apps');
    });

    it('serves a page opened under a public host name (kubectl proxy refuses other Host headers)', async () => {
      const path = new URL(`${url()}version`).pathname;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${base}${path}`, { headers: { host: 'skiff.example.com' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    });

    it('lists the pods of this cluster, not the other', async () => {
      const list = await (await fetch(`${url()}api/v1/pods`)).json();
      const world = cluster().sim.world;
      expect(list.kind).toBe('PodList');
      expect(names(list.items)).toEqual(names(world.cluster.objects(world.cluster.type('v1', 'Pod'))));
    });

    it('passes a watch event on while the watch is still open (no buffering)', async () => {
      const name = `through-recipe-${clusterName}`;
      expect(await watchEventWhileOpen(url(), cluster().sim.world, name)).toMatchObject({
        type: 'ADDED',
        object: { metadata: { name } }
      });
    });

    it('carries a watch over WebSocket', async () => {
      const name = `ws-through-recipe-${clusterName}`;
      expect(await webSocketWatchEvent(url(), cluster().sim.world, name)).toMatchObject({
        type: 'ADDED',
        object: { metadata: { name } }
      });
    });
  });
}
