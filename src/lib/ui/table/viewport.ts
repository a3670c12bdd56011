/**
 * The arithmetic of a virtualized table with one fixed row height: which window of rows to ask
 * the engine for at a scroll position, where to scroll to show a row, where a navigation key goes.
 * Row `i` spans [i·ROW_HEIGHT, (i+1)·ROW_HEIGHT) below the sticky header.
 */

export const ROW_HEIGHT = 30;
/** Rows kept above and below the screen, so scrolling a little needs no new window. */
export const MARGIN = 20;
/** Window offsets move in steps, so scrolling asks the engine for a new window less often. */
export const STEP = 10;

/** The window to hold at `scrollTop`: the rows on screen and MARGIN to STEP + MARGIN rows around them. */
export function windowAround(scrollTop: number, viewportHeight: number): { offset: number; limit: number } {
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const offset = Math.max(0, Math.floor((first - MARGIN) / STEP) * STEP);
  return { offset, limit: first - offset + Math.ceil(viewportHeight / ROW_HEIGHT) + MARGIN + STEP };
}

/** The scrollTop that shows row `index` wholly, moving as little as needed. */
export function revealTop(
  index: number,
  scrollTop: number,
  clientHeight: number,
  headerHeight: number
): number {
  const top = index * ROW_HEIGHT;
  const room = clientHeight - headerHeight;
  if (top < scrollTop) return top;
  if (top + ROW_HEIGHT > scrollTop + room) return top + ROW_HEIGHT - room;
  return scrollTop;
}

/**
 * Where a navigation key moves the selection: from the selected row `from`, or, with none, to the
 * first row on screen. Undefined for other keys.
 */
export function keyTarget(
  key: string,
  from: number | undefined,
  firstVisible: number,
  pageRows: number,
  total: number
): number | undefined {
  const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows };
  let to: number;
  if (key === 'Home') to = 0;
  else if (key === 'End') to = total - 1;
  else if (key in step) to = from === undefined ? firstVisible : from + step[key];
  else return undefined;
  return Math.min(total - 1, Math.max(0, to));
}
