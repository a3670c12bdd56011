/**
 * The KindDef behind a kind id in a URL (`pods`, `certificates.cert-manager.io`): the catalog's
 * when it has one, else one made from what discovery found (a CRD's printer columns, or name,
 * namespace and age when the CRDs may not be read). Plain TypeScript: the caller says where the
 * discovered resources come from (the engine, on the main thread).
 */
import { customKind, kindById } from './catalog';
import type { KindDef } from './types';
import type { DiscoveredResource } from '../kube/discovery';

export type ResourceLister = () => Promise<DiscoveredResource[]>;

/** The KindDef for `id`, or undefined when neither the catalog nor any cluster knows it. */
export async function resolveKind(id: string, resources: ResourceLister): Promise<KindDef | undefined> {
  const known = kindById(id);
  if (known) return known;
  const found = (await resources()).filter((r) => r.id === id);
  if (found.length === 0) return undefined;
  // Clusters may differ (one lets us read CRDs, one does not): take the one with printer columns.
  return customKind(found.find((r) => r.printerColumns !== undefined) ?? found[0]);
}
