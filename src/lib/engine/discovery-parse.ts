/**
 * Discovery documents as servers send them (untrusted JSON): aggregated APIGroupDiscoveryLists,
 * legacy APIResourceLists, CRD lists; and the choice of one preferred version per resource.
 */
import type { KubeObject, PrinterColumn } from '../kube/types';
import { kindIdOf, type DiscoveredResource } from '../kube/discovery';

/** A resource as discovery names it, before the preferred version is chosen. */
export interface Found {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: string[];
}

/** One group: its versions in preference order, each with its resources. */
export interface FoundGroup {
  name: string;
  versions: { version: string; resources: Found[] }[];
}

export const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/* eslint-disable @typescript-eslint/no-explicit-any -- discovery documents are untrusted JSON */

export function isAggregated(body: any): boolean {
  return body?.kind === 'APIGroupDiscoveryList' && Array.isArray(body.items);
}

/** An APIGroupDiscoveryList: versions are listed in preference order. */
export function parseAggregated(body: any): FoundGroup[] {
  return (body.items as any[]).map((item) => {
    const group = typeof item?.metadata?.name === 'string' ? item.metadata.name : '';
    return {
      name: group,
      versions: ((item?.versions as any[]) ?? []).map((v) => ({
        version: String(v?.version ?? ''),
        resources: ((v?.resources as any[]) ?? [])
          .filter((r) => typeof r?.resource === 'string' && typeof r?.responseKind?.kind === 'string')
          .map((r): Found => ({
            group,
            version: String(v.version),
            plural: r.resource,
            singular: typeof r.singularResource === 'string' ? r.singularResource : '',
            kind: r.responseKind.kind,
            namespaced: r.scope === 'Namespaced',
            verbs: strings(r.verbs) ?? [],
            shortNames: strings(r.shortNames),
            categories: strings(r.categories),
            subresources: ((r.subresources as any[]) ?? [])
              .map((s) => s?.subresource)
              .filter((s): s is string => typeof s === 'string')
          }))
      }))
    };
  });
}

/** An APIResourceList (`/api/v1`, `/apis/G/V`): subresources are entries named `plural/sub`. */
export function parseResourceList(group: string, version: string, body: any): Found[] {
  const all = ((body?.resources as any[]) ?? []).filter((r) => typeof r?.name === 'string');
  const subs = new Map<string, string[]>();
  for (const r of all) {
    const [parent, sub] = (r.name as string).split('/', 2);
    if (sub) subs.set(parent, [...(subs.get(parent) ?? []), sub]);
  }
  return all
    .filter((r) => !(r.name as string).includes('/') && typeof r.kind === 'string')
    .map((r) => ({
      group,
      version,
      plural: r.name,
      singular: typeof r.singularName === 'string' ? r.singularName : '',
      kind: r.kind,
      namespaced: r.namespaced === true,
      verbs: strings(r.verbs) ?? [],
      shortNames: strings(r.shortNames),
      categories: strings(r.categories),
      subresources: subs.get(r.name)
    }));
}

/** The printer columns of every served version of every CRD, by `group/version/plural`. */
export function parseCrds(body: any): Map<string, PrinterColumn[]> {
  const columns = new Map<string, PrinterColumn[]>();
  for (const crd of (body?.items as KubeObject[] | undefined) ?? []) {
    const spec = crd?.spec;
    if (typeof spec?.group !== 'string' || typeof spec?.names?.plural !== 'string') continue;
    for (const v of (spec.versions as any[]) ?? []) {
      if (typeof v?.name !== 'string') continue;
      const printer = ((v.additionalPrinterColumns as any[]) ?? []).filter(
        (c) => typeof c?.name === 'string' && typeof c?.jsonPath === 'string'
      );
      columns.set(`${spec.group}/${v.name}/${spec.names.plural}`, printer as PrinterColumn[]);
    }
  }
  return columns;
}

/* eslint-enable @typescript-eslint/no-explicit-any */

/** One entry per (group, plural): the first version in the group's preference order wins. */
export function preferred(
  cluster: string,
  groups: FoundGroup[],
  crds: Map<string, PrinterColumn[]> | undefined
) {
  const seen = new Set<string>();
  const out: DiscoveredResource[] = [];
  for (const g of groups) {
    for (const v of g.versions) {
      for (const f of v.resources) {
        const id = kindIdOf(f);
        if (seen.has(id)) continue;
        seen.add(id);
        const printerColumns = crds?.get(`${f.group}/${f.version}/${f.plural}`);
        out.push({
          cluster,
          id,
          group: f.group,
          version: f.version,
          kind: f.kind,
          listKind: `${f.kind}List`,
          plural: f.plural,
          singular: f.singular || f.kind.toLowerCase(),
          namespaced: f.namespaced,
          verbs: f.verbs,
          ...(f.shortNames?.length ? { shortNames: f.shortNames } : {}),
          ...(f.categories?.length ? { categories: f.categories } : {}),
          ...(f.subresources?.length ? { subresources: f.subresources } : {}),
          ...(printerColumns ? { printerColumns } : {}),
          custom: printerColumns !== undefined
        });
      }
    }
  }
  return out;
}
