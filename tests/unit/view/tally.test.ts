/**
 * The Tally against a model: after any sequence of upserts, removes and source replacements, the
 * result equals counting (and summing) the model's matching rows from scratch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tally, type TallyResult } from '$lib/view/tally';
import type { Row } from '$lib/watch/row';
import { testRow } from '../../support/rows';
import { applySinkOp, sinkOpArb, type ModelRows } from '../../support/sink-ops';

const nameArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const rowArb: fc.Arbitrary<Row> = fc
  .record({
    name: nameArb,
    namespace: fc.constantFrom('web', 'db'),
    phase: fc.constantFrom('Running', 'Pending', 'Failed', null),
    restarts: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(null))
  })
  .map(({ name, namespace, phase, restarts }) => testRow(name, { phase, restarts }, { namespace }));
const opArb = sinkOpArb(rowArb);

function model(rows: ModelRows, namespace: string | undefined): TallyResult {
  const groups: TallyResult['groups'] = {};
  let total = 0;
  for (const { row } of rows.values()) {
    if (namespace && row.namespace !== namespace) continue;
    total++;
    const name = String(row.cells.phase ?? '');
    const g = (groups[name] ??= { count: 0, sums: { restarts: 0 } });
    g.count++;
    g.sums.restarts += typeof row.cells.restarts === 'number' ? row.cells.restarts : 0;
  }
  return { total, groups };
}

describe('Tally', () => {
  it('equals counting the matching rows from scratch after any changes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.constantFrom(undefined, 'web'), (ops, ns) => {
        const tally = new Tally({
          groupBy: 'phase',
          sums: ['restarts'],
          filter: ns ? { namespaces: [ns] } : {}
        });
        const rows: ModelRows = new Map();
        for (const op of ops) {
          applySinkOp(tally, rows, op);
          expect(tally.result()).toEqual(model(rows, ns));
        }
      })
    );
  });

  it('flushes only after a change', () => {
    const tally = new Tally({ groupBy: 'phase' });
    let dirty = 0;
    tally.onDirty(() => dirty++);
    expect(tally.flush()).toEqual({ total: 0, groups: {} });
    expect(tally.flush()).toBeNull();
    tally.upsert(testRow('a', { phase: 'Running' }));
    expect(dirty).toBe(1);
    expect(tally.flush()).toEqual({ total: 1, groups: { Running: { count: 1, sums: {} } } });
    tally.upsert(testRow('a', { phase: 'Running' }));
    expect(tally.flush()?.total).toBe(1);
  });
});
