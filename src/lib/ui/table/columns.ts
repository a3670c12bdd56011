/**
 * Which columns a table shows: the kind's defaults (ColumnDef.hidden is off), changed by the user in
 * the column chooser and remembered per kind in localStorage under `skiff.columns.<kindId>` as the
 * user's explicit choices only, so columns the catalog adds later appear with their default.
 */
import type { ColumnDef } from '$lib/kinds/types';

/** Column id → shown (true) or hidden (false), for the columns the user changed. */
export type ColumnChoice = Record<string, boolean>;

export const storageKey = (kindId: string) => `skiff.columns.${kindId}`;

export function loadColumnChoice(kindId: string): ColumnChoice {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(storageKey(kindId)) ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const choice: ColumnChoice = {};
    for (const [id, shown] of Object.entries(parsed)) if (typeof shown === 'boolean') choice[id] = shown;
    return choice;
  } catch {
    return {};
  }
}

export function saveColumnChoice(kindId: string, choice: ColumnChoice): void {
  try {
    if (Object.keys(choice).length === 0) globalThis.localStorage?.removeItem(storageKey(kindId));
    else globalThis.localStorage?.setItem(storageKey(kindId), JSON.stringify(choice));
  } catch {
    // Private mode or a full quota: the choice lasts for this page only.
  }
}

/** The name holds the link to the object's details: it is always shown. */
export const ALWAYS_SHOWN = 'name';

/**
 * Shown by default: what the kind says, except the cluster column, which is worth its space only
 * when rows come from several clusters.
 */
export function shownByDefault(column: ColumnDef, clusterCount: number): boolean {
  if (column.id === 'cluster') return clusterCount > 1;
  return !column.hidden;
}

export function isShown(column: ColumnDef, choice: ColumnChoice, clusterCount: number): boolean {
  if (column.id === ALWAYS_SHOWN) return true;
  return choice[column.id] ?? shownByDefault(column, clusterCount);
}

/** The choice after the user toggled `column`: an entry only where it differs from the default. */
export function toggleColumn(
  choice: ColumnChoice,
  column: ColumnDef,
  shown: boolean,
  clusterCount: number
): ColumnChoice {
  const next = { ...choice };
  if (shown === shownByDefault(column, clusterCount)) delete next[column.id];
  else next[column.id] = shown;
  return next;
}
