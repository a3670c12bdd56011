import { describe, expect, it } from 'vitest';
import { compileSort } from '$lib/view/sort';
import { SortedIds } from '$lib/view/sorted';
import { View } from '$lib/view/view';
import type { Row } from '$lib/watch/row';
import { testRow } from '../../support/rows';

const row = testRow;

const order = (rows: Row[], column: string, direction: 'asc' | 'desc' = 'asc'): string[] =>
  [...rows].sort(compileSort({ column, direction })).map((r) => r.name);

describe('sort order', () => {
  it('sorts numbers numerically and strings by code unit', () => {
    const rows = [row('a', { n: 10 }), row('b', { n: 9 }), row('c', { n: -1 })];
    expect(order(rows, 'n')).toEqual(['c', 'b', 'a']);
    expect(order(rows, 'n', 'desc')).toEqual(['a', 'b', 'c']);
  });

  it('puts null, missing and NaN cells last in both directions, ties among them by key', () => {
    const rows = [
      row('z', { n: null }),
      row('y', { n: 2 }),
      row('x', {}),
      row('w', { n: Number.NaN }),
      row('v', { n: 1 })
    ];
    expect(order(rows, 'n')).toEqual(['v', 'y', 'w', 'x', 'z']);
    expect(order(rows, 'n', 'desc')).toEqual(['y', 'v', 'w', 'x', 'z']);
  });

  it('breaks ties by key ascending, also when descending', () => {
    const rows = [
      row('b', { phase: 'Running' }, { namespace: 'n2' }),
      row('a', { phase: 'Running' }, { namespace: 'n2' }),
      row('c', { phase: 'Pending' }),
      row('a', { phase: 'Running' }, { namespace: 'n1' })
    ];
    const keys = (direction: 'asc' | 'desc') =>
      [...rows].sort(compileSort({ column: 'phase', direction })).map((r) => r.key);
    expect(keys('asc')).toEqual(['c1/ns/c', 'c1/n1/a', 'c1/n2/a', 'c1/n2/b']);
    expect(keys('desc')).toEqual(['c1/n1/a', 'c1/n2/a', 'c1/n2/b', 'c1/ns/c']);
  });

  it('orders mixed types numbers, then strings, then booleans', () => {
    const rows = [row('a', { v: true }), row('b', { v: 'x' }), row('c', { v: 3 }), row('d', { v: false })];
    expect(order(rows, 'v')).toEqual(['c', 'b', 'd', 'a']);
  });

  it('sorts by the built-in columns, which win over a cell of the same name', () => {
    const rows = [
      row('b', { name: 'zzz' }, { cluster: 'c2', creationTimestamp: '2024-03-01T00:00:00Z' }),
      row('a', { name: 'aaa' }, { cluster: 'c1', creationTimestamp: '2024-05-01T00:00:00Z' })
    ];
    expect(order(rows, 'name')).toEqual(['a', 'b']);
    expect(order(rows, 'cluster', 'desc')).toEqual(['b', 'a']);
    expect(order(rows, 'creationTimestamp')).toEqual(['b', 'a']);
  });

  it('does not read cells from Object.prototype', () => {
    const rows = [row('b', { constructor: 1 }), row('a', {})];
    expect(order(rows, 'constructor')).toEqual(['b', 'a']);
  });

  it('SortedIds finds where a row sits or would go, and refuses a row edited in place', () => {
    const rows = [row('a', { n: 1 }), row('b', { n: 3 }), row('c', { n: 5 })];
    const ids = new SortedIds((id) => rows[id], compileSort({ column: 'n', direction: 'asc' }));
    ids.reset([0, 1, 2]);
    expect(ids.indexOf(1)).toBe(1);
    expect(ids.lowerBound(row('d', { n: 4 }))).toBe(2);
    expect(ids.lowerBound(row('e', { n: 9 }))).toBe(3);
    ids.removeAt(0);
    ids.insertAt(2, 0);
    expect(ids.toArray()).toEqual([1, 2, 0]);
    rows[2].cells.n = 0; // what callers must never do
    expect(() => ids.indexOf(2)).toThrow(/edited in place/);
  });
});

describe('View sort', () => {
  it('keeps the order stable as rows change and re-sorts once on setSort', () => {
    const view = new View({
      sort: { column: 'restarts', direction: 'desc' },
      window: { offset: 0, limit: 10 }
    });
    for (const [name, restarts] of [
      ['a', 1],
      ['b', 1],
      ['c', null],
      ['d', 4]
    ] as const)
      view.upsert(row(name, { restarts }));
    expect(view.windowRows().map((r) => r.name)).toEqual(['d', 'a', 'b', 'c']);
    view.upsert(row('c', { restarts: 2 }));
    view.upsert(row('d', { restarts: 1 }));
    expect(view.windowRows().map((r) => r.name)).toEqual(['c', 'a', 'b', 'd']);
    view.setSort({ column: 'restarts', direction: 'asc' });
    expect(view.windowRows().map((r) => r.name)).toEqual(['a', 'b', 'd', 'c']);
    view.setSort({ column: 'name', direction: 'desc' });
    expect(view.windowRows().map((r) => r.name)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('keeps order through thousands of single inserts and removes (the id array grows)', () => {
    const view = new View({ sort: { column: 'n', direction: 'asc' }, window: { offset: 0, limit: 5000 } });
    const ns = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 3000);
    for (const n of ns) view.upsert(row(`p${n}`, { n: n % 101 }));
    for (let n = 0; n < 3000; n += 2) view.remove(`c1/ns/p${n}`);
    const expected = ns
      .filter((n) => n % 2 === 1)
      .map((n) => row(`p${n}`, { n: n % 101 }))
      .sort((a, b) => (a.cells.n as number) - (b.cells.n as number) || (a.key < b.key ? -1 : 1));
    expect(view.windowRows().map((r) => r.key)).toEqual(expected.map((r) => r.key));
    expect(view.total).toBe(1500);
  });
});
