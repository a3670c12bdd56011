import { expect, test } from './fixtures';
import { collectErrors, rowCount, streamCell } from './helpers';

// The stream telemetry follows the stream: events, bytes and the last event time grow as events arrive.

test('diagnostics counts the events of a live stream as they arrive', async ({ context, cluster }) => {
  const pods = await context.newPage();
  const errors = collectErrors(pods);
  await pods.goto(`${cluster.url}/#/k/pods`);
  await expect.poll(() => rowCount(pods)).toBe(cluster.pods().length);

  const diagnostics = await context.newPage();
  const diagnosticsErrors = collectErrors(diagnostics);
  await diagnostics.goto(`${cluster.url}/#/diagnostics`);
  const stream = diagnostics.locator('tr[data-stream*="|/v1/pods|"]');
  await expect(stream).toHaveAttribute('data-state', 'live');
  await expect.poll(() => streamCell(diagnostics, stream, 'Rows')).toBe(String(cluster.pods().length));
  const events = Number(await streamCell(diagnostics, stream, 'Events'));
  const bytes = Number(await streamCell(diagnostics, stream, 'Bytes'));

  const podType = cluster.world.cluster.type('v1', 'Pod');
  const changed = cluster.pods().slice(0, 5);
  for (const pod of changed) {
    cluster.world.cluster.mutate(podType, pod.metadata.namespace, pod.metadata.name, (p) => {
      p.metadata.labels = { ...p.metadata.labels, touched: 'yes' };
    });
  }
  await expect
    .poll(async () => Number(await streamCell(diagnostics, stream, 'Events')), { message: 'events counted' })
    .toBeGreaterThanOrEqual(events + changed.length);
  expect(Number(await streamCell(diagnostics, stream, 'Bytes'))).toBeGreaterThan(bytes);
  await expect
    .poll(async () => streamCell(diagnostics, stream, 'Last event'), { message: 'last event is recent' })
    .toMatch(/^[0-5]s ago$/);
  expect(errors).toEqual([]);
  expect(diagnosticsErrors).toEqual([]);
});

test('diagnostics shows each cluster’s health and its origin’s budget, and copies everything as JSON', async ({
  context,
  cluster
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${cluster.url}/#/k/pods`);
  await expect.poll(() => rowCount(page)).toBe(cluster.pods().length);
  await page.getByRole('link', { name: 'Diagnostics' }).click();

  const health = page.locator('[data-testid="cluster-health"][data-cluster="cluster"]');
  await expect(health).toHaveAttribute('data-reachable', 'true');
  await expect(health).toContainText(`${cluster.url}/k8s/`);
  await expect(health).toContainText(/v1\.\d+/);
  const origin = new URL(cluster.url).origin;
  await expect(page.locator(`[data-testid="budget"][data-origin="${origin}"]`)).toContainText('(cluster)');
  await expect(page.getByTestId('engine-memory')).toContainText(
    `${cluster.pods().length.toLocaleString('en')} rows`
  );

  await page.getByTestId('copy-json').click();
  await expect(page.getByRole('status')).toHaveText('Copied to the clipboard.');
  const report = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  expect(report.skiff.configSource).toBe('automatic');
  expect(report.clusters).toEqual([
    expect.objectContaining({ cluster: 'cluster', reachable: true, origin, url: `${cluster.url}/k8s/` })
  ]);
  expect(report.budget.map((b: { origin: string }) => b.origin)).toEqual([origin]);
  expect(
    report.streams.some((s: { resource: string; rows: number }) => s.rows === cluster.pods().length)
  ).toBe(true);
  expect(report.memory.rows).toBeGreaterThanOrEqual(cluster.pods().length);
  expect(errors).toEqual([]);
});
