/**
 * Random changes to a RowSink (upserts, removes, whole-source replacements) for property tests, and
 * their effect on a model: the rows by key, each with the source that sent it.
 */
import fc from 'fast-check';
import type { Row, RowSink } from '../../src/lib/watch/row';

export type SinkOp =
  | { type: 'upsert'; row: Row; source: string }
  | { type: 'remove'; key: string }
  | { type: 'replace'; source: string; rows: Row[] };

export type ModelRows = Map<string, { row: Row; source: string }>;

/** Ops on rows from `rowArb`; a replacement's rows come from `replaceRows` (default: up to 6). */
export function sinkOpArb(
  rowArb: fc.Arbitrary<Row>,
  replaceRows: fc.Arbitrary<Row[]> = fc.array(rowArb, { maxLength: 6 })
): fc.Arbitrary<SinkOp> {
  const sourceArb = fc.constantFrom('s1', 's2');
  return fc.oneof(
    fc.record({ type: fc.constant('upsert' as const), row: rowArb, source: sourceArb }),
    fc.record({ type: fc.constant('remove' as const), key: rowArb.map((r) => r.key) }),
    fc.record({ type: fc.constant('replace' as const), source: sourceArb, rows: replaceRows })
  );
}

/** Applies `op` to the sink under test and to the model's rows alike. */
export function applySinkOp(sink: RowSink, rows: ModelRows, op: SinkOp): void {
  if (op.type === 'upsert') {
    sink.upsert(op.row, op.source);
    rows.set(op.row.key, { row: op.row, source: op.source });
  } else if (op.type === 'remove') {
    sink.remove(op.key);
    rows.delete(op.key);
  } else {
    sink.replaceSource(op.source, op.rows);
    for (const [k, v] of [...rows]) if (v.source === op.source) rows.delete(k);
    for (const row of op.rows) rows.set(row.key, { row, source: op.source });
  }
}
