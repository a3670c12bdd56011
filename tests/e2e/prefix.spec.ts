import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { collectErrors, rowKeys, waitForRows } from './helpers';

const BUILD = join(import.meta.dirname, '../../build');
const PREFIX = '/some/prefix/';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json'
};

/**
 * Serves the build directory under PREFIX and nothing else, with no SPA fallback: unknown paths
 * are 404, as with `kubectl proxy --www`.
 */
function servePrefixed(): Promise<Server> {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const relative = path.startsWith(PREFIX) ? normalize(path.slice(PREFIX.length)) : undefined;
    if (relative === undefined || relative.startsWith('..')) {
      response.writeHead(404).end();
      return;
    }
    const file = join(BUILD, relative === '.' || relative === '' ? 'index.html' : relative);
    try {
      const body = await readFile(file);
      response
        .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
        .end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server: Server;
let origin: string;

test.beforeAll(async () => {
  server = await servePrefixed();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test('works under a path prefix and from a hash deep link', async ({ page, context }) => {
  const errors = collectErrors(page);
  await page.goto(`${origin}${PREFIX}#/k/pods`);
  await waitForRows(page);
  const namespace = (await rowKeys(page))[0].split('/')[1];

  const deepLinked = await context.newPage();
  const deepLinkErrors = collectErrors(deepLinked);
  await deepLinked.goto(`${origin}${PREFIX}#/namespaces/${encodeURIComponent(namespace)}`);
  await expect(deepLinked.getByRole('heading', { level: 1 })).toHaveText(`Pods in ${namespace}`);
  await waitForRows(deepLinked);
  for (const key of await rowKeys(deepLinked)) expect(key.split('/')[1]).toBe(namespace);

  // Following the Pods link goes back to all pods, still under the prefix.
  await deepLinked.getByRole('link', { name: 'Pods', exact: true }).click();
  await expect(deepLinked).toHaveURL(`${origin}${PREFIX}#/k/pods`);
  await expect(deepLinked.getByRole('heading', { level: 1 })).toHaveText('Pods');

  expect(errors).toEqual([]);
  expect(deepLinkErrors).toEqual([]);
});
