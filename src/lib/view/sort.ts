/**
 * Column access and the total order a view keeps its rows in: by one column, missing values last in
 * either direction, ties broken by key so the order never depends on arrival.
 */
import type { Cell, Row } from '../watch/row';
import type { Column, ViewSort } from './types';

export type CellGetter = (row: Row) => Cell;
export type RowComparator = (a: Row, b: Row) => number;

/** The value of a column in a row: a built-in field, else the cell of that name (null when missing). */
export function columnGetter(column: Column): CellGetter {
  switch (column) {
    case 'name':
      return (row) => row.name;
    case 'namespace':
      return (row) => row.namespace;
    case 'cluster':
      return (row) => row.cluster;
    case 'creationTimestamp':
      return (row) => row.creationTimestamp;
    default:
      // hasOwn: a cell named `constructor` or `__proto__` must not reach Object.prototype.
      return (row) => (Object.hasOwn(row.cells, column) ? (row.cells[column] ?? null) : null);
  }
}

/** Null, a missing cell and NaN all count as "no value": they sort last and match no comparison. */
export function isMissing(value: Cell | undefined): value is null | undefined {
  return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));
}

const TYPE_RANK = { number: 0, string: 1, boolean: 2 } as const;

/** Order of two present cells: numbers by value, strings by code unit, false before true; numbers, then strings, then booleans when types differ. */
export function compareCells(a: string | number | boolean, b: string | number | boolean): number {
  const ta = typeof a as 'number' | 'string' | 'boolean';
  const tb = typeof b as 'number' | 'string' | 'boolean';
  if (ta !== tb) return TYPE_RANK[ta] - TYPE_RANK[tb];
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const DEFAULT_SORT: ViewSort = { column: 'name', direction: 'asc' };

/**
 * A total order over rows with distinct keys, so a binary search finds a row's exact position.
 * `desc` reverses the values only: missing values stay last and ties stay in key order.
 */
export function compileSort(sort: ViewSort): RowComparator {
  const get = columnGetter(sort.column);
  const sign = sort.direction === 'desc' ? -1 : 1;
  return (a, b) => {
    if (a === b) return 0;
    const va = get(a);
    const vb = get(b);
    const ma = isMissing(va);
    const mb = isMissing(vb);
    if (ma !== mb) return ma ? 1 : -1;
    if (!ma) {
      const c = compareCells(va as string | number | boolean, vb as string | number | boolean);
      if (c !== 0) return sign * c;
    }
    return compareKeys(a.key, b.key);
  };
}
