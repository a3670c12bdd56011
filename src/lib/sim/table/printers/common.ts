/**
 * What the printers share: cell formatting as kubectl's printers do it, common columns, the Printer
 * shape, and the row shape most kinds print (Name, the kind's columns, Age, then any after Age).
 */
import type { TableColumnDefinition, TableRowCondition } from '../types';
import type { Obj } from '../../../kube/types';
import { since } from '../../../kube/time';

/** labels.FormatLabels: sorted `k=v` pairs, "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key; "" for nil or empty. */
export function selectorToString(selector: Obj | undefined | null): string {
  if (!selector) return '';
  const reqs: [string, string][] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...new Set<string>(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') reqs.push([e.key, `${e.key} in (${values})`]);
    else if (e.operator === 'NotIn') reqs.push([e.key, `${e.key} notin (${values})`]);
    else if (e.operator === 'Exists') reqs.push([e.key, e.key]);
    else if (e.operator === 'DoesNotExist') reqs.push([e.key, `!${e.key}`]);
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((r) => r[1])
    .join(',');
}

/** metav1.FormatLabelSelector: like selectorToString, "<none>" when it prints empty. */
export function formatLabelSelector(selector: Obj | undefined | null): string {
  return selectorToString(selector) || '<none>';
}

export function containerCells(containers: Obj[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** The wide cells of a kind that runs a pod template: its containers, images and pod selector. */
export function podTemplateCells(template: Obj | undefined, selector: string): [string, string, string] {
  return [...containerCells(template?.spec?.containers), selector];
}

/** `a,b,c + N more...` with at most `max` shown; `empty` when there is nothing. */
export function listWithMore(items: string[], max: number, empty: string): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

export function accessModes(modes: string[] | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

export function intOrString(v: unknown): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

export function boolPtr(v: unknown): string {
  return v === undefined || v === null ? '<unset>' : v ? 'True' : 'False';
}

/** LoadBalancer ingress points: sorted unique IPs or hostnames, comma separated. */
export function loadBalancerString(status: Obj | undefined): string {
  const set = new Set<string>();
  for (const i of status?.ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}

export const DOC_NAME =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const DOC_AGE =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function col(name: string, description: string, type = 'string', priority = 0): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}
export const NAME_COL: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: DOC_NAME,
  priority: 0
};
export const AGE_COL = col('Age', DOC_AGE);
export const CONTAINERS_COL = col('Containers', 'Names of each container in the template.', 'string', 1);
export const IMAGES_COL = col('Images', 'Images referenced by each container in the template.', 'string', 1);
export const selectorCol = (what: string) =>
  col(
    'Selector',
    `A label query over ${what}. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors`,
    'string',
    1
  );

/** The wide columns of a kind that runs a pod template (see podTemplateCells). */
export const POD_TEMPLATE_COLS = [CONTAINERS_COL, IMAGES_COL, selectorCol('pods')];

export interface Printer {
  columns: TableColumnDefinition[];
  cells(o: Obj, now: number): unknown[];
  conditions?(o: Obj): TableRowCondition[] | undefined;
}

/** A kind that prints the common row shape: what it adds around the Name and Age cells. */
export interface NamedRowKind {
  /** The columns between Name and Age. */
  columns: TableColumnDefinition[];
  /** The columns after Age (mostly wide ones). */
  afterAge?: TableColumnDefinition[];
  /** The cells of `columns`, then those of `afterAge`, in order. */
  cells(o: Obj, now: number): unknown[];
  /** The Name cell, when it is more than the name. */
  name?(o: Obj): string;
  conditions?(o: Obj): TableRowCondition[] | undefined;
}

/** The printer of a kind with the common row shape: Name, its columns, Age, its columns after Age. */
export function namedRowPrinter(kind: NamedRowKind): Printer {
  const beforeAge = kind.columns.length;
  const printer: Printer = {
    columns: [NAME_COL, ...kind.columns, AGE_COL, ...(kind.afterAge ?? [])],
    cells(o, now) {
      const own = kind.cells(o, now);
      return [
        kind.name ? kind.name(o) : o.metadata.name,
        ...own.slice(0, beforeAge),
        since(o.metadata.creationTimestamp, now),
        ...own.slice(beforeAge)
      ];
    }
  };
  if (kind.conditions) printer.conditions = kind.conditions;
  return printer;
}
