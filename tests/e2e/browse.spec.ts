import { expect, test } from '@playwright/test';
import { collectErrors, waitForRows } from './helpers';

// Browse lists every kind discovery finds, CRDs included, and opens a kind's table with the
// columns its CRD prints.

test('browse finds cert-manager Certificates and opens their table with the CRD printer columns', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.goto('./#/browse');
  const certs = page.locator('tr[data-kind-id="certificates.cert-manager.io"]');
  await expect(certs).toBeVisible();
  await expect(certs).toContainText('Certificates');
  await expect(certs).toContainText('cert-manager.io');
  await expect(certs).toContainText('Namespaced');
  await expect(certs).toContainText('4 from the CRD');
  // Built-in kinds are there too, counted per group.
  await expect(page.locator('tr[data-kind-id="pods"]')).toBeVisible();
  await expect(page.locator('tr[data-kind-id="deployments.apps"]')).toBeVisible();
  await expect(page.locator('[data-group="cert-manager.io"]')).toContainText('1');
  const total = Number(await page.getByTestId('row-count').textContent());
  expect(total).toBeGreaterThan(40);

  // The text filter and the group filter narrow the list, and live in the URL.
  await page.getByTestId('browse-filter').fill('certif');
  await expect(page).toHaveURL(/#\/browse\?q=certif$/);
  await expect(page.locator('tr[data-kind-id]')).toHaveCount(
    await page.locator('tr[data-kind-id*="certif"]').count()
  );
  await expect(certs).toBeVisible();
  await page.getByTestId('browse-filter').fill('');
  await page.locator('[data-group="apps"]').click();
  await expect(page).toHaveURL(/group=apps/);
  await expect(page.locator('tr[data-kind-id="deployments.apps"]')).toBeVisible();
  await expect(page.locator('tr[data-kind-id="pods"]')).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Scope' }).selectOption('cluster');
  await expect(page.locator('tr[data-kind-id]')).toHaveCount(0);
  await page.goBack();
  await expect(page.locator('tr[data-kind-id="deployments.apps"]')).toBeVisible();
  await page.getByRole('combobox', { name: 'Group' }).selectOption('cert-manager.io');

  // Picking the kind opens its table, with the CRD's printer columns and live rows.
  await certs.getByRole('link', { name: 'Certificates' }).click();
  await expect(page).toHaveURL(/#\/k\/certificates\.cert-manager\.io$/);
  await waitForRows(page);
  const headers = await page.locator('thead th').allTextContents();
  expect(headers.join('|')).toMatch(/Ready/);
  expect(headers.join('|')).toMatch(/Secret/);
  await expect(page.locator('tr[data-key] td[data-column="pc:Ready"]').first()).toHaveText(/^(True|False)$/);
  await expect(page.locator('tr[data-key] td[data-column="pc:Secret"]').first()).not.toBeEmpty();
  expect(errors).toEqual([]);
});
