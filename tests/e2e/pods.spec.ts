import { expect, test } from '@playwright/test';
import { collectErrors, tableState, tableText, waitForRows } from './helpers';

test('lists the pods of a demo cluster and follows their changes live', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./');
  await expect(page.getByRole('banner')).toContainText('Skiff');
  await expect(page.getByTestId('demo-banner')).toBeVisible();

  await waitForRows(page);
  const { count, keys } = await tableState(page);
  expect(keys).toHaveLength(count);
  expect(new Set(keys).size).toBe(keys.length);
  for (const key of keys) expect(key).toMatch(/^[^/]+\/[^/]+\/[^/]+$/);

  // Each row's cells agree with its key.
  const mismatched = await page.evaluate(() =>
    [...document.querySelectorAll('tr[data-key]')]
      .map((row) => [
        row.getAttribute('data-key'),
        [...row.children]
          .slice(0, 3)
          .map((td) => td.textContent)
          .join('/')
      ])
      .filter(([key, cells]) => key !== cells)
  );
  expect(mismatched).toEqual([]);

  // Wait until every demo cluster has listed (no new cluster for a second): later changes are churn.
  const clusters = async () => new Set((await tableState(page)).keys.map((key) => key.split('/')[0])).size;
  await expect
    .poll(async () => {
      const before = await clusters();
      await page.waitForTimeout(1000);
      return (await clusters()) === before;
    })
    .toBe(true);

  // Churn in the simulated cluster reaches the table without a reload.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const before = await tableText(page);
  await expect.poll(() => tableText(page), { message: 'table changes', timeout: 30_000 }).not.toBe(before);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  const after = await tableState(page);
  expect(after.keys).toHaveLength(after.count);

  expect(errors).toEqual([]);
});
