/**
 * The details page of one object (`#/o/<cluster>/<kind>/<namespace|_>/<name>?tab=…`): what a user
 * sees per tab, live. Demo mode for what the demo clusters show; the Node simulated cluster behind
 * real `kubectl proxy` where a test changes the cluster and expects the page to follow.
 */
import type { Page } from '@playwright/test';
import type { KubeObject } from '../../src/lib/kube/types';
import { expect, test } from './fixtures';
import { collectErrors } from './helpers';

/** The text CodeMirror shows (the lines it has rendered: the top of the document and what is on screen). */
const yamlText = (page: Page) => page.locator('.cm-content').innerText();

test('a Deployment opened from its URL shows its containers and conditions', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('./#/o/demo-dev/deployments.apps/kube-system/coredns');
  await expect(page.getByTestId('object-name')).toHaveText('coredns');
  await expect(page.getByTestId('object-header')).toContainText('kube-system');

  const container = page.locator('[data-testid="containers"] [data-testid="container"]');
  await expect(container).toHaveCount(1);
  await expect(container).toHaveAttribute('data-name', 'coredns');
  await expect(container).toContainText('registry.k8s.io/coredns/coredns');
  await expect(container.getByTestId('probe').first()).toContainText('http-get');
  // A mount links to the ConfigMap behind its volume.
  await expect(container.getByTestId('mounts').getByRole('link', { name: 'coredns' })).toHaveAttribute(
    'href',
    '#/o/demo-dev/configmaps/kube-system/coredns'
  );
  await expect(page.getByTestId('conditions')).toContainText('Available');
  await expect(page.getByTestId('labels')).toContainText('k8s-app=kube-dns');

  // Tabs are URLs: the YAML tab, then Back to the Summary.
  await page.getByTestId('tab-yaml').click();
  await expect(page).toHaveURL(/#\/o\/demo-dev\/deployments\.apps\/kube-system\/coredns\?tab=yaml$/);
  await expect(page.getByTestId('yaml-view')).toContainText('kind: Deployment');
  await expect(page.getByTestId('managed-fields-note')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('containers')).toBeVisible();
  await expect(page.getByTestId('yaml-view')).toHaveCount(0);

  expect(errors).toEqual([]);
});

test('a Secret the user may not read says so, and what to do', async ({ page }) => {
  // demo-prod's user is a viewer who may not read Secrets outside `web`.
  await page.goto('./#/o/demo-prod/secrets/data/postgres-credentials');
  const problem = page.getByTestId('object-forbidden');
  await expect(problem).toBeVisible();
  await expect(problem).toContainText('You may not read Secrets in namespace data');
  await expect(problem).toContainText('get');
});

test('the YAML of an object follows the cluster while open, keeping folds and the lines on screen', async ({
  page,
  cluster
}) => {
  const errors = collectErrors(page);
  const path = '/k8s/apis/apps/v1/namespaces/payments/deployments/images-validator';
  const patchLabel = (value: string) =>
    fetch(`${cluster.url}${path}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { 'skiff-e2e': value } } })
    }).then((r) => expect(r.status).toBe(200));

  await page.goto(`${cluster.url}/#/o/cluster/deployments.apps/payments/images-validator?tab=yaml`);
  await expect(page.getByTestId('yaml-view')).toContainText('name: images-validator');
  expect(await yamlText(page)).not.toContain('skiff-e2e');

  // A change made through the API server shows up without a reload.
  await patchLabel('first');
  await expect.poll(() => yamlText(page)).toContain('skiff-e2e: first');

  // A folded block stays folded through an update.
  await page.locator('.cm-line', { hasText: /^spec:$/ }).click();
  await page.keyboard.press('Control+Shift+BracketLeft');
  await expect(page.locator('.cm-foldPlaceholder')).toHaveCount(1);
  await patchLabel('folded');
  await expect.poll(() => yamlText(page)).toContain('skiff-e2e: folded');
  await expect(page.locator('.cm-foldPlaceholder')).toHaveCount(1);
  await page.locator('.cm-foldPlaceholder').click();
  await expect(page.locator('.cm-foldPlaceholder')).toHaveCount(0);

  // Scrolled down, an update above the screen does not move what the user is reading.
  const scroller = page.locator('.cm-scroller');
  await scroller.evaluate((el) => (el.scrollTop = 400));
  const topLine = () =>
    page.evaluate(() => {
      const box = document.querySelector('.cm-scroller')!.getBoundingClientRect();
      const line = [...document.querySelectorAll('.cm-line')].find(
        (l) => l.getBoundingClientRect().bottom > box.top + 2
      );
      return line?.textContent ?? '';
    });
  await expect.poll(topLine).not.toBe('');
  const before = await topLine();
  await patchLabel('second');
  await expect.poll(() => scroller.evaluate((el) => el.textContent ?? '')).toContain('skiff-e2e: second');
  expect(await topLine()).toBe(before);

  expect(errors).toEqual([]);
});

test('a Secret’s values stay out of the page until revealed, in the Summary and the YAML', async ({
  page,
  cluster
}) => {
  const errors = collectErrors(page);
  const plain = 'correct-horse-battery-staple';
  const encoded = Buffer.from(plain).toString('base64');
  const secrets = cluster.world.cluster.type('v1', 'Secret');
  cluster.world.cluster.create(secrets, 'payments', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: 'e2e-db', namespace: 'payments' },
    data: { password: encoded, user: Buffer.from('app').toString('base64') }
  });
  const inPage = async () => {
    const html = await page.content();
    return { plain: html.includes(plain), encoded: html.includes(encoded) };
  };

  await page.goto(`${cluster.url}/#/o/cluster/secrets/payments/e2e-db`);
  const password = page.locator('[data-testid="secret-key"][data-key="password"]');
  await expect(password).toContainText('••••');
  expect(await inPage()).toEqual({ plain: false, encoded: false });

  // The YAML tab masks it too.
  await page.getByTestId('tab-yaml').click();
  await expect(page.getByTestId('yaml-view')).toContainText('password: ••••');
  expect(await inPage()).toEqual({ plain: false, encoded: false });

  // Revealed in the Summary: decoded there, and as stored in the YAML tab.
  await page.getByTestId('tab-summary').click();
  await password.getByRole('button', { name: 'Reveal password' }).click();
  await expect(password.getByTestId('secret-value')).toHaveText(plain);
  await expect(page.locator('[data-testid="secret-key"][data-key="user"]')).toContainText('••••');
  await page.getByTestId('tab-yaml').click();
  await expect(page.getByTestId('yaml-view')).toContainText(`password: ${encoded}`);
  await expect(page.getByTestId('yaml-view')).toContainText('user: ••••');

  // Hidden again by the user…
  await page.getByTestId('tab-summary').click();
  await password.getByRole('button', { name: 'Hide password' }).click();
  expect(await inPage()).toEqual({ plain: false, encoded: false });

  // …and nothing revealed survives leaving the object.
  await page.getByRole('button', { name: 'Reveal all' }).click();
  await expect(password.getByTestId('secret-value')).toHaveText(plain);
  await page.goto(`${cluster.url}/#/o/cluster/secrets/payments/regcred`);
  await expect(page.getByTestId('object-name')).toHaveText('regcred');
  await page.goBack();
  await expect(password).toContainText('••••');
  expect(await inPage()).toEqual({ plain: false, encoded: false });

  expect(errors).toEqual([]);
});

test('the Related tab lists the pods of a Deployment, and its links open them', async ({ page, cluster }) => {
  const errors = collectErrors(page);
  const { world } = cluster;
  const deployment = world.cluster.get(
    world.cluster.type('apps/v1', 'Deployment'),
    'payments',
    'images-validator'
  );
  const selector: Record<string, string> = deployment.spec.selector.matchLabels;
  const pods = cluster
    .pods()
    .filter(
      (p: KubeObject) =>
        p.metadata.namespace === 'payments' &&
        Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v)
    )
    .map((p) => p.metadata.name)
    .sort();
  expect(pods.length).toBeGreaterThan(1);

  await page.goto(`${cluster.url}/#/o/cluster/deployments.apps/payments/images-validator?tab=related`);
  const selected = page.locator('[data-testid="related-list"][data-title="Selected pods"]');
  await expect(selected).toHaveAttribute('data-count', String(pods.length));
  const listed = await selected.locator('li a').allTextContents();
  expect(listed).toEqual(pods);
  await expect(page.locator('[data-testid="related-list"][data-title="ReplicaSets"] li')).not.toHaveCount(0);

  await selected.getByRole('link', { name: pods[0] }).click();
  await expect(page).toHaveURL(new RegExp(`#/o/cluster/pods/payments/${pods[0]}$`));
  await expect(page.getByTestId('object-name')).toHaveText(pods[0]);
  // The pod's own Related tab leads back to its controller.
  await page.getByTestId('tab-related').click();
  await expect(page.getByTestId('related-links')).toContainText('ReplicaSet/images-validator-');

  expect(errors).toEqual([]);
});

test('an object deleted while open says it was deleted', async ({ page, cluster }) => {
  const errors = collectErrors(page);
  const configMaps = cluster.world.cluster.type('v1', 'ConfigMap');
  cluster.world.cluster.create(configMaps, 'payments', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'e2e-settings', namespace: 'payments' },
    data: { mode: 'fast' }
  });
  await page.goto(`${cluster.url}/#/o/cluster/configmaps/payments/e2e-settings`);
  await expect(page.getByTestId('configmap-data')).toContainText('mode');
  await expect(page.getByTestId('deleted')).toHaveCount(0);

  cluster.world.cluster.delete(configMaps, 'payments', 'e2e-settings');
  await expect(page.getByTestId('deleted')).toContainText('deleted');
  await expect(page.getByTestId('deleted-badge')).toBeVisible();
  // The last known state stays readable.
  await expect(page.getByTestId('configmap-data')).toContainText('mode');

  // Opened after it is gone, the page says it is not there.
  await page.goto(`${cluster.url}/#/o/cluster/configmaps/payments/e2e-gone`);
  await expect(page.getByTestId('object-not-found')).toContainText('There is no ConfigMap named e2e-gone');

  expect(errors).toEqual([]);
});
