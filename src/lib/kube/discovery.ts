/**
 * What discovery tells of a cluster's resources, as plain data every layer may read: the resource
 * with its verbs and scope, the kubectl-style kind id, and one cluster's discovery answer.
 */
import type { ResourceRef, ResourceType } from './types';

/** One resource a cluster serves, in its preferred version. Plain data. */
export interface DiscoveredResource extends ResourceType {
  cluster: string;
  /** As kubectl spells it: `pods` for the core group, `certificates.cert-manager.io` otherwise. */
  id: string;
  /** Defined by a CustomResourceDefinition (known when the CRDs could be read). */
  custom: boolean;
}

/** The kubectl-style id of a resource: `plural` for the core group, `plural.group` otherwise. */
export function kindIdOf(r: { group: string; plural: string }): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export interface ClusterDiscovery {
  cluster: string;
  resources: DiscoveredResource[];
  /** How the resources were found; 'none' when discovery failed before any answer. */
  source: 'aggregated' | 'legacy' | 'none';
  /** Discovery failed (or partly failed: some groups missing), in words for the user. */
  error?: string;
  /** The CRDs could not be read: custom kinds get name, namespace and age columns only. */
  crdError?: string;
  /** When this answer was fetched (ms since epoch). */
  fetchedAt: number;
}

/** The ResourceRef informers and views take. */
export function resourceRefOf(r: DiscoveredResource): ResourceRef {
  return { group: r.group, version: r.version, plural: r.plural, kind: r.kind, namespaced: r.namespaced };
}

/** Whether a table can show the resource: it must be listed and watched. */
export function isBrowsable(r: { verbs: string[] }): boolean {
  return r.verbs.includes('list') && r.verbs.includes('watch');
}
