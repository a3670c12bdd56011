import { expect, test } from './fixtures';
import { collectErrors } from './helpers';

// "Stuck deleting" on the overview: an object that starts deleting while the page is open is
// listed once it has been deleting for five minutes. The simulated cluster's clock is set back
// 4 min 45 s when the pod starts deleting, so it crosses the line a few seconds after, in real time.
const STUCK_MS = 5 * 60_000;
const simTime = { now: Date.now() };
test.use({ sim: { name: 'proxied', seed: 5, pods: 30, churn: 0, clock: { now: () => simTime.now } } });

test('a pod that starts deleting while the overview is open shows up once it is stuck', async ({
  page,
  cluster
}) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  simTime.now = Date.now();
  await page.goto(`${cluster.url}/`);
  const stuck = page.getByTestId('attention-stuck-pods');
  await expect(stuck).toHaveAttribute('data-count', '0');

  const pods = cluster.world.cluster.type('v1', 'Pod');
  cluster.world.cluster.create(pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] },
    spec: { containers: [{ name: 'app', image: 'busybox' }] }
  });
  simTime.now = Date.now() - STUCK_MS + 15_000;
  cluster.world.cluster.delete(pods, 'default', 'held');
  simTime.now = Date.now();
  const deletedAt = Date.parse(
    cluster.world.cluster.get(pods, 'default', 'held').metadata.deletionTimestamp!
  );

  // Deleting for less than five minutes: not stuck yet.
  await expect(page.getByTestId('pods-breakdown')).toHaveAttribute(
    'data-total',
    String(cluster.pods().length)
  );
  await expect(stuck).toHaveAttribute('data-count', '0');
  // The cut-off moves in 30 s steps: listed at most 30 s after the five minutes are over.
  await expect(stuck.locator('li a')).toHaveText('default/held', {
    timeout: deletedAt + STUCK_MS + 30_000 + 10_000 - Date.now()
  });
  await expect(stuck).toHaveAttribute('data-count', '1');
  expect(errors).toEqual([]);
});
