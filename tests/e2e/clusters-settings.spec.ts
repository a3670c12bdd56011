import { expect, test } from '@playwright/test';
import { collectErrors, rowCount } from './helpers';

// Which clusters show, chosen in the page: the cluster filter of a list (in the URL), the settings
// page (stored, applied at once), and a cluster list in the page URL.

test('the cluster filter shows one cluster’s rows, from the URL and from the toggles', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods?cluster=demo-dev');
  await expect.poll(() => rowCount(page)).toBeGreaterThan(0);
  const rows = page.locator('tr[data-key]');
  await expect(rows.first()).toHaveAttribute('data-cluster', 'demo-dev');
  await expect(page.locator('tr[data-cluster="demo-prod"]')).toHaveCount(0);
  const devOnly = await rowCount(page);
  // Filtered to one cluster, the list needs no Cluster column.
  await expect(page.locator('td[data-column="cluster"]')).toHaveCount(0);

  // Both clusters: demo-prod is ten times larger; the cluster column shows each row's cluster.
  const picker = page.getByTestId('cluster-picker');
  await picker.locator('[data-cluster="demo-prod"]').click();
  await expect(page).not.toHaveURL(/cluster=/);
  await expect.poll(() => rowCount(page)).toBeGreaterThan(devOnly * 5);
  await expect(page.locator('td[data-column="cluster"]').first()).toBeVisible();

  // Off with demo-dev: only demo-prod, and the URL says so.
  await picker.locator('[data-cluster="demo-dev"]').click();
  await expect(page).toHaveURL(/cluster=demo-prod/);
  await expect(page.locator('tr[data-cluster="demo-dev"]')).toHaveCount(0);
  await expect(rows.first()).toHaveAttribute('data-cluster', 'demo-prod');
  expect(errors).toEqual([]);
});

test('settings change the clusters in place, every view follows, and they are remembered', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.goto('./#/settings');
  await expect(page.getByTestId('config-source')).toContainText('automatic');
  const status = page.getByTestId('cluster-status');
  await expect(status).toHaveCount(2);
  await expect(page.getByTestId('cluster-row')).toHaveCount(2);

  // Keep demo-dev, drop demo-prod, add a simulated "lab" cluster.
  await page.getByTestId('cluster-row').nth(1).getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('button', { name: 'Add a cluster' }).click();
  const lab = page.getByTestId('cluster-row').nth(1);
  await lab.getByLabel('Cluster name').fill('lab');
  await lab.getByLabel('Kind of cluster').selectOption('demo');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await expect(status).toHaveCount(2);
  await expect(page.locator('[data-testid="cluster-status"][data-cluster="lab"]')).toHaveAttribute(
    'data-reachable',
    'true'
  );

  await page.evaluate(() => (location.hash = '#/k/pods'));
  await expect.poll(() => rowCount(page)).toBeGreaterThan(0);
  await expect(page.locator('tr[data-cluster="lab"]').first()).toBeVisible();
  await expect(page.locator('tr[data-cluster="demo-prod"]')).toHaveCount(0);

  // A reload keeps them; a bad name is refused with a message.
  await page.reload();
  await expect(page.locator('[data-testid="cluster-status"][data-cluster="lab"]')).toBeVisible();
  await page.evaluate(() => (location.hash = '#/settings'));
  await expect(page.getByTestId('config-source')).toContainText('your settings');
  await page.getByTestId('cluster-row').nth(0).getByLabel('Cluster name').fill('two words');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').first()).toContainText('cluster name "two words"');
  expect(errors).toEqual([]);
});

test('a cluster list in the page URL wins over everything else', async ({ page }) => {
  await page.goto('./?cluster=solo@demo#/k/nodes');
  await expect(page.getByTestId('cluster-status')).toHaveCount(1);
  await expect(page.locator('[data-testid="cluster-status"][data-cluster="solo"]')).toBeVisible();
  await expect.poll(() => rowCount(page)).toBeGreaterThan(0);
  await expect(page.locator('tr[data-key]').first()).toHaveAttribute('data-cluster', 'solo');
});
