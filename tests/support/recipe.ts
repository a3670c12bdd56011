/**
 * The hosting recipes in deploy/ for real: a web server (nginx, Caddy) started from the recipe as
 * written, with only its ports and web root replaced, in front of two kubectl proxies, each in
 * front of a simulated cluster, the way the recipe's comments tell a user to run them. The same
 * checks for every recipe: static files, config.json and the security headers, then per cluster
 * discovery, lists, a watch event passed on while the watch is open, a WebSocket watch and an access
 * review from the site itself, and the refusals that keep other sites out: a foreign Host (DNS
 * rebinding), and WebSocket upgrades and writes from another Origin or none.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
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

/** Where the stand-in site of `writeSite` has its engine worker script, as the build names it. */
export const SITE_WORKER = '_app/immutable/workers/engine.worker-abc123.js';

/**
 * A stand-in for the built site in `www` (the real build may not exist yet when vitest runs): a page
 * containing `skiff-index`, a hashed asset, `_app/immutable/start.abc123.js`, and a worker script
 * at `SITE_WORKER`.
 */
export async function writeSite(www: string): Promise<string> {
  await mkdir(join(www, '_app/immutable/workers'), { recursive: true });
  await writeFile(join(www, 'index.html'), '<!doctype html><title>Skiff</title><p>skiff-index</p>');
  await writeFile(join(www, '_app/immutable/start.abc123.js'), 'export const skiff = 1;\n');
  await writeFile(join(www, SITE_WORKER), 'onmessage = () => {};\n');
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

/** A host name that is not the site's, as a page on another site rebinding its DNS to 127.0.0.1 sends it. */
const FOREIGN_HOST = 'rebound.example.com';
/** Another site's origin, as a browser sends it for that site's WebSocket and POST requests. */
const FOREIGN_ORIGIN = 'https://attacker.example';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly these headers (fetch cannot set Host, and may not set Origin). */
function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    // Node sends a DELETE's body without Content-Length: the server would read it as the next request.
    const length = init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) };
    const headers = { ...length, ...init.headers };
    const req = request(url, { method: init.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.once('error', reject);
    req.end(init.body);
  });
}

/** The status a WebSocket upgrade to `url` gets: 101 if it opened. */
function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), origin === undefined ? {} : { origin });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/**
 * Whether Content-Security-Policy `policy` lets a document or worker of origin `self` reach `url`
 * through `directive` (falling back to default-src), per CSP Level 3 source matching: a scheme
 * admits its secure variant, and 'self' also admits ws(s) to the same host and port.
 */
export function cspAllows(policy: string, directive: string, url: string, self: string): boolean {
  const directives = new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name.toLowerCase(), sources] as const)
  );
  const sources = directives.get(directive) ?? directives.get('default-src');
  if (!sources) return true;
  const target = new URL(url);
  const scheme = target.protocol.slice(0, -1);
  const own = new URL(self).protocol.slice(0, -1);
  const schemeFits = (source: string) =>
    source === scheme || (source === 'http' && scheme === 'https') || (source === 'ws' && scheme === 'wss');
  return sources.some((source) => {
    if (source === "'self'") {
      const sameHost = target.host === new URL(self).host;
      return sameHost && (schemeFits(own) || (own === 'http' && scheme === 'ws') || scheme === 'wss');
    }
    if (source === '*') return ['http', 'https', 'ws', 'wss'].includes(scheme);
    if (source.startsWith("'")) return false; // 'none', hashes, nonces, keywords
    const schemeOnly = /^([a-z][a-z0-9+.-]*):$/i.exec(source);
    if (schemeOnly) return schemeFits(schemeOnly[1].toLowerCase());
    // A host source: [scheme://]host[:port][/path]; no port means the scheme's default one.
    const hostSource = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/]+)/i.exec(source);
    if (!hostSource || hostSource[2].toLowerCase() !== target.host) return false;
    return hostSource[1] ? schemeFits(hostSource[1].toLowerCase()) : true;
  });
}

/** The Content-Security-Policy header of `answer`, the one policy expected. */
function csp(answer: Answer | Response): string {
  const value =
    answer instanceof Response
      ? answer.headers.get('content-security-policy')
      : answer.headers['content-security-policy'];
  expect(value, 'a Content-Security-Policy header').toBeTypeOf('string');
  return value as string;
}

const header = (answer: Answer | Response, name: string) =>
  answer instanceof Response ? answer.headers.get(name) : String(answer.headers[name] ?? '');

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

    it('serves the page under its other default name, localhost', async () => {
      const page = await send(`${base}/`, { headers: { host: `localhost:${new URL(base).port}` } });
      expect(page.status).toBe(200);
      expect(page.body).toContain('skiff-index');
    });
  });

  describe('security headers', () => {
    it('forbids framing the page and sniffing, and sends no Referer', async () => {
      for (const path of ['/', '/index.html']) {
        const page = await fetch(`${base}${path}`);
        expect(page.status).toBe(200);
        // The page's own <meta> policy (with its script hash) is enforced too: the header adds only
        // what a <meta> cannot carry, and must not block the page's inline script or styles.
        expect(csp(page)).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
        expect(csp(page)).not.toMatch(/(script|style|default)-src/);
        expect(page.headers.get('x-content-type-options')).toBe('nosniff');
        expect(page.headers.get('referrer-policy')).toMatch(/^(no-referrer|same-origin)$/);
      }
    });

    it("gives the worker script a policy of its own: this origin's API over HTTP and WebSocket, nothing else", async () => {
      const worker = await fetch(`${base}/${SITE_WORKER}`);
      expect(worker.status).toBe(200);
      expect(worker.headers.get('content-type')).toContain('javascript');
      expect(worker.headers.get('x-content-type-options')).toBe('nosniff');
      const policy = csp(worker);
      const ws = base.replace(/^http/, 'ws');
      for (const url of [
        `${base}/config.json`,
        `${base}/clusters/prod/api/v1/pods`,
        `${ws}/clusters/prod/api/v1/pods?watch=1`
      ]) {
        expect(cspAllows(policy, 'connect-src', url, base), `connect-src allows ${url}`).toBe(true);
      }
      expect(cspAllows(policy, 'script-src', `${base}/_app/immutable/start.abc123.js`, base)).toBe(true);
      for (const url of ['https://attacker.example/x', 'ws://attacker.example/x', 'http://127.0.0.1:1/x']) {
        expect(cspAllows(policy, 'connect-src', url, base), `connect-src refuses ${url}`).toBe(false);
      }
      expect(cspAllows(policy, 'script-src', 'https://attacker.example/x.js', base)).toBe(false);
    });

    it('keeps the security headers on API answers and on refusals', async () => {
      const api = await fetch(`${base}/clusters/prod/version`);
      expect(api.status).toBe(200);
      expect(api.headers.get('x-content-type-options')).toMatch(/^nosniff(, nosniff)?$/);
      // Nothing the proxy passes on (a Service's own web page through its proxy URL) runs as a page
      // of the site's origin.
      expect(csp(api)).toMatch(/(^|;)\s*sandbox\s*(;|$)/);
      expect(csp(api)).toMatch(/frame-ancestors 'none'/);
      const refused = await send(`${base}/clusters/prod/version`, { headers: { origin: FOREIGN_ORIGIN } });
      expect(refused.status).toBe(403);
      expect(header(refused, 'x-content-type-options')).toBe('nosniff');
    });
  });

  describe('a Host that is not the site (DNS rebinding)', () => {
    it.each([
      '/',
      '/index.html',
      '/config.json',
      '/clusters/prod/version',
      '/clusters/staging/api/v1/secrets'
    ])('is refused for %s', async (path) => {
      const answer = await send(`${base}${path}`, {
        headers: { host: `${FOREIGN_HOST}:${new URL(base).port}` }
      });
      expect([403, 421]).toContain(answer.status);
      expect(answer.body).not.toContain('skiff-index');
      expect(answer.body).not.toContain('"kind"');
    });

    it('is refused for a WebSocket upgrade, even with a matching Origin', async () => {
      const { port } = new URL(base);
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/clusters/prod/api/v1/secrets?watch=1`, {
          headers: { host: `${FOREIGN_HOST}:${port}` },
          origin: `http://${FOREIGN_HOST}:${port}`
        });
        ws.once('open', () => resolve(101));
        ws.once('unexpected-response', (_req, res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('error', reject);
      });
      expect([403, 421]).toContain(status);
    });
  });

  describe.each(['prod', 'staging'])("the recipe's cluster %s", (clusterName) => {
    const cluster = () => clusters.find((c) => c.name === clusterName)!;
    /** The cluster's base URL as the page resolves it from config.json. */
    const url = () =>
      new URL(configExample.clusters.find((c) => c.name === clusterName)!.url, `${base}/`).href;
    /** Requests that reached the simulated cluster (through nginx or Caddy, then kubectl proxy). */
    const reached = (marker: string) => cluster().sim.requests.filter((r) => r.url.includes(marker));

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

    it('lists the pods of this cluster, not the other', async () => {
      const list = await (await fetch(`${url()}api/v1/pods`)).json();
      const world = cluster().sim.world;
      expect(list.kind).toBe('PodList');
      expect(names(list.items)).toEqual(names(world.cluster.objects(world.cluster.type('v1', 'Pod'))));
    });

    it('answers a GET that carries the site as Origin', async () => {
      const answer = await send(`${url()}version`, { headers: { origin: base } });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).gitVersion).toMatch(/^v1\./);
    });

    it('passes a watch event on while the watch is still open (no buffering)', async () => {
      const name = `through-recipe-${clusterName}`;
      expect(await watchEventWhileOpen(url(), cluster().sim.world, name)).toMatchObject({
        type: 'ADDED',
        object: { metadata: { name } }
      });
    });

    it('carries a watch over WebSocket opened by the site itself', async () => {
      const name = `ws-through-recipe-${clusterName}`;
      expect(await webSocketWatchEvent(url(), cluster().sim.world, name, base)).toMatchObject({
        type: 'ADDED',
        object: { metadata: { name } }
      });
    });

    it.each([
      ['another site', FOREIGN_ORIGIN],
      ['the same host on another port', 'http://127.0.0.1:1'],
      ['a sandboxed page (Origin: null)', 'null'],
      ['no Origin at all', undefined]
    ])('refuses a WebSocket upgrade from %s before it reaches the cluster', async (_, origin) => {
      const marker = `labelSelector=ws-refused-${Math.random().toString(36).slice(2)}`;
      const status = await upgradeStatus(`${url()}api/v1/secrets?watch=1&${marker}`, origin);
      expect(status).toBe(403);
      expect(reached(marker)).toEqual([]);
    });

    /** A SelfSubjectAccessReview POST, as the engine sends them to learn what the user may do. */
    const review = (headers: Record<string, string>) =>
      send(`${url()}apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: 'list', resource: 'pods' } }
        })
      });

    it('passes an access review POSTed by the site itself', async () => {
      const answer = await review({ origin: base });
      expect(answer.status).toBeLessThan(300);
      expect(JSON.parse(answer.body)).toMatchObject({
        kind: 'SelfSubjectAccessReview',
        status: { allowed: true }
      });
    });

    it.each([
      ['another site', FOREIGN_ORIGIN],
      ['no Origin at all', undefined]
    ])('refuses writes from %s before they reach the cluster', async (_, origin) => {
      const before = cluster().sim.requests.filter((r) => r.method !== 'GET').length;
      const post = await review(origin === undefined ? {} : { origin });
      expect(post.status).toBe(403);
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        const answer = await send(`${url()}api/v1/namespaces/default/configmaps/kube-root-ca.crt`, {
          method,
          headers: {
            'content-type': 'application/merge-patch+json',
            ...(origin === undefined ? {} : { origin })
          },
          body: '{}'
        });
        expect(answer.status, method).toBe(403);
      }
      expect(cluster().sim.requests.filter((r) => r.method !== 'GET').length).toBe(before);
    });
  });
}
