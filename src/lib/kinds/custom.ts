/**
 * Custom resources: a KindDef made from what discovery and the CRD say. Columns are the CRD's
 * printer columns (priority > 0 starts hidden, as `kubectl get` shows them only with -o wide);
 * cells evaluate their JSONPath, keyed `pc:<column name>`.
 */
import { compileJsonPath, evaluateJsonPath, type CompiledPath } from '../kube/jsonpath';
import type { KubeObject, PrinterColumn, ResourceType } from '../kube/types';
import type { Cell } from '../watch/row';
import { clip, col, columns } from './cells';
import type { ColumnDef, ColumnFormat, KindDef } from './types';
import type { ResourceRef } from '../kube/types';
import type { Obj } from '../kube/types';

/** The id of a resource in URLs, as kubectl spells it: `pods`, `deployments.apps`. */
export function kindId(r: { group: string; plural: string }): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** A kind's plural for people: Certificate → Certificates, NetworkPolicy → NetworkPolicies. */
export function pluralTitle(kind: string): string {
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(kind)) return `${kind}es`;
  return `${kind}s`;
}

/** Printer columns whose name says they hold a status get status colours. */
const STATUS_NAMES = new Set([
  'status',
  'ready',
  'phase',
  'state',
  'health',
  'synced',
  'available',
  'programmed'
]);

function formatOf(c: PrinterColumn): ColumnFormat {
  if (c.type === 'date') return 'age';
  if (c.type === 'integer' || c.type === 'number') return 'number';
  if (c.type === 'boolean') return 'bool';
  return STATUS_NAMES.has(c.name.toLowerCase()) ? 'status' : 'text';
}

/** The columns printed by default for every custom resource, `creationTimestamp` as Age. */
function isAgeColumn(c: PrinterColumn): boolean {
  return c.type === 'date' && c.jsonPath.replace(/^\./, '') === 'metadata.creationTimestamp';
}

function scalarText(v: unknown): string {
  if (v === null) return '<none>';
  if (typeof v === 'object') return clip(JSON.stringify(v));
  return String(v);
}

/** One printer column's cell, as the apiserver's table convertor types it. */
function cellOf(type: PrinterColumn['type'], found: unknown[]): Cell {
  if (found.length === 0) return null;
  if (found.length > 1) return clip(found.map(scalarText).join(' '));
  const v = found[0];
  switch (type) {
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string' ? v : null;
    default:
      return v === null || v === undefined ? null : clip(scalarText(v));
  }
}

interface Compiled {
  key: string;
  type: PrinterColumn['type'];
  path: CompiledPath | undefined;
}

/** A cells function for these printer columns (paths compiled once; a bad path gives null cells). */
export function printerColumnCells(
  printerColumns: PrinterColumn[]
): (obj: KubeObject) => Record<string, Cell> {
  const compiled: Compiled[] = printerColumns.map((c) => {
    let path: CompiledPath | undefined;
    try {
      path = compileJsonPath(c.jsonPath);
    } catch {
      path = undefined;
    }
    return { key: `pc:${c.name}`, type: c.type, path };
  });
  return (obj) => {
    const cells: Record<string, Cell> = {};
    for (const c of compiled)
      cells[c.key] = c.path ? cellOf(c.type, evaluateJsonPath(c.path, obj as Obj)) : null;
    return cells;
  };
}

/** The KindDef of a custom resource (or any resource the catalog does not know). */
export function customKind(rt: ResourceType | (ResourceRef & { printerColumns?: PrinterColumn[] })): KindDef {
  const printerColumns = (rt.printerColumns ?? []).filter((c) => !isAgeColumn(c));
  const middle: ColumnDef[] = printerColumns.map((c) =>
    col(`pc:${c.name}`, c.name, formatOf(c), {
      ...((c.priority ?? 0) > 0 ? { hidden: true } : {}),
      ...(c.description ? { description: c.description } : {})
    })
  );
  return {
    id: kindId(rt),
    resource: {
      group: rt.group,
      version: rt.version,
      plural: rt.plural,
      kind: rt.kind,
      namespaced: rt.namespaced,
      ...(printerColumns.length ? { printerColumns } : {})
    },
    title: pluralTitle(rt.kind),
    section: 'Custom',
    columns: columns(rt.namespaced, middle),
    cells: printerColumns.length ? printerColumnCells(printerColumns) : undefined
  };
}
