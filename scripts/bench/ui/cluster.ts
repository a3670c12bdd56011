/**
 * The setup the README tells users to run, for real: a cluster (the simulator in its own process,
 * ui/sim-child.ts) behind `kubectl proxy --www=<dir> --www-prefix=/ --api-prefix=/k8s/`. The www
 * dir is a copy of build/ plus the baseline page, so both pages are same-origin with the API.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubectlProxy, writeKubeconfig } from '../../../tests/support/kubectl';
import type { ChurnStats, UiSimCommand, UiSimReply } from './protocol';

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type CommandBody = Distribute<UiSimCommand>;

const here = dirname(fileURLToPath(import.meta.url));
export const BUILD_DIR = join(here, '../../../build');
export const BASELINE_PAGE = 'baseline.html';

/** A temp dir holding a copy of the build and the baseline page; kubectl proxy serves it. */
export async function makeWwwDir(buildDir = BUILD_DIR): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-bench-ui-'));
  await cp(buildDir, dir, { recursive: true });
  await cp(join(here, BASELINE_PAGE), join(dir, BASELINE_PAGE));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

class SimProcess {
  private nextId = 1;
  private pending = new Map<number, (reply: UiSimReply) => void>();

  constructor(private readonly child: ChildProcess) {
    child.on('message', (m) => {
      const reply = m as UiSimReply;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  call<T extends UiSimReply['type']>(command: CommandBody): Promise<Extract<UiSimReply, { type: T }>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (r) => resolve(r as Extract<UiSimReply, { type: T }>));
      this.child.send({ ...command, id });
    });
  }

  async stop(): Promise<void> {
    this.child.removeAllListeners('exit');
    const exited = new Promise((r) => this.child.once('exit', r));
    void this.call<'ok'>({ type: 'stop' });
    await exited;
  }
}

export interface ProxiedSim {
  /** kubectl proxy's URL: Skiff at `${url}/`, the baseline at `${url}/baseline.html`. */
  url: string;
  /** Pods the cluster has now. */
  pods(): Promise<number>;
  churn(podsPerSecond: number): Promise<void>;
  idle(): Promise<ChurnStats>;
  stop(): Promise<void>;
}

/** A fresh simulated cluster of `pods` pods (same seed every time) behind kubectl proxy. */
export async function startProxiedSim(pods: number, wwwDir: string): Promise<ProxiedSim> {
  const child = fork(join(here, 'sim-child.ts'), [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
    env: { ...process.env, BENCH_PODS: String(pods) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  const sim = new SimProcess(child);
  const ready = await new Promise<Extract<UiSimReply, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    child.once('message', (m) => {
      const reply = m as UiSimReply;
      if (reply.type === 'ready') resolve(reply);
    });
  });
  const kubeconfig = writeKubeconfig(ready.url);
  let proxy: Awaited<ReturnType<typeof startKubectlProxy>>;
  try {
    proxy = await startKubectlProxy(kubeconfig, [`--www=${wwwDir}`, '--www-prefix=/', '--api-prefix=/k8s/']);
  } catch (e) {
    await sim.stop();
    throw e;
  }
  // startKubectlProxy rejects on exit; after it resolved nobody listens, and stopping is expected.
  proxy.process.removeAllListeners('exit');
  return {
    url: proxy.url,
    pods: async () => (await sim.call<'count'>({ type: 'count' })).pods,
    churn: async (podsPerSecond) => void (await sim.call<'ok'>({ type: 'churn', podsPerSecond })),
    idle: async () => (await sim.call<'churned'>({ type: 'idle' })).stats,
    stop: async () => {
      const exited = new Promise((r) => proxy.process.once('exit', r));
      proxy.stop();
      await exited;
      await sim.stop();
      await rm(dirname(kubeconfig.path), { recursive: true, force: true });
    }
  };
}
