/**
 * Comparing Kubernetes resourceVersions the way KEP-5504 allows: kube-apiserver's resourceVersions
 * of one resource type are decimal integers without leading zeros, so a longer string is a greater
 * number and strings of equal length compare in code-unit order. Never `parseInt`: values can
 * exceed 2^53. Anything else (aggregated API servers may use opaque strings) is compared only for
 * equality, and the caller falls back to arrival order.
 */

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Whether `rv` is a well-formed, comparable (decimal, no leading zeros) resourceVersion. */
export function isComparableResourceVersion(rv: string): boolean {
  return DECIMAL.test(rv);
}

/**
 * -1, 0 or 1 as `a` is older than, the same as, or newer than `b`; undefined when the two cannot be
 * ordered (either is not a well-formed decimal). Equal strings are always 0, comparable or not.
 */
export function compareResourceVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  if (a === b) return 0;
  if (!DECIMAL.test(a) || !DECIMAL.test(b)) return undefined;
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : 1;
}

/**
 * The newer of two resourceVersions. When they cannot be ordered, `b` wins: it is taken to be the
 * one that arrived later.
 */
export function newerResourceVersion(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareResourceVersions(a, b) === 1 ? a : b;
}
