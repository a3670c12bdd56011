import { kubectl } from '../support/kubectl';
import { expect, test } from './fixtures';
import { collectErrors, rowCount, tableState, waitForRows } from './helpers';

// The README's real-cluster setup: kubectl proxy serves the build and forwards /k8s/ to the API server.

test('served by kubectl proxy, shows the cluster behind it and follows its changes', async ({
  page,
  cluster
}) => {
  const errors = collectErrors(page);
  await page.goto(`${cluster.url}/#/k/pods`);
  await waitForRows(page);
  await expect.poll(() => rowCount(page)).toBe(cluster.pods().length);
  // 30 pods fit in the window: every one is in the DOM, each once, from the proxied cluster.
  const { keys } = await tableState(page);
  expect(keys).toHaveLength(cluster.pods().length);
  expect(new Set(keys).size).toBe(keys.length);
  for (const key of keys) expect(key).toMatch(/^cluster\/[^/]+\/[^/]+$/);
  await expect(page.getByTestId('demo-banner')).toHaveCount(0);

  // Each row's cells agree with its key (with one cluster the Cluster column is hidden: the row names it).
  const mismatched = await page.evaluate(() =>
    [...document.querySelectorAll('tr[data-key]')]
      .map((row) => {
        const cell = (column: string) => row.querySelector(`td[data-column="${column}"]`)?.textContent;
        const cluster = row.getAttribute('data-cluster');
        return [row.getAttribute('data-key'), `${cluster}/${cell('namespace')}/${cell('name')}`];
      })
      .filter(([key, cells]) => key !== cells)
  );
  expect(mismatched).toEqual([]);

  // A running pod has container statuses to count restarts in.
  const running = page
    .locator('tr[data-key]', { has: page.locator('td[data-column="status"][data-value="Running"]') })
    .first();
  const key = (await running.getAttribute('data-key'))!;
  const [, namespace, name] = key.split('/');
  const restarts = page.locator(`tr[data-key="${key}"] td[data-column="restarts"]`);
  const before = Number(await restarts.textContent());
  cluster.world.cluster.mutate(cluster.world.cluster.type('v1', 'Pod'), namespace, name, (pod) => {
    pod.status.containerStatuses[0].restartCount += 3;
  });
  await expect(restarts).toHaveText(String(before + 3));

  expect(errors).toEqual([]);
});

test('a pod deleted on the server leaves the table without a reload', async ({ page, cluster }) => {
  const errors = collectErrors(page);
  await page.goto(`${cluster.url}/#/k/pods`);
  await expect.poll(() => rowCount(page)).toBe(cluster.pods().length);
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  // One pod through real kubectl, one directly in the simulator: both are DELETED watch events.
  const [first, second] = cluster.pods().map((pod) => pod.metadata);
  const deleted = await kubectl(cluster.kubeconfig, [
    'delete',
    'pod',
    '-n',
    first.namespace!,
    first.name,
    '--wait=false'
  ]);
  expect(deleted.code, deleted.stderr).toBe(0);
  cluster.world.cluster.delete(cluster.world.cluster.type('v1', 'Pod'), second.namespace, second.name);

  for (const pod of [first, second]) {
    await expect(page.locator(`tr[data-key="cluster/${pod.namespace}/${pod.name}"]`)).toHaveCount(0);
  }
  // Owned pods come back under new names (their ReplicaSet replaces them): the table follows the
  // server's truth exactly.
  await expect
    .poll(async () => (await tableState(page)).keys.sort())
    .toEqual(
      cluster
        .pods()
        .map((pod) => `cluster/${pod.metadata.namespace}/${pod.metadata.name}`)
        .sort()
    );
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  expect(errors).toEqual([]);
});
