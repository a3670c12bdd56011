import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyTarget, MARGIN, revealTop, ROW_HEIGHT, windowAround } from '$lib/ui/table/viewport';

describe('windowAround', () => {
  it('holds the rows on screen and at least MARGIN rows on either side', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_500_000 }),
        fc.integer({ min: 60, max: 3000 }),
        (scrollTop, height) => {
          const { offset, limit } = windowAround(scrollTop, height);
          const first = Math.floor(scrollTop / ROW_HEIGHT);
          const last = Math.floor((scrollTop + height) / ROW_HEIGHT);
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThanOrEqual(Math.max(0, first - MARGIN));
          expect(offset + limit).toBeGreaterThanOrEqual(last + MARGIN);
        }
      )
    );
  });

  it('asks again only every few rows of scrolling', () => {
    const offsets = new Set<number>();
    for (let top = 0; top < 100 * ROW_HEIGHT; top += 7) offsets.add(windowAround(top, 600).offset);
    expect(offsets.size).toBeLessThanOrEqual(10);
  });
});

describe('revealTop', () => {
  const header = 28;
  it('scrolls up to a row above the screen, down to a row below, not at all for one on screen', () => {
    expect(revealTop(5, 300, 400, header)).toBe(5 * ROW_HEIGHT);
    expect(revealTop(12, 300, 400, header)).toBe(300);
    // Row 30 ends at 930; the screen shows 372 px of rows below the header.
    expect(revealTop(30, 300, 400, header)).toBe(930 - 372);
  });
});

describe('keyTarget', () => {
  it('moves by one, by a page, to the ends, clamped to the list', () => {
    expect(keyTarget('ArrowDown', 4, 0, 10, 100)).toBe(5);
    expect(keyTarget('ArrowUp', 0, 0, 10, 100)).toBe(0);
    expect(keyTarget('PageDown', 95, 0, 10, 100)).toBe(99);
    expect(keyTarget('PageUp', 4, 0, 10, 100)).toBe(0);
    expect(keyTarget('Home', 50, 0, 10, 100)).toBe(0);
    expect(keyTarget('End', 50, 0, 10, 100)).toBe(99);
  });

  it('starts from the first row on screen when nothing is selected', () => {
    expect(keyTarget('ArrowDown', undefined, 40, 10, 100)).toBe(40);
    expect(keyTarget('ArrowUp', undefined, 40, 10, 100)).toBe(40);
  });

  it('ignores other keys', () => {
    expect(keyTarget('a', 3, 0, 10, 100)).toBeUndefined();
    expect(keyTarget('Enter', 3, 0, 10, 100)).toBeUndefined();
  });
});
