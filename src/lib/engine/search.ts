/**
 * Global search over what the engine holds: the rows of every informer (name, namespace, kind,
 * and labels for queries written `k=v`) and the kinds found by discovery. Ranking: an exact name first, then a name
 * that starts with the query, then a name that contains it, then anything else that contains it
 * (namespace, kind, a label). The work is capped: once `limit` strong matches (exact or prefix)
 * are held, the rest of the scan only looks for exact names (a length compare per row), and it
 * stops at `limit` exact matches. Only the best `limit` results are kept while it runs.
 *
 * Plain TypeScript: runs in the engine's worker and in Node.
 */
import type { Row } from '../watch/row';
import { isBrowsable, kindIdOf, type ClusterDiscovery } from '../kube/discovery';
import type { Informer } from './informer';

export type SearchTier = 0 | 1 | 2 | 3;

/** Tiers, best first. */
export const TIER = { exact: 0, prefix: 1, substring: 2, other: 3 } as const;

export interface SearchResult {
  /** An object (opens its details) or a kind (opens its list). */
  type: 'object' | 'kind';
  /** The kubectl-style id of the kind: `pods`, `certificates.cert-manager.io`. */
  kindId: string;
  /** `Pod`, `Certificate`. */
  kind: string;
  /** The object's name, or for a kind its plural (`certificates`). */
  name: string;
  /** Objects only ('' for cluster-scoped objects). */
  cluster?: string;
  namespace?: string;
  /** Kinds only: the clusters serving it. */
  clusters?: string[];
  tier: SearchTier;
  /** What matched when it was not the name: `namespace`, `kind`, or the label `app=web`. */
  matched?: string;
}

/** The rows of one informer, with the kind they are of. */
export interface SearchSource {
  kindId: string;
  kind: string;
  rows: Iterable<Row>;
}

/** A kind found by discovery. */
export interface SearchKind {
  kindId: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  clusters: string[];
}

/** How a name compares with the (lower-case) query: one scan rejects most names. */
function nameTier(name: string, q: string): SearchTier | undefined {
  // Kubernetes names are nearly always lower case: toLowerCase then returns them as they are.
  const n = name.toLowerCase();
  const at = n.indexOf(q);
  if (at < 0) return undefined;
  if (at > 0) return TIER.substring;
  return n.length === q.length ? TIER.exact : TIER.prefix;
}

/**
 * A query with `=` searches labels as `key=value`. Label keys and values cannot hold `=`, so the
 * query's first `=` must be the label's: the key ends with what comes before it and the value
 * starts with what comes after (no string is built per label).
 */
interface LabelQuery {
  key: string;
  value: string;
}

function labelQuery(q: string): LabelQuery | undefined {
  const eq = q.indexOf('=');
  return eq < 0 ? undefined : { key: q.slice(0, eq), value: q.slice(eq + 1) };
}

function labelMatch(labels: Record<string, string>, lq: LabelQuery, q: string): string | undefined {
  for (const key in labels) {
    const value = labels[key];
    const hit = lq.value.includes('=')
      ? `${key}=${value}`.toLowerCase().includes(q) // a value with `=` is invalid, but data is untrusted
      : key.toLowerCase().endsWith(lq.key) && value.toLowerCase().startsWith(lq.value);
    if (hit) return `${key}=${value}`;
  }
  return undefined;
}

/**
 * What else about a row contains the query, if its name does not: its namespace, its kind
 * (`kindHit`, decided once per source), or for a `k=v` query one of its labels.
 */
function otherMatch(
  row: Row,
  kindHit: boolean,
  q: string,
  lq: LabelQuery | undefined,
  namespaceHits: Map<string, boolean>
): string | undefined {
  // Thousands of rows share a few namespaces: each namespace is compared once per search.
  let nsHit = namespaceHits.get(row.namespace);
  if (nsHit === undefined)
    namespaceHits.set(row.namespace, (nsHit = row.namespace.toLowerCase().includes(q)));
  if (nsHit && row.namespace) return 'namespace';
  if (kindHit) return 'kind';
  return lq ? labelMatch(row.labels, lq, q) : undefined;
}

/** Order of results: tier, kinds before objects, shorter names (closer to the query), name, place. */
export function compareResults(a: SearchResult, b: SearchResult): number {
  return (
    a.tier - b.tier ||
    (a.type === b.type ? 0 : a.type === 'kind' ? -1 : 1) ||
    a.name.length - b.name.length ||
    cmp(a.name, b.name) ||
    cmp(a.kindId, b.kindId) ||
    cmp(a.cluster ?? '', b.cluster ?? '') ||
    cmp(a.namespace ?? '', b.namespace ?? '')
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The best `limit` results, kept sorted while results arrive. */
class TopResults {
  readonly items: SearchResult[] = [];
  constructor(private readonly limit: number) {}

  /**
   * Whether an object of this tier and name may make it into the list (a cheap check before the
   * result is built; exact ties are settled by `add`).
   */
  wants(tier: SearchTier, name: string): boolean {
    if (this.items.length < this.limit) return true;
    const last = this.items[this.items.length - 1];
    if (tier !== last.tier) return tier < last.tier;
    if (last.type === 'kind') return false; // kinds come before objects of the same tier
    if (name.length !== last.name.length) return name.length < last.name.length;
    return name <= last.name;
  }

  add(r: SearchResult): void {
    const items = this.items;
    if (items.length >= this.limit && compareResults(r, items[items.length - 1]) >= 0) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareResults(items[mid], r) <= 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, r);
    if (items.length > this.limit) items.pop();
  }

  /** Holds `limit` results of at least this tier. */
  fullAt(tier: SearchTier): boolean {
    return this.items.length >= this.limit && this.items[this.items.length - 1].tier <= tier;
  }
}

function kindTier(k: SearchKind, q: string): SearchTier | undefined {
  const names = [k.kind, k.plural, k.kindId, ...(k.shortNames ?? [])].map((s) => s.toLowerCase());
  if (names.some((n) => n === q)) return TIER.exact;
  if (names.some((n) => n.startsWith(q))) return TIER.prefix;
  if (names.some((n) => n.includes(q))) return TIER.substring;
  return undefined;
}

/**
 * Search `sources` and `kinds` for `query` (case-insensitive, surrounding space ignored). Returns
 * at most `limit` results, best first. The same object held by two informers is listed once.
 */
export function search(
  sources: Iterable<SearchSource>,
  kinds: Iterable<SearchKind>,
  query: string,
  limit: number
): SearchResult[] {
  const q = query.trim().toLowerCase();
  if (!q || limit <= 0) return [];
  const top = new TopResults(limit);
  for (const k of kinds) {
    const tier = kindTier(k, q);
    if (tier === undefined) continue;
    top.add({ type: 'kind', kindId: k.kindId, kind: k.kind, name: k.plural, clusters: k.clusters, tier });
  }
  const list = [...sources];
  // Two informers can hold one object (a selector's and an all-namespaces one): only kinds with
  // more than one source need the bookkeeping.
  const sourcesOf = new Map<string, number>();
  for (const source of list) sourcesOf.set(source.kindId, (sourcesOf.get(source.kindId) ?? 0) + 1);
  const seen = new Set<string>();
  const lq = labelQuery(q);
  const namespaceHits = new Map<string, boolean>();
  // Once `limit` strong (exact or prefix) matches are held, only an exact name can still get in:
  // the rest of the scan compares lengths, and names only where the length is the query's.
  let exactOnly = top.fullAt(TIER.prefix);
  for (const source of list) {
    const shared = (sourcesOf.get(source.kindId) ?? 0) > 1;
    const kindHit = `${source.kind}\u0000${source.kindId}`.toLowerCase().includes(q);
    for (const row of source.rows) {
      let tier: SearchTier | undefined;
      let matched: string | undefined;
      if (exactOnly) {
        if (row.name.length !== q.length || row.name.toLowerCase() !== q) continue;
        tier = TIER.exact;
      } else {
        tier = nameTier(row.name, q);
        if (tier === undefined) {
          if (!top.wants(TIER.other, row.name)) continue;
          matched = otherMatch(row, kindHit, q, lq, namespaceHits);
          if (matched === undefined) continue;
          tier = TIER.other;
        }
      }
      if (!top.wants(tier, row.name)) continue;
      if (shared) {
        const id = `${source.kindId}\u0000${row.key}`;
        if (seen.has(id)) continue;
        seen.add(id);
      }
      top.add({
        type: 'object',
        kindId: source.kindId,
        kind: source.kind,
        name: row.name,
        cluster: row.cluster,
        namespace: row.namespace,
        tier,
        ...(matched ? { matched } : {})
      });
      if (top.fullAt(TIER.exact)) return top.items;
      exactOnly ||= top.fullAt(TIER.prefix);
    }
  }
  return top.items;
}

/**
 * Search over what the engine holds: every informer's rows (copied only when the scan gets there;
 * it stops early on enough exact matches) and every browsable kind discovery found.
 */
export function searchEngine(
  discoveries: ClusterDiscovery[],
  informers: Informer[],
  query: string,
  limit: number
): SearchResult[] {
  const kinds = new Map<string, SearchKind>();
  for (const d of discoveries) {
    for (const r of d.resources) {
      if (!isBrowsable(r)) continue;
      const k = kinds.get(r.id);
      if (k) k.clusters.push(r.cluster);
      else
        kinds.set(r.id, {
          kindId: r.id,
          kind: r.kind,
          plural: r.plural,
          shortNames: r.shortNames,
          clusters: [r.cluster]
        });
    }
  }
  const sources = informers.map((i) => ({
    kindId: kindIdOf(i.spec.resource),
    kind: i.spec.resource.kind,
    get rows() {
      return i.store.items();
    }
  }));
  return search(sources, kinds.values(), query, limit);
}
