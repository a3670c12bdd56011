/**
 * Links to objects named by API group and kind (an owner reference, a volume's claim, a binding's
 * role). The catalog knows the built-in kinds; custom kinds (a Certificate owning a
 * CertificateRequest) are looked up in what discovery found.
 */
import { kindOf } from '$lib/kinds/catalog';
import { objectHref } from '$lib/nav/links';
import type { DiscoveredResource } from '$lib/kube/discovery';

/** The details URL of `group/kind` `name`, or undefined when the catalog does not know the kind. */
export function kindHref(
  cluster: string,
  group: string,
  kind: string,
  namespace: string | undefined,
  name: string,
  tab?: string
): string | undefined {
  const def = kindOf(group, kind);
  if (!def) return undefined;
  return objectHref(cluster, def.id, def.resource.namespaced ? namespace : undefined, name, tab);
}

let discovered: Promise<DiscoveredResource[]> | undefined;

/** The same for any kind a cluster serves: asks discovery (once per page load) when the catalog does not know it. */
export async function discoveredHref(
  cluster: string,
  group: string,
  kind: string,
  namespace: string | undefined,
  name: string
): Promise<string | undefined> {
  const known = kindHref(cluster, group, kind, namespace, name);
  if (known) return known;
  discovered ??= import('$lib/client/engine').then(({ engine }) => engine().resources());
  try {
    const resources = await discovered;
    const r = resources.find(
      (x) => x.group === group && x.kind === kind && (x.cluster === cluster || !x.cluster)
    );
    return r ? objectHref(cluster, r.id, r.namespaced ? namespace : undefined, name) : undefined;
  } catch {
    discovered = undefined;
    return undefined;
  }
}
