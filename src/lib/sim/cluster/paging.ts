/** List paging: continue tokens, the resourceVersion parameter, and searching the sorted keys. */
import { ApiError } from '../../kube/types';
import { badContinue } from './errors';

/** What a continue token carries: the list's resourceVersion, the last key served, when it was made. */
export interface ContinueToken {
  rv: number;
  after: string;
  at: number;
}

export function encodeToken(t: ContinueToken): string {
  return btoa(JSON.stringify(t));
}

export function decodeToken(s: string): ContinueToken {
  try {
    const t = JSON.parse(atob(s));
    if (typeof t.rv === 'number' && typeof t.after === 'string' && typeof t.at === 'number') return t;
  } catch {
    // fall through to the error the real server gives
  }
  throw badContinue();
}

/** KEP-5504 order for our own (numeric) resourceVersions. */
export function parseRv(rv: string | undefined, what = 'resourceVersion'): number | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  if (!/^\d+$/.test(rv)) throw new ApiError(400, 'BadRequest', `invalid ${what}: ${rv}`);
  return Number(rv);
}

/** The first position in sorted `keys` from which `past(key)` holds (it then holds for every later key). */
function partitionPoint(keys: string[], past: (key: string) => boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (past(keys[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first position in sorted `keys` whose key is at or after `k`. */
export const lowerBound = (keys: string[], k: string) => partitionPoint(keys, (key) => key >= k);

/** The first position in sorted `keys` whose key is after `k`. */
export const upperBound = (keys: string[], k: string) => partitionPoint(keys, (key) => key > k);
