import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchorShift, takeAnchor } from '$lib/ui/table/anchor';

const ROW = 30;
const keys = (names: string[]) => names.map((key) => ({ key }));

describe('takeAnchor', () => {
  it('names the rows on screen from the scroll position', () => {
    const rows = keys(['a', 'b', 'c', 'd', 'e', 'f']);
    // Window from row 10; scrolled to row 12.
    expect(takeAnchor(12 * ROW + 5, ROW, 3, 10, rows)).toEqual({ first: 12, keys: ['c', 'd', 'e'] });
    expect(takeAnchor(15 * ROW, ROW, 3, 10, rows)).toEqual({ first: 15, keys: ['f'] });
    expect(takeAnchor(30 * ROW, ROW, 3, 10, rows)).toBeUndefined();
  });
});

describe('anchorShift', () => {
  it('is the number of rows inserted (or removed) above the screen', () => {
    const before = keys(['a', 'b', 'c', 'd', 'e']);
    const anchor = takeAnchor(2 * ROW, ROW, 3, 0, before)!;
    expect(anchor.keys).toEqual(['c', 'd', 'e']);
    expect(anchorShift(anchor, 0, keys(['x', 'y', 'a', 'b', 'c', 'd', 'e']))).toBe(2);
    expect(anchorShift(anchor, 0, keys(['b', 'c', 'd', 'e']))).toBe(-1);
    expect(anchorShift(anchor, 0, before)).toBe(0);
  });

  it('ignores a row on screen that moved alone (its own sort value changed)', () => {
    const anchor = takeAnchor(2 * ROW, ROW, 4, 0, keys(['a', 'b', 'c', 'd', 'e', 'f', 'g']))!;
    // `c` (first on screen) went to the end and two rows came above: `d`, `e`, `f` moved down by
    // one, and the screen follows them, not `c`.
    expect(anchorShift(anchor, 0, keys(['x', 'y', 'a', 'b', 'd', 'e', 'f', 'g', 'c']))).toBe(1);
  });

  it('is 0 when no anchored row is in the new window', () => {
    const anchor = takeAnchor(0, ROW, 2, 0, keys(['a', 'b']))!;
    expect(anchorShift(anchor, 40, keys(['p', 'q']))).toBe(0);
  });

  it('keeps the screen on the same rows after any inserts and deletes above it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 40 }),
        // Up to the window's margin of rows above the screen per diff.
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        (first, inserted, deletedWanted, visible) => {
          const list = Array.from({ length: 100 }, (_, i) => `r${String(i).padStart(3, '0')}`);
          const deleted = Math.min(deletedWanted, first);
          const anchor = takeAnchor(first * ROW, ROW, visible, 0, keys(list))!;
          const after = [...Array.from({ length: inserted }, (_, i) => `new${i}`), ...list.slice(deleted)];
          // The window was asked for around the old scroll position, with a margin of 10 rows.
          const offset = Math.max(0, first - 10);
          const shift = anchorShift(anchor, offset, keys(after.slice(offset, offset + 60)));
          const newFirst = first + shift;
          expect(after.slice(newFirst, newFirst + visible)).toEqual(anchor.keys);
        }
      )
    );
  });
});
