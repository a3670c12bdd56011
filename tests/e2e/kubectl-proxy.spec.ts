import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveHandler, type RunningServer } from '../../scripts/sim/node-server';
import { SimWorld } from '../../src/lib/sim/world';
import { collectErrors, rowCount, rowKeys, waitForRows } from './helpers';

// The README's real-cluster setup, for real: kubectl proxy serves the build and forwards /k8s/ to
// an API server (the simulator over HTTP, standing in for a kube-apiserver).
const BUILD = join(import.meta.dirname, '../../build');

let world: SimWorld;
let api: RunningServer;
let proxy: ChildProcess;
let proxyUrl: string;
let configDir: string;

function startProxy(kubeconfig: string): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(
    'kubectl',
    [
      'proxy',
      `--kubeconfig=${kubeconfig}`,
      '--port=0',
      `--www=${BUILD}`,
      '--www-prefix=/',
      '--api-prefix=/k8s/'
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /Starting to serve on ([\d.]+:\d+)/.exec(output);
      if (match) resolve({ process: child, url: `http://${match[1]}` });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`kubectl proxy exited with ${code}: ${output}`)));
  });
}

test.beforeAll(async () => {
  world = new SimWorld({ name: 'proxied', seed: 5, pods: 30, churn: 0 }).start();
  api = await serveHandler(world.handler);
  configDir = await mkdtemp(join(tmpdir(), 'skiff-kubeconfig-'));
  const kubeconfig = join(configDir, 'config');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: sim, cluster: {server: "' + api.url + '"}}]',
      'users: [{name: sim, user: {}}]',
      'contexts: [{name: sim, context: {cluster: sim, user: sim}}]',
      'current-context: sim',
      ''
    ].join('\n')
  );
  ({ process: proxy, url: proxyUrl } = await startProxy(kubeconfig));
});

test.afterAll(async () => {
  proxy?.kill();
  await api?.close();
  world?.stop();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

test('served by kubectl proxy, shows the cluster behind it and follows its changes', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(`${proxyUrl}/`);
  await waitForRows(page);
  const podType = world.cluster.type('v1', 'Pod');
  await expect.poll(() => rowCount(page)).toBe(world.cluster.objects(podType).length);
  for (const key of await rowKeys(page)) expect(key).toMatch(/^cluster\//);
  await expect(page.getByTestId('demo-banner')).toHaveCount(0);

  // A running pod has container statuses to count restarts in.
  const running = page.locator('tr[data-key]', { has: page.locator('td[data-phase="Running"]') }).first();
  const key = (await running.getAttribute('data-key'))!;
  const [, namespace, name] = key.split('/');
  const row = page.locator(`tr[data-key="${key}"]`);
  const restarts = Number(await row.locator('td').last().textContent());
  world.cluster.mutate(podType, namespace, name, (pod) => {
    pod.status.containerStatuses[0].restartCount += 3;
  });
  await expect(row.locator('td').last()).toHaveText(String(restarts + 3));

  expect(errors).toEqual([]);
});
