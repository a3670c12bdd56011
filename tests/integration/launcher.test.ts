/**
 * `npm run launch` for real: two simulated clusters as two contexts of one kubeconfig, one real
 * kubectl proxy each, all behind the launcher's one origin; and the command line's messages.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { launch, type Launched } from '../../scripts/launch/launcher';
import { clusterNames, startServer } from '../../scripts/launch/server';
import type { KubeObject } from '../../src/lib/kube/types';
import { startSimServer, writeKubeconfigContexts, type SimServer } from '../support/kubectl';
import { freePort, writeSite } from '../support/recipe';
import { watchEventWhileOpen, webSocketWatchEvent } from '../support/watch-through';

const ROOT = join(import.meta.dirname, '../..');
/** A context name as EKS writes them: not a valid Skiff cluster name, and unsafe in a URL. */
const ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/beta two';

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

/** The status of a plain HTTP request to the launcher, with headers fetch() will not set (Host). */
function statusOf(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: launched.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
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
  it('refuses a Host that is not local (DNS rebinding)', async () => {
    expect(await statusOf('/clusters/alpha/api/v1/secrets', { host: `evil.example:${launched.port}` })).toBe(
      403
    );
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
  });

  it('lets its own page in (same Origin)', async () => {
    expect(
      await statusOf('/clusters/alpha/api/v1/namespaces', { origin: `http://127.0.0.1:${launched.port}` })
    ).toBe(200);
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
    const proxyUrl = /on (http:\/\/127\.0\.0\.1:\d+) \(pid/.exec(out)?.[1];
    expect((await fetch(`${proxyUrl}/api`)).status).toBe(200);
    expect((await (await fetch(`http://127.0.0.1:${port}/config.json`)).json()).clusters).toEqual([
      { name: 'alpha', url: 'clusters/alpha/' }
    ]);
    expect((await fetch(`http://127.0.0.1:${port}/clusters/alpha/api/v1/namespaces`)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The kubectl proxy is gone too: its port no longer answers.
    await expect
      .poll(() =>
        fetch(`${proxyUrl}/api`).then(
          () => 'answers',
          () => 'gone'
        )
      )
      .toBe('gone');
  });
});
