/** Bookkeeping the server does on every write: metadata.generation and managedFields. */
import { jsonEqual } from '../json';
import { apiVersionOf } from '../resources';
import type { KubeObject, ResourceType } from '../../kube/types';

/**
 * metadata.generation counts changes of the spec. Kinds without a generation (Pods, most
 * cluster-scoped configuration) skip the comparison; the others compare structurally, stopping at the
 * first difference, and a status subresource write (which keeps the stored spec) compares at once.
 */
export function bumpGeneration(current: KubeObject, next: KubeObject) {
  if (next.metadata.generation !== undefined && !jsonEqual(next.spec, current.spec)) {
    next.metadata.generation = (current.metadata.generation ?? 0) + 1;
  }
}

/** A managedFields entry: `manager` set the fields of `obj` by `operation` at `time`. */
export function managedEntry(
  rt: ResourceType,
  manager: string,
  operation: 'Apply' | 'Update',
  obj: unknown,
  time: string
) {
  return {
    manager,
    operation,
    apiVersion: apiVersionOf(rt),
    time,
    fieldsType: 'FieldsV1' as const,
    fieldsV1: fieldsOf(obj, 0)
  };
}

/** A FieldsV1 tree (`f:spec: {f:replicas: {}}`) describing the fields a manager set. */
function fieldsOf(v: unknown, depth: number): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || depth > 5) return {};
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    if (depth === 0 && (k === 'apiVersion' || k === 'kind')) continue;
    if (
      depth === 1 &&
      ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation'].includes(k)
    )
      continue;
    out[`f:${k}`] = fieldsOf(child, depth + 1);
  }
  if (depth > 0 && Object.keys(out).length > 0) out['.'] = {};
  return out;
}
