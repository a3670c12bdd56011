import type { Page } from '@playwright/test';
import { describeRequests, expect, isPods, podLists, podWatches, test } from './fixtures';
import { collectErrors, rowCount, streamCell } from './helpers';

// Three tabs on the Pods view share the engine's SharedWorker: one informer, one set of connections.

test('three tabs share one pod watch and all follow it live', async ({ context, cluster }) => {
  const started = Date.now();
  const tabs: Page[] = [];
  const errors: string[][] = [];
  for (let i = 0; i < 3; i++) {
    const tab = await context.newPage();
    errors.push(collectErrors(tab));
    await tab.goto(`${cluster.url}/#/k/pods`);
    tabs.push(tab);
  }
  for (const tab of tabs) await expect.poll(() => rowCount(tab)).toBe(cluster.pods().length);

  // A fourth tab shows the engine's telemetry: the tabs' views are the subscribers of one stream.
  const diagnostics = await context.newPage();
  errors.push(collectErrors(diagnostics));
  await diagnostics.goto(`${cluster.url}/#/diagnostics`);
  await expect(diagnostics.getByTestId('mode')).toHaveText('cluster');
  const podStreams = diagnostics.locator('tr[data-stream*="|/v1/pods|"]');
  await expect(podStreams).toHaveCount(1);
  await expect(podStreams).toHaveAttribute('data-state', 'live');
  await expect(podStreams).toHaveAttribute('data-subscribers', '3');
  // kubectl proxy passes WebSocket upgrades, so the watch does not take one of the 6 connections.
  expect(await streamCell(diagnostics, podStreams, 'Transport')).toBe('websocket');
  await expect(diagnostics.getByTestId('budget')).toContainText('WebSocket works');

  // Live in every tab: a change on the server reaches all three.
  const pod = cluster.pods().find((p) => p.status?.containerStatuses?.length)!.metadata;
  const cells = tabs.map((tab) =>
    tab.locator(`tr[data-key="cluster/${pod.namespace}/${pod.name}"] td[data-column="restarts"]`)
  );
  const before = await cells[0].textContent();
  cluster.world.cluster.mutate(cluster.world.cluster.type('v1', 'Pod'), pod.namespace, pod.name, (p) => {
    p.status.containerStatuses[0].restartCount += 3;
  });
  for (const cell of cells) await expect(cell).toHaveText(String(Number(before) + 3));

  // One engine (one probe of the API, one API discovery: `/api` twice, `/apis` once) and one pod
  // stream: a streaming list (the simulator serves it) over one WebSocket. Any later watch may only
  // resume from a resourceVersion, never sync again.
  const log = describeRequests(cluster.requests);
  expect(
    cluster.requests.filter((r) => r.path === '/api'),
    log
  ).toHaveLength(2);
  expect(
    cluster.requests.filter((r) => r.path === '/apis'),
    log
  ).toHaveLength(1);
  expect(podLists(cluster.requests), log).toEqual([]);
  const [first, ...later] = podWatches(cluster.requests);
  expect(first, log).toBeDefined();
  expect(first.webSocket, log).toBe(true);
  expect(first.query.get('sendInitialEvents'), log).toBe('true');
  for (const resume of later) {
    expect(resume.query.get('sendInitialEvents'), log).toBeNull();
    expect(resume.query.get('resourceVersion'), log).toMatch(/^\d+$/);
  }
  // No other pod requests (namespaced watches, gets) from the tabs either; usage comes from
  // metrics.k8s.io, polled once per interval (10 s) for all three tabs, not once per tab.
  const metrics = cluster.requests.filter((r) => r.path === '/apis/metrics.k8s.io/v1beta1/pods');
  expect(
    cluster.requests.filter((r) => r.path.includes('/pods') && !isPods(r) && !metrics.includes(r)),
    log
  ).toEqual([]);
  expect(metrics.length, log).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 10_000) + 1);

  // A closed tab's view goes with it (the tab says so on pagehide); the stream stays for the others.
  await tabs.pop()!.close({ runBeforeUnload: true });
  await expect(podStreams).toHaveAttribute('data-subscribers', '2');
  await expect(podStreams).toHaveAttribute('data-state', 'live');

  for (const e of errors) expect(e).toEqual([]);
});
