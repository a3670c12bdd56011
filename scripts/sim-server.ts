/**
 * `npm run sim -- --port 8080 --pods 5000 --churn 50` — a simulated Kubernetes API over HTTP that
 * real kubectl (directly, or through kubectl proxy) can use. See README "The simulated cluster".
 */
import { parseArgs } from 'node:util';
import { parseFaultSchedule } from '../src/lib/sim/faults';
import { SimWorld } from '../src/lib/sim/world';
import { serveHandler } from './sim/node-server';

const HELP = `Usage: npm run sim -- [options]
  --port N            port of the first cluster (default 8080; 0 picks a free one)
  --host H            address to listen on (default 127.0.0.1)
  --pods N            pods in the first cluster (default 1000)
  --churn N           changes per second (default 10; 0 = idle)
  --seed N            seed of the world and churn (default 1)
  --user admin|viewer what the requests may do (default admin; viewer may not list secrets outside "web")
  --no-watchlist      answer the streaming list (sendInitialEvents) with 422, like servers without WatchList
  --history N         watch history kept, in changes (default 20000); older resourceVersions get 410
  --bookmark-ms N     bookmark interval for watches that ask for them (default 60000)
  --faults SPEC       scheduled faults, e.g. cut@30s,stall@60s,error410@45s,status:429@20s,html@90s,compact@2m
                      kinds: cut stall malformed error410 duplicate replay status[:code] html compact
  --second-port N     also serve a second cluster on this port
  --second-pods N     pods in the second cluster (default 200)
  --name NAME         name of the first cluster (default sim)`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    pods: { type: 'string', default: '1000' },
    churn: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    user: { type: 'string', default: 'admin' },
    'no-watchlist': { type: 'boolean', default: false },
    history: { type: 'string' },
    'bookmark-ms': { type: 'string' },
    faults: { type: 'string' },
    'second-port': { type: 'string' },
    'second-pods': { type: 'string', default: '200' },
    name: { type: 'string', default: 'sim' },
    help: { type: 'boolean', short: 'h', default: false }
  }
});

if (values.help) {
  console.log(HELP);
  process.exit(0);
}

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${flag} must be a non-negative number, got "${v}"\n\n${HELP}`);
    process.exit(2);
  }
  return n;
}

if (values.user !== 'admin' && values.user !== 'viewer') {
  console.error(`--user must be admin or viewer\n\n${HELP}`);
  process.exit(2);
}
const role = values.user as 'admin' | 'viewer';
const schedule = values.faults ? parseFaultSchedule(values.faults) : [];

async function startCluster(name: string, port: number, pods: number, seed: number) {
  const t0 = performance.now();
  const world = new SimWorld({
    name,
    seed,
    pods,
    churn: num('churn', values.churn),
    user: { name: role, role },
    watchList: !values['no-watchlist'],
    historyLimit: num('history', values.history),
    http: { bookmarkIntervalMs: num('bookmark-ms', values['bookmark-ms']) }
  }).start();
  for (const { fault, everyMs } of schedule) world.faults.schedule(fault, everyMs);
  const server = await serveHandler(world.handler, port, values.host);
  const ms = Math.round(performance.now() - t0);
  console.log(
    `cluster "${name}": ${pods} pods, churn ${values.churn}/s, user ${role} — serving on ${server.url} (ready in ${ms} ms)`
  );
  return { world, server };
}

const running = [
  await startCluster(
    values.name,
    num('port', values.port)!,
    num('pods', values.pods)!,
    num('seed', values.seed)!
  )
];
if (values['second-port'] !== undefined) {
  running.push(
    await startCluster(
      `${values.name}-2`,
      num('second-port', values['second-port'])!,
      num('second-pods', values['second-pods'])!,
      num('seed', values.seed)! + 100
    )
  );
}
console.log('Point kubectl at it with a kubeconfig whose cluster server is the URL above (see README).');

async function shutdown() {
  for (const r of running) {
    r.world.stop();
    await r.server.close();
  }
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
