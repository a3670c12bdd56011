import type { Page } from '@playwright/test';
import { project } from '../../src/lib/kinds/projection';
import { expect, test } from './fixtures';
import {
  collectErrors,
  rowCount,
  scrollTable,
  sortKeys,
  tableState,
  tableText,
  windowOffset,
  type TableState
} from './helpers';

// The Pods table against a cluster of 600 pods whose truth the test knows: only a window of rows is
// in the DOM, and that window is always a run of consecutive rows of the sorted list.

const ROW_HEIGHT = 30;

/** A header cell by its label (the sort arrow drawn after the label is part of its accessible name). */
const columnHeader = (page: Page, label: string) =>
  page.getByRole('columnheader', { name: new RegExp(`^${label}( [▲▼])?$`) });

test.describe('idle cluster', () => {
  test.use({ sim: { name: 'big', seed: 11, pods: 600, churn: 0 } });

  test('scrolling to the bottom shows the last rows in name order', async ({ page, cluster }) => {
    const errors = collectErrors(page);
    const byName = sortKeys(
      cluster.pods().map((pod) => project('cluster', pod)),
      (r) => r.name
    );
    await page.goto(`${cluster.url}/#/k/pods`);
    await expect.poll(() => rowCount(page)).toBe(byName.length);

    // At the top: the first rows by name, and far fewer rows in the DOM than the total.
    await expect.poll(async () => windowOffset((await tableState(page)).keys, byName)).toBe(0);
    const top = await tableState(page);
    expect(top.keys.length).toBeLessThan(100);
    expect(top.visible[0]).toBe(byName[0]);
    await expect(columnHeader(page, 'Name')).toHaveAttribute('aria-sort', 'ascending');

    // The spacers give the scroller the full height of every row.
    expect(top.maxScrollTop).toBeGreaterThanOrEqual((byName.length - top.visible.length) * ROW_HEIGHT);

    await scrollTable(page, 'bottom');
    await expect
      .poll(async () => (await tableState(page)).visible.at(-1), { message: 'last row on screen' })
      .toBe(byName.at(-1));
    const bottom = await tableState(page);
    expect(windowOffset(bottom.keys, byName)).toBe(byName.length - bottom.keys.length);
    expect(bottom.keys.length).toBeLessThan(100);
    expect(bottom.visible).toEqual(byName.slice(-bottom.visible.length));

    // Somewhere in the middle: the rows that belong there by position.
    const middle = Math.floor(byName.length / 2);
    await scrollTable(page, middle * ROW_HEIGHT);
    await expect.poll(async () => (await tableState(page)).visible[0]).toBe(byName[middle]);
    const mid = await tableState(page);
    expect(windowOffset(mid.keys, byName)).toBeGreaterThanOrEqual(0);
    expect(mid.visible).toEqual(byName.slice(middle, middle + mid.visible.length));

    expect(errors).toEqual([]);
  });

  test('clicking a column header sorts by it, and again reverses', async ({ page, cluster }) => {
    const errors = collectErrors(page);
    const rows = cluster.pods().map((pod) => project('cluster', pod));
    const restarts = (r: (typeof rows)[number]) => r.cells.restarts as number;
    await page.goto(`${cluster.url}/#/k/pods`);
    await expect.poll(() => rowCount(page)).toBe(rows.length);
    // Where the window sits in `order` (0: the start), with the page's errors: a sort the engine
    // never receives shows up as an error, not only as a wrong order.
    const sortedFrom = async (order: string[]) => ({
      offset: windowOffset((await tableState(page)).keys, order),
      errors
    });
    const window = async () => (await tableState(page)).keys;
    // The cluster must have different restart counts for the order to mean anything.
    expect(new Set(rows.map(restarts)).size).toBeGreaterThan(1);

    const header = columnHeader(page, 'Restarts');
    await header.getByRole('button').click();
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    await expect(columnHeader(page, 'Name')).toHaveAttribute('aria-sort', 'none');
    const ascending = sortKeys(rows, restarts, 'asc');
    await expect.poll(() => sortedFrom(ascending)).toEqual({ offset: 0, errors: [] });

    await header.getByRole('button').click();
    await expect(header).toHaveAttribute('aria-sort', 'descending');
    const descending = sortKeys(rows, restarts, 'desc');
    await expect.poll(() => sortedFrom(descending)).toEqual({ offset: 0, errors: [] });
    const cells = (await page.locator('td[data-column="restarts"]').allTextContents()).map(Number);
    expect(cells).toEqual([...cells].sort((a, b) => b - a));

    // The sort holds while scrolling: the end of the list is the end of the descending order.
    await scrollTable(page, 'bottom');
    await expect.poll(async () => (await tableState(page)).visible.at(-1)).toBe(descending.at(-1));
    expect(windowOffset(await window(), descending)).toBeGreaterThan(0);

    // Another column: by namespace.
    await scrollTable(page, 0);
    await columnHeader(page, 'Namespace').getByRole('button').click();
    const byNamespace = sortKeys(rows, (r) => r.namespace);
    await expect.poll(() => sortedFrom(byNamespace)).toEqual({ offset: 0, errors: [] });

    expect(errors).toEqual([]);
  });
});

test.describe('busy cluster', () => {
  test.use({ sim: { name: 'busy', seed: 12, pods: 600, churn: 40 } });

  test('the scroll position survives live updates', async ({ page, cluster }) => {
    const errors = collectErrors(page);
    await page.goto(`${cluster.url}/#/k/pods`);
    await expect.poll(() => rowCount(page)).toBeGreaterThan(500);

    const scrollTop = 300 * ROW_HEIGHT;
    await scrollTable(page, scrollTop);
    await expect
      .poll(async () => {
        const s = await tableState(page);
        return s.scrollTop === scrollTop && s.visible.length > 5;
      })
      .toBe(true);
    // The second visible row is wholly on screen (the first may be half under the header).
    const before: TableState = await tableState(page);
    const anchor = before.visible[1];

    // Let the cluster churn until the rows in the window have changed, then freeze it.
    const text = await tableText(page);
    const startVersion = Number(cluster.world.cluster.resourceVersion());
    await expect
      .poll(async () => (await tableText(page)) !== text, {
        message: 'rows in the window change',
        timeout: 30_000
      })
      .toBe(true);
    await expect
      .poll(() => Number(cluster.world.cluster.resourceVersion()) - startVersion, {
        message: 'the cluster changes'
      })
      .toBeGreaterThan(50);
    cluster.world.stop();

    // The table settles on the server's truth: the window is a run of the (new) sorted list.
    const byName = () =>
      sortKeys(
        cluster.pods().map((pod) => project('cluster', pod)),
        (r) => r.name
      );
    await expect
      .poll(async () => {
        const s = await tableState(page);
        const expected = byName();
        return s.count === expected.length && windowOffset(s.keys, expected) >= 0;
      })
      .toBe(true);

    // The row that was on screen stays where it was, or near (the browser's scroll anchoring keeps
    // it in place as rows come and go above it), and the rows on screen are the ones that belong
    // at the scroll position.
    const after = await tableState(page);
    expect(after.visible[0]).toBe(byName()[Math.floor(after.scrollTop / ROW_HEIGHT)]);
    expect(Math.abs(after.scrollTop - scrollTop)).toBeLessThanOrEqual(20 * ROW_HEIGHT);
    if (cluster.pods().some((p) => `cluster/${p.metadata.namespace}/${p.metadata.name}` === anchor)) {
      expect(after.tops[anchor], `${anchor} still on screen`).toBeDefined();
      expect(Math.abs(after.tops[anchor] - before.tops[anchor])).toBeLessThanOrEqual(ROW_HEIGHT);
    }

    expect(errors).toEqual([]);
  });
});
