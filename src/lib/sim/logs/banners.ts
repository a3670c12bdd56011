/** What each kind of app prints when it starts, when it crashes, and when it exits cleanly. */
import { ANSI, hex, isoMs, klogTime, nginxErrorTime, postgresTime, redisTime, rng } from './formats';
import type { Instance, Style } from './types';

/** Startup banners: one function per line, each given the line's own time. */
type StartupLine = (t: number, inst: Instance) => string;
export const startup: Record<Style, StartupLine[]> = {
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

export const crashReport: Record<Style, (inst: Instance, t: number) => string[]> = {
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

export const completion: Record<Style, (t: number) => string> = {
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
