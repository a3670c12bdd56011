import { describe, expect, it } from 'vitest';
import { applyWindowDiff, EMPTY_WINDOW, WindowDiffError } from '$lib/view/apply';
import type { WindowDiff, WindowState } from '$lib/view/types';
import { FilterError, View } from '$lib/view/view';
import type { Cell, Row } from '$lib/watch/row';
import { testRow } from '../../support/rows';

const row = testRow;

const pad = (i: number) => String(i).padStart(3, '0');
const names = (rows: Row[]) => rows.map((r) => r.name);

/** A view and the main-thread state its diffs build, checked after every flush. */
function harness(view: View) {
  let state: WindowState = EMPTY_WINDOW;
  return {
    flush(): WindowDiff | null {
      const diff = view.flush();
      if (diff) state = applyWindowDiff(state, diff);
      expect(state.rows).toEqual(view.windowRows());
      expect(state.total).toBe(view.total);
      return diff;
    },
    get state() {
      return state;
    }
  };
}

function filled(count: number, limit = 5): View {
  const view = new View({ window: { offset: 0, limit } });
  for (let i = 0; i < count; i++) view.upsert(row(`p${pad(i)}`, { i }));
  return view;
}

describe('View window diffs', () => {
  it('sends the whole window first, then nothing until something changes', () => {
    const view = filled(20);
    const h = harness(view);
    const first = h.flush();
    expect(first).toMatchObject({ seq: 1, total: 20, offset: 0, limit: 5 });
    expect(names(first!.rows!)).toEqual(['p000', 'p001', 'p002', 'p003', 'p004']);
    expect(h.flush()).toBeNull();
  });

  it('an empty view still sends its first (empty) window', () => {
    const h = harness(new View());
    expect(h.flush()).toEqual({ seq: 1, total: 0, offset: 0, limit: 100, rows: [] });
    expect(h.flush()).toBeNull();
  });

  it('a changed row in the window is one upsert at its index', () => {
    const view = filled(20);
    const h = harness(view);
    h.flush();
    const changed = row('p002', { i: 2, phase: 'Failed' }, { resourceVersion: '2' });
    view.upsert(changed);
    expect(h.flush()).toEqual({
      seq: 2,
      total: 20,
      offset: 0,
      limit: 5,
      upserts: [{ index: 2, row: changed }]
    });
  });

  it('a change after the window that keeps the total posts nothing', () => {
    const view = filled(20);
    const h = harness(view);
    h.flush();
    view.upsert(row('p015', { i: 15, phase: 'x' }));
    expect(h.flush()).toBeNull();
  });

  it('an insert after the window posts only the total', () => {
    const view = filled(20);
    const h = harness(view);
    h.flush();
    view.upsert(row('p100'));
    expect(h.flush()).toEqual({ seq: 2, total: 21, offset: 0, limit: 5 });
  });

  it('an insert before the window shifts it: order, the entering row, the leaving key', () => {
    const view = filled(20);
    view.setWindow({ offset: 5, limit: 5 });
    const h = harness(view);
    h.flush();
    view.upsert(row('p000a'));
    const diff = h.flush()!;
    expect(diff.rows).toBeUndefined();
    expect(diff.order).toEqual(['p004', 'p005', 'p006', 'p007', 'p008'].map((n) => `c1/ns/${n}`));
    expect(diff.upserts!.map((u) => [u.index, u.row.name])).toEqual([[0, 'p004']]);
    expect(diff.removes).toEqual(['c1/ns/p009']);
    expect(diff.total).toBe(21);
  });

  it('coalesces: the latest version per key, nothing for a row added and removed in between', () => {
    const view = filled(10);
    const h = harness(view);
    h.flush();
    for (let v = 2; v <= 50; v++) view.upsert(row('p001', { i: 1, v }, { resourceVersion: String(v) }));
    view.upsert(row('p000b'));
    view.remove('c1/ns/p000b');
    const diff = h.flush()!;
    expect(diff.upserts).toEqual([{ index: 1, row: view.get('c1/ns/p001') }]);
    expect(diff.upserts![0].row.cells.v).toBe(50);
    expect(diff.order).toBeUndefined();
    expect(diff.total).toBe(10);
  });

  it('moving the window a little is a patch; jumping far is the whole window', () => {
    const view = filled(50, 10);
    const h = harness(view);
    h.flush();
    view.setWindow({ offset: 2, limit: 10 });
    const small = h.flush()!;
    expect(small.rows).toBeUndefined();
    expect(small.upserts).toHaveLength(2);
    expect(small.removes).toEqual(['c1/ns/p000', 'c1/ns/p001']);
    view.setWindow({ offset: 30, limit: 10 });
    const jump = h.flush()!;
    expect(names(jump.rows!)).toEqual(Array.from({ length: 10 }, (_, i) => `p${pad(30 + i)}`));
    view.setWindow({ offset: 30, limit: 12 });
    expect(h.flush()!.upserts).toHaveLength(2);
  });

  it('a window past the end is empty and follows the total', () => {
    const view = filled(5);
    view.setWindow({ offset: 10, limit: 5 });
    const h = harness(view);
    expect(h.flush()).toMatchObject({ total: 5, offset: 10, rows: [] });
    for (let i = 0; i < 12; i++) view.upsert(row(`q${pad(i)}`));
    h.flush();
    expect(names(h.state.rows)).toEqual(['q005', 'q006', 'q007', 'q008', 'q009']);
  });

  it('normalizes negative and fractional windows', () => {
    const view = new View({ window: { offset: -3, limit: 2.7 } });
    expect(view.window).toEqual({ offset: 0, limit: 2 });
  });

  it('reset() makes the next flush send the whole window', () => {
    const view = filled(10);
    const h = harness(view);
    h.flush();
    view.reset();
    expect(h.flush()).toMatchObject({ seq: 2, rows: view.windowRows() });
  });

  it('the same row again, or an equal copy, changes nothing', () => {
    const view = filled(10);
    const h = harness(view);
    h.flush();
    const held = view.get('c1/ns/p003')!;
    view.upsert(held);
    view.upsert(structuredClone(held));
    expect(h.flush()).toBeNull();
    expect(view.get('c1/ns/p003')).toBe(held);
  });

  it('setFilter rebuilds once; a bad filter throws and leaves the view as it was', () => {
    const view = filled(20);
    const h = harness(view);
    h.flush();
    view.setFilter({ text: 'p01' });
    expect(h.flush()!.total).toBe(10);
    expect(() => view.setFilter({ labelSelector: 'a in (' })).toThrow(FilterError);
    expect(view.filter).toEqual({ text: 'p01' });
    expect(view.total).toBe(10);
    expect(h.flush()).toBeNull();
  });

  it('rows that stop or start matching leave or enter the window', () => {
    const view = new View({ filter: { fields: [{ column: 'phase', op: '=', value: 'Running' }] } });
    const h = harness(view);
    view.upsert(row('a', { phase: 'Running' }));
    view.upsert(row('b', { phase: 'Pending' }));
    h.flush();
    expect(names(h.state.rows)).toEqual(['a']);
    view.upsert(row('a', { phase: 'Failed' }));
    view.upsert(row('b', { phase: 'Running' }));
    h.flush();
    expect(names(h.state.rows)).toEqual(['b']);
    expect(view.size).toBe(2);
  });
});

describe('View sources', () => {
  it('replaceSource applies a relist as a diff and keeps other sources', () => {
    const view = new View({ window: { offset: 0, limit: 10 } });
    const h = harness(view);
    view.replaceSource('c1', [row('a'), row('b'), row('c')]);
    view.replaceSource('c2', [row('x', {}, { cluster: 'c2' })]);
    h.flush();
    const b = view.get('c1/ns/b');
    view.replaceSource('c1', [row('b'), row('c', { phase: 'new' }, { resourceVersion: '7' }), row('d')]);
    const diff = h.flush()!;
    expect(view.get('c1/ns/b')).toBe(b);
    expect(names(h.state.rows)).toEqual(['b', 'c', 'd', 'x']);
    expect(diff.removes).toEqual(['c1/ns/a']);
    expect(diff.upserts!.map((u) => u.row.name).sort()).toEqual(['c', 'd']);
    view.removeSource('c2');
    h.flush();
    expect(names(h.state.rows)).toEqual(['b', 'c', 'd']);
  });

  it('a relist takes over keys from another source, and only its own rows go on the next relist', () => {
    const view = new View();
    view.upsert(row('a'), 's1');
    view.upsert(row('b'), 's1');
    view.replaceSource('s2', [row('a')]);
    view.replaceSource('s1', []);
    expect(names(view.windowRows())).toEqual(['a']);
    view.replaceSource('s2', []);
    expect(view.size).toBe(0);
  });

  it('a large relist (merge path) gives the same rows as small steps', () => {
    const make = (threshold: number) => {
      const view = new View({ batchThreshold: threshold, sort: { column: 'n', direction: 'desc' } });
      view.replaceSource(
        's',
        Array.from({ length: 300 }, (_, i) => row(`p${pad(i)}`, { n: i % 17 }))
      );
      view.upsert(row('other', { n: 5 }), 't');
      view.replaceSource(
        's',
        Array.from({ length: 300 }, (_, i) =>
          row(`p${pad(i + 100)}`, { n: (i * 7) % 13 }, { resourceVersion: '2' })
        )
      );
      view.setWindow({ offset: 0, limit: 1000 });
      return view.windowRows();
    };
    const merged = make(0);
    expect(merged).toEqual(make(1_000_000));
    expect(merged).toHaveLength(301);
  });
});

describe('View cost per event', () => {
  it('an upsert on 20k rows reads the sort column O(log n) times, not once per row', () => {
    let reads = 0;
    const counted = (n: number): Record<string, Cell> =>
      new Proxy({ n } as Record<string, Cell>, {
        get(target, prop, receiver) {
          if (prop === 'n') reads++;
          return Reflect.get(target, prop, receiver);
        }
      });
    const view = new View({ sort: { column: 'n', direction: 'asc' }, window: { offset: 0, limit: 100 } });
    const rows = Array.from({ length: 20_000 }, (_, i) => row(`p${i}`, counted(i)));
    view.replaceSource('s', rows);
    view.flush();
    reads = 0;
    view.upsert(row('p500', counted(500.5), { resourceVersion: '2' }), 's'); // stays in place
    view.upsert(row('p7', counted(19_999.5), { resourceVersion: '2' }), 's'); // moves to the end
    view.remove('c1/ns/p9000');
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(300);
  });
});

describe('applyWindowDiff', () => {
  const a = row('a');
  const b = row('b');
  it('refuses a patch that does not follow the state', () => {
    const state = applyWindowDiff(EMPTY_WINDOW, { seq: 1, total: 1, offset: 0, limit: 5, rows: [a] });
    expect(() => applyWindowDiff(state, { seq: 3, total: 1, offset: 0, limit: 5 })).toThrow(WindowDiffError);
  });

  it('refuses a patch that leaves a window row without data', () => {
    const state = applyWindowDiff(EMPTY_WINDOW, { seq: 1, total: 1, offset: 0, limit: 5, rows: [a] });
    expect(() =>
      applyWindowDiff(state, { seq: 2, total: 2, offset: 0, limit: 5, order: ['c1/ns/a', 'c1/ns/b'] })
    ).toThrow(WindowDiffError);
    expect(() =>
      applyWindowDiff(state, { seq: 2, total: 1, offset: 0, limit: 5, upserts: [{ index: 1, row: b }] })
    ).toThrow(WindowDiffError);
  });

  it('does not modify the state it is given', () => {
    const state = applyWindowDiff(EMPTY_WINDOW, { seq: 1, total: 2, offset: 0, limit: 5, rows: [a, b] });
    const before = structuredClone(state);
    const next = applyWindowDiff(state, {
      seq: 2,
      total: 2,
      offset: 0,
      limit: 5,
      order: ['c1/ns/b', 'c1/ns/a'],
      upserts: [{ index: 0, row: row('b', { x: 1 }) }]
    });
    expect(state).toEqual(before);
    expect(names(next.rows)).toEqual(['b', 'a']);
    expect(next.rows[0].cells).toEqual({ x: 1 });
  });
});
