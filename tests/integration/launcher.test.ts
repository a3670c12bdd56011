/**
 * `npm run launch` for real: two simulated clusters as two contexts of one kubeconfig, one real
 * kubectl proxy each, all behind the launcher's one origin; and the command line's messages.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PROXY_ACCEPT_HOSTS } from '../../scripts/launch/kubectl';
import { launch, type Launched } from '../../scripts/launch/launcher';
import { CLUSTER_ANSWER_POLICY, clusterNames, startServer } from '../../scripts/launch/server';
import type { KubeObject } from '../../src/lib/kube/types';
import { startSimServer, writeKubeconfigContexts, type SimServer } from '../support/kubectl';
import { freePort, SITE_WORKER, writeSite } from '../support/recipe';
import { watchEventWhileOpen, webSocketWatchEvent } from '../support/watch-through';

const ROOT = join(import.meta.dirname, '../..');
/** A context name as EKS writes them: not a valid Skiff cluster name, and unsafe in a URL. */
const ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/beta two';
/** The stand-in page's inline script and its own CSP, as the build writes them (a hash per inline script). */
const INLINE_SCRIPT = 'document.title = "skiff";';
const SCRIPT_HASH = `'sha256-${createHash('sha256').update(INLINE_SCRIPT).digest('base64')}'`;
const PAGE_CSP = `default-src 'self'; connect-src 'self'; script-src 'self' ${SCRIPT_HASH}; style-src 'self' 'unsafe-inline'`;

let dir: string;
let www: string;
let kubeconfig: { path: string; cacheDir: string };
let alpha: SimServer;
let beta: SimServer;
let launched: Launched;
const logged: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-launch-'));
  www = await writeSite(join(dir, 'www'));
  await writeFile(
    join(www, 'index.html'),
    `<!doctype html><meta http-equiv="content-security-policy" content="${PAGE_CSP}">` +
      `<title>Skiff</title><script>${INLINE_SCRIPT}</script><p>skiff-index</p>`
  );
  alpha = await startSimServer({ name: 'alpha', seed: 1, pods: 21, churn: 0 });
  beta = await startSimServer({ name: 'beta', seed: 2, pods: 22, churn: 0 });
  kubeconfig = writeKubeconfigContexts({ alpha: alpha.server.url, [ARN]: beta.server.url }, 'alpha');
  launched = await launch({
    kubeconfig: kubeconfig.path,
    contexts: ['alpha', ARN],
    demo: true,
    www,
    port: 0,
    host: '127.0.0.1',
    log: (line) => logged.push(line)
  });
});

afterAll(async () => {
  await launched?.close();
  await alpha?.close();
  await beta?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ConfigJson {
  clusters: { name: string; url?: string; demo?: boolean }[];
}

async function config(): Promise<ConfigJson> {
  return (await fetch(new URL('config.json', launched.url))).json();
}

/** A cluster's API base URL as the page resolves it from config.json. */
async function clusterUrl(name: string): Promise<string> {
  const entry = (await config()).clusters.find((c) => c.name === name);
  if (!entry?.url) throw new Error(`config.json has no URL for ${name}`);
  return new URL(entry.url, launched.url).href;
}

/**
 * A plain HTTP request, with headers fetch() will not set (Host, Origin, Sec-Fetch-Site): its status
 * and headers. To the launcher, or to `port` or the unix socket `socketPath`.
 */
function send(
  path: string,
  headers: Record<string, string>,
  {
    method = 'GET',
    body,
    port = launched.port,
    socketPath
  }: { method?: string; body?: string; port?: number; socketPath?: string } = {}
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, socketPath, path, method, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once('error', reject);
    req.end(body);
  });
}

const statusOf = async (path: string, headers: Record<string, string>, method?: string) =>
  (await send(path, headers, { method })).status;

/**
 * How the launcher answers a WebSocket upgrade sent with these headers: `upgraded` (101, passed on
 * to a kubectl proxy) or `refused <status>`.
 */
function upgradeOutcome(path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: launched.port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers
      }
    });
    req.once('upgrade', (_res, socket) => {
      socket.destroy();
      resolve('upgraded');
    });
    req.once('response', (res) => {
      res.resume();
      resolve(`refused ${res.statusCode}`);
    });
    req.once('error', reject);
    req.end();
  });
}

/** The launcher's own origin, as its page sends it. */
const own = () => `http://127.0.0.1:${launched.port}`;

/** A SelfSubjectAccessReview, as Skiff posts them: may the user list pods? */
const REVIEW = JSON.stringify({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  spec: { resourceAttributes: { verb: 'list', resource: 'pods' } }
});
const REVIEWS = '/clusters/alpha/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const reviewsPosted = () =>
  alpha.requests.filter((r) => r.method === 'POST' && r.url.includes('selfsubjectaccessreviews')).length;

/** A watch event over a WebSocket opened with `origin`, as a browser page opens it. */
function webSocketEventFrom(origin: string, name: string): Promise<{ type: string; object: KubeObject }> {
  const rv = alpha.world.cluster.resourceVersion();
  const ws = new WebSocket(
    `ws://127.0.0.1:${launched.port}/clusters/alpha/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`,
    { origin }
  );
  return new Promise<{ type: string; object: KubeObject }>((resolve, reject) => {
    ws.once('open', () =>
      alpha.world.cluster.create(alpha.world.cluster.type('v1', 'ConfigMap'), 'default', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
        data: {}
      })
    );
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  }).finally(() => ws.terminate());
}

const names = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
const podNames = (sim: SimServer) => names(sim.world.cluster.objects(sim.world.cluster.type('v1', 'Pod')));
const BETA = 'arn:aws:eks:eu-west-1:123456789012:cluster-beta-two';

describe('one origin', () => {
  it('lists every context and the demo cluster in config.json, under names Skiff accepts', async () => {
    expect(await config()).toEqual({
      clusters: [
        { name: 'alpha', url: 'clusters/alpha/' },
        { name: BETA, url: `clusters/${encodeURIComponent(BETA)}/` },
        { name: 'demo-dev', demo: true }
      ]
    });
  });

  it('serves the built site', async () => {
    const page = await fetch(launched.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('skiff-index');
    const asset = await fetch(new URL('_app/immutable/start.abc123.js', launched.url));
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(new URL('nope.js', launched.url))).status).toBe(404);
  });

  it.each([
    { name: 'alpha', sim: () => alpha },
    { name: BETA, sim: () => beta }
  ])('reaches $name through its own kubectl proxy: discovery, lists, watches', async ({ name, sim }) => {
    const base = await clusterUrl(name);
    expect((await (await fetch(new URL('version', base))).json()).gitVersion).toMatch(/^v1\./);
    expect(await (await fetch(new URL('api', base))).json()).toMatchObject({ kind: 'APIVersions' });
    const list = await (await fetch(new URL('api/v1/pods', base))).json();
    expect(names(list.items)).toEqual(podNames(sim()));
    const event = `launched-${sim().world.cluster.name}`;
    expect(await watchEventWhileOpen(base, sim().world, event)).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: event } }
    });
    const wsEvent = `ws-${event}`;
    expect(await webSocketWatchEvent(base, sim().world, wsEvent)).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: wsEvent } }
    });
  });

  it('answers 404 for a cluster it does not serve', async () => {
    const res = await fetch(new URL('clusters/gamma/api', launched.url));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: 'Status', code: 404 });
  });
});

describe('what another web page cannot do', () => {
  it.each(['/', '/index.html', '/config.json', '/_app/immutable/start.abc123.js', '/clusters/alpha/api'])(
    'refuses a Host that is not its own on %s (DNS rebinding)',
    async (path) => {
      expect(await statusOf(path, { host: `127.0.0.1:${launched.port}` })).toBe(200);
      for (const host of [
        `evil.example:${launched.port}`,
        `127.0.0.1.evil.example:${launched.port}`,
        `evil.localhost:${launched.port}`,
        // Not a host and port: it would end up in the Content-Security-Policy.
        `127.0.0.1:${launched.port}; script-src *`
      ]) {
        expect(await statusOf(path, { host }), host).toBe(403);
      }
    }
  );

  it('refuses a WebSocket upgrade with a Host that is not its own', async () => {
    const path = '/clusters/alpha/api/v1/namespaces/default/secrets?watch=1';
    expect(await upgradeOutcome(path, { origin: own() })).toBe('upgraded');
    expect(await upgradeOutcome(path, { host: `evil.example:${launched.port}` })).toBe('refused 403');
    expect(
      await upgradeOutcome(path, {
        host: `evil.example:${launched.port}`,
        origin: `http://evil.example:${launched.port}`
      })
    ).toBe('refused 403');
  });

  it('matches --accept-hosts against the whole host name', async () => {
    const server = await startServer({
      www,
      port: 0,
      host: '127.0.0.1',
      clusters: [],
      acceptHosts: /skiff\.example/
    });
    try {
      const status = async (host: string) =>
        (await send('/config.json', { host: `${host}:${server.port}` }, { port: server.port })).status;
      expect(await status('skiff.example')).toBe(200);
      expect(await status('skiff.example.evil.test')).toBe(403);
      expect(await status('evil-skiff.example')).toBe(403);
      expect(await status('127.0.0.1')).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('refuses requests from another origin, WebSocket watches included', async () => {
    expect(
      await statusOf('/clusters/alpha/api/v1/namespaces/default/configmaps', {
        origin: 'http://evil.example'
      })
    ).toBe(403);
    const ws = new WebSocket(`ws://127.0.0.1:${launched.port}/clusters/alpha/api/v1/secrets?watch=1`, {
      origin: 'http://evil.example'
    });
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
      ws.once('error', (e) => resolve(`error ${e.message}`));
    });
    ws.terminate();
    expect(outcome).toBe('refused 403');
    // A sandboxed frame's opaque origin.
    expect(
      await upgradeOutcome('/clusters/alpha/api/v1/secrets?watch=1', {
        origin: 'null',
        'sec-fetch-site': 'cross-site'
      })
    ).toBe('refused 403');
    await expect(webSocketEventFrom('http://evil.example', 'not-from-evil')).rejects.toThrow('refused 403');
  });

  it('refuses a POST from another origin, and never passes it on', async () => {
    const before = reviewsPosted();
    const json = { 'content-type': 'application/json' };
    for (const headers of <Record<string, string>[]>[
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${launched.port + 1}` },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      // A form posted by a browser that sends no Origin: Sec-Fetch-Site still tells.
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' }
    ]) {
      const { status } = await send(REVIEWS, { ...json, ...headers }, { method: 'POST', body: REVIEW });
      expect(status, JSON.stringify(headers)).toBe(403);
    }
    // Not to the page's routes either.
    expect(await statusOf('/config.json', { origin: 'http://evil.example' }, 'POST')).toBe(403);
    expect(reviewsPosted()).toBe(before);
  });

  it('refuses what a cross-site page makes the browser fetch from a cluster, but not a link to the page', async () => {
    // An <img> or <script src> sends no Origin.
    expect(await statusOf('/clusters/alpha/api/v1/namespaces', { 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await statusOf('/', { 'sec-fetch-site': 'cross-site' })).toBe(200);
  });

  it('lets its own page in (same Origin): lists, access reviews, WebSocket watches', async () => {
    expect(await statusOf('/clusters/alpha/api/v1/namespaces', { origin: own() })).toBe(200);
    expect(
      await statusOf('/clusters/alpha/api/v1/namespaces', { origin: own(), 'sec-fetch-site': 'same-origin' })
    ).toBe(200);
    const json = { 'content-type': 'application/json' };
    for (const headers of <Record<string, string>[]>[
      { origin: own(), 'sec-fetch-site': 'same-origin' },
      // Some browsers send Origin: null for a same-origin POST under Referrer-Policy: no-referrer.
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
      // Not a browser (curl, kubectl): no Origin.
      {}
    ]) {
      const res = await send(REVIEWS, { ...json, ...headers }, { method: 'POST', body: REVIEW });
      expect(res.status, JSON.stringify(headers)).toBe(201);
    }
    expect(await webSocketEventFrom(own(), 'from-its-own-page')).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'from-its-own-page' } }
    });
  });
});

describe('security headers', () => {
  it.each([
    ['the page', '/'],
    ['config.json', '/config.json'],
    ['the worker script', `/${SITE_WORKER}`],
    ['a 404', '/nope.js'],
    ['a refusal', '/clusters/alpha/api']
  ])('are on %s', async (_what, path) => {
    const headers: Record<string, string> =
      path === '/clusters/alpha/api' ? { origin: 'http://evil.example' } : {};
    const res = await send(path, headers);
    expect(res.status).toBe(path === '/nope.js' ? 404 : path === '/clusters/alpha/api' ? 403 : 200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = new Map(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...sources]) => [name, sources])
    );
    // No other site may frame Skiff.
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    // The page's own policy, inline script hash included (else the header would block the script)...
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'", SCRIPT_HASH]);
    // ...and the worker, which the page's <meta> does not cover, may reach its own origin, watches included.
    expect(csp.get('connect-src')).toEqual(["'self'", `ws://127.0.0.1:${launched.port}`]);
  });

  it("sandboxes what a cluster answers: a Service's page proxied through it runs no script on this origin", async () => {
    const res = await send('/clusters/alpha/api/v1/namespaces', {});
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe(CLUSTER_ANSWER_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('gives the worker the policy of the page it belongs to', async () => {
    const page = await send('/', {});
    const worker = await send(`/${SITE_WORKER}`, {});
    expect(worker.headers['content-type']).toContain('javascript');
    expect(worker.headers['content-security-policy']).toBe(page.headers['content-security-policy']);
  });
});

describe('the kubectl proxies', () => {
  /** Inodes of the TCP sockets listening on this machine. */
  async function tcpListeners(): Promise<Set<string>> {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
      for (const fields of lines.map((l) => l.trim().split(/\s+/)))
        if (fields[3] === '0A') inodes.add(fields[9]);
    }
    return inodes;
  }

  it('listen on a unix socket only this user can open, on no TCP port a web page could reach', async () => {
    const listening = await tcpListeners();
    for (const proxy of launched.proxies) {
      const socket = proxy.state.socket!;
      expect((await stat(socket)).isSocket()).toBe(true);
      expect((await stat(dirname(socket))).mode & 0o077).toBe(0);
      const cmdline = (await readFile(`/proc/${proxy.state.pid}/cmdline`, 'utf8')).split('\0');
      expect(cmdline).toContain(`--unix-socket=${socket}`);
      const fds = await readdir(`/proc/${proxy.state.pid}/fd`);
      const sockets = await Promise.all(
        fds.map((fd) => readlink(`/proc/${proxy.state.pid}/fd/${fd}`).catch(() => ''))
      );
      const tcp = sockets.filter((l) => listening.has(/^socket:\[(\d+)\]$/.exec(l)?.[1] ?? ''));
      expect(tcp).toEqual([]);
    }
  });

  it('answer only the Host the launcher sends them (an anchored --accept-hosts)', async () => {
    for (const proxy of launched.proxies) {
      const cmdline = (await readFile(`/proc/${proxy.state.pid}/cmdline`, 'utf8')).split('\0');
      expect(cmdline).toContain(`--accept-hosts=${PROXY_ACCEPT_HOSTS}`);
      const direct = async (host: string) =>
        (await send('/api', { host }, { socketPath: proxy.state.socket })).status;
      expect(await direct('127.0.0.1')).toBe(200);
      // kubectl's default would let these in; a pattern not anchored would let the second in.
      expect(await direct('localhost')).toBe(403);
      expect(await direct('127.0.0.1.evil.example')).toBe(403);
      expect(await direct('evil.example')).toBe(403);
    }
  });
});

describe('kubectl proxy supervision', () => {
  it('starts a kubectl proxy that exits again, and serves through the new one', async () => {
    const proxy = launched.proxies.find((p) => p.context === 'alpha')!;
    const before = proxy.state.pid!;
    const restarts = proxy.state.restarts;
    process.kill(before, 'SIGKILL');
    const base = await clusterUrl('alpha');
    // Until the new proxy serves, requests fail (503 from the launcher, or a refused connection).
    await expect
      .poll(async () => (await fetch(new URL('api/v1/namespaces', base))).status, { timeout: 20_000 })
      .toBe(200);
    expect(proxy.state.pid).not.toBe(before);
    expect(proxy.state.restarts).toBe(restarts + 1);
    expect(logged.join('\n')).toMatch(/kubectl proxy for "alpha" exited \(SIGKILL\)/);
    const list = await (await fetch(new URL('api/v1/pods', base))).json();
    expect(names(list.items)).toEqual(podNames(alpha));
  });
});

describe('a context whose kubectl proxy cannot start', () => {
  it("fails with kubectl's own words, restarting nothing", async () => {
    const broken = join(dir, 'broken-kubeconfig');
    await writeFile(
      broken,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'alpha', cluster: { server: alpha.server.url } }],
        contexts: [
          { name: 'alpha', context: { cluster: 'alpha', user: 'sim' } },
          { name: 'broken', context: { cluster: 'alpha', user: 'cert' } }
        ],
        users: [
          { name: 'sim', user: {} },
          { name: 'cert', user: { 'client-certificate': join(dir, 'missing.pem') } }
        ]
      })
    );
    const logs: string[] = [];
    const failed = launch({
      kubeconfig: broken,
      contexts: ['alpha', 'broken'],
      www,
      port: 0,
      host: '127.0.0.1',
      log: (line) => logs.push(line)
    });
    await expect(failed).rejects.toThrow(
      /kubectl proxy for context "broken" did not start \(exit 1: [\s\S]*missing\.pem/
    );
    expect(logs).toEqual([]);
  });
});

describe('cluster names and paths', () => {
  it('gives every context a distinct name Skiff accepts, keeping good names as they are', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 120, unit: 'binary' }), { maxLength: 8 }),
        (contexts) => {
          const names = clusterNames(contexts);
          const values = contexts.map((c) => names.get(c)!);
          expect(new Set(values).size).toBe(contexts.length);
          for (const [i, c] of contexts.entries()) {
            expect(values[i]).toMatch(/^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,99}$/);
            if (/^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,99}$/.test(c)) expect(values[i]).toBe(c);
          }
        }
      )
    );
  });

  it('routes each config.json URL, as a browser resolves it, to its own cluster with the prefix stripped', async () => {
    // Each "cluster" is a prefix on one echo server: the path it receives tells which one was reached.
    const echo: Server = createHttpServer((req, res) => res.end(req.url));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,20}$/), {
            minLength: 1,
            maxLength: 4
          }),
          async (clusters) => {
            const server = await startServer({
              www,
              port: 0,
              host: '127.0.0.1',
              clusters: clusters.map((name, i) => ({ name, target: () => `${target}/c${i}` }))
            });
            try {
              const cfg: ConfigJson = await (await fetch(new URL('config.json', server.url))).json();
              for (const [i, entry] of cfg.clusters.entries()) {
                const reached = await (
                  await fetch(new URL('api/v1/pods?watch=1&x=%2F', new URL(entry.url!, server.url)))
                ).text();
                expect(reached).toBe(`/c${i}/api/v1/pods?watch=1&x=%2F`);
              }
            } finally {
              await server.close();
            }
          }
        ),
        { numRuns: 25 }
      );
    } finally {
      echo.close();
    }
  });
});

describe('the command line', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/launch.ts'), ...args], {
        cwd: ROOT,
        env
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });

  it('says so when kubectl is missing', async () => {
    const { code, out } = await run(['--no-build', '--www', www], { ...process.env, PATH: '/nonexistent' });
    expect(code).toBe(1);
    expect(out).toContain('kubectl was not found');
  });

  it('names the contexts there are when asked for an unknown one', async () => {
    const { code, out } = await run(['--kubeconfig', kubeconfig.path, '--context', 'gamma', '--www', www]);
    expect(code).toBe(1);
    expect(out).toContain('unknown context "gamma"; the kubeconfig has: alpha, arn:aws:eks');
  });

  it('says so when the port is taken', async () => {
    const { code, out } = await run([
      '--kubeconfig',
      kubeconfig.path,
      '--www',
      www,
      '--port',
      String(launched.port)
    ]);
    expect(code).toBe(1);
    expect(out).toContain(`port ${launched.port} on 127.0.0.1 is in use`);
  });

  it('prints the URL, serves the current context, and stops its kubectl proxy on Ctrl-C', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'scripts/launch.ts'),
        '--kubeconfig',
        kubeconfig.path,
        '--www',
        www,
        '--port',
        String(port)
      ],
      { cwd: ROOT }
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    await expect.poll(() => out, { timeout: 20_000 }).toContain('Ctrl-C stops');
    expect(out).toContain(`Skiff: http://127.0.0.1:${port}/`);
    const socketPath = /on (\S+) \(pid/.exec(out)?.[1];
    const proxyStatus = () => send('/api', { host: '127.0.0.1' }, { socketPath }).then((r) => r.status);
    expect(await proxyStatus()).toBe(200);
    expect((await (await fetch(`http://127.0.0.1:${port}/config.json`)).json()).clusters).toEqual([
      { name: 'alpha', url: 'clusters/alpha/' }
    ]);
    expect((await fetch(`http://127.0.0.1:${port}/clusters/alpha/api/v1/namespaces`)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The kubectl proxy is gone too: its socket no longer answers.
    await expect
      .poll(() =>
        proxyStatus().then(
          () => 'answers',
          () => 'gone'
        )
      )
      .toBe('gone');
  });
});
