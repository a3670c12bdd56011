/**
 * Skiff for several kube contexts on one origin: picks contexts from the kubeconfig, starts one
 * supervised `kubectl proxy` per context, and serves the built site, `/config.json` and every
 * proxy under `/clusters/<context>/`. `scripts/launch.ts` is the command line around it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LaunchError, readContexts, SupervisedProxy, type KubectlOptions } from './kubectl';
import { clusterNames, startServer, type SkiffServer } from './server';

export interface LaunchOptions extends KubectlOptions {
  /** Contexts to serve; empty = the current context (or every context with `allContexts`). */
  contexts: string[];
  allContexts?: boolean;
  /** Add the browser-simulated demo cluster `demo-dev`. */
  demo?: boolean;
  www: string;
  port: number;
  host: string;
  acceptHosts?: RegExp;
  log?: (line: string) => void;
  /** The proxies, as soon as they exist (before they start): a signal during startup can stop them. */
  onProxies?: (proxies: SupervisedProxy[]) => void;
}

export interface Launched extends SkiffServer {
  proxies: SupervisedProxy[];
  /** Each context's cluster name in Skiff. */
  names: Map<string, string>;
}

export const DEMO_CLUSTER = 'demo-dev';

/** The contexts to serve, checked against the kubeconfig. */
export async function chooseContexts(opts: LaunchOptions): Promise<string[]> {
  const { names, current } = await readContexts(opts);
  let chosen: string[];
  if (opts.allContexts) {
    if (names.length === 0) throw new LaunchError('the kubeconfig has no contexts');
    chosen = names;
  } else if (opts.contexts.length > 0) {
    const unknown = opts.contexts.filter((c) => !names.includes(c));
    if (unknown.length > 0) {
      throw new LaunchError(
        `unknown context${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}; ` +
          `the kubeconfig has: ${names.length ? names.join(', ') : '(none)'}`
      );
    }
    chosen = [...new Set(opts.contexts)];
  } else {
    if (!current) throw new LaunchError('no current context: pass --context NAME or --all-contexts');
    chosen = [current];
  }
  if (opts.demo && [...clusterNames(chosen).values()].includes(DEMO_CLUSTER)) {
    throw new LaunchError(`a context is named "${DEMO_CLUSTER}", like the demo cluster: drop --demo`);
  }
  return chosen;
}

/** Starts the proxies and the server; `close()` stops both. */
export async function launch(opts: LaunchOptions): Promise<Launched> {
  const contexts = await chooseContexts(opts);
  if (!existsSync(join(opts.www, 'index.html'))) {
    throw new LaunchError(`no built Skiff in ${opts.www}: run \`npm run build\` first`);
  }
  const proxies = contexts.map((c) => new SupervisedProxy(c, opts));
  opts.onProxies?.(proxies);
  const names = clusterNames(contexts);
  // The port first: a busy port fails before any proxy starts.
  const server = await startServer({
    www: opts.www,
    port: opts.port,
    host: opts.host,
    acceptHosts: opts.acceptHosts,
    clusters: proxies.map((p) => ({ name: names.get(p.context)!, target: () => p.state.socket })),
    demo: opts.demo ? [DEMO_CLUSTER] : []
  });
  const stopProxies = () => proxies.forEach((p) => p.stop());
  try {
    await Promise.all(proxies.map((p) => p.start()));
  } catch (e) {
    stopProxies();
    await server.close();
    throw e;
  }
  return {
    ...server,
    proxies,
    names,
    close: async () => {
      stopProxies();
      await server.close();
    }
  };
}
