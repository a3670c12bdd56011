import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { collectErrors, rowCount, rowKeys, tableText, waitForRows } from './helpers';

// The one table of every list, on the demo clusters (demo-dev: 240 pods, admin; demo-prod: 2,400
// pods, a viewer who may not list Secrets outside `web`; both churn all the time).

/** A header cell by its label (the sort arrow drawn after the label is part of its accessible name). */
const header = (page: Page, label: string) =>
  page.getByRole('columnheader', { name: new RegExp(`^${label}( [▲▼])?$`) });

/** The query of the hash route: `#/k/pods?q=x` → q=x. */
const hashParams = (page: Page) => {
  const hash = new URL(page.url()).hash;
  return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
};

const cells = (page: Page, column: string) =>
  page.locator(`tr[data-key] td[data-column="${column}"]`).allTextContents();

const selectedKeys = (page: Page) =>
  page
    .locator('tr[data-key][aria-selected="true"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));

/** Waits until every stream of the table is live (both demo clusters listed), then returns the total. */
async function waitForLive(page: Page): Promise<number> {
  const states = page.getByTestId('stream-state');
  // A page still loading has no states to read yet (and may replace its document meanwhile).
  const read = () =>
    states.evaluateAll((s) => [...new Set(s.map((e) => e.getAttribute('data-state')))]).catch(() => []);
  await expect.poll(read, { message: 'every stream live' }).toEqual(['live']);
  expect(await states.count()).toBe(2);
  return waitForRows(page);
}

const ordered = (values: number[], direction: 'asc' | 'desc') =>
  values.every((v, i) => i === 0 || (direction === 'asc' ? values[i - 1] <= v : values[i - 1] >= v));

test('sorting by a column orders the rows, shows in aria-sort and the URL, and Back restores it', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods');
  await waitForLive(page);
  await expect(header(page, 'Name')).toHaveAttribute('aria-sort', 'ascending');

  await header(page, 'Restarts').getByRole('button').click();
  await expect(header(page, 'Restarts')).toHaveAttribute('aria-sort', 'ascending');
  await expect(header(page, 'Name')).toHaveAttribute('aria-sort', 'none');
  expect(hashParams(page).get('sort')).toBe('restarts');
  await expect
    .poll(async () => ordered((await cells(page, 'restarts')).map(Number), 'asc'), { message: 'ascending' })
    .toBe(true);

  await header(page, 'Restarts').getByRole('button').click();
  await expect(header(page, 'Restarts')).toHaveAttribute('aria-sort', 'descending');
  expect(hashParams(page).get('sort')).toBe('-restarts');
  await expect
    .poll(async () => {
      const values = (await cells(page, 'restarts')).map(Number);
      // Demo pods crash: the most restarted come first.
      return ordered(values, 'desc') && values[0] > 0;
    })
    .toBe(true);

  await page.goBack();
  await expect(header(page, 'Restarts')).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(async () => ordered((await cells(page, 'restarts')).map(Number), 'asc')).toBe(true);
  expect(errors).toEqual([]);
});

test('the text filter and the label selector narrow the rows and go into the URL', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods');
  await expect.poll(() => rowCount(page)).toBeGreaterThan(2000);
  const all = await rowCount(page);

  await page.getByLabel('Filter rows').fill('kube-proxy');
  await expect.poll(() => rowCount(page)).toBeLessThan(all);
  await expect.poll(() => hashParams(page).get('q')).toBe('kube-proxy');
  const byText = await rowCount(page);
  expect(byText).toBeGreaterThan(0);
  for (const key of await rowKeys(page)) expect(key).toMatch(/^demo-(dev|prod)\/kube-system\/kube-proxy-/);
  // "of N": the filtered count out of all rows.
  await expect(page.locator('.count')).toContainText(/of \d+/);

  await page.getByLabel('Filter rows').fill('');
  await expect.poll(() => rowCount(page)).toBeGreaterThan(2000);
  await page.getByLabel('Label selector').fill('k8s-app=kube-proxy');
  await expect.poll(() => rowCount(page)).toBe(byText);
  await expect.poll(() => hashParams(page).get('l')).toBe('k8s-app=kube-proxy');
  expect(hashParams(page).has('q')).toBe(false);
  for (const key of await rowKeys(page)) expect(key).toMatch(/\/kube-proxy-/);

  // Both at once: a text that none of these pods has leaves none, and says how to get them back.
  await page.getByLabel('Filter rows').fill('coredns');
  await expect(page.getByTestId('table-message')).toContainText(
    "No pods match 'coredns' and the selector 'k8s-app=kube-proxy'."
  );
  await expect(page.getByTestId('row-count')).toHaveText('0');
  await page.getByTestId('table-message').getByRole('button', { name: 'Clear the filter' }).click();
  await expect.poll(() => rowCount(page)).toBeGreaterThan(2000);
  await expect(page.getByLabel('Filter rows')).toHaveValue('');
  await expect(page.getByLabel('Label selector')).toHaveValue('');

  // A selector that does not parse: a message says so, and the last valid filter stays.
  await page.getByLabel('Label selector').fill('k8s-app=kube-proxy');
  await expect.poll(() => rowCount(page)).toBe(byText);
  await page.getByLabel('Label selector').fill('k8s-app in (kube-proxy');
  await expect(page.getByTestId('selector-error')).toContainText('Invalid label selector');
  await expect(page.getByLabel('Label selector')).toHaveAttribute('aria-invalid', 'true');
  expect(await rowCount(page)).toBe(byText);
  expect(await rowKeys(page)).not.toEqual([]);
  expect(hashParams(page).get('l')).toBe('k8s-app=kube-proxy');
  await page.getByLabel('Label selector').fill('k8s-app in (kube-proxy, kube-dns)');
  await expect(page.getByTestId('selector-error')).toHaveCount(0);
  await expect.poll(() => rowCount(page)).toBeGreaterThan(byText);
  expect(errors).toEqual([]);
});

test('a URL with a filter and a sort shows them, also after a reload', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods?q=kube-proxy&l=k8s-app%3Dkube-proxy&sort=-restarts');
  const check = async () => {
    await expect(page.getByLabel('Filter rows')).toHaveValue('kube-proxy');
    await expect(page.getByLabel('Label selector')).toHaveValue('k8s-app=kube-proxy');
    await expect(header(page, 'Restarts')).toHaveAttribute('aria-sort', 'descending');
    await waitForLive(page);
    await expect
      .poll(async () => {
        const keys = await rowKeys(page);
        const restarts = (await cells(page, 'restarts')).map(Number);
        return keys.length > 0 && keys.every((k) => k.includes('/kube-proxy-')) && ordered(restarts, 'desc');
      })
      .toBe(true);
  };
  await check();
  await page.reload();
  await check();
  expect(errors).toEqual([]);
});

test('arrow keys select rows and Enter opens the selected one', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods?q=kube-proxy');
  await waitForLive(page);
  const keys = await rowKeys(page);
  expect(keys.length).toBeGreaterThan(3);

  await page.locator(`tr[data-key="${keys[0]}"] td[data-column="status"]`).click();
  await expect.poll(() => selectedKeys(page)).toEqual([keys[0]]);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => selectedKeys(page)).toEqual([keys[2]]);
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => selectedKeys(page)).toEqual([keys[1]]);
  await page.keyboard.press('Escape');
  await expect.poll(() => selectedKeys(page)).toEqual([]);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => selectedKeys(page)).toEqual([keys[0]]);
  await page.keyboard.press('ArrowDown');

  const [cluster, namespace, name] = keys[1].split('/');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/o/${cluster}/pods/${namespace}/${name}$`));
  expect(errors).toEqual([]);
});

test('/ focuses the filter, Esc clears it, then leaves it', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods?q=kube-proxy');
  await waitForLive(page);
  const filtered = await rowCount(page);
  await page.locator('tr[data-key] td[data-column="status"]').first().click();
  await page.keyboard.press('/');
  const filter = page.getByLabel('Filter rows');
  await expect(filter).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(filter).toHaveValue('');
  await expect.poll(() => rowCount(page)).toBeGreaterThan(filtered);
  await expect.poll(() => hashParams(page).has('q')).toBe(false);
  await expect(filter).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(filter).not.toBeFocused();
  expect(errors).toEqual([]);
});

test('the column chooser hides and shows columns, remembered per kind across reloads', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods');
  await waitForLive(page);
  await expect(header(page, 'Node')).toBeVisible();
  await expect(header(page, 'QoS')).toHaveCount(0);

  await page.getByText('Columns', { exact: true }).click();
  await page.getByRole('checkbox', { name: 'Node', exact: true }).uncheck();
  await page.getByRole('checkbox', { name: 'QoS', exact: true }).check();
  await expect(header(page, 'Node')).toHaveCount(0);
  await expect(page.locator('td[data-column="node"]')).toHaveCount(0);
  await expect(header(page, 'QoS')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Name', exact: true })).toBeDisabled();

  await page.reload();
  await waitForLive(page);
  await expect(header(page, 'QoS')).toBeVisible();
  await expect(page.locator('td[data-column="qos"]').first()).toBeVisible();
  await expect(header(page, 'Node')).toHaveCount(0);
  await expect(page.locator('td[data-column="node"]')).toHaveCount(0);

  // Another kind keeps its own columns.
  await page.goto('./#/k/nodes');
  await waitForLive(page);
  await expect(header(page, 'Status')).toBeVisible();
  expect(errors).toEqual([]);
});

test('the selected row stays selected through live updates and re-sorts', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods?q=kube-proxy');
  await waitForLive(page);
  // A DaemonSet's pod: churn never deletes those.
  const chosen = (await rowKeys(page))[2];
  await page.locator(`tr[data-key="${chosen}"] td[data-column="name"]`).click({ position: { x: 2, y: 2 } });
  await expect.poll(() => selectedKeys(page)).toEqual([chosen]);

  // The demo churns: wait until rows in the table change (not only their ages).
  const text = async () => (await tableText(page)).replace(/\b\d+(s|m|h|d)\w*/g, '');
  const before = await text();
  await expect.poll(text, { message: 'a live update reaches the table', timeout: 45_000 }).not.toBe(before);
  expect(await selectedKeys(page)).toEqual([chosen]);

  // Sorted another way and back: the same row, still selected.
  await header(page, 'Restarts').getByRole('button').click();
  await expect(header(page, 'Restarts')).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(async () => ordered((await cells(page, 'restarts')).map(Number), 'asc')).toBe(true);
  await header(page, 'Name').getByRole('button').click();
  await expect(header(page, 'Name')).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => selectedKeys(page)).toEqual([chosen]);
  // The keyboard carries on from it.
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await selectedKeys(page))[0]).toBe((await rowKeys(page))[3]);
  expect(errors).toEqual([]);
});

test('CSV export holds the header and every filtered row in the table order', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods?q=kube-proxy&sort=-restarts');
  const count = await waitForLive(page);
  const labels = (await page.locator('thead th').allTextContents()).map((l) =>
    l.replace(/ [▲▼]$/, '').trim()
  );

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^pods-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await readFile((await file.path())!, 'utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  const [head, ...records] = text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => line.split(','));
  expect(head).toEqual(labels.map((l) => (l === 'Age' ? 'Age (timestamp)' : l)));
  expect(records).toHaveLength(count);
  const name = head.indexOf('Name');
  const restarts = head.indexOf('Restarts');
  for (const r of records) expect(r[name]).toMatch(/^kube-proxy-/);
  expect(
    ordered(
      records.map((r) => Number(r[restarts])),
      'desc'
    )
  ).toBe(true);
  expect(errors).toEqual([]);
});

test('the namespace picker scopes the table to the chosen namespaces, remembered for other kinds', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods');
  await expect.poll(() => rowCount(page)).toBeGreaterThan(2000);
  const all = await rowCount(page);

  await page.getByTestId('namespace-picker').click();
  await page.getByRole('checkbox', { name: 'data', exact: true }).check();
  await page.getByRole('checkbox', { name: 'web', exact: true }).check();
  await page.keyboard.press('Escape');
  await expect.poll(() => hashParams(page).get('ns')).toBe('data,web');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pods in data, web');
  await expect.poll(() => rowCount(page)).toBeLessThan(all);
  const inScope = async () => {
    const namespaces = new Set((await rowKeys(page)).map((k) => k.split('/')[1]));
    return [...namespaces].sort();
  };
  await expect.poll(inScope).toEqual(['data', 'web']);

  // Another kind shows the same namespaces, and says so in its URL.
  await page.goto('./#/k/deployments.apps');
  await expect.poll(() => hashParams(page).get('ns')).toBe('data,web');
  await waitForLive(page);
  await expect.poll(inScope).toEqual(['data', 'web']);

  // All namespaces again.
  await page.getByTestId('namespace-picker').click();
  await page.getByRole('checkbox', { name: 'All namespaces' }).check();
  await expect.poll(() => hashParams(page).has('ns')).toBe(false);
  await expect.poll(async () => (await inScope()).length).toBeGreaterThan(2);
  expect(errors).toEqual([]);
});

test('a list the user may not read says so, and shows the namespaces the user may list', async ({ page }) => {
  const errors = collectErrors(page);
  // demo-prod's user is a viewer: no Secrets cluster-wide, only in `web` (demo-dev's admin sees them all).
  await page.goto('./#/k/secrets');
  await expect(page.locator('[data-testid=stream-state][data-cluster=demo-prod]')).toHaveAttribute(
    'data-state',
    'forbidden'
  );
  await expect(page.locator('[data-testid=stream-notice][data-cluster=demo-prod]')).toHaveText(
    'You may not list secrets in all namespaces of demo-prod; showing the namespaces you may list: web.'
  );
  await expect(page.locator('[data-testid=stream-state][data-cluster=demo-dev]')).toHaveAttribute(
    'data-state',
    'live'
  );
  await waitForRows(page);
  // demo-prod's rows are web's, and only web's.
  await page.goto('./#/k/secrets?cluster=demo-prod');
  await waitForRows(page);
  const keys = await rowKeys(page);
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) expect(key).toMatch(/^demo-prod\/web\//);
  expect(errors).toEqual([]);
});

test('in a namespace the viewer may read, the same list is live', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/secrets?ns=web');
  await expect(page.locator('[data-testid=stream-state][data-cluster=demo-prod]')).toHaveAttribute(
    'data-state',
    'live'
  );
  await expect(page.getByTestId('stream-notice')).toHaveCount(0);
  await expect.poll(async () => (await rowKeys(page)).some((k) => k.startsWith('demo-prod/web/'))).toBe(true);
  expect(errors).toEqual([]);
});

test('selecting a workload shows its pods under the table', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/deployments.apps?q=coredns');
  await waitForLive(page);
  const key = (await rowKeys(page))[0];
  const [cluster, namespace, name] = key.split('/');
  await page.locator(`tr[data-key="${key}"] td[data-column="namespace"]`).click({ position: { x: 1, y: 1 } });
  const panel = page.getByTestId('workload-pods');
  await expect(panel).toContainText(`Pods of Deployment ${name}`);
  await expect
    .poll(async () => Number(await panel.getByTestId('row-count').textContent()))
    .toBeGreaterThan(0);
  const pods = await panel
    .locator('tr[data-key]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''));
  expect(pods.length).toBeGreaterThan(0);
  for (const pod of pods) expect(pod).toMatch(new RegExp(`^${cluster}/${namespace}/${name}-`));
  expect(errors).toEqual([]);
});

test('Events: "Warnings only" keeps the Warning events, in the URL', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/events');
  await waitForLive(page);
  const all = await rowCount(page);
  await page.getByRole('checkbox', { name: 'Warnings only' }).check();
  await expect.poll(() => hashParams(page).get('warn')).toBe('1');
  await expect.poll(() => rowCount(page)).toBeLessThan(all);
  await expect.poll(async () => [...new Set(await cells(page, 'type'))]).toEqual(['Warning']);
  expect(errors).toEqual([]);
});

test('a custom resource kind gets a table with its printer columns; an unknown kind says so', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/certificates.cert-manager.io');
  await waitForLive(page);
  await expect(header(page, 'Ready')).toBeVisible();
  await expect(header(page, 'Secret')).toBeVisible();
  // priority > 0: offered in the column chooser, not shown.
  await expect(header(page, 'Issuer')).toHaveCount(0);
  await expect
    .poll(async () => [...new Set(await cells(page, 'pc:Ready'))].every((v) => v === 'True' || v === 'False'))
    .toBe(true);
  expect(await cells(page, 'pc:Ready')).toContain('True');

  await page.goto('./#/k/nosuchthings.example.com');
  await expect(page.getByText('No cluster serves a kind called nosuchthings.example.com')).toBeVisible();
  expect(errors).toEqual([]);
});
