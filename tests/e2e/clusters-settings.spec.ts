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

test('a link cluster that is not http(s) is refused with a message, and nothing runs it', async ({
  page
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto('./?cluster=x@javascript:alert(1)#/k/nodes');
  await expect(page.getByTestId('link-clusters-refused')).toContainText(
    'cluster "x": only http: and https: URLs are allowed, not "javascript:"'
  );
  // The link is dropped: the usual choice (demo mode here), with no confirmation asked.
  await expect(page.getByTestId('demo-banner')).toBeVisible();
  await expect(page.getByTestId('link-clusters-dialog')).not.toBeVisible();
  await expect(page.locator('[data-testid="cluster-status"][data-cluster="x"]')).toHaveCount(0);
  await expect.poll(() => rowCount(page)).toBeGreaterThan(0);
  expect(dialogs).toEqual([]);
});

test('a link cluster on another site waits for the user; Esc declines and the usual clusters show', async ({
  page
}) => {
  const elsewhere: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith('https://other.example/')) elsewhere.push(r.url());
  });
  await page.goto('./?cluster=far@https://other.example/k8s/#/k/nodes');
  const dialog = page.getByRole('dialog', { name: 'Show clusters from another site?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('cluster far from https://other.example/k8s/');
  // The safe choice has the focus; Tab stays in the dialog.
  await expect(dialog.getByRole('button', { name: 'Don’t show them' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Show these clusters' })).toBeFocused();
  // Nothing started while the question is open.
  await expect(page.getByTestId('cluster-status')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).not.toBeVisible();
  await expect(page.getByTestId('link-clusters-declined')).toBeVisible();
  await expect(page.getByTestId('demo-banner')).toBeVisible();
  await expect(page.getByTestId('cluster-status')).toHaveCount(2);
  await expect(page.locator('[data-testid="cluster-status"][data-cluster="far"]')).toHaveCount(0);
  expect(elsewhere).toEqual([]);
});

test('a second tab whose link asks for other clusters says so, and can switch every tab', async ({
  context
}) => {
  const first = await context.newPage();
  await first.goto('./?cluster=solo@demo#/k/nodes');
  await expect(first.locator('[data-testid="cluster-status"][data-cluster="solo"]')).toBeVisible();

  const second = await context.newPage();
  await second.goto('./?cluster=other@demo#/k/nodes');
  const notice = second.getByTestId('link-clusters-mismatch');
  await expect(notice).toContainText('This tab asked for clusters other; Skiff is already showing solo');
  await expect(second.locator('[data-testid="cluster-status"][data-cluster="solo"]')).toBeVisible();
  await expect(first.getByTestId('link-clusters-mismatch')).toHaveCount(0);

  await notice.getByRole('button', { name: 'Use other here (applies to every tab)' }).click();
  await expect(notice).toHaveCount(0);
  await expect(second.locator('[data-testid="cluster-status"][data-cluster="other"]')).toBeVisible();
  await expect(second.getByTestId('cluster-status')).toHaveCount(1);
  await expect(first.locator('[data-testid="cluster-status"][data-cluster="other"]')).toBeVisible();
});

test('a link cluster on another site is shown once the user confirms it', async ({ page }) => {
  await page.goto('./?cluster=far@https://other.example/k8s/&cluster=lab@demo#/k/nodes');
  const dialog = page.getByRole('dialog', { name: 'Show clusters from another site?' });
  // Only the cluster on another site is asked about; the demo one needs no confirmation.
  await expect(dialog.getByRole('listitem')).toHaveText(['cluster far from https://other.example/k8s/']);
  await dialog.getByRole('button', { name: 'Show these clusters' }).click();
  await expect(dialog).not.toBeVisible();
  await expect(page.getByTestId('cluster-status')).toHaveCount(2);
  await expect(page.locator('[data-testid="cluster-status"][data-cluster="far"]')).toBeVisible();
  await expect(page.getByTestId('link-clusters-declined')).toHaveCount(0);
});
