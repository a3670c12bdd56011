/**
 * The nginx recipe (deploy/nginx/skiff.conf) in Debian's nginx, in front of two simulated clusters
 * behind real kubectl proxies (see tests/support/recipe.ts for the checks).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEPLOY, recipeSuite, startServerProcess, substitute } from '../support/recipe';

const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const RECIPE = 'deploy/nginx/skiff.conf';

recipeSuite(async ({ dir, www, port, proxies }) => {
  if (!NGINX) {
    throw new Error('nginx is missing: `apt-get install -y --no-install-recommends nginx` (.ci/run does)');
  }
  let site = await readFile(join(DEPLOY, 'nginx/skiff.conf'), 'utf8');
  site = substitute(RECIPE, site, 'listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`);
  site = substitute(
    RECIPE,
    site,
    'listen 127.0.0.1:8080 default_server;',
    `listen 127.0.0.1:${port} default_server;`
  );
  site = substitute(RECIPE, site, 'root /srv/skiff;', `root ${www};`);
  site = substitute(RECIPE, site, 'http://127.0.0.1:8001/', `${proxies.prod}/`);
  site = substitute(RECIPE, site, 'http://127.0.0.1:8002/', `${proxies.staging}/`);
  await writeFile(join(dir, 'skiff.conf'), site);
  // The http block of a stock Debian nginx.conf, with gzip on for JSON (as many hosts set it) and
  // temporary files in the test's directory. As root, workers run as root to read the 0700 temp dir.
  const temp = (what: string) => `${what}_temp_path ${join(dir, what)};`;
  await writeFile(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root root;' : ''}
worker_processes 1;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  access_log off;
  gzip on;
  gzip_types application/json text/css application/javascript;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  include ${join(dir, 'skiff.conf')};
}
`
  );
  return startServerProcess(
    NGINX,
    [
      '-p',
      dir,
      '-c',
      join(dir, 'nginx.conf'),
      '-g',
      `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr;`
    ],
    `http://127.0.0.1:${port}/`
  );
});
