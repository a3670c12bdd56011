/** Real kubectl (and kubectl proxy) against a simulated cluster served over HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveHandler, type RunningServer } from '../../scripts/sim/node-server';
import { SimWorld, type SimWorldOptions } from '../../src/lib/sim/world';

export interface SimServer {
  world: SimWorld;
  server: RunningServer;
  /** Every request the server answered: method and path with query. */
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

export async function startSimServer(options: SimWorldOptions): Promise<SimServer> {
  const world = new SimWorld(options).start();
  const requests: { method: string; url: string }[] = [];
  const server = await serveHandler((req) => {
    const u = new URL(req.url);
    requests.push({ method: req.method, url: u.pathname + u.search });
    return world.handler(req);
  });
  return {
    world,
    server,
    requests,
    close: async () => {
      world.stop();
      await server.close();
    }
  };
}

/** A kubeconfig whose only cluster is `server` (plain HTTP, no credentials). */
export function writeKubeconfig(server: string): { path: string; cacheDir: string } {
  return writeKubeconfigContexts({ sim: server }, 'sim');
}

/**
 * A kubeconfig with one context (and cluster of the same name) per entry of `servers`, all plain
 * HTTP without credentials; `current` is the current context.
 */
export function writeKubeconfigContexts(
  servers: Record<string, string>,
  current?: string
): { path: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kube-'));
  const path = join(dir, 'config');
  // JSON is YAML: context names with any characters stay intact.
  const names = Object.keys(servers);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: names.map((name) => ({ name, cluster: { server: servers[name] } })),
      contexts: names.map((name) => ({ name, context: { cluster: name, user: 'sim' } })),
      ...(current ? { 'current-context': current } : {}),
      users: [{ name: 'sim', user: {} }]
    })
  );
  return { path, cacheDir: join(dir, 'cache') };
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kubectl(
  kubeconfig: { path: string; cacheDir: string },
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {}
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', kubeconfig.path, '--cache-dir', kubeconfig.cacheDir, ...args],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig.path }
      }
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`kubectl ${args.join(' ')} timed out\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr}`)
      );
    }, opts.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Run a long-lived kubectl (`-w`, `logs -f`) until `until(stdout)` holds, then stop it.
 * Rejects with what it printed if that does not happen in time.
 */
export function kubectlUntil(
  kubeconfig: { path: string; cacheDir: string },
  args: string[],
  until: (stdout: string) => boolean,
  timeoutMs = 20_000
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', [
      '--kubeconfig',
      kubeconfig.path,
      '--cache-dir',
      kubeconfig.cacheDir,
      ...args
    ]);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `kubectl ${args.join(' ')}: condition not met in ${timeoutMs} ms\nstdout: ${stdout.slice(-3000)}\nstderr: ${stderr}`
        )
      );
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (until(stdout)) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(stdout);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!until(stdout))
        reject(
          new Error(
            `kubectl ${args.join(' ')} exited ${code}\nstdout: ${stdout.slice(-3000)}\nstderr: ${stderr}`
          )
        );
    });
  });
}

/** `kubectl proxy` in front of `server`, on a free port; resolves with its URL once it serves. */
export function startKubectlProxy(
  kubeconfig: { path: string; cacheDir: string },
  extraArgs: string[] = []
): Promise<{ url: string; process: ChildProcess; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', [
      '--kubeconfig',
      kubeconfig.path,
      'proxy',
      '--port=0',
      '--address=127.0.0.1',
      ...extraArgs
    ]);
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubectl proxy did not start: ${out}`));
    }, 15_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /Starting to serve on ([\d.]+):(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://${m[1]}:${m[2]}`, process: child, stop: () => child.kill('SIGTERM') });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`kubectl proxy exited ${code}: ${out}`)));
  });
}
