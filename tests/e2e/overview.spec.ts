import { expect, test } from '@playwright/test';
import { collectErrors } from './helpers';

// The first screen a newcomer sees: demo mode, said plainly, and each simulated cluster at a glance.
test('the overview shows each demo cluster live, and its links open the objects', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./');
  await expect(page.getByTestId('demo-banner')).toContainText('Demo mode');

  const dev = page.locator('[data-testid=cluster-overview][data-cluster=demo-dev]');
  const prod = page.locator('[data-testid=cluster-overview][data-cluster=demo-prod]');
  await expect(dev.getByTestId('cluster-version')).toHaveText(/^v1\.\d+/);
  await expect(prod).toBeVisible();
  // demo-dev: 8 nodes and 240 pods (the simulator's seeded world); the tallies reach them.
  await expect(dev.getByTestId('nodes-breakdown')).toHaveAttribute('data-total', '8');
  await expect
    .poll(async () => Number(await dev.getByTestId('pods-breakdown').getAttribute('data-total')))
    .toBeGreaterThan(200);
  await expect(dev.getByTestId('pods-breakdown').getByRole('link', { name: 'Running' })).toBeVisible();

  // Recent warnings list Warning events, newest first, and link to each one.
  const warnings = dev.getByTestId('recent-warnings');
  await expect.poll(async () => Number(await warnings.getAttribute('data-count'))).toBeGreaterThan(0);
  const first = warnings.locator('li a').first();
  const href = await first.getAttribute('href');
  expect(href).toMatch(/^#\/o\/demo-dev\/events\/[^/]+\/[^/]+$/);

  // A workload short of replicas links to its details page.
  const mismatch = dev.getByTestId('attention-mismatch');
  await expect.poll(async () => Number(await mismatch.getAttribute('data-count'))).toBeGreaterThan(0);
  await mismatch.locator('li a').first().click();
  await expect(page).toHaveURL(/#\/o\/demo-dev\/deployments\.apps\/[^/]+\/[^/]+/);

  // The pods link of a phase opens the Pods table filtered to it.
  await page.goBack();
  await dev.getByTestId('pods-breakdown').getByRole('link', { name: 'Running' }).click();
  await expect(page).toHaveURL(/#\/k\/pods\?q=Running/);
  expect(errors).toEqual([]);
});
