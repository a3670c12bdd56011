/** The meta.k8s.io shapes of server-side printing: Table, its rows and columns, PartialObjectMetadata. */
import type { KubeObject, ObjectMeta } from '../../kube/types';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: string;
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: unknown[];
  /** PartialObjectMetadata (includeObject=Metadata), the object (Object), or null (None). */
  object: PartialObjectMetadata | KubeObject | null;
  conditions?: TableRowCondition[];
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  /** null when headers are suppressed (every watch event after the first), as the server sends it. */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export interface PartialObjectMetadataList {
  kind: 'PartialObjectMetadataList';
  apiVersion: string;
  metadata: ListMeta;
  items: PartialObjectMetadata[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** Default Metadata, like the server. */
  includeObject?: IncludeObject;
  /** Include columnDefinitions (false for watch events after the first). Default true. */
  withColumns?: boolean;
  /** ms since epoch: ages are computed against it. */
  now: number;
  listMeta?: ListMeta;
  /** meta.k8s.io version the client asked for. Default v1. */
  version?: 'v1' | 'v1beta1';
}
