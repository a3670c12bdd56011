/**
 * One origin for Skiff and several clusters: the built site (sirv), a generated `/config.json`,
 * and each cluster's `kubectl proxy` under `/clusters/<name>/` (http-proxy-3: prefix stripped,
 * responses piped through as they arrive, WebSocket upgrades passed on).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import sirv from 'sirv';
import { ApiError } from '../../src/lib/kube/types';
import { LaunchError } from './kubectl';

export interface ProxiedCluster {
  /** The cluster's name in Skiff (see `clusterNames`), also its path under /clusters/. */
  name: string;
  /** Where its kubectl proxy serves right now (`http://127.0.0.1:PORT`), undefined while restarting. */
  target(): string | undefined;
}

export interface ServerOptions {
  /** Directory of the built site. */
  www: string;
  clusters: ProxiedCluster[];
  /** Names of clusters simulated in the browser (demo presets), listed after the proxied ones. */
  demo?: string[];
  port: number;
  host: string;
  /**
   * Host names (without port) the server answers. kubectl proxy refuses other Host headers so that
   * a web page cannot reach it by DNS rebinding; the launcher rewrites Host for the proxies, so it
   * must check it itself.
   */
  acceptHosts?: RegExp;
}

export interface SkiffServer {
  server: Server;
  port: number;
  /** The page to open, e.g. `http://127.0.0.1:8000/`. */
  url: string;
  close(): Promise<void>;
}

/** kubectl proxy's default `--accept-hosts`. */
export const LOCAL_HOSTS = /^(localhost|127\.0\.0\.1|\[::1\])$/;

/** Cluster names Skiff accepts (src/lib/engine/clusters.ts): row keys are `<cluster>/<ns>/<name>`. */
const CLUSTER_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,99}$/;

/**
 * A Skiff cluster name per kube context: the context's own name when Skiff accepts it, else with
 * every other character replaced by `-` (`arn:aws:eks:…:cluster/prod` → `arn:aws:eks:…:cluster-prod`),
 * made unique with a numeric suffix.
 */
export function clusterNames(contexts: string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set(contexts.filter((c) => CLUSTER_NAME.test(c)));
  for (const context of contexts) {
    if (CLUSTER_NAME.test(context)) {
      names.set(context, context);
      continue;
    }
    const base =
      context
        .replace(/[^-A-Za-z0-9_.:@]/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 90) || 'cluster';
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    names.set(context, name);
  }
  return names;
}

/** Where a cluster is served, relative to the page. */
export function clusterPath(name: string): string {
  return `clusters/${encodeURIComponent(name)}/`;
}

export function configJson(clusters: { name: string }[], demo: string[] = []) {
  return {
    clusters: [
      ...clusters.map((c) => ({ name: c.name, url: clusterPath(c.name) })),
      ...demo.map((name) => ({ name, demo: true }))
    ]
  };
}

/** A Kubernetes Status body, so Skiff shows proxy failures the way it shows API errors. */
function sendStatus(res: ServerResponse, code: number, reason: string, message: string) {
  res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(new ApiError(code, reason, message).toStatus()));
}

function refuseUpgrade(socket: Socket, code: number, text: string) {
  socket.end(`HTTP/1.1 ${code} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

/** A path segment decoded (`%2f` and `%2F` alike); undefined when it is not valid percent-encoding. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Host name of a Host header (`[::1]:8000` → `[::1]`). */
function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

export function startServer(opts: ServerOptions): Promise<SkiffServer> {
  const acceptHosts = opts.acceptHosts ?? LOCAL_HOSTS;
  const byName = new Map(opts.clusters.map((c) => [c.name, c]));
  const config = JSON.stringify(configJson(opts.clusters, opts.demo));
  // Hashed build assets never change; everything else is revalidated (ETag) on each load.
  const files = sirv(opts.www, {
    etag: true,
    dotfiles: false,
    setHeaders: (res, pathname) =>
      res.setHeader(
        'cache-control',
        pathname.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache'
      )
  });
  // No proxyTimeout: a watch may stay quiet for minutes, and kubectl proxy ends it when the API does.
  const proxy = createProxyServer({ changeOrigin: true, ws: true, xfwd: false });
  // A watch's headers go out at once, not with its first event: the page's fetch resolves only
  // then, and a quiet watch must not look like a hung request. (http-proxy-3 sets the status and
  // headers right after this event, synchronously; the microtask runs after that.)
  proxy.on('proxyRes', (proxyRes, _req, res) => {
    if (proxyRes.headers['content-length'] === undefined) queueMicrotask(() => res.flushHeaders());
  });
  proxy.on('error', (err, _req, res) => {
    if (!('writeHead' in res)) return void res.destroy();
    if (res.headersSent) return void res.destroy();
    sendStatus(res, 502, 'BadGateway', `kubectl proxy did not answer: ${err.message}`);
  });

  /**
   * The cluster a request is for and the path to send on, or a refusal. Checks the Host header
   * (DNS rebinding) and, when the browser sends one, the Origin (another site's page, WebSocket
   * or form post reaching the user's credentials).
   */
  function route(
    req: IncomingMessage
  ): { cluster: ProxiedCluster; path: string } | { refuse: number; reason: string; message: string } | null {
    const url = req.url ?? '/';
    if (!url.startsWith('/clusters/')) return null;
    const host = req.headers.host ?? '';
    if (!acceptHosts.test(hostName(host))) {
      return { refuse: 403, reason: 'Forbidden', message: `host "${host}" is not accepted` };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      return { refuse: 403, reason: 'Forbidden', message: `requests from ${origin} are not accepted` };
    }
    const rest = url.slice('/clusters/'.length);
    const slash = rest.indexOf('/');
    const name = decodeSegment(slash < 0 ? rest : rest.slice(0, slash));
    const cluster = name === undefined ? undefined : byName.get(name);
    if (!cluster) return { refuse: 404, reason: 'NotFound', message: `no cluster at ${url.split('?')[0]}` };
    return { cluster, path: slash < 0 ? '/' : rest.slice(slash) };
  }

  const server = createServer((req, res) => {
    const to = route(req);
    if (to === null) {
      if (req.url === '/config.json' || req.url?.startsWith('/config.json?')) {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        return void res.end(config);
      }
      return files(req, res, () => sendStatus(res, 404, 'NotFound', `${req.url} not found`));
    }
    if ('refuse' in to) return sendStatus(res, to.refuse, to.reason, to.message);
    const target = to.cluster.target();
    if (!target) {
      return sendStatus(
        res,
        503,
        'ServiceUnavailable',
        `kubectl proxy for "${to.cluster.name}" is starting again`
      );
    }
    req.url = to.path;
    proxy.web(req, res, { target });
  });

  // Upgraded sockets leave the HTTP server's bookkeeping: close() ends them itself.
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const to = route(req);
    if (to === null) return refuseUpgrade(socket, 404, 'Not Found');
    if ('refuse' in to) return refuseUpgrade(socket, to.refuse, to.reason);
    const target = to.cluster.target();
    if (!target) return refuseUpgrade(socket, 503, 'Service Unavailable');
    req.url = to.path;
    proxy.ws(req, socket, head, { target });
  });

  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new LaunchError(`port ${opts.port} on ${opts.host} is in use: pass --port N (0 picks a free one)`)
          : e.code === 'EACCES'
            ? new LaunchError(`no permission to listen on port ${opts.port}: pass --port N above 1023`)
            : e
      );
    });
    server.listen(opts.port, opts.host, () => {
      const port = (server.address() as AddressInfo).port;
      // Listening on every address: the page is still opened on this machine's loopback.
      const shown = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
      const host = shown.includes(':') ? `[${shown}]` : shown;
      resolve({
        server,
        port,
        url: `http://${host}:${port}/`,
        close: () =>
          new Promise<void>((r) => {
            proxy.close();
            for (const socket of upgraded) socket.destroy();
            server.closeAllConnections();
            server.close(() => r());
          })
      });
    });
  });
}
