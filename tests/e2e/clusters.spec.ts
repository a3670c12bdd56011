/**
 * Three clusters in one merged Pods view, served the way `npm run launch` serves them: two
 * simulated clusters as two kube contexts, each behind its own real kubectl proxy, all under the
 * launcher's one origin, plus the browser-simulated demo cluster (`--demo`). One cluster's API
 * server going down marks that cluster unreachable while the others keep updating; back on the
 * same port, it recovers without a reload.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { launch, type Launched } from '../../scripts/launch/launcher';
import { serveHandler, type RunningServer } from '../../scripts/sim/node-server';
import { SimWorld } from '../../src/lib/sim/world';
import { writeKubeconfigContexts } from '../support/kubectl';
import { collectErrors } from './helpers';

const test = base.extend<object, { skiffBuild: string }>({
  /** The built site the launcher serves (`npm run build` made it; a private config may point elsewhere). */
  skiffBuild: [join(import.meta.dirname, '../../build'), { option: true, scope: 'worker' }]
});

/** A simulated cluster behind a Node HTTP server that can be stopped and started on the same port. */
class SimApi {
  readonly world: SimWorld;
  private server: RunningServer | undefined;
  port = 0;

  constructor(name: string, seed: number) {
    this.world = new SimWorld({ name, seed, pods: 12, churn: 0 }).start();
  }

  async start(): Promise<void> {
    this.server = await serveHandler(this.world.handler, this.port);
    this.port = this.server.port;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  createPod(namespace: string, name: string): void {
    this.world.cluster.create(this.world.cluster.type('v1', 'Pod'), namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: 'e2e' } },
      spec: { containers: [{ name: 'main', image: 'registry.example/e2e:1' }] }
    });
  }
}

const status = (page: Page, cluster: string) =>
  page.locator(`[data-testid="cluster-status"][data-cluster="${cluster}"]`);
const row = (page: Page, key: string) => page.locator(`tr[data-key="${key}"]`);

test('three clusters in one Pods view; one down and back leaves the others live, without a reload', async ({
  page,
  skiffBuild
}) => {
  test.setTimeout(150_000);
  const alpha = new SimApi('alpha', 1);
  const beta = new SimApi('beta', 2);
  let launched: Launched | undefined;
  let kubeconfigPath = '';
  try {
    await alpha.start();
    await beta.start();
    const kubeconfig = writeKubeconfigContexts({ alpha: alpha.url, beta: beta.url });
    kubeconfigPath = kubeconfig.path;
    launched = await launch({
      kubeconfig: kubeconfig.path,
      contexts: ['alpha', 'beta'],
      demo: true,
      www: skiffBuild,
      port: 0,
      host: '127.0.0.1'
    });
    const errors = collectErrors(page);

    // kube-system holds a few pods of each cluster (4 + 4 + 23 in demo-dev): a tall window shows
    // them all at once, so every cluster has rows in the DOM.
    await page.setViewportSize({ width: 1400, height: 1600 });
    await page.goto(`${launched.url}#/k/pods?ns=kube-system`);
    for (const cluster of ['alpha', 'beta', 'demo-dev']) {
      await expect(status(page, cluster)).toHaveAttribute('data-reachable', 'true');
      await expect(page.locator(`tr[data-key^="${cluster}/"]`).first()).toBeVisible();
    }
    const alphaPod = alpha.world.cluster.objects(alpha.world.cluster.type('v1', 'Pod'), 'kube-system')[0];
    await expect(row(page, `alpha/kube-system/${alphaPod.metadata.name}`)).toBeVisible();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    // beta's API server stops (its kubectl proxy stays): beta is unreachable, the others stay live.
    await beta.stop();
    await expect(status(page, 'beta')).toHaveAttribute('data-reachable', 'false', { timeout: 30_000 });
    alpha.createPod('kube-system', 'e2e-while-beta-down');
    await expect(row(page, 'alpha/kube-system/e2e-while-beta-down')).toBeVisible();
    await expect(status(page, 'alpha')).toHaveAttribute('data-reachable', 'true');
    await expect(status(page, 'demo-dev')).toHaveAttribute('data-reachable', 'true');
    await expect(page.locator('tr[data-key^="demo-dev/"]').first()).toBeVisible();

    // beta again, on the same port: reachable, and its changes show again.
    beta.createPod('kube-system', 'e2e-made-while-down');
    await beta.start();
    await expect(status(page, 'beta')).toHaveAttribute('data-reachable', 'true', { timeout: 30_000 });
    await expect(row(page, 'beta/kube-system/e2e-made-while-down')).toBeVisible({ timeout: 30_000 });
    beta.createPod('kube-system', 'e2e-after-recovery');
    await expect(row(page, 'beta/kube-system/e2e-after-recovery')).toBeVisible({ timeout: 30_000 });
    alpha.createPod('kube-system', 'e2e-after-beta-back');
    await expect(row(page, 'alpha/kube-system/e2e-after-beta-back')).toBeVisible();

    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true
    );
    // A stopped API server makes failed requests in the console; nothing else may.
    expect(errors.filter((e) => !/Failed to load resource|WebSocket connection/.test(e))).toEqual([]);
  } finally {
    await launched?.close();
    await alpha.stop();
    await beta.stop();
    alpha.world.stop();
    beta.world.stop();
    if (kubeconfigPath) await rm(dirname(kubeconfigPath), { recursive: true, force: true });
  }
});
