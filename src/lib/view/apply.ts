/**
 * The main thread's side of a view: applies the worker's window diffs to the window it holds.
 * Pure and O(window); the Svelte store wraps it and owns no other logic.
 */
import type { Row } from '../watch/row';
import type { WindowDiff, WindowState } from './types';

export type { WindowDiff, WindowState } from './types';

export const EMPTY_WINDOW: WindowState = Object.freeze({ seq: 0, total: 0, offset: 0, limit: 0, rows: [] });

/**
 * A patch that does not follow the state it is applied to, or does not fill the window. The store
 * should ask the view for a reset (View.reset) and wait for the next full window.
 */
export class WindowDiffError extends Error {
  override name = 'WindowDiffError';
}

export function applyWindowDiff(state: WindowState, diff: WindowDiff): WindowState {
  const { seq, total, offset, limit } = diff;
  const streams = diff.streams ?? state.streams;
  if (diff.rows) return { seq, total, offset, limit, rows: diff.rows, streams };
  if (seq !== state.seq + 1) throw new WindowDiffError(`diff ${seq} does not follow ${state.seq}`);
  let rows: (Row | undefined)[];
  if (diff.order) {
    const held = new Map(state.rows.map((row) => [row.key, row]));
    rows = diff.order.map((key) => held.get(key));
  } else {
    rows = state.rows.slice();
  }
  for (const { index, row } of diff.upserts ?? []) {
    if (index < 0 || index >= rows.length)
      throw new WindowDiffError(`upsert index ${index} outside the window`);
    rows[index] = row;
  }
  if (rows.includes(undefined)) throw new WindowDiffError(`diff ${seq} leaves a window row without data`);
  return { seq, total, offset, limit, rows: rows as Row[], streams };
}
