/** Objects as a Table or as PartialObjectMetadata, the answers for `Accept: ...;as=Table` requests. */
import type { KubeObject, ResourceType } from '../../kube/types';
import { printerFor } from './printers';
import type {
  ListMeta,
  PartialObjectMetadata,
  PartialObjectMetadataList,
  Table,
  TableColumnDefinition,
  TableOptions,
  TableRow
} from './types';

/** The columns the server prints for a resource type. */
export function columnDefinitions(rt: ResourceType): TableColumnDefinition[] {
  return printerFor(rt).columns;
}

export function toPartialObjectMetadata(
  obj: KubeObject,
  version: 'v1' | 'v1beta1' = 'v1'
): PartialObjectMetadata {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

export function toPartialObjectMetadataList(
  objects: KubeObject[],
  listMeta: ListMeta = {},
  version: 'v1' | 'v1beta1' = 'v1'
): PartialObjectMetadataList {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: cleanListMeta(listMeta),
    items: objects.map((o) => toPartialObjectMetadata(o, version))
  };
}

function cleanListMeta(m: ListMeta): ListMeta {
  const out: ListMeta = {};
  if (m.resourceVersion !== undefined) out.resourceVersion = m.resourceVersion;
  if (m.continue) out.continue = m.continue;
  if (m.remainingItemCount !== undefined) out.remainingItemCount = m.remainingItemCount;
  return out;
}

/** Objects as a server-side Table, one row per object, cells as the server computes them at `now`. */
export function toTable(rt: ResourceType, objects: KubeObject[], options: TableOptions): Table {
  const printer = printerFor(rt);
  const include = options.includeObject ?? 'Metadata';
  const version = options.version ?? 'v1';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: cleanListMeta(options.listMeta ?? {}),
    columnDefinitions: options.withColumns === false ? null : printer.columns,
    rows: objects.map((o) => {
      const row: TableRow = {
        cells: printer.cells(o, options.now),
        object: include === 'None' ? null : include === 'Object' ? o : toPartialObjectMetadata(o, version)
      };
      const conditions = printer.conditions?.(o);
      if (conditions) row.conditions = conditions;
      return row;
    })
  };
}
