/**
 * Deterministic container logs. A container instance (pod uid, container, restart number) writes a
 * few startup lines, then about one line every 1.5 s for as long as it runs, and a crash report if
 * it died with an error. Every line is a pure function of the instance and its time slot, so any
 * window (tail, since, follow) is computed without replaying the container's whole life.
 * Log files rotate every few hours, as the kubelet's do: only the current file is served.
 * Errors follow the apiserver (container name validation) and the kubelet (container state).
 */
import { Random, hashOf } from './random';
import { ApiError, type KubeObject } from '../kube/types';

export interface LogOptions {
  previous?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

const STARTUP_MS = 2000; // regular lines begin after the startup banner
const SLOT_MS = 3000; // each slot holds 1–3 lines: one line per ~1.5 s
const ROTATE_MS = 4 * 3600_000; // the log file the kubelet serves starts at the last rotation
const CRASH_MS = 40; // the crash report occupies the last few milliseconds of an instance

type Style = 'nginx' | 'json' | 'ansi' | 'klog' | 'redis' | 'postgres' | 'python' | 'shell';

/** How an instance ended: still running, exit 0, killed for memory, or crashed with a report. */
type Ending = 'running' | 'completed' | 'oom' | 'crash';

interface Instance {
  pod: string;
  index: number; // restart number
  container: string;
  seed: number;
  start: number;
  end: number | undefined;
  ending: Ending;
  style: Style;
  podIP: string;
}

interface Line {
  t: number; // ms since epoch
  nanos: number; // sub-millisecond part, for RFC3339Nano timestamps
  text: string;
}

// ---- deterministic randomness ----------------------------------------------------------------------

/** A seeded generator of numbers in [0, 1), for one line's random parts. */
function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

type Rand = () => number;
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const hex = (r: Rand, n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');

// ---- time formats ----------------------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go's time.RFC3339Nano (trailing zeros of the fraction dropped), as the kubelet prefixes lines. */
export function rfc3339Nano(ms: number, nanos = 0): string {
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = `${pad(((ms % 1000) + 1000) % 1000, 3)}${pad(nanos, 6)}`.replace(/0+$/, '');
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|([+-])(\d\d):(\d\d))$/;

/**
 * A time as Go's time.Parse(time.RFC3339, s) reads it (how the apiserver decodes `sinceTime`): a
 * fraction of a second is allowed, out-of-range fields are not. `ms` since the epoch, `nanos` below it.
 */
export function parseRfc3339(text: string): { ms: number; nanos: number } | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years below 100 as 19xx
  const local = d.setUTCHours(hour, minute, second, 0);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000 : 0;
  if (m[8] && (Number(m[9]) > 23 || Number(m[10]) > 59)) return undefined;
  const fraction = (m[7] ?? '').slice(0, 9).padEnd(9, '0');
  return { ms: local - offset + Number(fraction.slice(0, 3)), nanos: Number(fraction.slice(3)) };
}

const isoMs = (t: number) => new Date(t).toISOString();
function nginxTime(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
function nginxErrorTime(t: number): string {
  return isoMs(t).slice(0, 19).replace('T', ' ').replace(/-/g, '/');
}
function redisTime(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${isoMs(t).slice(11, 23)}`;
}
function postgresTime(t: number): string {
  return `${isoMs(t).slice(0, 23).replace('T', ' ')} UTC`;
}
function klogTime(t: number, nanos: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${isoMs(t).slice(11, 23)}${pad(Math.floor(nanos / 1000), 3)}`;
}

// ---- content ---------------------------------------------------------------------------------------

const ANSI = {
  reset: '\x1b[0m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  fg: '\x1b[39m'
};

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

const regular: Record<Style, Gen> = {
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

/** Startup banners: one function per line, each given the line's own time. */
type StartupLine = (t: number, inst: Instance) => string;
const startup: Record<Style, StartupLine[]> = {
  nginx: [
    () => '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    () => '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    () => '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    () => '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
    () => '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    () => '/docker-entrypoint.sh: Configuration complete; ready for start up',
    (t) => `${nginxErrorTime(t)} [notice] 1#1: using the "epoll" event method`,
    (t) => `${nginxErrorTime(t)} [notice] 1#1: nginx/1.27.3`,
    (t) => `${nginxErrorTime(t)} [notice] 1#1: start worker processes`
  ],
  json: [
    (t, inst) =>
      JSON.stringify({
        level: 'info',
        ts: isoMs(t),
        caller: 'cmd/main.go:52',
        msg: `starting ${inst.container}`,
        version: 'v1.8.3',
        commit: hex(rng(inst.seed), 7)
      }),
    (t) =>
      JSON.stringify({
        level: 'info',
        ts: isoMs(t),
        caller: 'config/load.go:40',
        msg: 'configuration loaded',
        env: 'production',
        port: 8080
      }),
    (t) =>
      JSON.stringify({
        level: 'info',
        ts: isoMs(t),
        caller: 'store/postgres.go:77',
        msg: 'connected to database',
        host: 'postgres.shop.svc.cluster.local:5432'
      }),
    (t) =>
      JSON.stringify({
        level: 'info',
        ts: isoMs(t),
        caller: 'server/http.go:61',
        msg: 'HTTP server listening',
        addr: ':8080'
      })
  ],
  ansi: [
    () => '',
    (_, inst) => `> ${inst.container}@2.3.1 start`,
    () => '> node server.js',
    () => '',
    (t) => `${isoMs(t)} ${ANSI.green}info${ANSI.fg}: ${ANSI.bold}Server listening on port 3000${ANSI.reset}`
  ],
  klog: [
    (t, inst) => `I${klogTime(t, 0)}       1 main.go:45] "Starting ${inst.container}" version="v1.11.1"`,
    (t, inst) =>
      `I${klogTime(t, 0)}       1 shared_informer.go:313] Waiting for caches to sync for ${inst.container}`,
    (t, inst) => `I${klogTime(t, 0)}       1 shared_informer.go:320] Caches are synced for ${inst.container}`
  ],
  redis: [
    (t) =>
      `1:C ${redisTime(t)} # WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition.`,
    (t) => `1:C ${redisTime(t)} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`,
    (t) =>
      `1:C ${redisTime(t)} * Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started`,
    (t) => `1:M ${redisTime(t)} * Running mode=standalone, port=6379.`,
    (t) => `1:M ${redisTime(t)} * Server initialized`,
    (t) => `1:M ${redisTime(t)} * Ready to accept connections tcp`
  ],
  postgres: [
    () => '',
    () => 'PostgreSQL Database directory appears to contain a database; Skipping initialization',
    () => '',
    (t) =>
      `${postgresTime(t)} [1] LOG:  starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
    (t) => `${postgresTime(t)} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432`,
    (t) => `${postgresTime(t)} [1] LOG:  database system is ready to accept connections`
  ],
  python: [
    () => 'INFO:     Started server process [1]',
    () => 'INFO:     Waiting for application startup.',
    () => 'INFO:     Application startup complete.',
    () => 'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'
  ],
  shell: [() => 'starting worker loop']
};

const crashReport: Record<Style, (inst: Instance, t: number) => string[]> = {
  json: (_, t) => [
    JSON.stringify({
      level: 'fatal',
      ts: isoMs(t),
      caller: 'cmd/main.go:71',
      msg: 'failed to connect to database',
      error: 'dial tcp 10.96.41.7:5432: connect: connection refused'
    }),
    'panic: runtime error: invalid memory address or nil pointer dereference',
    '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x8c1f4a]',
    '',
    'goroutine 1 [running]:',
    'main.(*Server).handleOrders(0xc000146000, {0xa3c2e0, 0xc0001c4000}, 0xc0001b6000)',
    '\t/app/server/orders.go:88 +0x4a',
    'net/http.HandlerFunc.ServeHTTP(0xc0001b2010?, {0xa3c2e0?, 0xc0001c4000?}, 0x0?)',
    '\t/usr/local/go/src/net/http/server.go:2220 +0x29',
    'main.main()',
    '\t/app/cmd/main.go:74 +0x1e5'
  ],
  ansi: (_, t) => [
    `${isoMs(t)} ${ANSI.red}error${ANSI.fg}: ${ANSI.red}Failed to start: connect ECONNREFUSED 10.96.41.7:5432${ANSI.reset}`,
    '/app/node_modules/pg/lib/client.js:132',
    '      throw err',
    '      ^',
    '',
    'Error: connect ECONNREFUSED 10.96.41.7:5432',
    '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {',
    '  errno: -111,',
    "  code: 'ECONNREFUSED',",
    "  syscall: 'connect',",
    "  address: '10.96.41.7',",
    '  port: 5432',
    '}',
    '',
    'Node.js v20.18.1'
  ],
  klog: (inst, t) => [
    `E${klogTime(t, 0)}       1 run.go:72] "command failed" err="failed to create listener: failed to listen on 0.0.0.0:10250: listen tcp 0.0.0.0:10250: bind: address already in use"`,
    `F${klogTime(t, 0)}       1 main.go:58] ${inst.container} exited with error`,
    'goroutine 1 [running]:',
    'k8s.io/klog/v2.stacks(0x1)',
    '\t/go/pkg/mod/k8s.io/klog/v2@v2.130.1/klog.go:1624 +0x8a'
  ],
  nginx: (_, t) => [
    `${nginxErrorTime(t)} [emerg] 1#1: host not found in upstream "backend:8080" in /etc/nginx/conf.d/default.conf:14`,
    'nginx: [emerg] host not found in upstream "backend:8080" in /etc/nginx/conf.d/default.conf:14'
  ],
  redis: (_, t) => [`1:M ${redisTime(t)} # Fatal error loading the DB, check server logs. Exiting.`],
  postgres: (_, t) => [
    `${postgresTime(t)} [1] FATAL:  could not write lock file "postmaster.pid": No space left on device`,
    `${postgresTime(t)} [1] LOG:  database system is shut down`
  ],
  python: () => [
    'Traceback (most recent call last):',
    '  File "/app/main.py", line 42, in <module>',
    '    main()',
    '  File "/app/main.py", line 37, in main',
    '    settings = load_settings(os.environ["DATABASE_URL"])',
    '                             ~~~~~~~~~~^^^^^^^^^^^^^^^^',
    '  File "<frozen os>", line 714, in __getitem__',
    "KeyError: 'DATABASE_URL'"
  ],
  shell: () => ["sh: can't open '/scripts/run.sh': No such file or directory"]
};

const completion: Record<Style, (t: number) => string> = {
  json: (t) =>
    JSON.stringify({ level: 'info', ts: isoMs(t), caller: 'cmd/main.go:88', msg: 'shutdown complete' }),
  ansi: (t) => `${isoMs(t)} ${ANSI.green}info${ANSI.fg}: done`,
  klog: (t) => `I${klogTime(t, 0)}       1 main.go:90] "Shutting down"`,
  nginx: (t) => `${nginxErrorTime(t)} [notice] 1#1: exit`,
  redis: (t) => `1:M ${redisTime(t)} # Redis is now ready to exit, bye bye...`,
  postgres: (t) => `${postgresTime(t)} [1] LOG:  database system is shut down`,
  python: () => 'INFO:     Finished server process [1]',
  shell: () => 'done'
};

function styleOf(image: string, container: string, seed: number): Style {
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

// ---- the lines of an instance ----------------------------------------------------------------------

const sub = (seed: number, ...k: (string | number)[]) => hashOf(seed, ...k) % 1_000_000;

function startupLines(inst: Instance): Line[] {
  return startup[inst.style].map((line, k) => {
    const t = inst.start + 12 + k * 37;
    const nanos = sub(inst.seed, 's', k);
    return { t, nanos, text: line(t, inst) };
  });
}

function endingLines(inst: Instance): Line[] {
  if (inst.end === undefined) return [];
  const t0 = inst.end - CRASH_MS + 5;
  if (inst.ending === 'crash') {
    return crashReport[inst.style](inst, t0).map((text, k) => ({
      t: t0 + k,
      nanos: sub(inst.seed, 'c', k),
      text
    }));
  }
  if (inst.ending === 'completed')
    return [{ t: t0, nanos: sub(inst.seed, 'c'), text: completion[inst.style](t0) }];
  return []; // OOM-killed: the process had no chance to say anything
}

function slotLines(inst: Instance, j: number): Line[] {
  const slotStart = inst.start + STARTUP_MS + j * SLOT_MS;
  const h = hashOf(inst.seed, 'slot', j);
  const count = 1 + (h % 3);
  const offsets = Array.from({ length: count }, (_, k) => hashOf(h, k) % SLOT_MS).sort((a, b) => a - b);
  return offsets.map((off, k) => {
    const t = slotStart + off;
    const nanos = sub(h, 'n', k);
    return { t, nanos, text: regular[inst.style](rng(hashOf(h, 'line', k)), t, nanos, inst) };
  });
}

/** Lines with `from <= t <= to`, ascending; with `limit`, only the last `limit` of them. */
function collect(inst: Instance, from: number, to: number, limit = Infinity): Line[] {
  const out: Line[] = []; // built newest first
  const upto = Math.min(to, inst.end ?? Infinity);
  const within = (l: Line) => l.t >= from && l.t <= upto;
  const push = (lines: Line[]) => {
    for (let k = lines.length - 1; k >= 0 && out.length < limit; k--)
      if (within(lines[k])) out.push(lines[k]);
  };
  push(endingLines(inst));
  // regular lines stop where the ending (crash report, shutdown line) begins
  const regularLimit = inst.end === undefined ? Infinity : inst.end - CRASH_MS;
  const lastSlot = Math.floor((Math.min(upto, regularLimit) - inst.start - STARTUP_MS) / SLOT_MS);
  const firstSlot = Math.max(0, Math.floor((from - inst.start - STARTUP_MS) / SLOT_MS));
  for (let j = lastSlot; j >= firstSlot && out.length < limit; j--) {
    push(slotLines(inst, j).filter((l) => l.t < regularLimit));
  }
  if (from < inst.start + STARTUP_MS) push(startupLines(inst));
  return out.reverse();
}

/** Where the served log file starts: the last rotation before `to`. */
function rotationStart(inst: Instance, to: number): number {
  const lived = Math.max(0, Math.min(to, inst.end ?? to) - inst.start);
  return inst.start + Math.floor(lived / ROTATE_MS) * ROTATE_MS;
}

// ---- container and instance resolution -------------------------------------------------------------

function containerNames(pod: KubeObject): string[] {
  const spec = pod.spec ?? {};
  return [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? [])
  ].map((c: { name: string }) => c.name);
}

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** The container a log request is for: the only one, or the named one (apiserver validateContainer). */
export function resolveLogContainer(pod: KubeObject, container?: string): string {
  const name = pod.metadata.name;
  if (!container) {
    const containers: { name: string }[] = pod.spec?.containers ?? [];
    if (containers.length === 1) return containers[0].name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containerNames(pod).join(' ')}]`
    );
  }
  if (!containerNames(pod).includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

interface ContainerState {
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
}

function instanceFrom(
  pod: KubeObject,
  name: string,
  index: number,
  state: ContainerState,
  running: boolean
): Instance {
  const spec = pod.spec ?? {};
  const c = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? [])
  ].find((x: { name: string }) => x.name === name);
  const seed = hashOf(pod.metadata.uid, name, index);
  const start = Date.parse(state.startedAt ?? pod.status?.startTime ?? pod.metadata.creationTimestamp);
  let ending: Ending = 'running';
  if (!running) {
    if ((state.exitCode ?? 0) === 0) ending = 'completed';
    else ending = state.reason === 'OOMKilled' || state.exitCode === 137 ? 'oom' : 'crash';
  }
  const end = running ? undefined : Math.max(start, Date.parse(state.finishedAt ?? '') || start);
  return {
    pod: pod.metadata.name,
    index,
    container: name,
    seed,
    start,
    end,
    ending,
    style: styleOf(c?.image ?? '', name, seed),
    podIP: pod.status?.podIP ?? ''
  };
}

/**
 * The container instance whose log a request reads, chosen as the kubelet does
 * (validateContainerLogStatus); undefined when the pod has no node yet (the server answers empty).
 */
function instanceFor(pod: KubeObject, name: string, previous: boolean): Instance | undefined {
  if (!pod.spec?.nodeName) return undefined;
  const status = pod.status ?? {};
  const all = [
    ...(status.containerStatuses ?? []),
    ...(status.initContainerStatuses ?? []),
    ...(status.ephemeralContainerStatuses ?? [])
  ];
  const cs = all.find((s: { name: string }) => s.name === name);
  const podName = pod.metadata.name;
  if (!cs) throw badRequest(`container "${name}" in pod "${podName}" is not available`);
  const restarts: number = cs.restartCount ?? 0;
  const last: ContainerState | undefined = cs.lastState?.terminated;
  const state = cs.state ?? {};
  const fromLast = () => instanceFrom(pod, name, Math.max(0, restarts - 1), last!, false);
  if (previous) {
    if (!last) throw badRequest(`previous terminated container "${name}" in pod "${podName}" not found`);
    return fromLast();
  }
  if (state.running) return instanceFrom(pod, name, restarts, state.running, true);
  if (state.terminated) return instanceFrom(pod, name, restarts, state.terminated, false);
  if (last) return fromLast();
  const reason: string | undefined = state.waiting?.reason;
  if (reason === 'ErrImagePull')
    throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: image can't be pulled`);
  if (reason === 'ImagePullBackOff') {
    throw badRequest(
      `container "${name}" in pod "${podName}" is waiting to start: trying and failing to pull image`
    );
  }
  if (reason) throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${reason}`);
  throw badRequest(`container "${name}" in pod "${podName}" is waiting to start - no logs yet`);
}

// ---- reading ---------------------------------------------------------------------------------------

/** The first moment whose lines are served (kubelet: lines at or after it), `nanos` below the ms. */
function sinceOf(opts: LogOptions, now: number): { ms: number; nanos: number } {
  if (opts.sinceSeconds !== undefined && opts.sinceSeconds > 0)
    return { ms: now - opts.sinceSeconds * 1000, nanos: 0 };
  const t = opts.sinceTime ? parseRfc3339(opts.sinceTime) : undefined;
  return t ?? { ms: -Infinity, nanos: 0 };
}

function render(line: Line, timestamps: boolean | undefined): string {
  return timestamps ? `${rfc3339Nano(line.t, line.nanos)} ${line.text}` : line.text;
}

const encoder = new TextEncoder();

/** Cut text to at most `limit` UTF-8 bytes. */
function limitText(text: string, limit: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= limit) return text;
  return new TextDecoder().decode(bytes.subarray(0, Math.max(0, limit)));
}

function initialLines(inst: Instance, opts: LogOptions, now: number): Line[] {
  const since = sinceOf(opts, now);
  const from = Math.max(rotationStart(inst, now), since.ms);
  const tail = opts.tailLines !== undefined && opts.tailLines >= 0 ? opts.tailLines : Infinity;
  const lines = collect(inst, from, now, tail);
  // Lines within the millisecond of a sub-millisecond sinceTime: only those at or after it.
  return since.nanos > 0 ? lines.filter((l) => l.t > since.ms || l.nanos >= since.nanos) : lines;
}

/** The log as the API returns it: each line ends in "\n", the whole cut to limitBytes. */
export function logText(
  pod: KubeObject,
  container: string | undefined,
  opts: LogOptions,
  now: number
): string {
  const name = resolveLogContainer(pod, container);
  const inst = instanceFor(pod, name, !!opts.previous);
  if (!inst) return '';
  const text = initialLines(inst, opts, now)
    .map((l) => `${render(l, opts.timestamps)}\n`)
    .join('');
  return opts.limitBytes !== undefined && opts.limitBytes > 0 ? limitText(text, opts.limitBytes) : text;
}

/** The log's lines (without "\n"); with limitBytes the last one may be cut short. */
export function logLines(
  pod: KubeObject,
  container: string | undefined,
  opts: LogOptions,
  now: number
): string[] {
  const text = logText(pod, container, opts, now);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// ---- following -------------------------------------------------------------------------------------

/**
 * A `follow=true` stream, driven by whoever owns the clock: `start` gives the initial text,
 * each `poll(now, pod)` the lines written since. `done` once the followed instance has exited,
 * the pod is gone, or limitBytes is reached.
 */
export class LogFollower {
  readonly container: string;
  done = false;
  private inst: Instance | undefined;
  private cursor: Line = { t: -Infinity, nanos: 0, text: '' };
  private bytes = 0;

  constructor(
    pod: KubeObject,
    container: string | undefined,
    private readonly opts: LogOptions
  ) {
    this.container = resolveLogContainer(pod, container);
    this.inst = instanceFor(pod, this.container, !!opts.previous);
  }

  /** The text a follow request answers with first. */
  start(now: number): string {
    if (!this.inst) {
      this.done = true;
      return '';
    }
    const lines = initialLines(this.inst, this.opts, now);
    // Nothing was selected (tailLines=0, or since excluded all): continue with what comes after now,
    // or after a sinceTime still to come (lines before it are never served, followed or not).
    const since = sinceOf(this.opts, now);
    this.cursor =
      lines[lines.length - 1] ??
      (since.ms > now
        ? { t: since.ms, nanos: since.nanos - 1, text: '' }
        : { t: now, nanos: 999_999, text: '' });
    return this.emit(lines, now);
  }

  /** New text since the last call. Pass the pod as it is now (null once deleted) to notice its exit. */
  poll(now: number, pod?: KubeObject | null): string {
    if (this.done || !this.inst) return '';
    if (pod === null) {
      this.done = true;
      return '';
    }
    if (pod) this.refresh(pod, now);
    const c = this.cursor;
    const lines = collect(this.inst, c.t, now).filter((l) => l.t > c.t || (l.t === c.t && l.nanos > c.nanos));
    if (lines.length > 0) this.cursor = lines[lines.length - 1];
    return this.emit(lines, now);
  }

  /** Once the followed instance has exited, learn when and how, so the stream ends after its last line. */
  private refresh(pod: KubeObject, now: number) {
    const inst = this.inst!;
    if (inst.end !== undefined) return;
    const status = pod.status ?? {};
    const cs = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find(
      (s: { name: string }) => s.name === this.container
    );
    const same = (s: ContainerState | undefined): s is ContainerState =>
      !!s && Date.parse(s.startedAt ?? '') === inst.start;
    if (same(cs?.state?.running)) return;
    const ended = [cs?.state?.terminated, cs?.lastState?.terminated].find(same);
    this.inst = ended
      ? { ...instanceFrom(pod, this.container, inst.index, ended, false), seed: inst.seed, style: inst.style }
      : { ...inst, end: now, ending: 'oom' }; // replaced without a record of its exit: stop here
  }

  private emit(lines: Line[], now: number): string {
    let text = lines.map((l) => `${render(l, this.opts.timestamps)}\n`).join('');
    const limit = this.opts.limitBytes;
    if (limit !== undefined && limit > 0 && encoder.encode(text).length >= limit - this.bytes) {
      text = limitText(text, limit - this.bytes);
      this.done = true;
    }
    this.bytes += encoder.encode(text).length;
    if (this.inst?.end !== undefined && now >= this.inst.end) this.done = true;
    return text;
  }
}

export interface FollowHooks {
  /** The pod as it is now (null or undefined once deleted), to notice the container exit. */
  getPod?: () => KubeObject | null | undefined;
  /** Called once when the stream ends by itself (container exited, pod gone, limitBytes reached). */
  onEnd?: () => void;
}

/**
 * `kubectl logs -f` after the initial text (from logLines at the same `now`): every `intervalMs`
 * hands each line written since to `onLine` (without "\n"). Returns a function that stops it.
 */
export function followLogs(
  pod: KubeObject,
  container: string | undefined,
  opts: LogOptions,
  clock: { now(): number },
  intervalMs: number,
  onLine: (line: string) => void,
  hooks: FollowHooks = {}
): () => void {
  const follower = new LogFollower(pod, container, { ...opts, tailLines: 0 });
  follower.start(clock.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const tick = () => {
    const current = hooks.getPod ? (hooks.getPod() ?? null) : undefined;
    const text = follower.poll(clock.now(), current);
    for (const line of text.split('\n').slice(0, -1)) onLine(line);
    if (follower.done) {
      stop();
      hooks.onEnd?.();
    }
  };
  if (follower.done) hooks.onEnd?.();
  else timer = setInterval(tick, intervalMs);
  return stop;
}
