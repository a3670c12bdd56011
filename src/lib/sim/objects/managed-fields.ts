/**
 * managedFields with plausible fieldsV1 trees: the client that wrote an object, the controller that
 * writes its status, and for pods the owner's controller and the kubelet.
 */
import type { KubeObject, ManagedFieldsEntry, NewObject, OwnerReference } from '../../kube/types';
import { isoTime } from './format';

type Fields = Record<string, unknown>;

/** Lists merged by key (their elements appear as `k:{...}`), by field name. */
const LIST_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumes: ['name'],
  conditions: ['type'],
  podIPs: ['ip'],
  hostIPs: ['ip'],
  ownerReferences: ['uid'],
  imagePullSecrets: ['name'],
  addresses: ['type'],
  rules: [],
  webhooks: ['name']
};
/** Lists merged as sets of scalars (`v:"..."`). */
const SET_LISTS = new Set(['finalizers']);
/** Structs that are not pointers: their fieldsV1 node has no `.` entry. */
const NO_DOT = new Set([
  'metadata',
  'spec',
  'status',
  'template',
  'strategy',
  'jobTemplate',
  'updateStrategy'
]);

function listKeyFields(name: string, items: unknown[]): string[] | undefined {
  if (name === 'ports') {
    const first = items[0] as Record<string, unknown> | undefined;
    if (first && 'containerPort' in first) return ['containerPort', 'protocol'];
    if (first && 'port' in first && 'protocol' in first) return ['port', 'protocol'];
    return undefined;
  }
  const keys = LIST_KEYS[name];
  return keys && keys.length > 0 ? keys : undefined;
}

/**
 * Trees of pod specs, by identity: a Deployment, its ReplicaSets and their pods share one template
 * spec object, so its tree is computed once. Safe because stored objects are never mutated in place.
 */
const specFieldsCache = new WeakMap<object, Fields>();

/**
 * Declares that two pod specs have the same structure (they differ only in values that are not list
 * keys, like an image tag), so they share one fieldsV1 tree: the revisions of one workload.
 */
export function sameSpecShape(computed: object, other: object) {
  if (computed === other || specFieldsCache.has(other)) return;
  let tree = specFieldsCache.get(computed);
  if (!tree)
    specFieldsCache.set(computed, (tree = fieldsOfObject(computed as Record<string, unknown>, false)));
  specFieldsCache.set(other, tree);
}

function fieldsOfValue(name: string, value: unknown, dot: boolean): Fields {
  if (value === null || typeof value !== 'object') return {};
  if (name === 'spec' && !Array.isArray(value)) {
    let cached = specFieldsCache.get(value);
    if (!cached)
      specFieldsCache.set(value, (cached = fieldsOfObject(value as Record<string, unknown>, false)));
    return cached;
  }
  if (Array.isArray(value)) {
    if (SET_LISTS.has(name)) {
      const out: Fields = { '.': {} };
      for (const v of value) out[`v:${JSON.stringify(v)}`] = {};
      return out;
    }
    const keys = listKeyFields(name, value);
    if (!keys || value.length === 0) return {}; // atomic list
    const out: Fields = { '.': {} };
    for (const item of value as Record<string, unknown>[]) {
      const key: Record<string, unknown> = {};
      for (const k of keys) if (item[k] !== undefined) key[k] = item[k];
      out[`k:${JSON.stringify(key)}`] = name === 'ownerReferences' ? {} : fieldsOfObject(item, true);
    }
    return out;
  }
  const obj = value as Record<string, unknown>;
  // A LabelSelector is atomic; a Service's selector (a plain map) is not.
  if (name === 'selector' && ('matchLabels' in obj || 'matchExpressions' in obj)) return {};
  if (Object.keys(obj).length === 0) return {};
  return fieldsOfObject(obj, dot && !NO_DOT.has(name));
}

function fieldsOfObject(obj: Record<string, unknown>, dot: boolean): Fields {
  const out: Fields = dot ? { '.': {} } : {};
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    out[`f:${key}`] = fieldsOfValue(key, v, true);
  }
  return out;
}

/** The FieldsV1 tree for the fields of `partial` (an object holding the fields a manager owns). */
export function fieldsV1Of(partial: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const key of Object.keys(partial)) {
    const v = partial[key];
    if (v === undefined) continue;
    out[`f:${key}`] = fieldsOfValue(key, v, !NO_DOT.has(key));
  }
  return out;
}

export function managedEntry(
  manager: string,
  apiVersion: string,
  timeMs: number,
  fieldsV1: Fields,
  subresource?: string,
  operation: 'Update' | 'Apply' = 'Update'
): ManagedFieldsEntry {
  return {
    manager,
    operation,
    apiVersion,
    time: isoTime(timeMs),
    fieldsType: 'FieldsV1',
    fieldsV1,
    ...(subresource ? { subresource } : {})
  };
}

/** Metadata fields a client owns (labels, annotations, ownerReferences, finalizers, generateName). */
function ownedMetadata(meta: Partial<KubeObject['metadata']>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (meta.generateName) out.generateName = meta.generateName;
  if (meta.labels && Object.keys(meta.labels).length) out.labels = meta.labels;
  if (meta.annotations && Object.keys(meta.annotations).length) out.annotations = meta.annotations;
  if (meta.ownerReferences?.length) out.ownerReferences = meta.ownerReferences;
  if (meta.finalizers?.length) out.finalizers = meta.finalizers;
  return out;
}

/**
 * Adds the managedFields a real object would carry: the client that wrote it (everything but status)
 * and, when it has a status, the controller that writes the status subresource.
 */
export function withManagedFields<T extends NewObject>(
  obj: T,
  manager: string,
  timeMs: number,
  statusManager?: { manager: string; timeMs: number }
): T {
  const { apiVersion, kind: _kind, metadata, status, ...rest } = obj;
  const partial: Record<string, unknown> = { ...rest };
  const meta = ownedMetadata(metadata);
  const entries: ManagedFieldsEntry[] = [
    managedEntry(
      manager,
      apiVersion,
      timeMs,
      fieldsV1Of(Object.keys(meta).length ? { metadata: meta, ...partial } : partial)
    )
  ];
  if (status && statusManager && Object.keys(status).length) {
    entries.push(
      managedEntry(statusManager.manager, apiVersion, statusManager.timeMs, fieldsV1Of({ status }), 'status')
    );
  }
  obj.metadata.managedFields = entries;
  return obj;
}

/**
 * managedFields of a controller-created pod: the controller's create (metadata + spec from the
 * template) and the kubelet's status updates. `controllerFields` can be shared by all pods of one owner.
 */
export function podManagedFields(
  pod: NewObject,
  controllerFields: Fields,
  created: number,
  statusTime: number,
  controllerManager = 'kube-controller-manager'
): ManagedFieldsEntry[] {
  const entries = [managedEntry(controllerManager, 'v1', created, controllerFields)];
  if (pod.status && pod.status.conditions) {
    entries.push(
      managedEntry('kubelet', 'v1', statusTime, { 'f:status': podStatusFields(pod.status) }, 'status')
    );
  }
  return entries;
}

const conditionFieldsCache = new Map<string, Fields>();
const IP_FIELDS: Fields = { '.': {}, 'f:ip': {} };

/** The kubelet's status tree (conditions keyed by type, containerStatuses atomic, IPs keyed by ip). */
function podStatusFields(status: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const key of Object.keys(status)) {
    const v = status[key];
    if (key === 'qosClass' || v === undefined) continue; // qosClass is set on create, not by the kubelet
    if (key === 'conditions') {
      const conditions = v as Record<string, unknown>[];
      const signature = conditions.map((c) => `${c.type}:${Object.keys(c).join(',')}`).join('|');
      let tree = conditionFieldsCache.get(signature);
      if (!tree) conditionFieldsCache.set(signature, (tree = fieldsOfValue('conditions', conditions, true)));
      out['f:conditions'] = tree;
    } else if (key === 'podIPs' || key === 'hostIPs') {
      const ips: Fields = { '.': {} };
      for (const ip of v as { ip: string }[]) ips[`k:{"ip":"${ip.ip}"}`] = IP_FIELDS;
      out[`f:${key}`] = ips;
    } else {
      out[`f:${key}`] = fieldsOfValue(key, v, true);
    }
  }
  return out;
}

/** The controller-owned part of a pod (what the owner's template and reference put there). */
export function podControllerFields(
  template: { metadata?: Record<string, unknown>; spec: Record<string, unknown> },
  owner?: OwnerReference,
  generateName?: string,
  extraLabels?: Record<string, string>
): Fields {
  const labels = { ...((template.metadata?.labels as Record<string, string>) ?? {}), ...(extraLabels ?? {}) };
  const annotations = template.metadata?.annotations as Record<string, string> | undefined;
  return fieldsV1Of({
    metadata: {
      ...(generateName ? { generateName } : {}),
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ...(owner ? { ownerReferences: [owner] } : {})
    },
    spec: template.spec
  });
}
