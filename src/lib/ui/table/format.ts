/**
 * How a table shows one cell: its value from the row (the same accessor the engine sorts and
 * filters with, so what is shown is what is sorted), its text, its status tone and its link.
 */
import { kindOf, KINDS } from '$lib/kinds/catalog';
import type { ColumnDef, KindDef } from '$lib/kinds/types';
import { statusTone, type Tone } from '$lib/kinds/tone';
import { humanDuration, timeOf } from '$lib/kube/time';
import { listHref, objectHref } from '$lib/nav/links';
import { columnGetter, type CellGetter } from '$lib/view/sort';
import type { Cell, Row } from '$lib/watch/row';
import { formatCpu, formatMemory, formatPercent } from '$lib/metrics/units';

const getters = new Map<string, CellGetter>();

/** The value of column `id` in `row`: a row field (name, namespace, cluster, creationTimestamp) or a cell. */
export function cellValue(row: Row, id: string): Cell {
  let get = getters.get(id);
  if (!get) getters.set(id, (get = columnGetter(id)));
  return get(row);
}

/** kubectl's age of a timestamp at `now` ("45s", "3m12s", "2h5m", "4d"); '' when there is none. */
export function ageText(value: Cell, now: number): string {
  const t = timeOf(value);
  return t === undefined ? '' : humanDuration(now - t);
}

/** The text of a cell as the table shows it. */
export function cellText(column: ColumnDef, value: Cell, now: number): string {
  if (value === null || value === undefined) return '';
  if (column.format === 'age') return ageText(value, now);
  if (typeof value === 'number') {
    if (column.format === 'cpu') return formatCpu(value);
    if (column.format === 'memory') return formatMemory(value);
    if (column.format === 'percent') return formatPercent(value);
  }
  return String(value);
}

export function cellTone(column: ColumnDef, value: Cell): Tone | undefined {
  return column.format === 'status' ? statusTone(value) : undefined;
}

/** Numbers line up on the right. */
export function isNumeric(column: ColumnDef): boolean {
  return (
    column.format === 'number' ||
    column.format === 'cpu' ||
    column.format === 'memory' ||
    column.format === 'percent'
  );
}

/** CPU and memory cells draw their value with its share and a sparkline (UsageCell). */
export function isUsage(column: ColumnDef): boolean {
  return column.format === 'cpu' || column.format === 'memory';
}

/**
 * Where a linked cell points: a namespace to this kind's table in that namespace, a node to its
 * details, an owner (`Kind/name`) to the owner's details when `ownerKind` knows the kind.
 */
export function cellHref(
  column: ColumnDef,
  row: Row,
  value: Cell,
  kindId: string,
  ownerKind: (kind: string) => Pick<KindDef, 'id' | 'resource'> | undefined
): string | undefined {
  if (!column.link || value === null || value === '') return undefined;
  const text = String(value);
  switch (column.link) {
    case 'namespace':
      return listHref(kindId, { ns: text });
    case 'node':
      return objectHref(row.cluster, 'nodes', undefined, text);
    case 'owner': {
      const slash = text.indexOf('/');
      if (slash <= 0) return undefined;
      const owner = ownerKind(text.slice(0, slash));
      if (!owner) return undefined;
      // A cluster-scoped owner (a Node owning a mirror pod) has no namespace.
      const namespace = owner.resource.namespaced ? row.namespace : undefined;
      return objectHref(row.cluster, owner.id, namespace, text.slice(slash + 1));
    }
  }
}

/**
 * The catalog kind of an owner named by kind only, as owner cells are (`ReplicaSet/web-1`): the
 * workload groups first, then the first kind of that name.
 */
export function ownerKindOf(kind: string): KindDef | undefined {
  return (
    kindOf('apps', kind) ??
    kindOf('', kind) ??
    kindOf('batch', kind) ??
    KINDS.find((k) => k.resource.kind === kind)
  );
}

/** The row's own details. */
export function rowHref(row: Row, kindId: string): string {
  return objectHref(row.cluster, kindId, row.namespace || undefined, row.name);
}
