import { expect, test } from '@playwright/test';
import { collectErrors } from './helpers';

// Helm releases, decoded from the Secrets Helm keeps them in.

test('lists Helm releases and shows a release’s history, values and manifest', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/helm');
  const row = page.locator('tr[data-key="demo-dev/ingress-nginx/sh.helm.release.v1.ingress-nginx.v4"]');
  await expect(row).toBeVisible();
  await expect(row.locator('td[data-column="release"]')).toHaveText('ingress-nginx');
  await expect(row.locator('td[data-column="chart"]')).toHaveText('ingress-nginx-4.11.3');
  await expect(row.locator('td[data-column="appVersion"]')).toHaveText('1.11.3');
  await expect(row.locator('td[data-column="status"]')).toHaveText('deployed');
  await expect(row.locator('td[data-column="revision"]')).toHaveText('4');
  // Only current revisions: superseded ones are history.
  await expect(page.locator('tr[data-key*="sh.helm.release.v1.ingress-nginx.v3"]')).toHaveCount(0);
  await expect(
    page.locator('tr[data-key^="demo-dev/cert-manager/sh.helm.release.v1.cert-manager."]')
  ).toHaveCount(1);
  // The viewer on demo-prod may not list Secrets in every namespace: the page says so, and shows
  // the namespaces the viewer may list instead.
  await expect(
    page.getByText(
      'You may not list Helm releases in all namespaces of demo-prod; showing the namespaces you may list: web.'
    )
  ).toBeVisible();

  await row.dblclick();
  await expect(page).toHaveURL(/#\/helm\/demo-dev\/ingress-nginx\/ingress-nginx$/);
  const history = page.getByTestId('helm-history');
  await expect(history.locator('tr[data-revision]')).toHaveCount(4);
  expect(
    await history
      .locator('tr[data-revision]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-revision')))
  ).toEqual(['4', '3', '2', '1']);
  await expect(page.getByTestId('helm-revision')).toHaveAttribute('data-revision', '4');
  await expect(page.getByTestId('helm-status')).toHaveText('deployed');
  // The values the user supplied at install, then the chart defaults merged under them: masked
  // (they often hold passwords) until the user reveals them, keys shown.
  const yaml = page.getByTestId('yaml-view');
  await expect(page.getByTestId('helm-mask-note')).toContainText('masked as ••••');
  await expect(yaml).toContainText('replicaCount: ••••');
  await expect(yaml).not.toContainText('replicaCount: 2');
  await page.getByRole('button', { name: 'Reveal values' }).click();
  await expect(page.getByTestId('helm-mask-note')).toHaveText('Values and Secret data are shown.');
  await expect(yaml).toContainText('replicaCount: 2');
  await expect(yaml).toContainText('use-forwarded-headers');
  await page.getByRole('link', { name: 'All values', exact: true }).click();
  await expect(page).toHaveURL(/tab=all/);
  await expect(yaml).toContainText('admissionWebhooks');
  await expect(yaml).toContainText('replicaCount: 2');
  await page.getByRole('link', { name: 'Manifest', exact: true }).click();
  await expect(yaml).toContainText('kind: Deployment');
  await expect(yaml).toContainText('helm.sh/chart: ingress-nginx-4.11.3');

  // An older revision: its own chart and status.
  await history.locator('tr[data-revision="1"] a').click();
  await expect(page).toHaveURL(/rev=1/);
  await expect(page.getByTestId('helm-revision')).toHaveAttribute('data-revision', '1');
  await expect(page.getByTestId('helm-status')).toHaveText('superseded');
  await expect(yaml).toContainText('helm.sh/chart: ingress-nginx-4.10.1');
  // Revealed for one revision only: another one is masked again.
  await expect(page.getByRole('button', { name: 'Reveal values' })).toBeVisible();
  await page.getByRole('link', { name: 'Values', exact: true }).click();
  await expect(yaml).toContainText('replicaCount: ••••');
  await page.getByRole('link', { name: 'Notes', exact: true }).click();
  await expect(page.getByTestId('helm-notes')).toContainText('ingress-nginx has been installed');
  expect(errors).toEqual([]);
});

test('a user who may not read Secrets there is told why the release cannot be shown', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/helm/demo-prod/ingress-nginx/ingress-nginx');
  await expect(page.getByTestId('helm-forbidden')).toContainText(
    'You may not list Secrets in namespace ingress-nginx on demo-prod'
  );
  expect(errors).toEqual([]);
});
