/**
 * The overview's "stuck deleting" lists: the cut-off follows the clock, so an object that starts
 * deleting while the page is open is listed once it has been deleting for five minutes.
 */
import { describe, expect, it } from 'vitest';
import {
  deletingBefore,
  STUCK_DELETING_MS,
  STUCK_STEP_MS,
  stuckDeletingCutoff
} from '$lib/ui/overview/stuck';
import { compileFilter } from '$lib/view/filter';
import type { Row } from '$lib/watch/row';
import { testRow } from '../../../support/rows';

const MINUTE = 60_000;
/** When the overview opened. */
const opened = Date.parse('2024-05-01T12:00:00Z');
/** Kubernetes writes deletionTimestamp to the second, without milliseconds. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const deletingSince = (name: string, ms: number | null): Row =>
  testRow(name, { deleting: ms === null ? null : rfc3339(ms) });

/** The names the overview lists as stuck deleting at `now`. */
const stuckAt = (now: number, rows: Row[]) =>
  rows.filter(compileFilter({ fields: deletingBefore(stuckDeletingCutoff(now)) })).map((r) => r.name);

describe('stuck deleting', () => {
  const rows = [
    deletingSince('long-gone', opened - 20 * MINUTE),
    deletingSince('later', opened + MINUTE),
    deletingSince('alive', null)
  ];

  it('lists objects deleting for more than five minutes', () => {
    expect(stuckAt(opened, rows)).toEqual(['long-gone']);
  });

  it('lists an object that started deleting after the page opened, once its five minutes are over', () => {
    expect(stuckAt(opened + 5 * MINUTE, rows)).toEqual(['long-gone']);
    expect(stuckAt(opened + 7 * MINUTE, rows)).toEqual(['long-gone', 'later']);
  });

  it('moves the cut-off in steps, at most one step behind the clock', () => {
    for (let now = opened; now < opened + 3 * STUCK_STEP_MS; now += 1_000) {
      const cutoff = Date.parse(stuckDeletingCutoff(now));
      expect(cutoff % STUCK_STEP_MS).toBe(0);
      expect(now - STUCK_DELETING_MS - cutoff).toBeGreaterThanOrEqual(0);
      expect(now - STUCK_DELETING_MS - cutoff).toBeLessThan(STUCK_STEP_MS);
    }
  });
});
