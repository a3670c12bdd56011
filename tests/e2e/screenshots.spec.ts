import { expect, test, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { collectErrors, rowCount } from './helpers';

// Screenshots of the demo for review (and the README), in both colour schemes: artifacts/screenshots/
// (gitignored) keeps them after the run; they are attached to the test report too.
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

test('Pods and Diagnostics in light and dark', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await mkdir(DIR, { recursive: true });
  const shoot = async (name: string) => {
    const path = join(DIR, `${name}.png`);
    await page.screenshot({ path, fullPage: false });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  };

  await page.goto('./');
  await expect.poll(() => rowCount(page), { message: 'both demo clusters listed' }).toBeGreaterThan(2000);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { background, text } = await colors(page);
    // The theme follows the system setting: dark text on light, or light text on dark.
    if (colorScheme === 'light') expect(luminance(background)).toBeGreaterThan(luminance(text));
    else expect(luminance(background)).toBeLessThan(luminance(text));
    await shoot(`pods-${colorScheme}`);
  }

  await page.getByRole('link', { name: 'Diagnostics' }).click();
  const streams = page.locator('tr[data-stream]');
  await expect(streams.first()).toBeVisible();
  await expect(page.locator('tr[data-stream][data-state="live"]')).toHaveCount(await streams.count());
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await shoot(`diagnostics-${colorScheme}`);
  }

  expect(errors).toEqual([]);
});
