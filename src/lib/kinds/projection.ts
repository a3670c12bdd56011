/**
 * Projection: the full object of a watch event becomes a Row as soon as it is parsed, so the
 * engine keeps (and caches, and posts) a few small fields per object, never whole objects.
 * Cells come from the kind catalog; custom resources evaluate their CRD's printer columns; every
 * row also gets `deleting` (deletionTimestamp or null) and `finalizers` (how many).
 */
import { groupOf, kindForResource, kindOf } from './catalog';
import { printerColumnCells } from './custom';
import type { KubeObject } from '../kube/types';
import { rowKey, type Cell, type Row } from '../watch/row';
import type { ResourceRef } from '../kube/types';

type Cells = (obj: KubeObject) => Record<string, Cell>;

const NO_CELLS: Cells = () => ({});

// One cells function per resource: an informer passes the same ResourceRef for its whole life.
const cellsByResource = new WeakMap<ResourceRef, Cells>();

function cellsFor(obj: KubeObject, resource: ResourceRef | undefined): Cells {
  if (resource) {
    let cells = cellsByResource.get(resource);
    if (!cells) {
      const known = kindForResource(resource);
      cells =
        known?.cells ??
        (resource.printerColumns?.length ? printerColumnCells(resource.printerColumns) : undefined) ??
        kindOf(resource.group, resource.kind)?.cells ??
        NO_CELLS;
      cellsByResource.set(resource, cells);
    }
    return cells;
  }
  return kindOf(groupOf(obj.apiVersion ?? ''), obj.kind)?.cells ?? NO_CELLS;
}

/** The Row of `obj` in `cluster`; `resource` is the collection it was listed from, when known. */
export function project(cluster: string, obj: KubeObject, resource?: ResourceRef): Row {
  const m = obj.metadata;
  const cells = cellsFor(obj, resource)(obj);
  cells.deleting = m.deletionTimestamp ?? null;
  cells.finalizers = m.finalizers?.length ?? 0;
  return {
    key: rowKey(cluster, m.namespace, m.name),
    uid: m.uid,
    cluster,
    namespace: m.namespace ?? '',
    name: m.name,
    resourceVersion: m.resourceVersion,
    creationTimestamp: m.creationTimestamp,
    labels: m.labels ?? {},
    owners: (m.ownerReferences ?? []).map((o) => ({ kind: o.kind, name: o.name, uid: o.uid })),
    cells
  };
}
