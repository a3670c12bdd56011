/**
 * Kubernetes API shapes (objects, metadata, Status, list/watch options, resource types), shared by
 * the engine, which reads them from clusters, and the simulated cluster, which serves them.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
}

/** Any Kubernetes object. Kind-specific fields are reached through `spec`, `status`, `data`… */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

/** An object as given to create/update: the server fills uid, resourceVersion, timestamps. */
export type NewObject = Omit<KubeObject, 'metadata'> & {
  metadata: Partial<ObjectMeta> & { name?: string; generateName?: string };
};

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
  /** JSONPath as in a CRD's additionalPrinterColumns, e.g. `.status.conditions[?(@.type=="Ready")].status`. */
  jsonPath: string;
}

/** One REST resource the cluster serves (what discovery lists). */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: string[]; // e.g. ['status', 'scale', 'log', 'eviction']
  /** Printer columns of a custom resource (from its CRD). Built-in kinds print with kubectl's columns. */
  printerColumns?: PrinterColumn[];
  /**
   * Another API version of the same stored objects (events.k8s.io/v1 Event is core/v1 Event).
   * `toStored` / `fromStored` convert between this version and the storage version.
   */
  storedAs?: { group: string; version: string; plural: string };
  /** Not stored at all (access reviews, metrics): served by a dedicated handler. */
  virtual?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** metav1.Status, the body of every error response and of a watch ERROR event. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; retryAfterSeconds?: number; causes?: unknown[] };
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Status['details']
  ) {
    super(message);
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code
    };
  }
}

export interface ListOptions {
  namespace?: string; // undefined = all namespaces
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** A live watch. Events arrive through the callback given to `watch`; `stop` ends it. */
export interface WatchHandle {
  stop(): void;
}

/** A collection of the API: group, version, plural (its URL name), kind and scope. */
export interface ResourceRef {
  group: string;
  version: string;
  /** The collection name in URLs, e.g. `pods`. */
  plural: string;
  kind: string;
  namespaced: boolean;
  /** A custom resource's printer columns (from its CRD): the projection evaluates them into cells. */
  printerColumns?: PrinterColumn[];
}

/** Any object of the API, read loosely (projections and printers check what they read). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;
