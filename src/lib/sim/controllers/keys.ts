/** Object keys and ownership: the small helpers every controller module uses. */
import type { KubeObject, OwnerReference } from '../../kube/types';

/** `namespace/name`, the key of the dirty sets and most indexes. */
export const key = (o: { metadata: { namespace?: string; name?: string } }) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The namespace (undefined for cluster-scoped objects) and name of a `key`. */
export const splitKey = (k2: string): [string | undefined, string] => {
  const i = k2.indexOf('/');
  return [i > 0 ? k2.slice(0, i) : undefined, k2.slice(i + 1)];
};

/** Which controller owns an object (its ownerReference with `controller: true`). */
export function controllerOf(o: KubeObject): OwnerReference | undefined {
  const refs = o.metadata.ownerReferences;
  if (!refs) return undefined;
  for (const r of refs) if (r.controller) return r;
  return undefined;
}
