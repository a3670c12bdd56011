/**
 * Small helpers the kind projections share: column lists, short list cells, label selectors as
 * strings. Projections run for every watch event in the worker, so these stay allocation-light:
 * no regexes built per call, no serialising of whole objects.
 */
import type { Cell } from '../watch/row';
import type { ColumnDef, ColumnFormat, KindDef, Section } from './types';
import type { Obj } from '../kube/types';

/** Cells stay small: a list cell stops growing past this many characters. */
export const MAX_CELL = 200;

/** `s` cut to MAX_CELL characters, with an ellipsis when cut. */
export function clip(s: string): string {
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}

/** Items joined with `sep`, stopping (with an ellipsis) once the text passes MAX_CELL. */
export function joinList(items: Iterable<string>, sep = ', '): string {
  let out = '';
  for (const item of items) {
    if (item === '') continue;
    const next = out === '' ? item : out + sep + item;
    if (next.length > MAX_CELL) return clip(next);
    out = next;
  }
  return out;
}

/** The distinct values of `items`, in first-seen order. */
export function unique(items: Iterable<string>): string[] {
  return [...new Set(items)];
}

export function col(
  id: string,
  label: string,
  format?: ColumnFormat,
  extra: Partial<ColumnDef> = {}
): ColumnDef {
  return format ? { id, label, format, ...extra } : { id, label, ...extra };
}

/** The columns every kind starts and ends with: cluster (hidden), name, namespace, …, age. */
export function columns(namespaced: boolean, middle: ColumnDef[]): ColumnDef[] {
  return [
    col('cluster', 'Cluster', 'text', { hidden: true }),
    col('name', 'Name'),
    ...(namespaced ? [col('namespace', 'Namespace', 'text', { link: 'namespace' })] : []),
    ...middle,
    col('creationTimestamp', 'Age', 'age', { description: 'Time since the object was created' })
  ];
}

/** A `matchLabels` map in selector syntax: `app=web,tier=front`. */
export function mapSelector(labels: Record<string, string> | undefined | null): string {
  if (!labels) return '';
  let out = '';
  for (const k in labels) out += (out === '' ? '' : ',') + `${k}=${labels[k]}`;
  return out;
}

/**
 * A metav1.LabelSelector in selector syntax (what `?labelSelector=` takes): matchLabels, then
 * matchExpressions as `k in (a,b)`, `k notin (a)`, `k`, `!k`. Null when there is no selector,
 * '' for the empty selector (which selects everything).
 */
export function labelSelector(sel: Obj | undefined | null): string | null {
  if (!sel) return null;
  let out = mapSelector(sel.matchLabels);
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    let term: string;
    const values = ((e.values ?? []) as string[]).join(',');
    if (e.operator === 'In') term = `${e.key} in (${values})`;
    else if (e.operator === 'NotIn') term = `${e.key} notin (${values})`;
    else if (e.operator === 'Exists') term = e.key;
    else if (e.operator === 'DoesNotExist') term = `!${e.key}`;
    else continue;
    out += (out === '' ? '' : ',') + term;
  }
  return out;
}

/** The distinct images of a pod spec's containers (init containers included). */
export function podImages(spec: Obj | undefined): string {
  if (!spec) return '';
  const images: string[] = [];
  for (const c of (spec.initContainers ?? []) as Obj[]) if (c.image) images.push(c.image);
  for (const c of (spec.containers ?? []) as Obj[]) if (c.image) images.push(c.image);
  return joinList(unique(images));
}

/** The status ('True'/'False'/'Unknown') of the condition of `type`, or null. */
export function conditionStatus(conditions: Obj[] | undefined, type: string): string | null {
  if (!conditions) return null;
  for (const c of conditions) if (c.type === type) return c.status ?? null;
  return null;
}

export function keyCount(o: Obj | undefined | null): number {
  if (!o) return 0;
  let n = 0;
  for (const _ in o) n++;
  return n;
}

export function keyNames(...maps: (Obj | undefined | null)[]): string {
  const names: string[] = [];
  for (const m of maps) if (m) for (const k in m) names.push(k);
  return joinList(names.sort());
}

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP'
};

/** Access modes as kubectl abbreviates them: `RWO,ROX`. */
export function accessModes(modes: string[] | undefined): string {
  return (modes ?? []).map((m) => ACCESS_MODES[m] ?? m).join(',');
}

/** The `Kind/name` (or `Kind/namespace/name` for service accounts) of RBAC subjects. */
export function rbacSubjects(subjects: Obj[] | undefined): string {
  return joinList(
    (subjects ?? []).map((s) =>
      s.kind === 'ServiceAccount' ? `ServiceAccount/${s.namespace ?? ''}/${s.name}` : `${s.kind}/${s.name}`
    )
  );
}

/** An object reference as `Kind/name`. */
export function refText(kind: string | undefined, name: string | undefined): string | null {
  if (!name) return null;
  return kind ? `${kind}/${name}` : name;
}

/** A KindDef; the id is spelled as kubectl spells resources (`plural.group`, or `plural` in core). */
export function kind(
  section: Section,
  group: string,
  version: string,
  plural: string,
  kindName: string,
  title: string,
  namespaced: boolean,
  middle: ColumnDef[],
  cells?: (o: Obj) => Record<string, Cell>
): KindDef {
  return {
    id: group ? `${plural}.${group}` : plural,
    resource: { group, version, plural, kind: kindName, namespaced },
    title,
    section,
    columns: columns(namespaced, middle),
    cells
  };
}
