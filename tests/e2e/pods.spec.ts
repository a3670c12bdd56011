import { expect, test } from '@playwright/test';
import { collectErrors, rowCount, sortKeys, tableState, tableText, waitForRows } from './helpers';

test('lists the pods of the demo clusters and follows their changes live', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods');
  await expect(page.getByRole('banner')).toContainText('Skiff');
  await expect(page.getByTestId('demo-banner')).toBeVisible();

  // Both demo clusters listed (240 + 2400 pods): far more than the window of rows in the DOM.
  await waitForRows(page);
  await expect.poll(() => rowCount(page), { message: 'both demo clusters listed' }).toBeGreaterThan(2000);
  const { count, keys } = await tableState(page);
  expect(keys.length).toBeGreaterThan(10);
  expect(keys.length).toBeLessThan(count);
  expect(new Set(keys).size).toBe(keys.length);
  for (const key of keys) expect(key).toMatch(/^demo-(dev|prod)\/[^/]+\/[^/]+$/);

  // Each row's cells agree with its key, and the window is in name order (ties by key).
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll('tr[data-key]')].map((row) => {
      const cell = (column: string) => row.querySelector(`td[data-column="${column}"]`)?.textContent ?? '';
      return {
        key: row.getAttribute('data-key') ?? '',
        cells: `${cell('cluster')}/${cell('namespace')}/${cell('name')}`,
        name: cell('name')
      };
    })
  );
  expect(rows.filter((row) => row.key !== row.cells)).toEqual([]);
  expect(rows.map((row) => row.key)).toEqual(sortKeys(rows, (row) => row.name));

  // Churn in the simulated clusters reaches the page without a reload.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const shown = async () => `${await rowCount(page)}\n${await tableText(page)}`;
  const before = await shown();
  await expect.poll(shown, { message: 'table changes', timeout: 30_000 }).not.toBe(before);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  const after = await tableState(page);
  expect(new Set(after.keys).size).toBe(after.keys.length);
  expect(after.keys.length).toBeLessThan(after.count);

  expect(errors).toEqual([]);
});
