/**
 * One measured run of one page: open it in a fresh browser context (fresh IndexedDB), wait until it
 * shows every pod, then churn the cluster and record the main thread for a while, scrolling the
 * table now and then as a user does. Long tasks come from the browser's own PerformanceObserver;
 * frame gaps from a requestAnimationFrame loop; main-thread busy time from CDP Performance metrics;
 * the CPU time of each task (thread time, which excludes time spent waiting for a core on a busy
 * machine) from a Chromium trace of the `toplevel` category taken over the same window.
 */
import os from 'node:os';
import { join } from 'node:path';
import { expect, type Browser, type CDPSession, type Page } from '@playwright/test';
import type { ProxiedSim } from './cluster';
import { cpuMark } from './machine';
import type { ChurnStats } from './protocol';
import { mainThreadTasks, parseTrace, TASK_CATEGORIES } from './trace-events';

export type Side = 'skiff' | 'baseline';

export interface RunResult {
  side: Side;
  /** Where the page was opened (Skiff: the Pods view's route). */
  url: string;
  /** From navigation to the count showing every pod. */
  loadMs: number;
  /** The longest task while loading (not the criterion: the cluster is idle then). */
  loadLongestMs: number;
  /** Tasks that started inside the recording window, in ms. */
  tasks: number[];
  /** The same window's main-thread tasks from the trace: wall and thread (CPU) time, in ms. */
  traced: { wall: number; cpu: number }[];
  frameGaps: number[];
  /** Main-thread busy time over the window, as a share of wall time. */
  busy: number;
  recordedMs: number;
  churn: ChurnStats;
  /** The machine's 1-minute load average when the recording started and ended. */
  load: [number, number];
  /** Share of all the machine's cores in use during the recording (every process, ours too). */
  machineBusy: number;
  /** The part of it used by processes the benchmark did not start. */
  othersBusy: number;
  /** Rows in the DOM at the end (Skiff's window vs every row). */
  domRows: number;
  errors: string[];
}

export interface RunOptions {
  recordMs: number;
  podsPerSecond: number;
  /** Trace categories for the recording window (default TASK_CATEGORIES). */
  categories?: string[];
  /** Called with the raw trace of the recording window (the traced run keeps it). */
  onTrace?: (trace: Buffer) => void;
  /** Also trace the load (navigation to every row counted), with the same categories. */
  onLoadTrace?: (trace: Buffer) => void;
}

interface Probe {
  longTasks: { start: number; duration: number }[];
  frameGaps: number[];
  recording: boolean;
  error: string;
}
type ProbeWindow = { __uiProbe: Probe };

const PROBE = join(import.meta.dirname, 'probe.js');
const VIEWPORT = { width: 1280, height: 800 };
const LOAD_TIMEOUT_MS = 180_000;
const rowCount = (page: Page) => page.getByTestId('row-count');

/**
 * The Pods view: `#/k/pods` where the table routes exist, else `#/` (where it lived before them).
 * Returns the URL that showed a row count.
 */
async function openPods(page: Page, base: string): Promise<string> {
  const route = `${base}/#/k/pods`;
  await page.goto(route);
  // A plain DOM check every 100 ms (a text locator would walk the page and show up as its tasks).
  const shown = await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="row-count"]')
        ? 'table'
        : /^\s*404\s*$/.test(document.querySelector('h1')?.textContent ?? '') && 'missing',
    undefined,
    { polling: 100, timeout: 60_000 }
  );
  if ((await shown.jsonValue()) === 'table') return route;
  await page.goto(`${base}/#/`);
  return `${base}/#/`;
}

/** Wheel bursts over the table every 3 s: two down, two up, and so on (net about zero). */
async function scrollNow(page: Page, until: number): Promise<void> {
  await page.mouse.move(VIEWPORT.width / 2, 520);
  for (let burst = 0; Date.now() < until - 1500; burst++) {
    const down = Math.floor(burst / 2) % 2 === 0;
    for (let i = 0; i < 10 && Date.now() < until; i++) {
      await page.mouse.wheel(0, down ? 300 : -300);
      await page.waitForTimeout(50);
    }
    await page.waitForTimeout(Math.max(0, Math.min(2500, until - Date.now())));
  }
}

/** Main-thread task time of the page so far, in ms. */
async function taskDuration(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN) * 1000;
}

export async function measure(
  browser: Browser,
  sim: ProxiedSim,
  side: Side,
  options: RunOptions
): Promise<RunResult> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ path: PROBE });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The baseline page has no icon; the browser asks anyway.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
  });
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const pods = await sim.pods();
    const categories = options.categories ?? TASK_CATEGORIES;
    if (options.onLoadTrace) await browser.startTracing(page, { categories });
    const started = Date.now();
    const url =
      side === 'skiff'
        ? await openPods(page, sim.url)
        : (await page.goto(`${sim.url}/baseline.html`), page.url());
    await expect(rowCount(page)).toHaveText(String(pods), { timeout: LOAD_TIMEOUT_MS });
    const loadMs = Date.now() - started;
    if (options.onLoadTrace) options.onLoadTrace(await browser.stopTracing());
    // Let the first render's tail (and Skiff's cache write) pass before the cluster moves.
    await page.waitForTimeout(2000);
    const loadTasks = await page.evaluate(() => (window as unknown as ProbeWindow).__uiProbe.longTasks);

    await browser.startTracing(page, { categories });
    await sim.churn(options.podsPerSecond);
    const t0 = await page.evaluate(() => {
      (window as unknown as ProbeWindow).__uiProbe.recording = true;
      return performance.now();
    });
    const load0 = os.loadavg()[0];
    const machine = cpuMark();
    const busy0 = await taskDuration(cdp);
    const wall0 = Date.now();
    await scrollNow(page, wall0 + options.recordMs);
    await page.waitForTimeout(Math.max(0, wall0 + options.recordMs - Date.now()));
    const t1 = await page.evaluate(() => {
      (window as unknown as ProbeWindow).__uiProbe.recording = false;
      return performance.now();
    });
    const busy1 = await taskDuration(cdp);
    const recordedMs = Date.now() - wall0;
    const machineBusy = machine.busy();
    const othersBusy = machine.others();
    const churn = await sim.idle();
    const trace = await browser.stopTracing();
    options.onTrace?.(trace);
    const traced = mainThreadTasks(parseTrace(trace)).map((t) => ({
      wall: (t.dur ?? 0) / 1000,
      cpu: (t.tdur ?? 0) / 1000
    }));
    // Long-task entries reach the observer a little after the task.
    await page.waitForTimeout(500);
    const probe = await page.evaluate(() => (window as unknown as ProbeWindow).__uiProbe);
    if (probe.error) throw new Error(`no long-task observer in this browser: ${probe.error}`);
    const domRows = await page.locator('tbody tr[data-key]').count();
    return {
      side,
      url,
      loadMs,
      loadLongestMs: Math.max(0, ...loadTasks.map((t) => t.duration)),
      traced,
      tasks: probe.longTasks.filter((t) => t.start >= t0 && t.start < t1).map((t) => t.duration),
      frameGaps: probe.frameGaps,
      busy: (busy1 - busy0) / (t1 - t0),
      recordedMs,
      churn,
      load: [load0, os.loadavg()[0]],
      machineBusy,
      othersBusy,
      domRows,
      errors
    };
  } finally {
    await context.close();
  }
}
