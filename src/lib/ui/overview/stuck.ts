/**
 * "Stuck deleting": objects whose deletion began more than five minutes ago, which means a
 * finalizer is holding them. The overview's filter compares each row's `deleting` cell (its
 * deletionTimestamp) with a cut-off that moves with the clock, so an object that starts deleting
 * while the page is open shows up once its five minutes are over.
 */
import type { FieldPredicate } from '$lib/view/types';

/** Deleting for longer than this counts as stuck. */
export const STUCK_DELETING_MS = 5 * 60_000;

/**
 * How often the cut-off moves. The filter runs in the engine over every row of the kind, so it
 * changes in steps rather than every second: a stuck object shows up at most one step late.
 */
export const STUCK_STEP_MS = 30_000;

/** The cut-off at `now` (ms since the epoch): rows deleting since before it are stuck. */
export function stuckDeletingCutoff(now: number): string {
  const cutoff = Math.floor((now - STUCK_DELETING_MS) / STUCK_STEP_MS) * STUCK_STEP_MS;
  return new Date(cutoff).toISOString();
}

/** The filter fields of objects that started deleting before `cutoff` (an ISO timestamp). */
export function deletingBefore(cutoff: string): FieldPredicate[] {
  return [{ column: 'deleting', op: '<', value: cutoff }];
}
