import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ObjectStore,
  objectKey,
  type StoreChange,
  type StoreEntry,
  type StoreEvent
} from '$lib/watch/object-store';

interface Item {
  name: string;
  value: number;
}

const entry = (key: string, resourceVersion: string, value = 0): StoreEntry<Item> => ({
  key,
  resourceVersion,
  item: { name: key, value }
});

const event = (
  type: StoreEvent<Item>['type'],
  key: string,
  resourceVersion: string,
  value = 0
): StoreEvent<Item> => ({ type, ...entry(key, resourceVersion, value) });

function recorded() {
  const changes: string[] = [];
  const store = new ObjectStore<Item>({
    onChange: (c) =>
      changes.push(`${c.type} ${c.key}@${c.resourceVersion}${c.prev ? ` (was ${c.prev.value})` : ''}`)
  });
  return { store, changes };
}

function contents(store: ObjectStore<Item>): Record<string, [string, number]> {
  return Object.fromEntries(store.snapshot().map((e) => [e.key, [e.resourceVersion, e.item.value]]));
}

describe('ObjectStore', () => {
  it('keys objects by namespace/name', () => {
    expect(objectKey('prod', 'api')).toBe('prod/api');
    expect(objectKey(undefined, 'node-1')).toBe('/node-1');
  });

  it('applies a relist as a diff: adds, changes and deletes only, nothing for unchanged items', () => {
    const { store, changes } = recorded();
    store.replace([entry('a', '1', 1), entry('b', '2', 2), entry('c', '3', 3)], '10');
    changes.length = 0;
    store.beginResync();
    expect(store.resyncing).toBe(true);
    // The old items stay while the relist runs.
    expect(store.size).toBe(3);
    const result = store.replace([entry('a', '1', 1), entry('b', '12', 20), entry('d', '11', 4)], '15');
    expect(result).toEqual({ added: 1, changed: 1, deleted: 1 });
    expect(changes).toEqual(['upsert b@12 (was 2)', 'upsert d@11', 'delete c@3 (was 3)']);
    expect(store.resyncing).toBe(false);
    expect(store.resourceVersion).toBe('15');
    expect(contents(store)).toEqual({ a: ['1', 1], b: ['12', 20], d: ['11', 4] });
  });

  it('reports resync start and end once each', () => {
    const flips: boolean[] = [];
    const store = new ObjectStore<Item>({ onResync: (r) => flips.push(r) });
    store.replace([], '1');
    store.beginResync();
    store.beginResync();
    store.replace([], '2');
    expect(flips).toEqual([true, false]);
  });

  it('ignores duplicate, stale and replayed events, and deletes of unknown objects', () => {
    const { store, changes } = recorded();
    store.replace([entry('a', '5', 1)], '10');
    expect(store.apply(event('MODIFIED', 'a', '11', 2))).toBe('applied');
    expect(store.apply(event('MODIFIED', 'a', '11', 2))).toBe('duplicate');
    expect(store.apply(event('ADDED', 'b', '9', 9))).toBe('stale'); // older than the stream
    expect(store.apply(event('DELETED', 'a', '12'))).toBe('applied');
    // A replay of the object's earlier event after its delete: the stream gate stops it.
    expect(store.apply(event('MODIFIED', 'a', '11', 2))).toBe('stale');
    expect(store.apply(event('DELETED', 'x', '13'))).toBe('absent');
    expect(store.resourceVersion).toBe('13');
    expect(changes).toEqual(['upsert a@5', 'upsert a@11 (was 1)', 'delete a@12 (was 2)']);
    expect(store.size).toBe(0);
  });

  it('gates per object too: an event older than the object it would replace is dropped', () => {
    const store = new ObjectStore<Item>();
    // A cached snapshot can hold objects newer than its own resourceVersion.
    store.replace([entry('a', '20', 1)], '10');
    expect(store.apply(event('MODIFIED', 'a', '15', 2))).toBe('stale');
    expect(store.apply(event('MODIFIED', 'a', '20', 2))).toBe('duplicate');
    expect(store.get('a')).toEqual({ name: 'a', value: 1 });
    expect(store.apply(event('MODIFIED', 'a', '21', 3))).toBe('applied');
    expect(store.get('a')).toEqual({ name: 'a', value: 3 });
  });

  it('compares numeric resourceVersions by length, never as numbers', () => {
    const store = new ObjectStore<Item>();
    store.replace([], '9007199254740992');
    expect(store.apply(event('ADDED', 'a', '9007199254740993'))).toBe('applied');
    expect(store.apply(event('ADDED', 'b', '999'))).toBe('stale');
    expect(store.apply(event('ADDED', 'c', '10000000000000000'))).toBe('applied');
  });

  it('takes non-numeric resourceVersions in arrival order, dropping only exact repeats', () => {
    const store = new ObjectStore<Item>();
    store.replace([], 'x7');
    expect(store.apply(event('ADDED', 'a', 'q1', 1))).toBe('applied');
    expect(store.apply(event('ADDED', 'a', 'q1', 1))).toBe('duplicate');
    expect(store.apply(event('MODIFIED', 'a', 'b0', 2))).toBe('applied');
    expect(store.get('a')?.value).toBe(2);
    expect(store.resourceVersion).toBe('b0');
    expect(store.bookmark('zz')).toBe(true);
    expect(store.bookmark('zz')).toBe(false);
  });

  it('moves the stream forward on bookmarks only', () => {
    const store = new ObjectStore<Item>();
    store.replace([], '10');
    expect(store.bookmark('9')).toBe(false);
    expect(store.bookmark('10')).toBe(false);
    expect(store.bookmark('12')).toBe(true);
    expect(store.resourceVersion).toBe('12');
    expect(store.apply(event('ADDED', 'a', '11'))).toBe('stale');
  });

  it('lets several listeners follow changes, and stop', () => {
    const store = new ObjectStore<Item>();
    const seen: StoreChange<Item>[] = [];
    const stop = store.listen((c) => seen.push(c));
    store.replace([entry('a', '1')], '1');
    stop();
    store.apply(event('DELETED', 'a', '2'));
    expect(seen.map((c) => c.type)).toEqual(['upsert']);
    expect(store.size).toBe(0);
  });
});

// ---- model-based property ----------------------------------------------------------------------

type Op = { kind: 'put'; key: string; value: number } | { kind: 'delete'; key: string };

/** A server: applies ops in order, numbering them from a resourceVersion beyond 2^53. */
function history(ops: Op[]) {
  const base = 9007199254740000n;
  const states: Map<string, StoreEntry<Item>>[] = [new Map()];
  const events: StoreEvent<Item>[] = [];
  let state = new Map<string, StoreEntry<Item>>();
  for (const op of ops) {
    const resourceVersion = String(base + BigInt(events.length + 1));
    const current = state.get(op.key);
    if (op.kind === 'delete' && !current) continue;
    state = new Map(state);
    if (op.kind === 'put') {
      const next = { key: op.key, resourceVersion, item: { name: op.key, value: op.value } };
      state.set(op.key, next);
      events.push({ type: current ? 'MODIFIED' : 'ADDED', ...next });
    } else {
      state.delete(op.key);
      events.push({ type: 'DELETED', ...current!, resourceVersion });
    }
    states.push(state);
  }
  const rvAt = (i: number) => String(base + BigInt(i));
  return { states, events, rvAt };
}

const ops = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('put' as const),
      key: fc.constantFrom('a', 'b', 'c', 'd'),
      value: fc.nat(9)
    }),
    fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('a', 'b', 'c', 'd') })
  ),
  { maxLength: 40 }
);

function asRecord(state: Map<string, StoreEntry<Item>>): Record<string, [string, number]> {
  return Object.fromEntries([...state.values()].map((e) => [e.key, [e.resourceVersion, e.item.value]]));
}

describe('ObjectStore (property)', () => {
  it('ends at the server state from any list point, whatever duplicates and replays arrive', () => {
    fc.assert(
      fc.property(
        ops,
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
        fc.nat(),
        (operations, listAt, noise, resyncFrom) => {
          const { states, events, rvAt } = history(operations);
          const start = listAt % states.length;
          const { store } = recorded();
          // The informer's view, built from change callbacks alone.
          const followed = new Map<string, StoreEntry<Item>>();
          store.listen((c) => {
            if (c.type === 'delete') followed.delete(c.key);
            else followed.set(c.key, { key: c.key, resourceVersion: c.resourceVersion, item: c.item });
          });
          // Begin from some earlier state (a cache), then relist at `start` as a diff.
          const earlier = states[resyncFrom % states.length];
          store.replace(earlier.values(), rvAt(resyncFrom % states.length));
          store.beginResync();
          store.replace(states[start].values(), rvAt(start));
          // Deliver the events after the list in order, each followed by random re-deliveries of
          // any event seen so far (duplicates, replays), as faulty streams do.
          const noisy: StoreEvent<Item>[] = [];
          for (let i = start; i < events.length; i++) {
            noisy.push(events[i]);
            for (const [when, which] of noise)
              if (when % events.length === i) noisy.push(events[which % (i + 1)]);
          }
          for (const e of noisy) store.apply(e);
          expect(contents(store)).toEqual(asRecord(states[states.length - 1]));
          expect(asRecord(followed)).toEqual(asRecord(states[states.length - 1]));
          expect(store.resourceVersion).toBe(rvAt(events.length > start ? events.length : start));
        }
      ),
      { numRuns: 500 }
    );
  });

  it('applying the same event twice changes nothing', () => {
    fc.assert(
      fc.property(ops, fc.nat(), (operations, pick) => {
        const { states, events, rvAt } = history(operations);
        if (events.length === 0) return;
        const i = pick % events.length;
        const store = new ObjectStore<Item>();
        store.replace(states[i].values(), rvAt(i));
        store.apply(events[i]);
        const once = contents(store);
        const rv = store.resourceVersion;
        let changes = 0;
        store.listen(() => changes++);
        expect(store.apply(events[i])).not.toBe('applied');
        expect(contents(store)).toEqual(once);
        expect(store.resourceVersion).toBe(rv);
        expect(changes).toBe(0);
      }),
      { numRuns: 300 }
    );
  });

  it('reports exactly the difference on replace', () => {
    const state = fc.dictionary(
      fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      fc.tuple(fc.constantFrom('1', '2', '3'), fc.nat(5))
    );
    fc.assert(
      fc.property(state, state, (before, after) => {
        const store = new ObjectStore<Item>();
        const toEntries = (s: Record<string, [string, number]>) =>
          Object.entries(s).map(([key, [rv, value]]) => entry(key, rv, value));
        store.replace(toEntries(before), '1');
        const changes: StoreChange<Item>[] = [];
        store.listen((c) => changes.push(c));
        store.replace(toEntries(after), '2');
        const expectedKeys = new Set([
          ...Object.keys(after).filter((k) => before[k]?.[0] !== after[k][0]),
          ...Object.keys(before).filter((k) => !(k in after))
        ]);
        expect(new Set(changes.map((c) => c.key))).toEqual(expectedKeys);
        expect(changes).toHaveLength(expectedKeys.size);
        for (const c of changes) expect(c.prev === undefined).toBe(!(c.key in before));
        // Same resourceVersion means the same object: kept as it was.
        const expected = Object.fromEntries(
          Object.entries(after).map(([k, v]) => [k, before[k]?.[0] === v[0] ? before[k] : v])
        );
        expect(contents(store)).toEqual(expected);
      }),
      { numRuns: 300 }
    );
  });
});
