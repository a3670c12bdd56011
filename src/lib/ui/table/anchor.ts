/**
 * Keeping the rows on screen still while the list changes around them. Rows have one fixed height,
 * so the scroll position names a row index; when rows are inserted or removed above it, the same
 * rows sit at new indexes and the scroll position must move by as many rows. Browser scroll
 * anchoring cannot do this reliably here (the spacer rows change height, and a window of new rows
 * replaces the old ones), so the table does it itself.
 */

export interface Anchor {
  /** Index of the first row on screen. */
  first: number;
  /** Keys of the rows on screen, from `first` on. */
  keys: string[];
}

/** The rows on screen at `scrollTop`, as far as the window holds them. */
export function takeAnchor(
  scrollTop: number,
  rowHeight: number,
  visibleRows: number,
  offset: number,
  rows: readonly { key: string }[]
): Anchor | undefined {
  const first = Math.floor(scrollTop / rowHeight);
  const keys: string[] = [];
  for (let i = first; i < first + visibleRows; i++) {
    const row = rows[i - offset];
    if (!row) break;
    keys.push(row.key);
  }
  return keys.length > 0 ? { first, keys } : undefined;
}

/**
 * By how many rows the anchored rows moved in the new window: the shift most of them agree on (a
 * row whose own sort value changed moves alone and must not drag the screen with it); ties go to
 * the smaller move. 0 when none of them is in the new window.
 */
export function anchorShift(anchor: Anchor, offset: number, rows: readonly { key: string }[]): number {
  const index = new Map<string, number>();
  rows.forEach((row, i) => index.set(row.key, offset + i));
  const votes = new Map<number, number>();
  anchor.keys.forEach((key, i) => {
    const now = index.get(key);
    if (now === undefined) return;
    const shift = now - (anchor.first + i);
    votes.set(shift, (votes.get(shift) ?? 0) + 1);
  });
  let best = 0;
  let bestVotes = 0;
  for (const [shift, count] of votes) {
    if (count > bestVotes || (count === bestVotes && Math.abs(shift) < Math.abs(best))) {
      best = shift;
      bestVotes = count;
    }
  }
  return best;
}
