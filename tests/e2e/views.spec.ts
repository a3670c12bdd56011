import { KINDS } from '../../src/lib/kinds/catalog';
import { expect, test } from './fixtures';
import { collectErrors, rowCount } from './helpers';

// Every view family, in Chromium against the built site: each kind of the catalog in demo mode, and
// one kind of each family from the Node simulated cluster through real `kubectl proxy --www`.

/**
 * Opens a table by setting the hash. SvelteKit's hash router reloads the page for a hash change it did
 * not make itself, so each table is a fresh page load, like a user typing the URL.
 */
async function openTable(page: import('@playwright/test').Page, kindId: string) {
  await page.evaluate((id) => (location.hash = `#/k/${id}`), kindId);
  await expect(page.locator('h1')).toBeVisible();
}

test('every kind of the catalog has a live table with its columns in demo mode', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await page.goto('./#/');
  await expect(page.getByTestId('demo-banner')).toBeVisible();
  for (const kind of KINDS) {
    await openTable(page, kind.id);
    // demo-dev's user is cluster-admin, and the demo world has objects of every catalog kind.
    await expect
      .poll(() => rowCount(page), { message: `${kind.id} rows`, timeout: 20_000 })
      .toBeGreaterThan(0);
    const headers = await page.locator('thead th').allTextContents();
    const shown = kind.columns.filter((c) => !c.hidden).map((c) => c.label);
    for (const label of shown) {
      expect(
        headers.some((h) => h.replace(/[▲▼]/g, '').trim() === label),
        `${kind.id}: column ${label} in ${headers.join('|')}`
      ).toBe(true);
    }
    // Every row names its object, and its name links to the object's details.
    const link = page.locator('tbody tr[data-key] td[data-column="name"] a').first();
    await expect(link).toHaveAttribute('href', new RegExp(`^#/o/[^/]+/${kind.id.replace(/\./g, '\\.')}/`));
  }
  expect(errors).toEqual([]);
});

test.describe('through kubectl proxy', () => {
  test.use({ sim: { name: 'proxied', seed: 11, pods: 400, churn: 0 } });

  test('one kind of each family shows exactly what the cluster holds', async ({ page, cluster }) => {
    test.setTimeout(120_000);
    const errors = collectErrors(page);
    // A cluster without the Gateway API (its CRD removed): the navigation offers no Gateways.
    const crds = cluster.world.cluster.type('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    cluster.world.cluster.delete(crds, undefined, 'gateways.gateway.networking.k8s.io');
    await page.goto(`${cluster.url}/#/`);
    const nav = page.getByRole('navigation', { name: 'Views' });
    await expect(nav.getByRole('link', { name: 'HTTPRoutes' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Gateways', exact: true })).toHaveCount(0);
    await expect(page.getByTestId('cluster-overview')).toBeVisible();
    await expect(page.getByTestId('demo-banner')).toHaveCount(0);
    const families: [string, string, string][] = [
      ['nodes', 'v1', 'Node'],
      ['deployments.apps', 'apps/v1', 'Deployment'],
      ['services', 'v1', 'Service'],
      ['ingresses.networking.k8s.io', 'networking.k8s.io/v1', 'Ingress'],
      ['configmaps', 'v1', 'ConfigMap'],
      ['persistentvolumeclaims', 'v1', 'PersistentVolumeClaim'],
      ['resourcequotas', 'v1', 'ResourceQuota'],
      ['poddisruptionbudgets.policy', 'policy/v1', 'PodDisruptionBudget'],
      ['horizontalpodautoscalers.autoscaling', 'autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['clusterrolebindings.rbac.authorization.k8s.io', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      [
        'customresourcedefinitions.apiextensions.k8s.io',
        'apiextensions.k8s.io/v1',
        'CustomResourceDefinition'
      ]
    ];
    for (const [id, apiVersion, kind] of families) {
      const expected = cluster.world.cluster.objects(cluster.world.cluster.type(apiVersion, kind)).length;
      expect(expected, `${kind}s in the simulated cluster`).toBeGreaterThan(0);
      await openTable(page, id);
      await expect.poll(() => rowCount(page), { message: `${id} rows` }).toBe(expected);
      await expect(page.locator('[data-testid=stream-state][data-state=live]').first()).toBeVisible();
    }
    expect(errors).toEqual([]);
  });
});

test('ages tick on screen without any change to the row', async ({ page, cluster }) => {
  const errors = collectErrors(page);
  await page.goto(`${cluster.url}/#/k/configmaps?q=fresh-config`);
  await expect(page.locator('[data-testid=stream-state][data-state=live]').first()).toBeVisible();
  // A new object, never changed afterwards: only the clock moves its age.
  cluster.world.cluster.create(cluster.world.cluster.type('v1', 'ConfigMap'), 'default', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'fresh-config' },
    data: { a: 'b' }
  });
  const cell = page.locator(
    'tr[data-key="cluster/default/fresh-config"] td[data-column="creationTimestamp"]'
  );
  await expect(cell).toHaveText(/^\d+s$/);
  const seconds = async () => Number(/^(\d+)s$/.exec((await cell.textContent()) ?? '')?.[1] ?? NaN);
  const first = await seconds();
  await expect.poll(seconds, { message: 'the age ticks' }).toBeGreaterThanOrEqual(first + 2);
  expect(errors).toEqual([]);
});
