import { expect, test, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { collectErrors, rowCount } from './helpers';

// Screenshots of the main views for review, in both colour schemes at 1280×800, plus the overview
// in a narrow window: artifacts/screenshots/ (gitignored) keeps them after the run; they are
// attached to the test report too.
const DIR = join(import.meta.dirname, '../../artifacts/screenshots');

/** Relative luminance of a computed `rgb(...)` colour, 0 (black) to 1 (white). */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const colors = (page: Page) =>
  page.evaluate(() => {
    const root = getComputedStyle(document.documentElement);
    return { background: root.backgroundColor, text: root.color };
  });

/** A view, and what shows it is ready (its data arrived). */
const VIEWS: { name: string; url: string; ready: (page: Page) => Promise<void> }[] = [
  {
    name: 'overview',
    url: '#/',
    ready: (page) => expect(page.getByTestId('cluster-version').first()).toBeVisible()
  },
  {
    name: 'pods',
    url: '#/k/pods',
    ready: () => Promise.resolve()
  },
  { name: 'deployments', url: '#/k/deployments.apps', ready: () => Promise.resolve() },
  { name: 'nodes', url: '#/k/nodes', ready: () => Promise.resolve() },
  { name: 'namespaces', url: '#/k/namespaces', ready: () => Promise.resolve() },
  { name: 'events-warnings', url: '#/k/events?warn=1', ready: () => Promise.resolve() },
  { name: 'services', url: '#/k/services', ready: () => Promise.resolve() }
];

test('the main views in light and dark', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await mkdir(DIR, { recursive: true });
  const shoot = async (name: string) => {
    const path = join(DIR, `${name}.png`);
    await page.screenshot({ path, fullPage: false });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  };

  for (const view of VIEWS) {
    await page.goto(`./${view.url}`);
    if (view.url.startsWith('#/k/')) {
      await expect.poll(() => rowCount(page), { message: `${view.name} rows` }).toBeGreaterThan(0);
    }
    await view.ready(page);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const { background, text } = await colors(page);
      // The theme follows the system setting: dark text on light, or light text on dark.
      if (colorScheme === 'light') expect(luminance(background)).toBeGreaterThan(luminance(text));
      else expect(luminance(background)).toBeLessThan(luminance(text));
      await shoot(`${view.name}-${colorScheme}`);
    }
  }

  // Diagnostics of the streams the views above opened (they linger after their views close).
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.locator('tr[data-stream]').first()).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await shoot(`diagnostics-${colorScheme}`);
  }

  // Details, YAML and logs of one running pod of demo-dev (the cluster filter keeps demo-prod's
  // ten times as many pods from filling the window).
  await page.goto('./#/k/pods?q=Running&cluster=demo-dev');
  const row = page.locator('tr[data-key^="demo-dev/"]').first();
  await expect(row).toBeVisible();
  const [cluster, namespace, name] = (await row.getAttribute('data-key'))!.split('/');
  for (const [view, url] of [
    ['pod-summary', `#/o/${cluster}/pods/${namespace}/${name}`],
    ['pod-yaml', `#/o/${cluster}/pods/${namespace}/${name}?tab=yaml`],
    ['pod-logs', `#/logs/${cluster}/pods/${namespace}/${name}`]
  ] as const) {
    await page.goto(`./${url}`);
    await page.waitForTimeout(1500);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await shoot(`${view}-${colorScheme}`);
    }
  }

  // A narrow window keeps the navigation behind a menu button.
  await page.setViewportSize({ width: 420, height: 800 });
  await page.goto('./#/');
  await expect(page.getByRole('button', { name: 'Menu' })).toBeVisible();
  await page.emulateMedia({ colorScheme: 'light' });
  await shoot('overview-narrow');
  expect(errors).toEqual([]);
});
