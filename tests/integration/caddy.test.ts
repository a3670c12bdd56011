/**
 * The Caddy recipe (deploy/caddy/Caddyfile) in Debian's Caddy 2, in front of two simulated clusters
 * behind real kubectl proxies (see tests/support/recipe.ts for the checks).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEPLOY, recipeSuite, startServerProcess, substitute } from '../support/recipe';

const CADDY = ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => existsSync(p));
const RECIPE = 'deploy/caddy/Caddyfile';

recipeSuite(async ({ dir, www, port, proxies }) => {
  if (!CADDY) {
    throw new Error('caddy is missing: `apt-get install -y --no-install-recommends caddy` (.ci/run does)');
  }
  let site = await readFile(join(DEPLOY, 'caddy/Caddyfile'), 'utf8');
  site = substitute(RECIPE, site, 'http://:8080 {', `http://:${port} {`);
  site = substitute(RECIPE, site, 'root * /srv/skiff', `root * ${www}`);
  site = substitute(RECIPE, site, 'reverse_proxy 127.0.0.1:8001', `reverse_proxy ${proxies.prod}`);
  site = substitute(RECIPE, site, 'reverse_proxy 127.0.0.1:8002', `reverse_proxy ${proxies.staging}`);
  // No admin endpoint (a system Caddy may hold its port) and Caddy's own files in the test's directory.
  await writeFile(join(dir, 'Caddyfile'), `{\n\tadmin off\n}\n\n${site}`);
  return startServerProcess(
    CADDY,
    ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    `http://127.0.0.1:${port}/`,
    { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') }
  );
});
