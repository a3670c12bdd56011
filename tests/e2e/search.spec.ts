import { expect, test } from '@playwright/test';
import { collectErrors, waitForRows } from './helpers';

// Global search: Ctrl-K anywhere, type, Enter opens what was found.

test('Ctrl-K finds a pod by name and Enter opens its details', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods');
  await waitForRows(page);
  const key = (await page.locator('tr[data-key]').first().getAttribute('data-key'))!;
  const [cluster, namespace, name] = key.split('/');

  await page.locator('body').click();
  await page.keyboard.press('Control+k');
  const input = page.getByTestId('search-input');
  await expect(input).toBeFocused();
  await input.pressSequentially(name, { delay: 10 });
  const first = page.getByRole('option').first();
  await expect(first).toContainText(name);
  await expect(first).toContainText('Pod');
  await expect(first).toContainText(namespace);
  await expect(first).toContainText(cluster);
  await expect(first).toHaveAttribute('aria-selected', 'true');

  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(
    new RegExp(`#/o/${cluster}/pods/${namespace}/${name.replace(/[.]/g, '\\.')}$`)
  );
  await expect(page.getByRole('dialog', { name: 'Search' })).toBeHidden();
  expect(errors).toEqual([]);
});

test('the search button opens the palette; arrows move, Esc closes, kinds open their list', async ({
  page
}) => {
  const errors = collectErrors(page);
  await page.goto('./#/k/pods');
  await waitForRows(page);
  await page.getByTestId('search-button').click();
  const dialog = page.getByRole('dialog', { name: 'Search' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.keyboard.press('Control+k');
  await page.getByTestId('search-input').fill('certificates');
  const kind = page.locator('[role="option"][data-kind="certificates.cert-manager.io"]').first();
  await expect(kind).toContainText('Kind');
  // Kinds rank before objects of the same rank: it comes first.
  await expect(page.getByRole('option').first()).toHaveAttribute('data-kind', 'certificates.cert-manager.io');
  await page.getByTestId('search-input').fill('coredns');
  await expect(page.getByRole('option').first()).toContainText('coredns');
  const count = await page.getByRole('option').count();
  if (count > 1) {
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowUp');
  }
  await expect(page.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('search-input').fill('certificates');
  await expect(page.getByRole('option').first()).toHaveAttribute('data-kind', 'certificates.cert-manager.io');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/k\/certificates\.cert-manager\.io$/);
  expect(errors).toEqual([]);
});
