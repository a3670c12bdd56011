import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The table is virtualized: `row-count` is the total, but only a window of rows (the ones on screen
 * plus a margin) is in the DOM, between two spacer rows; scrolling changes which rows are there.
 */

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

/** Waits until the table shows rows, then returns the total. */
export async function waitForRows(page: Page): Promise<number> {
  await expect.poll(() => rowCount(page), { message: 'row count above zero' }).toBeGreaterThan(0);
  return rowCount(page);
}

export interface TableState {
  /** The total (`row-count`). */
  count: number;
  /** Keys of the rows in the DOM (the window), top to bottom. */
  keys: string[];
  /** Keys of the rows at least partly on screen in the scroller (below the sticky header). */
  visible: string[];
  scrollTop: number;
  /** The largest scrollTop the scroller allows. */
  maxScrollTop: number;
  /** Top of each visible row relative to the scroller's top edge, in px. */
  tops: Record<string, number>;
}

/** The table's state, read at one instant (it changes between two reads). */
export function tableState(page: Page): Promise<TableState> {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLTableRowElement>('tr[data-key]')];
    const table = document.querySelector('table');
    const scroller = table?.parentElement;
    const count = Number(document.querySelector('[data-testid="row-count"]')?.textContent);
    if (!scroller || !table) {
      return { count, keys: [], visible: [], scrollTop: 0, maxScrollTop: 0, tops: {} };
    }
    const box = scroller.getBoundingClientRect();
    // The header cells stick to the top of the scroller (the <thead> itself scrolls away).
    const headerBottom = table.tHead?.querySelector('th')?.getBoundingClientRect().bottom ?? box.top;
    const visible: string[] = [];
    const tops: Record<string, number> = {};
    for (const row of rows) {
      const r = row.getBoundingClientRect();
      const key = row.getAttribute('data-key') ?? '';
      if (r.bottom > headerBottom + 1 && r.top < box.bottom - 1) {
        visible.push(key);
        tops[key] = r.top - box.top;
      }
    }
    return {
      count,
      keys: rows.map((row) => row.getAttribute('data-key') ?? ''),
      visible,
      scrollTop: scroller.scrollTop,
      maxScrollTop: scroller.scrollHeight - scroller.clientHeight,
      tops
    };
  });
}

/** Scrolls the table's scroller to `top` px, or to the end. */
export async function scrollTable(page: Page, top: number | 'bottom'): Promise<void> {
  await page.evaluate((to) => {
    const scroller = document.querySelector('table')!.parentElement!;
    scroller.scrollTop = to === 'bottom' ? scroller.scrollHeight : to;
  }, top);
}

export function rowKeys(page: Page): Promise<string[]> {
  return page
    .locator('tr[data-key]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key') ?? ''));
}

/** Everything the table shows, one string: changes whenever a row in the window comes, goes or changes. */
export function tableText(page: Page): Promise<string> {
  return page.locator('tbody').innerText();
}

/** The order a view sorts rows in: by the column's value (code-unit order), ties by key. */
export function sortKeys<T extends { key: string }>(
  rows: T[],
  value: (row: T) => string | number,
  direction: 'asc' | 'desc' = 'asc'
): string[] {
  const sign = direction === 'asc' ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows].sort((a, b) => sign * cmp(value(a), value(b)) || cmp(a.key, b.key)).map((row) => row.key);
}

/**
 * The window in the DOM must be a run of consecutive rows of `expected` (the full sorted list).
 * Returns where it starts, or -1 when it is not such a run.
 */
export function windowOffset(keys: string[], expected: string[]): number {
  if (keys.length === 0) return -1;
  const start = expected.indexOf(keys[0]);
  if (start < 0) return -1;
  return keys.every((key, i) => expected[start + i] === key) ? start : -1;
}

/** The text of a stream's cell under the header `label` in the diagnostics table. */
export async function streamCell(page: Page, stream: Locator, label: string): Promise<string> {
  const headers = await stream.locator('xpath=ancestor::table[1]').locator('thead th').allTextContents();
  const index = headers.findIndex((h) => h.trim() === label);
  expect(index, `column ${label} in ${headers.join(', ')}`).toBeGreaterThanOrEqual(0);
  return (await stream.locator('td').nth(index).textContent()) ?? '';
}
