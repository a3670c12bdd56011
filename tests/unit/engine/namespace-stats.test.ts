/**
 * NamespaceStats against a model: whatever pods, workloads and events come and go, each namespace
 * row the view holds carries exactly the counts a from-scratch count of the inputs gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NAMESPACE_STATS, NamespaceStats } from '$lib/engine/namespace-stats';
import type { Row, RowSink } from '$lib/watch/row';
import { testRow } from '../../support/rows';

class MapSink implements RowSink {
  rows = new Map<string, Row>();
  replaceSource(_source: string, rows: readonly Row[]) {
    this.rows = new Map(rows.map((r) => [r.key, r]));
  }
  upsert(row: Row) {
    this.rows.set(row.key, row);
  }
  remove(key: string) {
    this.rows.delete(key);
  }
}

const NAMESPACES = ['web', 'db', 'ops'];
const namespaceRow = (name: string) =>
  testRow(name, { status: 'Active' }, { namespace: '', key: `c1//${name}` });

type Op =
  | { type: 'pod'; name: string; namespace: string; unhealthy: 0 | 1 }
  | { type: 'deletePod'; name: string; namespace: string }
  | { type: 'event'; name: string; namespace: string; warning: boolean }
  | { type: 'deployment'; name: string; namespace: string };

const ns = fc.constantFrom(...NAMESPACES);
const name = fc.constantFrom('a', 'b', 'c');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    type: fc.constant('pod' as const),
    name,
    namespace: ns,
    unhealthy: fc.constantFrom(0 as const, 1 as const)
  }),
  fc.record({ type: fc.constant('deletePod' as const), name, namespace: ns }),
  fc.record({ type: fc.constant('event' as const), name, namespace: ns, warning: fc.boolean() }),
  fc.record({ type: fc.constant('deployment' as const), name, namespace: ns })
);

describe('NamespaceStats', () => {
  it('gives every namespace row the counts of its pods, unhealthy pods, workloads and warnings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
        const sink = new MapSink();
        const stats = new NamespaceStats(sink);
        const tallies = new Map(NAMESPACE_STATS.map((s) => [s.cell, stats.tally(s, 'c1')]));
        stats.replaceSource('ns', NAMESPACES.map(namespaceRow));
        const pods = new Map<string, Row>();
        const events = new Map<string, Row>();
        const deployments = new Map<string, Row>();
        for (const op of ops) {
          if (op.type === 'pod') {
            const row = testRow(op.name, { unhealthy: op.unhealthy }, { namespace: op.namespace });
            pods.set(row.key, row);
            tallies.get('pods')!.upsert(row, 'p');
            tallies.get('unhealthy')!.upsert(row, 'p');
          } else if (op.type === 'deletePod') {
            const key = `c1/${op.namespace}/${op.name}`;
            pods.delete(key);
            tallies.get('pods')!.remove(key);
            tallies.get('unhealthy')!.remove(key);
          } else if (op.type === 'event') {
            const row = testRow(
              op.name,
              { type: op.warning ? 'Warning' : 'Normal' },
              { namespace: op.namespace }
            );
            events.set(row.key, row);
            tallies.get('warnings')!.upsert(row, 'e');
          } else {
            const row = testRow(op.name, {}, { namespace: op.namespace });
            deployments.set(row.key, row);
            tallies.get('deployments')!.upsert(row, 'd');
          }
        }
        await Promise.resolve();
        await Promise.resolve();
        for (const namespace of NAMESPACES) {
          const inNs = (m: Map<string, Row>) => [...m.values()].filter((r) => r.namespace === namespace);
          const cells = sink.rows.get(`c1//${namespace}`)!.cells;
          expect(cells.status).toBe('Active');
          expect(cells.pods).toBe(inNs(pods).length);
          expect(cells.unhealthy).toBe(inNs(pods).filter((r) => r.cells.unhealthy === 1).length);
          expect(cells.warnings).toBe(inNs(events).filter((r) => r.cells.type === 'Warning').length);
          expect(cells.deployments).toBe(inNs(deployments).length);
          expect(cells.workloads).toBe(inNs(deployments).length);
        }
      })
    );
  });
});
