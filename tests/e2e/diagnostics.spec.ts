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
