import { expect, test } from './fixtures';
import { collectErrors, rowCount, waitForRows } from './helpers';

// Permissions that stay true: a simulated cluster behind real `kubectl proxy`, whose user is a
// viewer. The test changes the cluster's RBAC objects while the app runs; the page trusts a
// permission answer for 3 s (config.json), so a revoke or grant shows within a few seconds.

test.use({ sim: { name: 'proxied', seed: 5, pods: 30, churn: 0, user: { name: 'viewer', role: 'viewer' } } });

const TTL_SECONDS = 3;
/** The TTL, the next re-check after it, and the page's telemetry poll: well inside this. */
const WITHIN_EXPIRY = { timeout: 4 * TTL_SECONDS * 1000 };

test.beforeEach(async ({ page }) => {
  await page.route('**/config.json', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        clusters: [{ name: 'cluster', url: 'k8s/' }],
        permissionTtlSeconds: TTL_SECONDS
      })
    })
  );
});

test('a permission revoked while the app runs turns the view forbidden; granted again, it comes back', async ({
  page,
  cluster
}) => {
  const errors = collectErrors(page);
  const sim = cluster.world.cluster;
  const bindings = sim.type('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding');
  const binding = sim.get(bindings, undefined, 'skiff-viewer-viewer');

  await page.goto(`${cluster.url}/#/k/pods`);
  await waitForRows(page);
  await expect.poll(() => rowCount(page)).toBe(cluster.pods().length);
  const state = page.locator('[data-testid=stream-state][data-cluster=cluster]');
  await expect(state).toHaveAttribute('data-state', 'live');

  // Revoked: the viewer may read nothing any more.
  sim.delete(bindings, undefined, 'skiff-viewer-viewer');
  await expect(state).toHaveAttribute('data-state', 'forbidden', WITHIN_EXPIRY);
  await expect(page.getByText('You may not list pods in any namespace of cluster.')).toBeVisible();
  await expect(page.locator('tr[data-key]')).toHaveCount(0);

  // Granted again: the rows come back without a reload.
  const { apiVersion, kind, roleRef, subjects } = binding;
  sim.create(bindings, undefined, {
    apiVersion,
    kind,
    metadata: { name: 'skiff-viewer-viewer' },
    roleRef,
    subjects
  });
  await expect(state).toHaveAttribute('data-state', 'live', WITHIN_EXPIRY);
  await expect.poll(() => rowCount(page)).toBe(cluster.pods().length);
  expect(errors).toEqual([]);
});

test('the diagnostics page shows the permission answers', async ({ context, cluster }) => {
  const table = await context.newPage();
  await table.goto(`${cluster.url}/#/k/secrets`);
  await expect(table.locator('[data-testid=stream-notice][data-cluster=cluster]')).toContainText(
    'You may not list secrets in all namespaces of cluster'
  );
  const diagnostics = await context.newPage();
  await diagnostics.goto(`${cluster.url}/#/diagnostics`);
  const answer = (verb: string, resource: string, namespace = '') =>
    diagnostics.locator(
      `[data-testid=access-answer][data-verb=${verb}][data-resource=${resource}][data-namespace="${namespace}"]`
    );
  await expect(answer('list', 'secrets')).toHaveAttribute('data-answer', 'denied');
  await expect(answer('watch', 'secrets')).toHaveAttribute('data-answer', 'denied');
  await expect(answer('list', 'secrets', 'web')).toHaveAttribute('data-answer', 'allowed');
});
