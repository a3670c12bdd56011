import type { Page } from '@playwright/test';
import { project } from '../../src/lib/kinds/projection';
import { expect, test } from './fixtures';
import { collectErrors, rowCount, scrollTable, sortKeys, tableState, windowOffset } from './helpers';

// The Pods view over 50,000 pods: the simulated cluster served over HTTP behind real
// `kubectl proxy --www`, as a user runs it. Only a window of rows is ever in the DOM, wherever the
// table is scrolled to and however it is sorted, and it follows the server without a reload.

const PODS = 50_000;
const ROW_HEIGHT = 30;
/** Far fewer rows in the DOM than in the table, wherever it is scrolled. */
const MOST_ROWS_IN_DOM = 200;

// Populating 50,000 pods takes the fixture ~10 s and the engine lists them all through the proxy.
test.describe.configure({ timeout: 240_000 });
test.use({ sim: { name: 'large', seed: 21, pods: PODS, churn: 0 } });

const columnHeader = (page: Page, label: string) =>
  page.getByRole('columnheader', { name: new RegExp(`^${label}( [▲▼])?$`) });

test('a table of 50,000 pods scrolls, sorts and drops a pod deleted on the server', async ({
  page,
  cluster
}) => {
  const errors = collectErrors(page);
  // The cluster holds still (churn 0), but CronJobs start pods on the wall clock: suspend them, so
  // the pods below are the truth for the whole test.
  const cronJobs = cluster.world.cluster.type('batch/v1', 'CronJob');
  for (const cj of cluster.world.cluster.objects(cronJobs)) {
    cluster.world.cluster.mutate(cronJobs, cj.metadata.namespace, cj.metadata.name, (o) => {
      o.spec.suspend = true;
    });
  }
  const rows = cluster.pods().map((pod) => project('cluster', pod));
  // At least the pods asked for: CronJobs may have started Job pods on the wall clock before they
  // were suspended above. What the server holds now is the truth the table must show.
  expect(rows.length).toBeGreaterThanOrEqual(PODS);
  const total = rows.length;
  const byName = sortKeys(rows, (r) => r.name);

  await page.goto(`${cluster.url}/#/k/pods`);
  await expect(page.getByTestId('row-count')).toHaveText(String(total), { timeout: 180_000 });
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  // The top: the first pods by name.
  await expect(columnHeader(page, 'Name')).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(async () => (await tableState(page)).visible[0]).toBe(byName[0]);
  const top = await tableState(page);
  expect(windowOffset(top.keys, byName)).toBe(0);
  expect(top.keys.length).toBeLessThan(MOST_ROWS_IN_DOM);
  expect(top.maxScrollTop).toBeGreaterThanOrEqual((total - top.visible.length) * ROW_HEIGHT);

  // The middle: the rows that belong there by position, and still only a window of them.
  const middle = Math.floor(total / 2);
  await scrollTable(page, middle * ROW_HEIGHT);
  await expect.poll(async () => (await tableState(page)).visible[0]).toBe(byName[middle]);
  const mid = await tableState(page);
  expect(windowOffset(mid.keys, byName)).toBeGreaterThan(0);
  expect(mid.visible).toEqual(byName.slice(middle, middle + mid.visible.length));
  expect(mid.keys.length).toBeLessThan(MOST_ROWS_IN_DOM);

  // The end: the last pods by name.
  await scrollTable(page, 'bottom');
  await expect.poll(async () => (await tableState(page)).visible.at(-1)).toBe(byName.at(-1));
  const end = await tableState(page);
  expect(windowOffset(end.keys, byName)).toBe(total - end.keys.length);
  expect(end.visible).toEqual(byName.slice(-end.visible.length));
  expect(end.keys.length).toBeLessThan(MOST_ROWS_IN_DOM);

  // Sorting by restarts: ascending, then (clicked again) descending, from the top.
  const restarts = (r: (typeof rows)[number]) => r.cells.restarts as number;
  const ascending = sortKeys(rows, restarts, 'asc');
  const descending = sortKeys(rows, restarts, 'desc');
  expect(descending[0]).not.toBe(byName[0]);
  const header = columnHeader(page, 'Restarts');
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(columnHeader(page, 'Name')).toHaveAttribute('aria-sort', 'none');
  await expect.poll(async () => (await tableState(page)).visible[0]).toBe(ascending[0]);
  expect(windowOffset((await tableState(page)).keys, ascending)).toBe(0);

  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(async () => (await tableState(page)).visible[0]).toBe(descending[0]);
  const sorted = await tableState(page);
  expect(windowOffset(sorted.keys, descending)).toBe(0);
  expect(sorted.keys.length).toBeLessThan(MOST_ROWS_IN_DOM);
  const shown = await page.locator('td[data-column="restarts"]').allTextContents();
  expect(shown.map(Number)).toEqual(sorted.keys.map((key) => restarts(rows.find((r) => r.key === key)!)));

  // The pod with the most restarts (the top row) is deleted through the API: it leaves the
  // table, the next one moves up, and the count follows the server (its ReplicaSet replaces it).
  const victim = rows.find((r) => r.key === descending[0])!;
  expect(victim.owners.map((o) => o.kind)).toEqual(['ReplicaSet']);
  const response = await fetch(
    `${cluster.url}/k8s/api/v1/namespaces/${victim.namespace}/pods/${victim.name}`,
    { method: 'DELETE' }
  );
  expect(response.status).toBe(200);
  await expect(page.locator(`tr[data-key="${victim.key}"]`)).toHaveCount(0);
  await expect.poll(async () => (await tableState(page)).visible[0]).toBe(descending[1]);
  await expect.poll(() => cluster.pods().length, { message: 'a replacement pod' }).toBe(total);
  expect(cluster.pods().some((pod) => pod.metadata.name === victim.name)).toBe(false);
  await expect.poll(() => rowCount(page)).toBe(total);

  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  expect(errors).toEqual([]);
});
