import { expect, type Page } from '@playwright/test';

/** Console errors and uncaught exceptions of a page (a CSP violation shows up as a console error). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function rowCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('row-count').textContent());
}

/** Waits until the pod table shows rows, then returns the count. */
export async function waitForRows(page: Page): Promise<number> {
  await expect.poll(() => rowCount(page), { message: 'pod count above zero' }).toBeGreaterThan(0);
  return rowCount(page);
}

/** The count and the rows' keys, read at one instant (the table changes between two reads). */
export function tableState(page: Page): Promise<{ count: number; keys: string[] }> {
  return page.evaluate(() => ({
    count: Number(document.querySelector('[data-testid="row-count"]')?.textContent),
    keys: [...document.querySelectorAll('tr[data-key]')].map((row) => row.getAttribute('data-key') ?? '')
  }));
}

export function rowKeys(page: Page): Promise<string[]> {
  return page
    .locator('tr[data-key]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key') ?? ''));
}

/** Everything the table shows, one string: changes whenever a row comes, goes or changes. */
export function tableText(page: Page): Promise<string> {
  return page.locator('tbody').innerText();
}
