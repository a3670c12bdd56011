/**
 * `npm run launch -- --context prod --context staging [--demo]` — Skiff and one `kubectl proxy` per
 * kube context on one origin. See README "Several clusters".
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LaunchError } from './launch/kubectl';
import { chooseContexts, DEMO_CLUSTER, launch, type Launched } from './launch/launcher';
import { LOCAL_HOSTS } from './launch/server';

const ROOT = join(import.meta.dirname, '..');
const BUILD = join(ROOT, 'build');

const HELP = `Usage: npm run launch -- [options]
  --context NAME      a kube context to show (repeat for several; default: the current context)
  --all-contexts      every context in the kubeconfig
  --kubeconfig FILE   kubeconfig to read (default: kubectl's, i.e. KUBECONFIG or ~/.kube/config)
  --port N            port to serve Skiff on (default 8000; 0 picks a free one)
  --address A         address to listen on (default 127.0.0.1; the proxies carry your credentials)
  --accept-hosts RE   host names to answer, a regular expression matched against the whole
                      name (default: localhost, 127.0.0.1, [::1]); any other Host is refused
  --demo              add the simulated cluster "${DEMO_CLUSTER}" (runs in the browser)
  --no-build          serve the existing build/ instead of running \`npm run build\` first
  --www DIR           serve this built Skiff instead of build/ (implies --no-build)
  -h, --help          this text

One \`kubectl proxy --context=<name>\` runs per context (started again if it exits), on a unix
socket only you can open; the page is served with /config.json listing the clusters and each proxy
under /clusters/<name>/.`;

function fail(message: string, code = 1): never {
  console.error(`launch: ${message}`);
  process.exit(code);
}

function options() {
  try {
    return parseArgs({
      options: {
        context: { type: 'string', multiple: true, default: [] },
        'all-contexts': { type: 'boolean', default: false },
        kubeconfig: { type: 'string' },
        port: { type: 'string', default: '8000' },
        address: { type: 'string', default: '127.0.0.1' },
        'accept-hosts': { type: 'string' },
        demo: { type: 'boolean', default: false },
        'no-build': { type: 'boolean', default: false },
        www: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }).values;
  } catch (e) {
    return fail(`${(e as Error).message}\n\n${HELP}`, 2);
  }
}

async function main() {
  const values = options();
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be 0..65535, got "${values.port}"`, 2);
  if (values['all-contexts'] && values.context.length > 0)
    fail('pass --context or --all-contexts, not both', 2);
  let acceptHosts = LOCAL_HOSTS;
  if (values['accept-hosts'] !== undefined) {
    try {
      acceptHosts = new RegExp(values['accept-hosts']);
    } catch (e) {
      fail(`--accept-hosts: ${(e as Error).message}`, 2);
    }
  }
  const www = values.www ? resolve(values.www) : BUILD;
  const build = !values['no-build'] && !values.www;
  const log = (line: string) => console.log(`launch: ${line}`);

  let running: Launched | undefined = undefined;
  // The proxies from the moment they exist: a signal while they start must stop them too.
  let proxies: { stop(): void }[] = [];
  const stop = () => {
    // Children first and synchronously: nothing may outlive the launcher.
    proxies.forEach((p) => p.stop());
    void running?.close().finally(() => process.exit(0));
    if (!running) process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('exit', () => proxies.forEach((p) => p.stop()));

  const launchOptions = {
    contexts: values.context,
    allContexts: values['all-contexts'],
    kubeconfig: values.kubeconfig,
    demo: values.demo,
    www,
    port,
    host: values.address,
    acceptHosts,
    log,
    onProxies: (started: { stop(): void }[]) => (proxies = started)
  };
  // kubectl and the contexts are checked before a build that takes a while.
  await chooseContexts(launchOptions);
  if (build) {
    log('building Skiff (npm run build; --no-build skips this)');
    const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0)
      fail(`npm run build failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
  const launched = await launch(launchOptions);
  running = launched;
  const names = launched.proxies.map((p) => launched.names.get(p.context)!);
  const width = Math.max(...names.map((n) => n.length), values.demo ? DEMO_CLUSTER.length : 0);
  console.log(`\nSkiff: ${launched.url}\n`);
  launched.proxies.forEach((p, i) => {
    console.log(
      `  ${names[i].padEnd(width)}  kubectl proxy --context=${p.context} on ${p.state.socket} (pid ${p.state.pid})`
    );
  });
  if (values.demo) console.log(`  ${DEMO_CLUSTER.padEnd(width)}  simulated in the browser`);
  if (!/^(127\.|::1$|localhost$)/.test(values.address)) {
    console.log(`\nListening on ${values.address}: whoever reaches it acts with your kube credentials.`);
    if (values['accept-hosts'] === undefined)
      console.log('Only the local names are answered: pass --accept-hosts for the name others use.');
  }
  console.log('\nCtrl-C stops Skiff and the proxies.');
}

main().catch((e) => fail(e instanceof LaunchError ? e.message : String((e as Error)?.stack ?? e)));
