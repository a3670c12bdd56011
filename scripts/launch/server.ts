/**
 * One origin for Skiff and several clusters: the built site (sirv), a generated `/config.json`,
 * and each cluster's `kubectl proxy` under `/clusters/<name>/` (http-proxy-3: prefix stripped,
 * responses piped through as they arrive, WebSocket upgrades passed on).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { createProxyServer, type ProxyTarget } from 'http-proxy-3';
import sirv from 'sirv';
import { ApiError } from '../../src/lib/kube/types';
import { LaunchError } from './kubectl';

export interface ProxiedCluster {
  /** The cluster's name in Skiff (see `clusterNames`), also its path under /clusters/. */
  name: string;
  /**
   * Where its kubectl proxy serves right now, undefined while restarting: a unix socket's path, or a
   * URL (`http://127.0.0.1:PORT`).
   */
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
   * Host names (without port) the server answers, matched against the whole name (`^(?:…)$` is
   * added). kubectl proxy refuses other Host headers so that a web page cannot reach it by DNS
   * rebinding; the launcher rewrites Host for the proxies, so it must check it itself.
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
  const headers = Object.entries(SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${code} ${text}\r\n${headers}connection: close\r\ncontent-length: 0\r\n\r\n`);
}

/** A path segment decoded (`%2f` and `%2F` alike); undefined when it is not valid percent-encoding. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/;

/**
 * Host name of a Host header (`[::1]:8000` → `[::1]`); undefined when the header is not a plain
 * host and port (it is also written into the Content-Security-Policy, so nothing else may pass).
 */
function hostName(host: string): string | undefined {
  return HOST_HEADER.exec(host)?.[1];
}

/** `re` matched against a whole host name (`skiff\.example` must not accept `skiff.example.evil`). */
export function anchored(re: RegExp): RegExp {
  return new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gy]/g, ''));
}

export interface Refusal {
  code: number;
  reason: string;
  message: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The one check every request and every WebSocket upgrade passes before any route (static files,
 * config.json, the clusters). Refused:
 * - a Host that is not accepted (DNS rebinding: another site's page under a name that resolves
 *   here);
 * - an Origin that is not the launcher's own (another site's fetch, form post or WebSocket: browsers
 *   apply no CORS to WebSockets). `Origin: null` counts as its own only when the browser says the
 *   request is same-origin (some browsers send null for a same-origin POST under
 *   `Referrer-Policy: no-referrer`; sandboxed frames send it too, as cross-site);
 * - a cross-site or same-site request (Sec-Fetch-Site, e.g. an `<img>` or a link, which carry no
 *   Origin) to a cluster, a WebSocket upgrade, or any method but GET and HEAD.
 * A request without Origin and Sec-Fetch-Site is not from a web page (curl, kubectl): it passes.
 */
export function checkRequest(req: IncomingMessage, acceptHosts: RegExp): Refusal | undefined {
  const host = req.headers.host ?? '';
  const name = hostName(host);
  if (name === undefined || !acceptHosts.test(name)) {
    return { code: 403, reason: 'Forbidden', message: `host "${host}" is not accepted` };
  }
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (origin !== undefined && origin !== `http://${host}` && !(origin === 'null' && site === 'same-origin')) {
    return { code: 403, reason: 'Forbidden', message: `requests from ${origin} are not accepted` };
  }
  const guarded =
    req.headers.upgrade !== undefined ||
    !SAFE_METHODS.has(req.method ?? 'GET') ||
    (req.url ?? '/').startsWith('/clusters/');
  if (guarded && site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { code: 403, reason: 'Forbidden', message: `${site} requests are not accepted` };
  }
  return undefined;
}

/** The policy of every answer proxied from a cluster: no scripts, no subresources, no framing. */
export const CLUSTER_ANSWER_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'";

/** Headers on every response but the Content-Security-Policy (which depends on the Host). */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer'
} as const;

/** When index.html has no CSP of its own (not a Skiff build). */
const FALLBACK_POLICY = "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'";

/** The Content-Security-Policy of the page's `<meta>` in `www/index.html`, if it has one. */
export function pagePolicy(www: string): string | undefined {
  let html: string;
  try {
    html = readFileSync(join(www, 'index.html'), 'utf8');
  } catch {
    return undefined;
  }
  const meta = /<meta\s[^>]*http-equiv=["']?content-security-policy["']?[^>]*>/i.exec(html)?.[0];
  const content = meta && /\scontent=(?:"([^"]*)"|'([^']*)')/i.exec(meta);
  if (!content) return undefined;
  return (content[1] ?? content[2])
    .replace(/&#39;|&#x27;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/**
 * The Content-Security-Policy header on every response: the page's own policy (its `<meta>`, with
 * the inline script's hash) so the page is held to it twice, plus what a `<meta>` cannot carry:
 * `frame-ancestors 'none'` (no other site frames Skiff), and a policy for the engine's worker
 * script, which a page's `<meta>` does not cover. The worker talks to the clusters: `connect-src`
 * is the launcher's own origin, over HTTP and WebSocket (`ws://<host>` spelled out for browsers
 * whose `'self'` does not cover WebSockets).
 */
export function securityPolicy(page: string | undefined, host: string | undefined): string {
  const directives = new Map<string, string[]>();
  for (const directive of (page ?? FALLBACK_POLICY).split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  const connect = new Set(directives.get('connect-src') ?? ["'self'"]);
  if (host !== undefined) connect.add(`ws://${host}`);
  directives.set('connect-src', [...connect]);
  directives.set('frame-ancestors', ["'none'"]);
  return [...directives].map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

/** http-proxy-3's target for a socket path or a URL; Host `127.0.0.1` (changeOrigin) on a socket. */
function proxyTarget(target: string): ProxyTarget {
  return isAbsolute(target) ? { socketPath: target, host: '127.0.0.1', port: 80 } : target;
}

export function startServer(opts: ServerOptions): Promise<SkiffServer> {
  const acceptHosts = anchored(opts.acceptHosts ?? LOCAL_HOSTS);
  const page = pagePolicy(opts.www);
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
    // What a cluster answers is data, never a page of this origin: a Service's web page reached
    // through `…/services/NAME/proxy/` must not run scripts with the proxy's credentials. This
    // runs before http-proxy-3 copies the upstream headers, so the upstream cannot replace it.
    proxyRes.headers['content-security-policy'] = CLUSTER_ANSWER_POLICY;
    proxyRes.headers['x-content-type-options'] = 'nosniff';
    if (proxyRes.headers['content-length'] === undefined) queueMicrotask(() => res.flushHeaders());
  });
  proxy.on('error', (err, _req, res) => {
    if (!('writeHead' in res)) return void res.destroy();
    if (res.headersSent) return void res.destroy();
    sendStatus(res, 502, 'BadGateway', `kubectl proxy did not answer: ${err.message}`);
  });

  /** The cluster a request is for and the path to send on; null when it is not for a cluster. */
  function route(
    req: IncomingMessage
  ): { cluster: ProxiedCluster; path: string } | { refuse: number; reason: string; message: string } | null {
    const url = req.url ?? '/';
    if (!url.startsWith('/clusters/')) return null;
    const rest = url.slice('/clusters/'.length);
    const slash = rest.indexOf('/');
    const name = decodeSegment(slash < 0 ? rest : rest.slice(0, slash));
    const cluster = name === undefined ? undefined : byName.get(name);
    if (!cluster) return { refuse: 404, reason: 'NotFound', message: `no cluster at ${url.split('?')[0]}` };
    return { cluster, path: slash < 0 ? '/' : rest.slice(slash) };
  }

  const server = createServer((req, res) => {
    const host = req.headers.host ?? '';
    res.setHeader('content-security-policy', securityPolicy(page, hostName(host) && host));
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const refused = checkRequest(req, acceptHosts);
    if (refused) return sendStatus(res, refused.code, refused.reason, refused.message);
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
    proxy.web(req, res, { target: proxyTarget(target) });
  });

  // Upgraded sockets leave the HTTP server's bookkeeping: close() ends them itself.
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const refused = checkRequest(req, acceptHosts);
    if (refused) return refuseUpgrade(socket, refused.code, refused.reason);
    const to = route(req);
    if (to === null) return refuseUpgrade(socket, 404, 'Not Found');
    if ('refuse' in to) return refuseUpgrade(socket, to.refuse, to.reason);
    const target = to.cluster.target();
    if (!target) return refuseUpgrade(socket, 503, 'Service Unavailable');
    req.url = to.path;
    proxy.ws(req, socket, head, { target: proxyTarget(target) });
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
