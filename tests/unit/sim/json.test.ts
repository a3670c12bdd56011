import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonEqual, jsonEqualIgnoringKeyOrder } from '$lib/sim/json';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const LEAVES = [null, true, false, 0, 1, -0, NaN, Infinity, undefined, 'a', 'b', ''];
const KEYS = ['a', 'b', 'c'];

// Small alphabets make equal pairs common, not just different ones.
const doc = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(...LEAVES),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 })
  )
})).value;

/** Documents one edit away from `v`: a leaf replaced, a key renamed, keys reordered, an item dropped. */
function nearMisses(v: unknown): unknown[] {
  if (Array.isArray(v)) {
    const out: unknown[] = [v.slice(1)];
    v.forEach((item, i) => {
      for (const m of nearMisses(item)) out.push(v.map((x, j) => (j === i ? m : x)));
    });
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    const out: unknown[] = [Object.fromEntries([...entries].reverse())];
    entries.forEach(([key, item], i) => {
      const replace = (k: string, x: unknown) =>
        Object.fromEntries(entries.map((e, j) => (j === i ? [k, x] : e)));
      for (const k of KEYS) if (k !== key) out.push(replace(k, item));
      for (const m of nearMisses(item)) out.push(replace(key, m));
    });
    return out;
  }
  return LEAVES.filter((l) => !Object.is(l, v));
}

describe('jsonEqual', () => {
  it('agrees with comparing JSON.stringify output, for random pairs and for near misses', () => {
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        expect(jsonEqual(a, b)).toBe(same(a, b));
        expect(jsonEqual(a, structuredClone(a))).toBe(true);
        for (const m of nearMisses(a)) {
          expect(jsonEqual(a, m)).toBe(same(a, m));
          expect(jsonEqual(m, a)).toBe(same(m, a));
        }
      }),
      { numRuns: 1000 }
    );
  });

  it('counts key order and skips what JSON leaves out, as the serialized text does', () => {
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(jsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual([undefined], [null])).toBe(true);
    expect(jsonEqual({ t: new Date(0) }, { t: '1970-01-01T00:00:00.000Z' })).toBe(true);
    expect(jsonEqual({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(jsonEqual(undefined, null)).toBe(false);
    expect(jsonEqual(undefined, undefined)).toBe(true);
  });
});

/** `v` with the keys of every object sorted: serializes alike for documents that differ only in key order. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((key) => [key, sortedKeys(o[key])])
  );
}

describe('jsonEqualIgnoringKeyOrder', () => {
  const sameData = (a: unknown, b: unknown) => same(sortedKeys(a), sortedKeys(b));

  it('agrees with comparing the JSON.stringify output of key-sorted documents', () => {
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        expect(jsonEqualIgnoringKeyOrder(a, b)).toBe(sameData(a, b));
        for (const m of nearMisses(a)) {
          expect(jsonEqualIgnoringKeyOrder(a, m)).toBe(sameData(a, m));
          expect(jsonEqualIgnoringKeyOrder(m, a)).toBe(sameData(m, a));
        }
      }),
      { numRuns: 1000 }
    );
  });

  it('ignores key order, and otherwise compares as jsonEqual does', () => {
    expect(jsonEqualIgnoringKeyOrder({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(jsonEqualIgnoringKeyOrder([{ a: 1, b: 2 }], [{ b: 2, a: 1 }])).toBe(true);
    expect(jsonEqualIgnoringKeyOrder([1, 2], [2, 1])).toBe(false);
    expect(jsonEqualIgnoringKeyOrder({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqualIgnoringKeyOrder({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqualIgnoringKeyOrder({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqualIgnoringKeyOrder(undefined, null)).toBe(false);
  });
});
