/**
 * The launcher's use of kubectl: reading contexts from a kubeconfig, and one supervised
 * `kubectl proxy --context=<c> --unix-socket=<path>` per context that is started again whenever it
 * exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A failure the launcher reports in one plain sentence (no stack trace). */
export class LaunchError extends Error {}

export interface KubectlOptions {
  /** kubectl binary (default `kubectl` on PATH). */
  kubectl?: string;
  /** `--kubeconfig` for every kubectl call; unset = kubectl's own default (KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
}

function baseArgs(opts: KubectlOptions): string[] {
  return opts.kubeconfig ? [`--kubeconfig=${opts.kubeconfig}`] : [];
}

function missing(opts: KubectlOptions): LaunchError {
  return new LaunchError(
    `kubectl was not found (${opts.kubectl ?? 'kubectl'} on PATH): install it ` +
      '(https://kubernetes.io/docs/tasks/tools/) or put it on PATH'
  );
}

/** Runs a short kubectl command and returns its stdout; a non-zero exit rejects with its stderr. */
export function runKubectl(args: string[], opts: KubectlOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.kubectl ?? 'kubectl', [...baseArgs(opts), ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? missing(opts) : new LaunchError(`kubectl failed to start: ${e.message}`))
    );
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new LaunchError(`kubectl ${args.join(' ')} failed: ${stderr.trim() || `exit ${code}`}`));
    });
  });
}

/** Every context name in the kubeconfig, and the current one (undefined when none is set). */
export async function readContexts(
  opts: KubectlOptions = {}
): Promise<{ names: string[]; current?: string }> {
  const names = (await runKubectl(['config', 'get-contexts', '-o', 'name'], opts))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // current-context exits 1 when none is set: that is not an error here.
  const current = await runKubectl(['config', 'current-context'], opts).then(
    (out) => out.trim() || undefined,
    () => undefined
  );
  return { names, current };
}

export interface ProxyState {
  /** The unix socket a kubectl proxy serves on; undefined while it is (re)starting. */
  socket: string | undefined;
  pid: number | undefined;
  /** How many times the proxy was started again after exiting. */
  restarts: number;
}

const SERVING = /Starting to serve on /;
/**
 * The one Host each kubectl proxy answers: the launcher sends every request on with Host
 * `127.0.0.1` (and checks the browser's Host itself). Anchored: kubectl matches the pattern anywhere
 * in the host name. The proxies listen on unix sockets, which no web page can reach (kubectl proxy
 * checks no Origin: on a TCP port, a page that found the port could open a WebSocket to it); this
 * is the second line.
 */
export const PROXY_ACCEPT_HOSTS = '^127\\.0\\.0\\.1$';
/** Restart delays grow from the first to the last, and start over after a proxy served for a while. */
const RESTART_DELAYS_MS = [250, 500, 1000, 2000, 5000, 10_000];
const STABLE_MS = 30_000;
const START_TIMEOUT_MS = 30_000;

/**
 * One `kubectl proxy` for one context. `start()` resolves once it serves, or rejects with kubectl's
 * own message when the first start fails (a bad context or kubeconfig); after that, whenever the
 * process exits it is started again (with growing delays), until `stop()`.
 */
export class SupervisedProxy {
  readonly state: ProxyState = { socket: undefined, pid: undefined, restarts: 0 };
  /** A directory only this user can enter (mkdtemp: 0700), for the proxy's socket. */
  private dir: string | undefined;
  private child: ChildProcess | undefined;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;

  constructor(
    readonly context: string,
    private readonly opts: KubectlOptions & { log?: (line: string) => void } = {}
  ) {}

  start(): Promise<void> {
    return this.spawnOnce(true);
  }

  private spawnOnce(first: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.dir ??= mkdtempSync(join(tmpdir(), 'skiff-kubectl-'));
      const socket = join(this.dir, 'proxy.sock');
      // kubectl leaves its socket behind when it ends, and will not listen on an existing one.
      rmSync(socket, { force: true });
      const child = spawn(
        this.opts.kubectl ?? 'kubectl',
        [
          ...baseArgs(this.opts),
          'proxy',
          `--context=${this.context}`,
          `--unix-socket=${socket}`,
          `--accept-hosts=${PROXY_ACCEPT_HOSTS}`
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] }
      );
      this.child = child;
      const startedAt = Date.now();
      let output = '';
      let serving = false;
      let ended = false;
      // A proxy that neither serves nor exits (a hung credential plugin) is ended, then handled as exited.
      const startTimer = setTimeout(() => {
        output += `\nno "Starting to serve" within ${START_TIMEOUT_MS} ms`;
        child.kill('SIGKILL');
      }, START_TIMEOUT_MS);
      const onData = (d: Buffer) => {
        if (serving) return;
        output += d;
        if (!SERVING.test(output)) return;
        serving = true;
        clearTimeout(startTimer);
        this.state.socket = socket;
        this.state.pid = child.pid;
        resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      // 'error' (could not spawn) and 'exit' may both come: the first one counts.
      const onEnd = (why: string, error?: NodeJS.ErrnoException) => {
        if (ended) return;
        ended = true;
        clearTimeout(startTimer);
        this.state.socket = undefined;
        this.state.pid = undefined;
        if (this.stopped) return;
        if (first && !serving) {
          reject(
            error?.code === 'ENOENT'
              ? missing(this.opts)
              : new LaunchError(`kubectl proxy for context "${this.context}" did not start (${why})`)
          );
          return;
        }
        this.scheduleRestart(why, Date.now() - startedAt);
      };
      child.on('error', (e: NodeJS.ErrnoException) => onEnd(e.message, e));
      child.on('exit', (code, signal) =>
        onEnd(`${signal ?? `exit ${code}`}${output.trim() && !serving ? `: ${output.trim()}` : ''}`)
      );
    });
  }

  private scheduleRestart(why: string, ranMs: number): void {
    if (ranMs > STABLE_MS) this.attempt = 0;
    const delay = RESTART_DELAYS_MS[Math.min(this.attempt++, RESTART_DELAYS_MS.length - 1)];
    this.opts.log?.(`kubectl proxy for "${this.context}" exited (${why}); starting it again in ${delay} ms`);
    this.timer = setTimeout(() => {
      this.state.restarts++;
      this.spawnOnce(false).then(
        () => this.opts.log?.(`kubectl proxy for "${this.context}" serves again on ${this.state.socket}`),
        () => {}
      );
    }, delay);
  }

  /** Ends the proxy for good (no restart), and removes its socket. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.child?.kill('SIGTERM');
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
