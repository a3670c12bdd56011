import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareResults,
  search,
  TIER,
  type SearchKind,
  type SearchResult,
  type SearchSource,
  type SearchTier
} from '$lib/engine/search';
import type { Row } from '$lib/watch/row';

function row(cluster: string, namespace: string, name: string, labels: Record<string, string> = {}): Row {
  return {
    key: `${cluster}/${namespace}/${name}`,
    uid: `${cluster}-${namespace}-${name}`,
    cluster,
    namespace,
    name,
    resourceVersion: '1',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels,
    owners: [],
    cells: {}
  };
}

const pods = (rows: Row[]): SearchSource => ({ kindId: 'pods', kind: 'Pod', rows });

const names = (results: SearchResult[]) => results.map((r) => `${r.kindId} ${r.namespace ?? ''}/${r.name}`);

describe('search ranking', () => {
  it('puts the exact name first, then names starting with the query, then names containing it, then the rest', () => {
    const rows = [
      row('c', 'web', 'my-api-server'),
      row('c', 'api', 'frontend'), // only the namespace matches
      row('c', 'web', 'api-gateway'),
      row('c', 'web', 'api'),
      row('c', 'web', 'db', { app: 'api' }) // only a label: found by a `k=v` query
    ];
    const results = search([pods(rows)], [], 'API', 10);
    expect(results.map((r) => [r.name, r.tier, r.matched])).toEqual([
      ['api', TIER.exact, undefined],
      ['api-gateway', TIER.prefix, undefined],
      ['my-api-server', TIER.substring, undefined],
      ['frontend', TIER.other, 'namespace']
    ]);
    expect(results[0]).toMatchObject({
      type: 'object',
      kindId: 'pods',
      kind: 'Pod',
      cluster: 'c',
      namespace: 'web'
    });
  });

  it('searches labels with `k=v` queries, either side cut short', () => {
    const rows = [
      row('c', 'web', 'db', { 'app.kubernetes.io/name': 'API-server', tier: 'backend' }),
      row('c', 'web', 'cache', { app: 'redis' })
    ];
    const found = (q: string) => search([pods(rows)], [], q, 10).map((r) => [r.name, r.matched]);
    expect(found('name=api')).toEqual([['db', 'app.kubernetes.io/name=API-server']]);
    expect(found('app=')).toEqual([['cache', 'app=redis']]);
    expect(found('=back')).toEqual([['db', 'tier=backend']]);
    expect(found('tier=front')).toEqual([]);
    expect(found('backend')).toEqual([]);
  });

  it('finds kinds by name, plural and short name, ahead of objects of the same rank', () => {
    const kinds: SearchKind[] = [
      {
        kindId: 'deployments.apps',
        kind: 'Deployment',
        plural: 'deployments',
        shortNames: ['deploy'],
        clusters: ['a']
      },
      {
        kindId: 'certificates.cert-manager.io',
        kind: 'Certificate',
        plural: 'certificates',
        shortNames: ['cert'],
        clusters: ['a', 'b']
      }
    ];
    const results = search([pods([row('a', 'web', 'deploy-bot')])], kinds, 'deploy', 10);
    expect(results.map((r) => [r.type, r.name, r.tier])).toEqual([
      ['kind', 'deployments', TIER.exact],
      ['object', 'deploy-bot', TIER.prefix]
    ]);
    expect(search([], kinds, 'cert', 10)[0]).toMatchObject({
      type: 'kind',
      kindId: 'certificates.cert-manager.io',
      clusters: ['a', 'b'],
      tier: TIER.exact
    });
  });

  it('lists an object held by two informers once', () => {
    const shared = row('c', 'web', 'api');
    const results = search([pods([shared]), pods([shared, row('c', 'web', 'api-2')])], [], 'api', 10);
    expect(names(results)).toEqual(['pods web/api', 'pods web/api-2']);
  });

  it('answers nothing for an empty query or limit', () => {
    expect(search([pods([row('c', 'web', 'api')])], [], '   ', 10)).toEqual([]);
    expect(search([pods([row('c', 'web', 'api')])], [], 'api', 0)).toEqual([]);
  });

  it('caps the work: after `limit` strong matches only exact names count, and `limit` exact ones end the scan', () => {
    let read = 0;
    function* counted(): Generator<Row> {
      for (let i = 0; i < 10_000; i++) {
        read++;
        yield row(`c${i}`, 'web', i % 2 === 0 ? 'api' : `api-${i}`);
      }
    }
    const results = search([{ kindId: 'pods', kind: 'Pod', rows: counted() }], [], 'api', 5);
    expect(results).toHaveLength(5);
    expect(results.every((r) => r.tier === TIER.exact && r.name === 'api')).toBe(true);
    expect(read).toBeLessThan(20);

    // 100 names start with the query; the one exact name comes last and still ranks first.
    const many = Array.from({ length: 100 }, (_, i) => row('c', 'web', `web-${i}`));
    const found = search(
      [pods([...many, row('c', 'web', 'web-substring-only', { a: 'b' }), row('c', 'prod', 'web')])],
      [],
      'web',
      10
    );
    expect(found[0]).toMatchObject({ name: 'web', namespace: 'prod', tier: TIER.exact });
    expect(found.slice(1).every((r) => r.tier === TIER.prefix)).toBe(true);
  });
});

// ---- the property: search equals a naive model (sort every match, take the first `limit`) ----------

function naiveTier(name: string, q: string): SearchTier | undefined {
  const n = name.toLowerCase();
  if (n === q) return 0;
  if (n.startsWith(q)) return 1;
  if (n.includes(q)) return 2;
  return undefined;
}

function naive(
  sources: { kindId: string; kind: string; rows: Row[] }[],
  kinds: SearchKind[],
  query: string,
  limit: number
) {
  const q = query.trim().toLowerCase();
  if (!q || limit <= 0) return { results: [] as SearchResult[], all: [] as SearchResult[] };
  const all: SearchResult[] = [];
  for (const k of kinds) {
    const tiers = [k.kind, k.plural, k.kindId, ...(k.shortNames ?? [])]
      .map((n) => naiveTier(n, q))
      .filter((t): t is SearchTier => t !== undefined);
    if (tiers.length)
      all.push({
        type: 'kind',
        kindId: k.kindId,
        kind: k.kind,
        name: k.plural,
        clusters: k.clusters,
        tier: Math.min(...tiers) as SearchTier
      });
  }
  const seen = new Set<string>();
  for (const s of sources) {
    for (const r of s.rows) {
      const id = `${s.kindId} ${r.key}`;
      if (seen.has(id)) continue;
      let tier = naiveTier(r.name, q);
      let matched: string | undefined;
      if (tier === undefined) {
        const labels = Object.entries(r.labels).map(([k, v]) => `${k}=${v}`);
        matched = r.namespace.toLowerCase().includes(q)
          ? 'namespace'
          : `${s.kind}\u0000${s.kindId}`.toLowerCase().includes(q)
            ? 'kind'
            : q.includes('=')
              ? labels.find((l) => l.toLowerCase().includes(q))
              : undefined;
        if (matched === undefined) continue;
        tier = 3;
      }
      seen.add(id);
      all.push({
        type: 'object',
        kindId: s.kindId,
        kind: s.kind,
        name: r.name,
        cluster: r.cluster,
        namespace: r.namespace,
        tier,
        ...(matched ? { matched } : {})
      });
    }
  }
  all.sort(compareResults);
  return { results: all.slice(0, limit), all };
}

const piece = fc.constantFrom('a', 'b', 'ab', 'x', '-', 'A');
const word = fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
const rowArb = fc.record({
  cluster: fc.constantFrom('c1', 'c2'),
  namespace: fc.constantFrom('', 'ab', 'web'),
  name: word,
  labels: fc.dictionary(fc.constantFrom('app', 'tier'), word, { maxKeys: 2 })
});
const sourceArb = fc.record({
  kindId: fc.constantFrom('pods', 'services', 'abs.x.io'),
  kind: fc.constantFrom('Pod', 'Service', 'Ab'),
  rows: fc.array(rowArb, { maxLength: 25 })
});
const kindArb = fc.record({
  kindId: fc.constantFrom('pods', 'bxs.a.io', 'abs'),
  kind: word,
  plural: word,
  shortNames: fc.array(word, { maxLength: 2 }),
  clusters: fc.constant(['c1']).map((c) => [...c])
});

describe('search against a naive model', () => {
  it('returns the model’s best `limit` results, or once capped, `limit` strong ones with every exact name', () => {
    fc.assert(
      fc.property(
        fc.array(sourceArb, { maxLength: 4 }),
        fc.uniqueArray(kindArb, { selector: (k) => k.kindId, maxLength: 3 }),
        fc
          .tuple(
            fc.oneof(
              word,
              fc
                .tuple(fc.option(word, { nil: '' }), fc.option(word, { nil: '' }))
                .map(([k, v]) => `${k}=${v}`)
            ),
            fc.constantFrom('', ' ')
          )
          .map(([w, pad]) => pad + w + pad),
        fc.integer({ min: 0, max: 8 }),
        (rawSources, kinds, query, limit) => {
          // Rows within one source have distinct keys (an informer's store is keyed by them).
          const sources = rawSources.map((s) => {
            const byKey = new Map<string, Row>();
            for (const r of s.rows) {
              const x = row(r.cluster, r.namespace, r.name, r.labels);
              byKey.set(x.key, x);
            }
            return { ...s, rows: [...byKey.values()] };
          });
          // Another informer of the same kind (a label selector's) holds some of the same objects.
          if (sources.length > 0) sources.push({ ...sources[0], rows: sources[0].rows.slice(0, 3) });
          const model = naive(sources, kinds, query, limit);
          const got = search(sources, kinds, query, limit);
          const exact = model.all.filter((r) => r.tier === TIER.exact).length;
          const strong = model.all.filter((r) => r.tier <= TIER.prefix).length;
          if (strong < limit) {
            expect(got).toEqual(model.results);
          } else {
            // The work was capped: `limit` strong matches, every exact one the model has (up to
            // `limit`), distinct, each one the model also found, in ranking order.
            expect(got).toHaveLength(limit);
            expect(got.every((r) => r.tier <= TIER.prefix)).toBe(true);
            expect(got.filter((r) => r.tier === TIER.exact)).toHaveLength(Math.min(limit, exact));
            const key = (r: SearchResult) => JSON.stringify(r);
            const valid = new Set(model.all.map(key));
            expect(got.every((r) => valid.has(key(r)))).toBe(true);
            expect(new Set(got.map(key)).size).toBe(limit);
            expect([...got].sort(compareResults)).toEqual(got);
          }
        }
      ),
      { numRuns: 500 }
    );
  });
});
