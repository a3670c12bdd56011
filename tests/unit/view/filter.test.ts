import { describe, expect, it } from 'vitest';
import { compileFilter, FilterError, parseLabelSelector } from '$lib/view/filter';
import type { ViewFilter } from '$lib/view/types';
import type { Row } from '$lib/watch/row';
import { testRow } from '../../support/rows';

const row = (name: string, over: Partial<Row> = {}): Row =>
  testRow(name, {}, { namespace: 'default', ...over });

const names = (rows: Row[], filter: ViewFilter): string[] =>
  rows.filter(compileFilter(filter)).map((r) => r.name);

describe('text filter', () => {
  const rows = [
    row('web-1', { namespace: 'shop', cells: { phase: 'Running', node: 'node-a' } }),
    row('db-0', { namespace: 'Data', cells: { phase: 'Pending', restarts: 12 } }),
    row('cache', { namespace: 'infra', cells: { phase: null, ready: true } })
  ];

  it('matches name, namespace and any cell, ignoring case', () => {
    expect(names(rows, { text: 'WEB' })).toEqual(['web-1']);
    expect(names(rows, { text: 'data' })).toEqual(['db-0']);
    expect(names(rows, { text: 'node-A' })).toEqual(['web-1']);
    expect(names(rows, { text: 'pend' })).toEqual(['db-0']);
  });

  it('matches numbers and booleans by their text, never a null cell', () => {
    expect(names(rows, { text: '12' })).toEqual(['db-0']);
    expect(names(rows, { text: 'true' })).toEqual(['cache']);
    expect(names(rows, { text: 'null' })).toEqual([]);
  });

  it('does not match the cluster, labels or uid', () => {
    const r = [row('x', { cluster: 'prod-eu', labels: { team: 'payments' }, uid: 'abc' })];
    expect(names(r, { text: 'prod-eu' })).toEqual([]);
    expect(names(r, { text: 'payments' })).toEqual([]);
    expect(names(r, { text: 'abc' })).toEqual([]);
  });

  it('treats blank text as no filter', () => {
    expect(names(rows, { text: '   ' })).toHaveLength(3);
    expect(names(rows, { text: '' })).toHaveLength(3);
  });
});

describe('label selector', () => {
  const rows = [
    row('a', { labels: { app: 'web', tier: 'front' } }),
    row('b', { labels: { app: 'db', tier: 'back' } }),
    row('c', { labels: { app: 'web' } }),
    row('d', { labels: {} }),
    row('e', { labels: { 'example.com/team': 'x', app: '' } })
  ];
  const sel = (selector: string) => names(rows, { labelSelector: selector });

  it('supports =, == and !=, where != also matches rows without the label', () => {
    expect(sel('app=web')).toEqual(['a', 'c']);
    expect(sel('app == web')).toEqual(['a', 'c']);
    expect(sel('app!=web')).toEqual(['b', 'd', 'e']);
    expect(sel('app=')).toEqual(['e']);
  });

  it('supports in and notin, where notin also matches rows without the label', () => {
    expect(sel('tier in (front, back)')).toEqual(['a', 'b']);
    expect(sel('tier notin (front)')).toEqual(['b', 'c', 'd', 'e']);
    expect(sel('app in (db,web),tier notin (back)')).toEqual(['a', 'c']);
  });

  it('supports exists and !key, with prefixed keys', () => {
    expect(sel('tier')).toEqual(['a', 'b']);
    expect(sel('!tier')).toEqual(['c', 'd', 'e']);
    expect(sel('example.com/team')).toEqual(['e']);
    expect(sel('app=web,tier')).toEqual(['a']);
  });

  it('never reads labels inherited from Object.prototype', () => {
    expect(sel('constructor')).toEqual([]);
    expect(sel('!toString')).toHaveLength(5);
    expect(parseLabelSelector('hasOwnProperty in (x)')({})).toBe(false);
  });

  it('treats an empty selector as matching everything', () => {
    expect(sel('')).toHaveLength(5);
    expect(sel('  ')).toHaveLength(5);
  });

  it.each([
    'app=web,',
    'app in ()',
    'app in (a,b',
    'app notin a',
    '=web',
    'app=we b',
    'bad key=x',
    '-app=x',
    'app=-x',
    `app=${'v'.repeat(64)}`,
    'a)=b'
  ])('rejects %j with a FilterError', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(FilterError);
    expect(() => compileFilter({ labelSelector: selector })).toThrow(FilterError);
  });
});

describe('namespaces and clusters', () => {
  const rows = [
    row('a', { namespace: 'x' }),
    row('b', { namespace: 'y' }),
    row('c', { namespace: '', cluster: 'c2' })
  ];

  it('keeps the listed namespaces; empty keeps all', () => {
    expect(names(rows, { namespaces: ['x', ''] })).toEqual(['a', 'c']);
    expect(names(rows, { namespaces: [] })).toEqual(['a', 'b', 'c']);
  });

  it('keeps the listed clusters; empty keeps all', () => {
    expect(names(rows, { clusters: ['c2'] })).toEqual(['c']);
    expect(names(rows, { clusters: [] })).toHaveLength(3);
    expect(names(rows, { clusters: ['c1'], namespaces: ['y'] })).toEqual(['b']);
  });
});

describe('field predicates', () => {
  const rows = [
    row('a', { cells: { phase: 'Running', restarts: 0, ready: true } }),
    row('b', { cells: { phase: 'Failed', restarts: 5 } }),
    row('c', { cells: { phase: null, restarts: 12 } }),
    row('d', { cells: { restarts: Number.NaN }, creationTimestamp: '2025-06-01T00:00:00Z' })
  ];
  const f = (
    column: string,
    op: '=' | '!=' | '<' | '>' | 'contains',
    value: string | number | boolean | null
  ) => names(rows, { fields: [{ column, op, value }] });

  it('= and != compare values, a numeric string equal to the number', () => {
    expect(f('phase', '=', 'Running')).toEqual(['a']);
    expect(f('phase', '!=', 'Running')).toEqual(['b', 'c', 'd']);
    expect(f('restarts', '=', 5)).toEqual(['b']);
    expect(f('restarts', '=', '5')).toEqual(['b']);
    expect(f('ready', '=', 'true')).toEqual(['a']);
  });

  it('= null matches missing, null and NaN cells', () => {
    expect(f('phase', '=', null)).toEqual(['c', 'd']);
    expect(f('restarts', '=', null)).toEqual(['d']);
    expect(f('phase', '!=', null)).toEqual(['a', 'b']);
  });

  it('< and > order numbers numerically and never match missing cells', () => {
    expect(f('restarts', '>', 4)).toEqual(['b', 'c']);
    expect(f('restarts', '>', '4')).toEqual(['b', 'c']);
    expect(f('restarts', '<', 10)).toEqual(['a', 'b']);
    expect(f('phase', '<', 'Pending')).toEqual(['b']);
    expect(f('restarts', '<', null)).toEqual([]);
  });

  it('compares built-in columns such as creationTimestamp and name', () => {
    expect(f('creationTimestamp', '>', '2025-01-01')).toEqual(['d']);
    expect(f('name', '=', 'c')).toEqual(['c']);
  });

  it('contains is a case-insensitive substring of the text form', () => {
    expect(f('phase', 'contains', 'ail')).toEqual(['b']);
    expect(f('phase', 'contains', 'RUN')).toEqual(['a']);
    expect(f('restarts', 'contains', 1)).toEqual(['c']);
    expect(f('phase', 'contains', null)).toEqual([]);
  });

  it('ANDs every predicate with the other parts of the filter', () => {
    expect(
      names(rows, {
        fields: [
          { column: 'restarts', op: '>', value: 1 },
          { column: 'phase', op: '!=', value: 'Failed' }
        ]
      })
    ).toEqual(['c']);
    expect(names(rows, { text: 'fail', fields: [{ column: 'restarts', op: '<', value: 3 }] })).toEqual([]);
  });

  it('rejects an unknown operator', () => {
    expect(() => compileFilter({ fields: [{ column: 'x', op: '~' as unknown as '=', value: 'y' }] })).toThrow(
      FilterError
    );
  });
});
