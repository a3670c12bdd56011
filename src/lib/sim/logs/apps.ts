/**
 * The running lines of each kind of app (its log style): access logs, structured JSON, coloured
 * Node output, klog, Redis, PostgreSQL, Python and shell. Which style a container writes follows
 * from its image.
 */
import { hashOf } from '../random';
import {
  ANSI,
  hex,
  int,
  isoMs,
  klogTime,
  nginxErrorTime,
  nginxTime,
  pick,
  postgresTime,
  redisTime,
  type Rand
} from './formats';
import type { Instance, Style } from './types';

const PATHS = [
  '/api/v1/orders',
  '/api/v1/orders/{id}',
  '/api/v1/users/{id}',
  '/api/v1/cart',
  '/api/v1/search?q=boots',
  '/api/v1/products?page={n}',
  '/login',
  '/static/js/app.{hex}.js',
  '/metrics'
];
const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'curl/8.7.1',
  'Go-http-client/1.1'
];

function request(r: Rand) {
  const probe = r() < 0.25;
  const x = r();
  const method = probe ? 'GET' : x < 0.7 ? 'GET' : x < 0.9 ? 'POST' : x < 0.95 ? 'PUT' : 'DELETE';
  const path = probe
    ? pick(r, ['/healthz', '/readyz'])
    : pick(r, PATHS)
        .replace('{id}', String(int(r, 1000, 99999)))
        .replace('{n}', String(int(r, 1, 40)))
        .replace('{hex}', hex(r, 8));
  const s = r();
  const status = probe
    ? 200
    : s < 0.85
      ? method === 'POST'
        ? 201
        : 200
      : s < 0.9
        ? 304
        : s < 0.95
          ? 404
          : s < 0.98
            ? 500
            : 502;
  const duration = Math.round((probe ? 0.2 + r() : 2 + r() * r() * 400) * 10) / 10;
  const client = `10.244.${int(r, 0, 5)}.${int(r, 2, 250)}`;
  const bytes = status === 304 ? 0 : probe ? int(r, 2, 20) : int(r, 120, 48_000);
  return { method, path, status, duration, probe, client, bytes };
}

const level = (r: Rand) => {
  const x = r();
  return x < 0.08 ? 'debug' : x < 0.86 ? 'info' : x < 0.96 ? 'warn' : 'error';
};

type Gen = (r: Rand, t: number, nanos: number, inst: Instance) => string;

export const regular: Record<Style, Gen> = {
  nginx(r, t) {
    if (r() < 0.02) {
      return `${nginxErrorTime(t)} [error] ${int(r, 20, 40)}#${int(r, 20, 40)}: *${int(r, 1, 99999)} open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 10.244.${int(r, 0, 5)}.${int(r, 2, 250)}, server: localhost, request: "GET /favicon.ico HTTP/1.1", host: "shop.example.com"`;
    }
    const q = request(r);
    const ua = q.probe ? 'kube-probe/1.32' : pick(r, BROWSERS);
    return `${q.client} - - [${nginxTime(t)}] "${q.method} ${q.path} HTTP/1.1" ${q.status} ${q.bytes} "-" "${ua}" "-"`;
  },
  json(r, t) {
    const lv = level(r);
    const ts = isoMs(t);
    if (lv === 'debug') {
      return JSON.stringify({
        level: lv,
        ts,
        caller: 'cache/redis.go:88',
        msg: pick(r, ['cache hit', 'cache miss']),
        key: `product:${int(r, 1, 9999)}`
      });
    }
    if (lv === 'warn') {
      return r() < 0.5
        ? JSON.stringify({
            level: lv,
            ts,
            caller: 'store/postgres.go:214',
            msg: 'slow query',
            duration_ms: int(r, 500, 4000),
            table: pick(r, ['orders', 'users', 'inventory'])
          })
        : JSON.stringify({
            level: lv,
            ts,
            caller: 'client/retry.go:61',
            msg: 'retrying request',
            attempt: int(r, 1, 3),
            upstream: pick(r, ['payments:8080', 'inventory:8080'])
          });
    }
    if (lv === 'error') {
      return JSON.stringify({
        level: lv,
        ts,
        caller: 'worker/consumer.go:132',
        msg: 'failed to process message',
        error: pick(r, [
          'context deadline exceeded',
          'upstream returned 503',
          "invalid character '<' looking for beginning of value"
        ]),
        message_id: hex(r, 16)
      });
    }
    const q = request(r);
    return JSON.stringify({
      level: lv,
      ts,
      caller: 'server/http.go:142',
      msg: 'request completed',
      method: q.method,
      path: q.path,
      status: q.status,
      duration_ms: q.duration,
      request_id: hex(r, 16)
    });
  },
  ansi(r, t) {
    const lv = level(r);
    const color = { debug: ANSI.blue, info: ANSI.green, warn: ANSI.yellow, error: ANSI.red }[lv];
    const head = `${isoMs(t)} ${color}${lv}${ANSI.fg}:`;
    if (lv === 'error')
      return `${head} ${ANSI.red}Unhandled rejection: Error: Request failed with status code ${pick(r, [500, 502, 503])}${ANSI.reset}`;
    if (lv === 'warn') return `${head} queue depth ${int(r, 100, 900)} above threshold`;
    if (lv === 'debug') return `${head} ${ANSI.dim}session ${hex(r, 12)} refreshed${ANSI.reset}`;
    const q = request(r);
    const sc =
      q.status >= 500 ? ANSI.red : q.status >= 400 ? ANSI.yellow : q.status >= 300 ? '\x1b[36m' : ANSI.green;
    return `${head} ${q.method} ${q.path} ${sc}${q.status}${ANSI.fg} ${q.duration} ms - ${q.bytes}`;
  },
  klog(r, t, nanos) {
    const x = r();
    const sev = x < 0.9 ? 'I' : x < 0.98 ? 'W' : 'E';
    const head = `${sev}${klogTime(t, nanos)}       1`;
    if (sev === 'W')
      return `${head} reflector.go:561] k8s.io/client-go/informers/factory.go:160: watch of *v1.EndpointSlice ended with: an error on the server ("unable to decode an event from the watch stream: context canceled") has prevented the request from succeeding`;
    if (sev === 'E')
      return `${head} leaderelection.go:436] error retrieving resource lock kube-system/${pick(r, ['controller', 'scheduler'])}: Get "https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases": context deadline exceeded`;
    return pick(r, [
      `${head} controller.go:${int(r, 100, 400)}] "Syncing" key="${pick(r, ['default', 'web', 'shop'])}/${pick(r, ['api', 'frontend', 'worker'])}-${hex(r, 5)}"`,
      `${head} trace.go:236] Trace[${int(r, 100000000, 999999999)}]: "List" url:/api/v1/pods (total time: ${int(r, 100, 900)}ms)`,
      `${head} reflector.go:368] Caches populated for *v1.Pod from k8s.io/client-go/informers/factory.go:160`,
      `${head} event.go:389] "Event occurred" object="default/web" kind="Deployment" apiVersion="apps/v1" type="Normal" reason="ScalingReplicaSet"`
    ]);
  },
  redis(r, t) {
    const x = r();
    if (x < 0.4)
      return `1:M ${redisTime(t)} * ${int(r, 1, 100)} changes in ${pick(r, [60, 300, 3600])} seconds. Saving...`;
    if (x < 0.7) return `1:M ${redisTime(t)} * Background saving started by pid ${int(r, 20, 9000)}`;
    if (x < 0.9) return `1:M ${redisTime(t)} * Background saving terminated with success`;
    return `${int(r, 20, 9000)}:C ${redisTime(t)} * DB saved on disk`;
  },
  postgres(r, t) {
    const x = r();
    const pid = int(r, 30, 9000);
    if (x < 0.35)
      return `${postgresTime(t)} [${pid}] LOG:  connection received: host=10.244.${int(r, 0, 5)}.${int(r, 2, 250)} port=${int(r, 30000, 60000)}`;
    if (x < 0.6)
      return `${postgresTime(t)} [${pid}] LOG:  connection authorized: user=app database=shop application_name=api`;
    if (x < 0.8)
      return `${postgresTime(t)} [${pid}] LOG:  duration: ${int(r, 200, 3000)}.${int(r, 100, 999)} ms  statement: SELECT * FROM orders WHERE customer_id = ${int(r, 1, 9999)}`;
    if (x < 0.95) return `${postgresTime(t)} [27] LOG:  checkpoint starting: time`;
    return `${postgresTime(t)} [27] LOG:  checkpoint complete: wrote ${int(r, 3, 400)} buffers (${(r() * 3).toFixed(1)}%); 0 WAL file(s) added, 0 removed, 1 recycled; write=${(r() * 30).toFixed(3)} s, sync=0.004 s, total=${(r() * 30).toFixed(3)} s`;
  },
  python(r) {
    const q = request(r);
    if (r() < 0.05) return `WARNING:  Invalid HTTP request received.`;
    return `INFO:     ${q.client}:${int(r, 30000, 60000)} - "${q.method} ${q.path} HTTP/1.1" ${q.status} ${q.status === 200 ? 'OK' : q.status === 201 ? 'Created' : q.status === 404 ? 'Not Found' : q.status === 304 ? 'Not Modified' : 'Internal Server Error'}`;
  },
  shell(r, t) {
    return pick(r, [
      `${isoMs(t).slice(0, 19)} heartbeat ok`,
      `processed batch ${int(r, 1, 5000)}: ${int(r, 0, 250)} records`,
      `sleeping ${int(r, 1, 5)}s`
    ]);
  }
};

export function styleOf(image: string, container: string, seed: number): Style {
  const name = (image.split('/').pop() ?? image).split(/[:@]/)[0].toLowerCase();
  if (/nginx|openresty|haproxy|envoy/.test(name)) return 'nginx';
  if (/redis|valkey/.test(name)) return 'redis';
  if (/postgres|mysql|mariadb/.test(name)) return 'postgres';
  if (/busybox|alpine|curl|ubuntu|debian/.test(name)) return 'shell';
  if (/python|django|flask|celery|uvicorn/.test(name)) return 'python';
  if (/node|next|express/.test(name)) return 'ansi';
  if (
    /^kube-|coredns|etcd|metrics-server|csi|calico|cilium|flannel|controller|operator|provisioner/.test(name)
  ) {
    return 'klog';
  }
  return hashOf(seed, container, 'style') % 3 === 0 ? 'ansi' : 'json';
}
