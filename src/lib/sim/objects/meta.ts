/** Object metadata shared by the namespaced factories, and owner references. */
import type { KubeObject, NewObject, OwnerReference } from '../../kube/types';
import { isoTime } from './format';

export function ownerRef(owner: KubeObject, controller = true): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller,
    blockOwnerDeletion: true
  };
}

/** The kind of the object's controlling owner (`ReplicaSet`, `Job`…), if it has one. */
export function controllerOfKind(o: {
  metadata: { ownerReferences?: OwnerReference[] };
}): string | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller)?.kind;
}

/** What every namespaced factory takes: name, namespace, creation time and optional metadata. */
export interface MetaInit {
  name: string;
  namespace: string;
  created: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: OwnerReference;
  generation?: number;
  uid?: string;
}

/** ObjectMeta as the apiserver returns it, empty maps left out. */
export function meta(m: MetaInit): NewObject['metadata'] {
  return {
    name: m.name,
    namespace: m.namespace,
    ...(m.uid ? { uid: m.uid } : {}),
    creationTimestamp: isoTime(m.created),
    ...(m.generation ? { generation: m.generation } : {}),
    ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
    ...(m.annotations && Object.keys(m.annotations).length ? { annotations: m.annotations } : {}),
    ...(m.owner ? { ownerReferences: [m.owner] } : {})
  };
}
