import type { Page } from '@playwright/test';
import { describeRequests, expect, isPods, podLists, podWatches, test } from './fixtures';
import { collectErrors, rowCount, tableState } from './helpers';

// A reload paints from the IndexedDB snapshot at once and resumes the watch from the cached
// resourceVersion: no list, and rows on screen before the server has answered anything about pods.

/** The pod stream's cache key: the cluster's API URL (its identity, not its name), then the stream. */
const POD_STREAM = '|/v1/pods|||';

/** The snapshot the engine saved for the pod stream (read straight from IndexedDB). */
function savedSnapshot(page: Page): Promise<{ resourceVersion: string; count: number } | undefined> {
  return page.evaluate(
    (stream) =>
      new Promise((resolve, reject) => {
        // Served by `kubectl proxy --www`: the one cluster's API is ./k8s/ beside the page.
        const key = new URL('k8s/', document.baseURI).href + stream;
        const open = indexedDB.open('skiff-cache');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('meta')) {
            db.close();
            return resolve(undefined);
          }
          const get = db.transaction('meta').objectStore('meta').get(key);
          get.onsuccess = () => {
            db.close();
            const meta = get.result as { resourceVersion: string; count: number } | undefined;
            resolve(meta && { resourceVersion: meta.resourceVersion, count: meta.count });
          };
          get.onerror = () => reject(get.error);
        };
      }),
    POD_STREAM
  );
}

test('a reload paints cached rows before the network answers and resumes without a list', async ({
  page,
  cluster
}) => {
  const errors = collectErrors(page);
  const podType = cluster.world.cluster.type('v1', 'Pod');
  await page.goto(`${cluster.url}/#/k/pods`);
  await expect.poll(() => rowCount(page)).toBe(cluster.pods().length);

  // Live, and the snapshot of the live state is written (the first write is not throttled).
  const serverVersion = cluster.world.cluster.resourceVersion();
  await expect
    .poll(() => savedSnapshot(page), { message: 'snapshot saved at the live resourceVersion' })
    .toEqual({ resourceVersion: serverVersion, count: cluster.pods().length });

  // From the reload on, the server answers nothing about pods until released.
  const release = cluster.hold(isPods);
  const reloadedAt = cluster.requests.length;
  await page.reload();
  await expect
    .poll(() => podWatches(cluster.requests.slice(reloadedAt)).length, {
      message: 'the reloaded engine asks for pods again'
    })
    .toBeGreaterThan(0);

  // The server has not answered, yet every row is there (30 pods fit in the window).
  await expect.poll(() => rowCount(page)).toBe(cluster.pods().length);
  const painted = await tableState(page);
  expect(painted.keys.sort()).toEqual(
    cluster
      .pods()
      .map((p) => `cluster/${p.metadata.namespace}/${p.metadata.name}`)
      .sort()
  );

  // A change made while the page was away arrives through the resumed watch.
  const pod = cluster.pods().find((p) => p.status?.containerStatuses?.length)!.metadata;
  const restarts = page.locator(
    `tr[data-key="cluster/${pod.namespace}/${pod.name}"] td[data-column="restarts"]`
  );
  const before = Number(await restarts.textContent());
  cluster.world.cluster.mutate(podType, pod.namespace, pod.name, (p) => {
    p.status.containerStatuses[0].restartCount += 3;
  });
  release();
  await expect(restarts).toHaveText(String(before + 3));

  const after = cluster.requests.slice(reloadedAt);
  const log = describeRequests(after);
  expect(podLists(after), log).toEqual([]);
  // The first watch resumes from the snapshot's resourceVersion; any later one resumes too.
  const [resume, ...later] = podWatches(after);
  expect(resume.query.get('resourceVersion'), log).toBe(serverVersion);
  for (const watch of [resume, ...later]) {
    expect(watch.query.get('sendInitialEvents'), log).toBeNull();
    expect(watch.query.get('resourceVersion'), log).toMatch(/^\d+$/);
  }
  expect(errors).toEqual([]);
});
