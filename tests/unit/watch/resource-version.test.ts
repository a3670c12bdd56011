import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareResourceVersions,
  isComparableResourceVersion,
  newerResourceVersion
} from '$lib/watch/resource-version';

/** Decimal resourceVersions, including ones far beyond 2^53. */
const decimal = fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String);

describe('compareResourceVersions (KEP-5504)', () => {
  it('orders by length first, then by string', () => {
    expect(compareResourceVersions('9', '10')).toBe(-1);
    expect(compareResourceVersions('10', '9')).toBe(1);
    expect(compareResourceVersions('123', '124')).toBe(-1);
    expect(compareResourceVersions('124', '124')).toBe(0);
    expect(compareResourceVersions('0', '1')).toBe(-1);
  });

  it('orders values parseInt cannot tell apart', () => {
    const a = '9007199254740993'; // 2^53 + 1
    const b = '9007199254740992'; // 2^53
    expect(Number(a)).toBe(Number(b));
    expect(compareResourceVersions(a, b)).toBe(1);
    expect(compareResourceVersions(b, a)).toBe(-1);
  });

  it('compares non-decimal resourceVersions for equality only', () => {
    expect(compareResourceVersions('abc', 'abc')).toBe(0);
    expect(compareResourceVersions('abc', 'abd')).toBeUndefined();
    expect(compareResourceVersions('12', 'x12')).toBeUndefined();
    // Leading zeros, signs, blanks and the empty string are not well-formed.
    expect(compareResourceVersions('012', '13')).toBeUndefined();
    expect(compareResourceVersions('-1', '1')).toBeUndefined();
    expect(compareResourceVersions('', '1')).toBeUndefined();
    expect(compareResourceVersions(' 1', '2')).toBeUndefined();
    expect(isComparableResourceVersion('0')).toBe(true);
    expect(isComparableResourceVersion('00')).toBe(false);
    expect(isComparableResourceVersion('1e3')).toBe(false);
  });

  it('agrees with BigInt order on every pair of decimals (property)', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const expected = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
        expect(compareResourceVersions(a, b)).toBe(expected);
        expect(compareResourceVersions(b, a)).toBe(-expected || 0);
      }),
      { numRuns: 1000 }
    );
  });

  it('picks the newer resourceVersion, or the later-arrived one when they cannot be ordered', () => {
    expect(newerResourceVersion('10', '9')).toBe('10');
    expect(newerResourceVersion('9', '10')).toBe('10');
    expect(newerResourceVersion(undefined, '3')).toBe('3');
    expect(newerResourceVersion('3', undefined)).toBe('3');
    expect(newerResourceVersion('a', 'b')).toBe('b');
    expect(newerResourceVersion('b', 'a')).toBe('a');
  });
});
