/**
 * The kinds the clusters serve, as people see them: merged across clusters (one entry per kind id,
 * with the clusters that serve it), named for people, marked custom or built in; and Browse's
 * filters over them. Pure functions over discovery's plain data.
 */
import type { ClusterDiscovery } from '../kube/discovery';
import { isBrowsable } from '../kube/discovery';
import { kindById } from './catalog';

export interface DiscoveredKind {
  /** The kind id in URLs: `pods`, `certificates.cert-manager.io`. */
  id: string;
  /** Plural, for people: `Certificates`. */
  title: string;
  group: string;
  /** The preferred version (of the first cluster that serves it). */
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames: string[];
  /** Clusters that serve it. */
  clusters: string[];
  /** A custom resource (from a CRD, or an API group outside Kubernetes' own). */
  custom: boolean;
  /** The catalog has a view for it with its own columns. */
  inCatalog: boolean;
  /** Printer columns of its CRD, when the CRD could be read. */
  printerColumns: number | undefined;
}

/** Kubernetes' own API groups: the core group, unqualified names (`apps`), and `*.k8s.io`. */
export function isBuiltinGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * `Certificate` + `certificates` → `Certificates`, `NetworkPolicy` + `networkpolicies` →
 * `NetworkPolicies`: the kind's capitals, the plural's ending.
 */
export function pluralTitle(kind: string, plural: string): string {
  const lower = kind.toLowerCase();
  let common = 0;
  while (common < lower.length && common < plural.length && lower[common] === plural[common]) common++;
  if (common === 0) return kind;
  return kind.slice(0, common) + plural.slice(common);
}

/** Every browsable kind across clusters, and how many served resources a table cannot show. */
export interface DiscoveredKinds {
  /** Each cluster's discovery answer, with its errors. */
  clusters: ClusterDiscovery[];
  /** Kinds that can be listed and watched, sorted by group then kind. */
  kinds: DiscoveredKind[];
  /** Resources served that cannot be listed and watched (access reviews, metrics…), not in `kinds`. */
  hidden: number;
}

export function mergeKinds(clusters: ClusterDiscovery[]): DiscoveredKinds {
  const byId = new Map<string, DiscoveredKind>();
  const hidden = new Set<string>();
  for (const d of clusters) {
    for (const r of d.resources) {
      if (!isBrowsable(r)) {
        hidden.add(r.id);
        continue;
      }
      const known = byId.get(r.id);
      if (known) {
        known.clusters.push(r.cluster);
        known.custom ||= r.custom;
        known.printerColumns ??= r.printerColumns?.length;
        continue;
      }
      const catalog = kindById(r.id);
      byId.set(r.id, {
        id: r.id,
        title: catalog?.title ?? pluralTitle(r.kind, r.plural),
        group: r.group,
        version: r.version,
        kind: r.kind,
        plural: r.plural,
        namespaced: r.namespaced,
        shortNames: r.shortNames ?? [],
        clusters: [r.cluster],
        custom: r.custom || !isBuiltinGroup(r.group),
        inCatalog: catalog !== undefined,
        printerColumns: r.printerColumns?.length
      });
    }
  }
  for (const id of byId.keys()) hidden.delete(id);
  const kinds = [...byId.values()].sort(
    (a, b) => cmp(a.group, b.group) || cmp(a.kind, b.kind) || cmp(a.id, b.id)
  );
  return { clusters, kinds, hidden: hidden.size };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** How the core group ('') is named in URLs and on screen, as kubectl's api-resources leaves it blank. */
export const CORE_GROUP = 'core';

export const groupLabel = (group: string) => group || CORE_GROUP;

/** Browse's filters (`#/browse?group=&kind=&scope=&q=`); empty strings filter nothing. */
export interface KindFilter {
  /** A group as `groupLabel` names it. */
  group: string;
  /** A kind name (`Certificate`), case-insensitive. */
  kind: string;
  scope: '' | 'namespaced' | 'cluster';
  /** Case-insensitive text in the kind, plural, group, short names or id. */
  q: string;
}

export function filterKinds(kinds: DiscoveredKind[], f: KindFilter): DiscoveredKind[] {
  const q = f.q.trim().toLowerCase();
  const kind = f.kind.trim().toLowerCase();
  return kinds.filter(
    (k) =>
      (!f.group || groupLabel(k.group) === f.group) &&
      (!kind || k.kind.toLowerCase() === kind) &&
      (!f.scope || k.namespaced === (f.scope === 'namespaced')) &&
      (!q ||
        [k.kind, k.title, k.plural, k.group, k.id, ...k.shortNames].some((s) => s.toLowerCase().includes(q)))
  );
}

/** Kinds per group, core first then by name. */
export function groupCounts(kinds: DiscoveredKind[]): { group: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(groupLabel(k.group), (counts.get(groupLabel(k.group)) ?? 0) + 1);
  return [...counts.entries()]
    .map(([group, count]) => ({ group, count }))
    .sort((a, b) => (a.group === CORE_GROUP ? -1 : b.group === CORE_GROUP ? 1 : cmp(a.group, b.group)));
}
