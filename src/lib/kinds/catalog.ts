/**
 * The kind catalog: every kind the dashboard has a view for, with its columns and cell projection.
 * Kinds the catalog does not know (custom resources, anything discovery finds) get a KindDef from
 * `customKind`, with the CRD's printer columns.
 */
import type { ResourceType } from '../kube/types';
import { CLUSTER_KINDS } from './cluster';
import { CONFIG_KINDS } from './config';
import { customKind } from './custom';
import { GATEWAY_KINDS } from './gateway';
import { NETWORK_KINDS } from './network';
import { QUOTA_KINDS } from './quotas';
import { RBAC_KINDS } from './rbac';
import { STORAGE_KINDS } from './storage';
import type { KindDef } from './types';
import { WORKLOAD_KINDS } from './workloads';
import type { ResourceRef } from '../kube/types';

export { customKind, kindId } from './custom';
export { statusTone, type Tone } from './tone';

/** In navigation order: section by section. */
export const KINDS: KindDef[] = [
  ...CLUSTER_KINDS,
  ...WORKLOAD_KINDS,
  ...NETWORK_KINDS,
  ...GATEWAY_KINDS,
  ...CONFIG_KINDS,
  ...STORAGE_KINDS,
  ...QUOTA_KINDS,
  ...RBAC_KINDS
];

const byId = new Map<string, KindDef>();
const byGroupKind = new Map<string, KindDef>();
const byGroupPlural = new Map<string, KindDef>();
for (const k of KINDS) {
  byId.set(k.id, k);
  // core/v1 Event and events.k8s.io/v1 Event share a kind name but not a group: keys include the group.
  byGroupKind.set(`${k.resource.group}/${k.resource.kind}`, k);
  byGroupPlural.set(`${k.resource.group}/${k.resource.plural}`, k);
}

/** The kind with this URL id (`pods`, `deployments.apps`), if the catalog has it. */
export function kindById(id: string): KindDef | undefined {
  return byId.get(id);
}

/** The resource of a kind the code names by id and the catalog is known to hold; throws on a typo. */
export function builtinResource(id: string): ResourceRef {
  const def = byId.get(id);
  if (!def) throw new Error(`The kind catalog has no kind "${id}"`);
  return def.resource;
}

/** The kind of objects with this API group ('' for core) and kind. */
export function kindOf(group: string, kind: string): KindDef | undefined {
  return byGroupKind.get(`${group}/${kind}`);
}

/** The catalog's kind for a resource (any version of it), if the catalog has it. */
export function kindForResource(ref: Pick<ResourceRef, 'group' | 'plural'>): KindDef | undefined {
  return byGroupPlural.get(`${ref.group}/${ref.plural}`);
}

/** The kind for any resource: the catalog's, or one built from its printer columns. */
export function kindForType(rt: ResourceType | ResourceRef): KindDef {
  return kindForResource(rt) ?? customKind(rt);
}

/** The group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ''). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
