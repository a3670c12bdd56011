import { expect, test, type Page } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectErrors } from './helpers';

/**
 * Logs in demo mode: the simulated clusters write log lines as time passes. `data/postgres-0` is a
 * StatefulSet pod of demo-dev (a stable name); `web/storefront` a Deployment of 8 pods whose
 * containers log JSON and ANSI-coloured text.
 */
const POD = '#/logs/demo-dev/pods/data/postgres-0';
const DEPLOYMENT = '#/logs/demo-dev/deployments.apps/web/storefront';

const lines = (page: Page) => page.getByTestId('log-lines');
/** Lines held by the view (rendered or not: the list is virtualized). */
const lineCount = async (page: Page) => Number(await lines(page).getAttribute('data-count'));
/** Timestamps of the rendered lines, top to bottom. */
const renderedTimestamps = (page: Page) =>
  page
    .locator('[data-testid="log-lines"] .line')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ts') ?? ''));
/** A kubelet timestamp as a comparable fixed-width string. */
const tsKey = (ts: string) =>
  ts.replace(/(?:\.(\d+))?Z$/, (_, f: string | undefined) => `.${(f ?? '').padEnd(9, '0')}`);

test('a pod’s log appears and keeps growing while followed', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(`./${POD}`);
  await expect.poll(() => lineCount(page), { message: 'log lines arrive' }).toBeGreaterThan(10);
  await expect(page.getByTestId('log-status')).toContainText('following');
  // Virtualized: far fewer rows in the DOM than lines in the view.
  const rendered = await page.locator('[data-testid="log-lines"] .line').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(await lineCount(page));

  // Following: the newest line is on screen, and newer ones keep coming (about one per 1.5 s).
  const newest = async () => (await renderedTimestamps(page)).map(tsKey).sort().at(-1) ?? '';
  const first = await newest();
  await expect.poll(newest, { message: 'a newer line is shown', timeout: 20_000 }).not.toBe(first);
  const lastRow = page.locator('[data-testid="log-lines"] .line').last();
  await expect(lastRow).toBeInViewport();

  // Text only: no escape sequence and no markup from the log reached the page.
  const text = await lines(page).innerText();
  expect(text).not.toContain('\x1b');
  expect(errors).toEqual([]);
});

test('search highlights the matches and steps through them; the query is in the URL', async ({ page }) => {
  await page.goto(`./${POD}`);
  await expect.poll(() => lineCount(page)).toBeGreaterThan(10);
  await page.getByTestId('log-search').fill('checkpoint');
  await expect(page).toHaveURL(/[?&]q=checkpoint/);
  const marks = page.locator('[data-testid="log-lines"] mark');
  await expect(marks.first()).toBeVisible();
  for (const mark of await marks.all()) expect((await mark.innerText()).toLowerCase()).toBe('checkpoint');
  await expect(page.getByTestId('log-match-count')).toHaveText(/^0 \/ [1-9]\d*$/);

  await page.getByTestId('log-search').press('Enter');
  await expect(page.getByTestId('log-match-count')).toHaveText(/^1 \/ [1-9]\d*$/);
  const current = page.locator('[data-testid="log-lines"] .line.current');
  await expect(current).toBeInViewport();
  await expect(current.locator('mark')).toHaveText(/checkpoint/i);
  // Reading a match stops following: the view stays on it while lines arrive.
  await expect(page.getByTestId('log-jump')).toBeVisible();

  // A reload keeps the search.
  await page.reload();
  await expect(page.getByTestId('log-search')).toHaveValue('checkpoint');
});

test('download saves the buffered lines as a .log file', async ({ page }) => {
  await page.goto(`./${POD}?timestamps=1`);
  await expect.poll(() => lineCount(page)).toBeGreaterThan(10);
  await page.getByTestId('log-pause').click();
  const held = await lineCount(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('log-download').click()
  ]);
  expect(download.suggestedFilename()).toMatch(/^postgres-0-postgres-.*\.log$/);
  const text = await readFile((await download.path())!, 'utf8');
  const fileLines = text.split('\n').slice(0, -1);
  // Paused, the view holds still, but the buffer (what is saved) keeps receiving.
  expect(fileLines.length).toBeGreaterThanOrEqual(held);
  // Each line as shown with timestamps on: the kubelet's time, then the text.
  for (const line of fileLines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /);
  expect(fileLines.filter((l) => / LOG: /.test(l)).length).toBeGreaterThan(held / 2);
  const shown = await page.locator('[data-testid="log-lines"] .line .text').first().innerText();
  expect(text).toContain(shown);
});

test('pause holds the view still and counts new lines; resume shows them', async ({ page }) => {
  await page.goto(`./${POD}`);
  await expect.poll(() => lineCount(page)).toBeGreaterThan(10);
  await page.getByTestId('log-pause').click();
  const held = await lineCount(page);
  const resume = page.getByTestId('log-resume');
  await expect(resume).toContainText(/Paused · [1-9]\d* new lines/, { timeout: 20_000 });
  expect(await lineCount(page)).toBe(held);
  await resume.click();
  await expect.poll(() => lineCount(page)).toBeGreaterThan(held);
  await expect(page.getByTestId('log-pause')).toHaveText('Pause');
});

test('a workload’s log merges its pods by time, each pod with its own colour', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(`./${DEPLOYMENT}`);
  const legend = page.locator('[data-testid="log-status"] .legend li');
  await expect.poll(() => legend.count(), { message: 'several pods' }).toBeGreaterThan(2);
  await expect.poll(() => lineCount(page)).toBeGreaterThan(50);

  const rows = page.locator('[data-testid="log-lines"] .line');
  const prefixes = await rows.locator('.prefix').allInnerTexts();
  const pods = new Set(prefixes);
  expect(pods.size, `pods in ${prefixes.join(', ')}`).toBeGreaterThan(1);
  for (const pod of pods) expect(pod).toMatch(/^storefront-[a-z0-9]+-[a-z0-9]{5}$/);

  // One colour per pod, the same on every line of that pod.
  const colours = await rows.evaluateAll((els) =>
    els.map((el) => {
      const prefix = el.querySelector('.prefix') as HTMLElement;
      return [prefix.textContent ?? '', getComputedStyle(prefix).color] as const;
    })
  );
  const byPod = new Map<string, Set<string>>();
  for (const [pod, colour] of colours) byPod.set(pod, (byPod.get(pod) ?? new Set()).add(colour));
  for (const set of byPod.values()) expect(set.size).toBe(1);
  expect(new Set([...byPod.values()].map((s) => [...s][0])).size).toBe(byPod.size);

  // Merged by time: the rendered lines are in timestamp order.
  const keys = (await renderedTimestamps(page)).map(tsKey);
  expect(keys).toEqual([...keys].sort());

  // ANSI colours are styles on spans, never escape codes or markup in the text.
  await expect(rows.locator('.text span[style*="color"]').first()).toBeAttached({ timeout: 20_000 });
  const shown = await lines(page).innerText();
  expect(shown).not.toContain('\x1b');
  expect(shown).not.toMatch(/\[\d+(;\d+)*m/);
  expect(errors).toEqual([]);
});

test('settings live in the URL: wrap, timestamps, tail', async ({ page }) => {
  await page.goto(`./${POD}?tail=100&timestamps=1&wrap=1`);
  await expect.poll(() => lineCount(page)).toBeGreaterThan(10);
  await expect(page.getByTestId('log-tail')).toHaveValue('100');
  await expect(page.getByTestId('log-timestamps')).toBeChecked();
  await expect(page.getByTestId('log-wrap')).toBeChecked();
  await expect(page.locator('[data-testid="log-lines"] .line .ts').first()).toHaveText(
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
  );
  // At most the tail at first (then what was written since).
  expect(await lineCount(page)).toBeLessThan(130);
  await page.getByTestId('log-timestamps').uncheck();
  await expect(page).not.toHaveURL(/timestamps=1/);
  await expect(page.locator('[data-testid="log-lines"] .line .ts')).toHaveCount(0);

  // A container that never restarted has no previous log: said plainly.
  await page.getByTestId('log-previous').check();
  await expect(page).toHaveURL(/previous=1/);
  await expect(page.getByTestId('log-problem')).toContainText('no previous instance');
});

test('screenshots of the log views, light and dark', async ({ page }) => {
  const dir = join(import.meta.dirname, '../../artifacts/screenshots');
  await mkdir(dir, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`./${DEPLOYMENT}?q=GET`);
    await expect.poll(() => lineCount(page)).toBeGreaterThan(50);
    await page.screenshot({ path: join(dir, `logs-workload-${scheme}.png`) });
    await page.goto(`./${POD}?timestamps=1&wrap=1`);
    await expect.poll(() => lineCount(page)).toBeGreaterThan(10);
    await page.screenshot({ path: join(dir, `logs-pod-${scheme}.png`) });
  }
});
