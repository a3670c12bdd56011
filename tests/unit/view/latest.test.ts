/**
 * LatestPerGroup against a model: after any changes, the rows passed on are exactly the newest row
 * of each group (highest order value, ties to the larger key), each with its latest content.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatestPerGroup } from '$lib/view/latest';
import type { Row, RowSink } from '$lib/watch/row';
import { testRow } from '../../support/rows';
import { applySinkOp, sinkOpArb, type ModelRows } from '../../support/sink-ops';

class MapSink implements RowSink {
  rows = new Map<string, Row>();
  replaceSource(): void {
    throw new Error('LatestPerGroup passes rows on one by one');
  }
  upsert(row: Row) {
    this.rows.set(row.key, row);
  }
  remove(key: string) {
    if (!this.rows.delete(key)) throw new Error(`removed ${key}, which it never passed on`);
  }
}

const rowArb: fc.Arbitrary<Row> = fc
  .record({
    secret: fc.constantFrom('v1', 'v2', 'v3', 'v4'),
    release: fc.constantFrom('web', 'db'),
    namespace: fc.constantFrom('a', 'b'),
    revision: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(null)),
    status: fc.constantFrom('deployed', 'failed', 'superseded')
  })
  .map(({ secret, release, namespace, revision, status }) =>
    testRow(`${release}.${secret}`, { release, revision, status }, { namespace })
  );
const opArb = sinkOpArb(rowArb, fc.uniqueArray(rowArb, { maxLength: 6, selector: (r) => r.key }));

function model(rows: Map<string, Row>): Map<string, Row> {
  const best = new Map<string, Row>();
  for (const row of rows.values()) {
    const group = `${row.namespace}/${row.cells.release}`;
    const b = best.get(group);
    const rank = (r: Row) => (typeof r.cells.revision === 'number' ? r.cells.revision : -1);
    if (!b || rank(row) > rank(b) || (rank(row) === rank(b) && row.key > b.key)) best.set(group, row);
  }
  return new Map([...best.values()].map((r) => [r.key, r]));
}

describe('LatestPerGroup', () => {
  it('passes on exactly the newest row of each group', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const sink = new MapSink();
        const latest = new LatestPerGroup({ group: ['namespace', 'release'], order: 'revision' }, sink);
        const rows: ModelRows = new Map();
        for (const op of ops) {
          applySinkOp(latest, rows, op);
          const expected = model(new Map([...rows].map(([k, v]) => [k, v.row])));
          expect(new Map([...sink.rows].sort())).toEqual(new Map([...expected].sort()));
        }
      })
    );
  });
});
