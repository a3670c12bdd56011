import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { collectErrors, waitForRows } from './helpers';
import { millicores } from '../../src/lib/metrics/units';
import { nodeMetrics, podMetrics } from '../../src/lib/sim/metrics';
import type { SimWorld } from '../../src/lib/sim/world';

// Live metrics against the simulated cluster behind real kubectl proxy. The cluster's clock stands
// still unless the test moves it, so what metrics.k8s.io answers is known at every moment: each
// row's CPU must be exactly its own pod's, before and after the next scrape and through churn.

const simTime = { t: Date.now() };
test.use({ sim: { name: 'proxied', seed: 9, pods: 30, churn: 0, clock: { now: () => simTime.t } } });

test.beforeEach(async ({ page }) => {
  // Poll every second instead of every ten (settings stored in this browser win over defaults).
  await page.addInitScript(() =>
    localStorage.setItem('skiff.settings', JSON.stringify({ metricsIntervalSeconds: 1 }))
  );
});

/** CPU in millicores that metrics.k8s.io gives each pod now (pods without metrics are absent). */
function expectedCpu(world: SimWorld): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of podMetrics(world.cluster).items) {
    const cpu = p.containers.reduce((s, c) => s + millicores(c.usage.cpu)!, 0);
    out.set(`cluster/${p.metadata.namespace}/${p.metadata.name}`, cpu);
  }
  return out;
}

/** Each row's key and the raw CPU value in its CPU cell ('' when it shows none). */
function shownCpu(page: Page): Promise<[string, string][]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('tr[data-key]')].map((row) => [
      row.getAttribute('data-key')!,
      row.querySelector('td[data-column="cpuUsage"]')?.getAttribute('data-value') ?? 'no cell'
    ])
  );
}

/** Rows whose CPU is not their pod's: [key, shown, expected]. */
async function mismatches(page: Page, world: SimWorld) {
  const want = expectedCpu(world);
  return (await shownCpu(page))
    .map(([key, shown]) => [key, shown, want.has(key) ? String(want.get(key)) : ''])
    .filter(([, shown, expected]) =>
      expected === '' ? shown !== '' : shown === '' || Math.abs(Number(shown) - Number(expected)) > 1e-6
    );
}

test('pod rows show their own usage, follow the next scrape, and keep it through pod churn', async ({
  page,
  cluster
}) => {
  const errors = collectErrors(page);
  await page.goto(`${cluster.url}/#/k/pods`);
  await waitForRows(page);
  await expect.poll(() => mismatches(page, cluster.world), { timeout: 20_000 }).toEqual([]);
  const withUsage = (await shownCpu(page)).filter(([, v]) => v !== '');
  expect(withUsage.length).toBeGreaterThan(10);
  const [key] = withUsage[0];
  const cell = page.locator(`tr[data-key="${key}"] td[data-column="cpuUsage"]`);
  // Units people read, and the share of the request.
  await expect(cell).toHaveText(/^\s*(<1m|\d+m|[\d.]+ cores?)\s*(\d+(\.\d)?%)?\s*$/);

  // The next scrape: every value moves to the new one of its own pod.
  const before = new Map(withUsage);
  simTime.t += 15_000;
  await expect.poll(() => mismatches(page, cluster.world), { timeout: 20_000 }).toEqual([]);
  const after = new Map(await shownCpu(page));
  expect([...before].filter(([k, v]) => after.get(k) !== v).length).toBeGreaterThan(withUsage.length / 2);
  // Two samples: a sparkline.
  await expect(
    page.locator(`tr[data-key="${key}"] td[data-column="cpuUsage"] svg.sparkline`)
  ).toHaveAttribute('data-points', '2');

  // Churn: pods go, their ReplicaSets make new ones; no value sticks to the wrong row.
  const podType = cluster.world.cluster.type('v1', 'Pod');
  const victims = cluster
    .pods()
    .filter((p) => p.metadata.ownerReferences?.some((o: { kind: string }) => o.kind === 'ReplicaSet'))
    .slice(0, 4);
  for (const p of victims) cluster.world.cluster.delete(podType, p.metadata.namespace, p.metadata.name);
  const gone = victims.map((p) => `cluster/${p.metadata.namespace}/${p.metadata.name}`);
  await expect
    .poll(async () => (await shownCpu(page)).filter(([k]) => gone.includes(k)), { timeout: 20_000 })
    .toEqual([]);
  const replacements = () =>
    cluster
      .pods()
      .filter((p) =>
        victims.some(
          (v) =>
            p.metadata.generateName &&
            p.metadata.generateName === v.metadata.generateName &&
            p.metadata.name !== v.metadata.name
        )
      );
  await expect.poll(() => replacements().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(victims.length);
  simTime.t += 15_000;
  await expect.poll(() => mismatches(page, cluster.world), { timeout: 20_000 }).toEqual([]);
  const fresh = replacements()
    .map((p) => `cluster/${p.metadata.namespace}/${p.metadata.name}`)
    .filter((k) => expectedCpu(cluster.world).has(k));
  expect(fresh.length).toBeGreaterThan(0);

  // Sorting by CPU puts the busiest pod first.
  await page.locator('th', { hasText: /^CPU/ }).getByRole('button').click();
  await page.locator('th', { hasText: /^CPU/ }).getByRole('button').click();
  await expect
    .poll(async () => (await shownCpu(page))[0]?.[0])
    .toBe([...expectedCpu(cluster.world)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0]);
  expect(errors).toEqual([]);
});

test('nodes show their share of allocatable; details and the overview chart usage over time', async ({
  page,
  cluster
}) => {
  const errors = collectErrors(page);
  await page.goto(`${cluster.url}/#/k/nodes`);
  await waitForRows(page);
  const node = nodeMetrics(cluster.world.cluster).items[0];
  const cell = page.locator(`tr[data-key="cluster//${node.metadata.name}"] td[data-column="cpuUsage"]`);
  await expect(cell).toHaveAttribute('data-value', String(millicores(node.usage.cpu)));
  await expect(cell).toHaveText(/\d+%/);

  // A pod's details: current usage, and a chart once there are two samples.
  const pod = podMetrics(cluster.world.cluster).items[0];
  await page.goto(`${cluster.url}/#/o/cluster/pods/${pod.metadata.namespace}/${pod.metadata.name}`);
  const usage = page.getByTestId('usage');
  await expect(usage.getByTestId('usage-cpu')).toHaveAttribute(
    'data-value',
    String(pod.containers.reduce((s, c) => s + millicores(c.usage.cpu)!, 0))
  );
  simTime.t += 15_000;
  await expect(usage.getByTestId('usage-chart-cpu')).toHaveAttribute('data-points', /^[2-9]|\d\d/);
  await expect(usage.locator('.uplot canvas')).toHaveCount(2);

  // The overview: the cluster's CPU and memory over time.
  await page.goto(`${cluster.url}/#/`);
  const overview = page.getByTestId('cluster-usage');
  await expect(overview.getByTestId('usage-cpu')).toBeVisible();
  simTime.t += 15_000;
  await expect(overview.locator('.uplot canvas')).toHaveCount(2, { timeout: 20_000 });
  expect(errors).toEqual([]);
});
