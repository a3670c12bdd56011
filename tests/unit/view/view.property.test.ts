/**
 * The View against a model: after every flush, the main-thread state built by applying every diff
 * equals filter → stable sort → slice of all rows the model holds, and the total, every time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyWindowDiff, EMPTY_WINDOW } from '$lib/view/apply';
import { compileFilter } from '$lib/view/filter';
import type { FieldPredicate, ViewFilter, ViewSort, ViewWindow, WindowState } from '$lib/view/types';
import { View } from '$lib/view/view';
import type { Cell, Row } from '$lib/watch/row';

// --- model ------------------------------------------------------------------------------------

interface Model {
  rows: Map<string, { row: Row; source: string }>;
  filter: ViewFilter;
  sort: ViewSort;
  window: ViewWindow;
}

/** Written apart from src/lib/view/sort.ts on purpose: the model must not share the code it checks. */
function modelValue(row: Row, column: string): Cell {
  if (column === 'name' || column === 'namespace' || column === 'cluster' || column === 'creationTimestamp')
    return row[column];
  if (!Object.prototype.hasOwnProperty.call(row.cells, column)) return null;
  const v = row.cells[column];
  return typeof v === 'number' && Number.isNaN(v) ? null : v;
}

function modelWindow(model: Model): { total: number; rows: Row[] } {
  const keep = compileFilter(model.filter);
  const rank = (v: Cell) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2);
  const sign = model.sort.direction === 'asc' ? 1 : -1;
  const matching = [...model.rows.values()].map((e) => e.row).filter(keep);
  matching.sort((a, b) => {
    const va = modelValue(a, model.sort.column);
    const vb = modelValue(b, model.sort.column);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null) {
      if (rank(va) !== rank(vb)) return sign * (rank(va) - rank(vb));
      if (va < vb) return -sign;
      if (va > vb) return sign;
    }
    return a.key < b.key ? -1 : 1;
  });
  const { offset, limit } = model.window;
  return { total: matching.length, rows: matching.slice(offset, offset + limit) };
}

// --- generators -------------------------------------------------------------------------------

const clusterArb = fc.constantFrom('c1', 'c2');
const namespaceArb = fc.constantFrom('a', '');
const nameArb = fc.constantFrom('p0', 'p1', 'web', 'db');
const keyArb = fc.tuple(clusterArb, namespaceArb, nameArb).map(([c, n, p]) => `${c}/${n}/${p}`);
const missing = Symbol('missing');

const rowArb: fc.Arbitrary<Row> = fc
  .record({
    cluster: clusterArb,
    namespace: namespaceArb,
    name: nameArb,
    rv: fc.integer({ min: 1, max: 3 }),
    ts: fc.constantFrom('2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z'),
    phase: fc.constantFrom<Cell | typeof missing>('Running', 'Pending', 'Failed', null, missing),
    restarts: fc.constantFrom<Cell | typeof missing>(0, 1, 2, 10, Number.NaN, '3', null, missing),
    ready: fc.constantFrom<Cell | typeof missing>(true, false, missing),
    app: fc.constantFrom<string | typeof missing>('web', 'db', missing),
    tier: fc.constantFrom<string | typeof missing>('front', missing)
  })
  .map((r) => {
    const cells: Record<string, Cell> = {};
    if (r.phase !== missing) cells.phase = r.phase;
    if (r.restarts !== missing) cells.restarts = r.restarts;
    if (r.ready !== missing) cells.ready = r.ready;
    const labels: Record<string, string> = {};
    if (r.app !== missing) labels.app = r.app;
    if (r.tier !== missing) labels.tier = r.tier;
    const key = `${r.cluster}/${r.namespace}/${r.name}`;
    return {
      key,
      uid: `uid-${key}`,
      cluster: r.cluster,
      namespace: r.namespace,
      name: r.name,
      resourceVersion: String(r.rv),
      creationTimestamp: r.ts,
      labels,
      owners: [],
      cells
    };
  });

const fieldArb: fc.Arbitrary<FieldPredicate> = fc.record({
  column: fc.constantFrom('phase', 'restarts', 'ready', 'name', 'nope'),
  op: fc.constantFrom('=', '!=', '<', '>', 'contains'),
  value: fc.constantFrom<Cell>('Running', 1, '2', true, null, 'p')
});

const filterArb: fc.Arbitrary<ViewFilter> = fc.record(
  {
    text: fc.constantFrom('', 'p', 'RUN', 'we', '1'),
    labelSelector: fc.constantFrom(
      '',
      'app=web',
      'app!=web',
      'app in (web,db)',
      'tier notin (front)',
      '!app',
      'tier',
      'app in ('
    ),
    namespaces: fc.subarray(['a', 'b', '']),
    clusters: fc.subarray(['c1', 'c2']),
    fields: fc.array(fieldArb, { maxLength: 2 })
  },
  { requiredKeys: [] }
);

function compiles(filter: ViewFilter): boolean {
  try {
    compileFilter(filter);
    return true;
  } catch {
    return false;
  }
}

const sortArb: fc.Arbitrary<ViewSort> = fc.record({
  column: fc.constantFrom(
    'name',
    'namespace',
    'cluster',
    'creationTimestamp',
    'phase',
    'restarts',
    'ready',
    'nope'
  ),
  direction: fc.constantFrom('asc', 'desc')
});

const windowArb: fc.Arbitrary<ViewWindow> = fc.record({
  offset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 16 })),
  limit: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 20 }))
});

const sourceArb = fc.constantFrom('s1', 's2', 's3');

type Op =
  | { op: 'upsert'; row: Row; source: string }
  | { op: 'remove'; key: string }
  | { op: 'replaceSource'; source: string; rows: Row[] }
  | { op: 'setFilter'; filter: ViewFilter }
  | { op: 'setSort'; sort: ViewSort }
  | { op: 'setWindow'; window: ViewWindow }
  | { op: 'resend'; pick: number; source: string }
  | { op: 'relist'; source: string; keep: number; extra: Row[] }
  | { op: 'reset' }
  | { op: 'flush' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('upsert' as const), row: rowArb, source: sourceArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), key: keyArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('replaceSource' as const),
      source: sourceArb,
      rows: fc.array(rowArb, { maxLength: 16 })
    })
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setFilter' as const), filter: filterArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setSort' as const), sort: sortArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setWindow' as const), window: windowArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('resend' as const), pick: fc.nat(), source: sourceArb })
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('relist' as const),
      source: sourceArb,
      keep: fc.nat(),
      extra: fc.array(rowArb, { maxLength: 3 })
    })
  },
  { weight: 1, arbitrary: fc.constant({ op: 'reset' as const }) },
  { weight: 4, arbitrary: fc.constant({ op: 'flush' as const }) }
);

// --- the property -----------------------------------------------------------------------------

function applyToModel(model: Model, op: Op): void {
  switch (op.op) {
    case 'upsert':
      model.rows.set(op.row.key, { row: op.row, source: op.source });
      break;
    case 'remove':
      model.rows.delete(op.key);
      break;
    case 'replaceSource': {
      const keep = new Set(op.rows.map((r) => r.key));
      for (const [key, e] of model.rows) if (e.source === op.source && !keep.has(key)) model.rows.delete(key);
      for (const row of op.rows) model.rows.set(row.key, { row, source: op.source });
      break;
    }
    case 'setFilter':
      model.filter = op.filter;
      break;
    case 'setSort':
      model.sort = op.sort;
      break;
    case 'setWindow':
      model.window = op.window;
      break;
  }
}

/**
 * Ops that depend on what the model holds: `resend` upserts an equal copy of a held row, possibly
 * under another source; `relist` replaces a source with copies of some of its rows plus new ones.
 * Equal copies must cost nothing yet still move the row to the new source.
 */
function concrete(op: Op, model: Model): Op {
  const held = [...model.rows.values()];
  if (op.op === 'resend') {
    if (held.length === 0) return { op: 'flush' };
    return { op: 'upsert', row: structuredClone(held[op.pick % held.length].row), source: op.source };
  }
  if (op.op === 'relist') {
    const own = held.filter((e) => e.source === op.source);
    const kept = own.filter((_, i) => (op.keep >> i) % 2 === 0).map((e) => structuredClone(e.row));
    return { op: 'replaceSource', source: op.source, rows: [...kept, ...op.extra] };
  }
  return op;
}

function checkFlush(view: View, model: Model, state: WindowState): WindowState {
  const diff = view.flush();
  const next = diff ? applyWindowDiff(state, diff) : state;
  const expected = modelWindow(model);
  expect(next.rows).toEqual(expected.rows);
  expect(next.total).toBe(expected.total);
  expect({ offset: next.offset, limit: next.limit }).toEqual(model.window);
  if (diff && !diff.rows) {
    // A patch is minimal: removes are exactly the keys that left; upserts are new or changed rows.
    const before = new Map(state.rows.map((r) => [r.key, r]));
    const after = new Set(next.rows.map((r) => r.key));
    expect(diff.removes ?? []).toEqual(state.rows.map((r) => r.key).filter((k) => !after.has(k)));
    for (const { row } of diff.upserts ?? []) expect(before.get(row.key)).not.toEqual(row);
    const changed =
      diff.total !== state.total ||
      diff.offset !== state.offset ||
      diff.limit !== state.limit ||
      diff.order !== undefined ||
      diff.upserts !== undefined;
    expect(changed).toBe(true);
  }
  return next;
}

describe('View (property)', () => {
  it('diffs applied on the main thread always equal filter → sort → slice of the model', () => {
    fc.assert(
      fc.property(
        filterArb.filter(compiles),
        sortArb,
        windowArb,
        fc.integer({ min: 0, max: 6 }),
        fc.array(opArb, { maxLength: 120, size: 'max' }),
        (filter, sort, window, batchThreshold, ops) => {
          const view = new View({ filter, sort, window, batchThreshold });
          const model: Model = { rows: new Map(), filter, sort, window };
          let state: WindowState = EMPTY_WINDOW;
          for (const generated of ops) {
            const op = concrete(generated, model);
            if (op.op === 'flush') {
              state = checkFlush(view, model, state);
              continue;
            }
            if (op.op === 'reset') {
              view.reset();
              continue;
            }
            if (op.op === 'setFilter' && !compiles(op.filter)) {
              expect(() => view.setFilter(op.filter)).toThrow();
              continue;
            }
            if (op.op === 'upsert') view.upsert(op.row, op.source);
            else if (op.op === 'remove') view.remove(op.key);
            else if (op.op === 'replaceSource') view.replaceSource(op.source, op.rows);
            else if (op.op === 'setFilter') view.setFilter(op.filter);
            else if (op.op === 'setSort') view.setSort(op.sort);
            else if (op.op === 'setWindow') view.setWindow(op.window);
            applyToModel(model, op);
          }
          state = checkFlush(view, model, state);
          expect(view.size).toBe(model.rows.size);
          // Flushing again with no change in between posts nothing.
          expect(view.flush()).toBeNull();
        }
      ),
      { numRuns: 400 }
    );
  });
});
