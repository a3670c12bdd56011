/**
 * The permission answer cache against a simple model (expiry, invalidation on 403, one request for
 * concurrent identical asks), the concurrency limit, rule matching, and the AccessReviewer against
 * the simulator's RBAC, a read-only proxy and broken answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccessReviewer,
  AnswerCache,
  ConcurrencyLimit,
  rulesAllow,
  type AccessQuery
} from '$lib/engine/access';
import { SimWorld } from '$lib/sim/world';
import { simTransport, type Transport } from '$lib/watch/transport';

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const KEYS = ['a', 'b', 'c'];

type Op =
  | { t: 'get'; key: number; fresh: boolean }
  | { t: 'resolve'; pick: number }
  | { t: 'advance'; ms: number }
  | { t: 'invalidate'; key: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('get' as const), key: fc.nat(KEYS.length - 1), fresh: fc.boolean() }),
  fc.record({ t: fc.constant('resolve' as const), pick: fc.nat(10) }),
  fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 150 }) }),
  fc.record({ t: fc.constant('invalidate' as const), key: fc.nat(KEYS.length - 1) })
);

describe('AnswerCache', () => {
  it('property: serves live answers, asks once for concurrent asks, forgets on invalidate, expires at the TTL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.array(opArb, { maxLength: 40 }),
        async (ttl, ops) => {
          let now = 1000;
          const cache = new AnswerCache<number>(() => ttl, { now: () => now });
          // The server: each request answers its own id, when the test resolves it.
          const pending: { id: number; resolve: (v: number) => void }[] = [];
          let asked = 0;
          const ask = () => {
            const id = asked++;
            return new Promise<number>((resolve) => pending.push({ id, resolve }));
          };
          // The model.
          const entries = new Map<string, { value: number; expiresAt: number }>();
          const inFlight = new Map<string, { id: number; generation: number }>();
          const generation = new Map<string, number>();
          const requests = new Map<number, { key: string; generation: number; startedAt: number }>();
          const gets: { promise: Promise<number>; expected: number }[] = [];

          for (const op of ops) {
            if (op.t === 'advance') now += op.ms;
            else if (op.t === 'invalidate') {
              const key = KEYS[op.key];
              cache.invalidate(key);
              entries.delete(key);
              generation.set(key, (generation.get(key) ?? 0) + 1);
            } else if (op.t === 'get') {
              const key = KEYS[op.key];
              const gen = generation.get(key) ?? 0;
              const live = entries.get(key);
              const flying = inFlight.get(key);
              let expected: number;
              if (!op.fresh && live && now < live.expiresAt) expected = live.value;
              else if (flying && flying.generation === gen) expected = flying.id;
              else {
                expected = requests.size;
                requests.set(expected, { key, generation: gen, startedAt: now });
                inFlight.set(key, { id: expected, generation: gen });
              }
              gets.push({ promise: cache.get(key, ask, op.fresh), expected });
              expect(asked).toBe(requests.size);
            } else if (pending.length > 0) {
              const [p] = pending.splice(op.pick % pending.length, 1);
              p.resolve(p.id);
              await settle();
              const r = requests.get(p.id)!;
              if ((generation.get(r.key) ?? 0) === r.generation)
                entries.set(r.key, { value: p.id, expiresAt: r.startedAt + ttl });
              if (inFlight.get(r.key)?.id === p.id) inFlight.delete(r.key);
            }
            for (const key of KEYS) {
              const e = cache.peek(key);
              const m = entries.get(key);
              expect(e && { value: e.value, expiresAt: e.expiresAt }).toEqual(m);
            }
          }
          for (const p of pending) p.resolve(p.id);
          for (const g of gets) expect(await g.promise).toBe(g.expected);
        }
      )
    );
  });
});

describe('ConcurrencyLimit', () => {
  it('property: never more than the limit at once, every task runs, in arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(3), { maxLength: 20 }),
        async (limit, delays) => {
          const lim = new ConcurrencyLimit(limit);
          let active = 0;
          let most = 0;
          const started: number[] = [];
          await Promise.all(
            delays.map((ticks, i) =>
              lim.run(async () => {
                started.push(i);
                most = Math.max(most, ++active);
                for (let t = 0; t < ticks; t++) await settle();
                active--;
                return i;
              })
            )
          );
          expect(most).toBeLessThanOrEqual(limit);
          expect(started).toEqual(delays.map((_, i) => i));
        }
      )
    );
  });
});

describe('rulesAllow', () => {
  it('needs the verb, the group and the resource, or wildcards, and no resource names', () => {
    const rules = [
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'secrets'] },
      { verbs: ['*'], apiGroups: ['apps'], resources: ['*'] },
      { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['one'] }
    ];
    expect(rulesAllow(rules, 'list', '', 'secrets')).toBe(true);
    expect(rulesAllow(rules, 'delete', '', 'secrets')).toBe(false);
    expect(rulesAllow(rules, 'watch', 'apps', 'deployments')).toBe(true);
    expect(rulesAllow(rules, 'list', 'batch', 'jobs')).toBe(false);
    expect(rulesAllow(rules, 'list', '', 'configmaps')).toBe(false);
  });
});

describe('AccessReviewer', () => {
  const viewer = () =>
    new SimWorld({ name: 'prod', seed: 8, pods: 20, churn: 0, user: { name: 'viewer', role: 'viewer' } });
  const q = (verb: string, resource: string, namespace?: string, group = ''): AccessQuery => ({
    cluster: 'prod',
    verb,
    group,
    resource,
    namespace
  });

  /** Counts the requests a transport sends and can answer them itself. */
  function counted(
    inner: Transport,
    answer?: (path: string, init?: RequestInit) => Promise<Response> | undefined
  ) {
    const sent: string[] = [];
    const transport: Transport = {
      fetch(path, init) {
        sent.push(`${init?.method ?? 'GET'} ${path}`);
        return answer?.(path, init) ?? inner.fetch(path, init);
      }
    };
    return { transport, sent };
  }

  it('asks SelfSubjectAccessReview and SelfSubjectRulesReview of the simulator', async () => {
    const world = viewer();
    const reviewer = new AccessReviewer({ transport: () => simTransport(world.handler) });
    expect((await reviewer.check(q('list', 'secrets', 'web'))).answer).toBe('allowed');
    expect((await reviewer.check(q('list', 'secrets', 'data'))).answer).toBe('denied');
    expect((await reviewer.check(q('list', 'secrets'))).answer).toBe('denied');
    expect((await reviewer.check(q('watch', 'deployments', undefined, 'apps'))).answer).toBe('allowed');
    const web = await reviewer.rules('prod', 'web');
    expect(web.incomplete).toBe(false);
    expect(rulesAllow(web.rules!, 'list', '', 'secrets')).toBe(true);
    const data = await reviewer.rules('prod', 'data');
    expect(rulesAllow(data.rules!, 'list', '', 'secrets')).toBe(false);
    expect(rulesAllow(data.rules!, 'list', '', 'pods')).toBe(true);
    expect(await reviewer.namespaces('prod')).toContain('web');
    expect(reviewer.answers().map((a) => [a.verb, a.resource, a.namespace, a.answer])).toEqual(
      expect.arrayContaining([
        ['list', 'secrets', 'web', 'allowed'],
        ['watch', 'deployments.apps', undefined, 'allowed']
      ])
    );
  });

  it('a subresource is a permission of its own: asked as such, and cached apart from its resource', async () => {
    const world = viewer();
    const bodies: unknown[] = [];
    const { transport, sent } = counted(simTransport(world.handler), (path, init) => {
      if (path.includes('selfsubjectaccessreviews')) bodies.push(JSON.parse(String(init?.body)));
      return undefined;
    });
    const reviewer = new AccessReviewer({ transport: () => transport });
    await reviewer.check({ ...q('patch', 'deployments', 'web', 'apps'), subresource: 'scale' });
    await reviewer.check(q('patch', 'deployments', 'web', 'apps'));
    expect(sent).toHaveLength(2);
    expect(bodies[0]).toMatchObject({
      spec: {
        resourceAttributes: { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale' }
      }
    });
    expect(
      (bodies[1] as { spec: { resourceAttributes: object } }).spec.resourceAttributes
    ).not.toHaveProperty('subresource');
  });

  it('one request for concurrent identical asks, and the cached answer until it expires or a 403 invalidates it', async () => {
    const world = viewer();
    let now = 0;
    const { transport, sent } = counted(simTransport(world.handler));
    const reviewer = new AccessReviewer({
      transport: () => transport,
      ttlMs: () => 1000,
      clock: { now: () => now }
    });
    await Promise.all([1, 2, 3].map(() => reviewer.check(q('list', 'pods'))));
    expect(sent).toHaveLength(1);
    now = 999;
    await reviewer.check(q('list', 'pods'));
    expect(sent).toHaveLength(1);
    now = 1000;
    await reviewer.check(q('list', 'pods'));
    expect(sent).toHaveLength(2);
    reviewer.invalidate(q('list', 'pods'));
    await reviewer.check(q('list', 'pods'));
    expect(sent).toHaveLength(3);
  });

  it('keeps at most three reviews of a cluster in flight', async () => {
    const world = viewer();
    let inFlight = 0;
    let most = 0;
    const inner = simTransport(world.handler);
    const transport: Transport = {
      async fetch(path, init) {
        most = Math.max(most, ++inFlight);
        await settle();
        try {
          return await inner.fetch(path, init);
        } finally {
          inFlight--;
        }
      }
    };
    const reviewer = new AccessReviewer({ transport: () => transport });
    const answers = await Promise.all(
      ['pods', 'secrets', 'services', 'configmaps', 'events', 'serviceaccounts', 'nodes'].map((r) =>
        reviewer.check(q('list', r, 'web'))
      )
    );
    expect(answers.map((a) => a.answer)).toEqual(Array(7).fill('allowed'));
    expect(most).toBe(3);
  });

  it('unknown, never denied, when the review cannot be had: a read-only proxy, not JSON, no status, no network', async () => {
    const world = viewer();
    const cases: [string, () => Promise<Response>, RegExp][] = [
      ['read-only proxy', async () => new Response('Forbidden', { status: 403 }), /HTTP 403/],
      ['method refused', async () => new Response('Method Not Allowed', { status: 405 }), /HTTP 405/],
      [
        'an HTML page',
        async () => new Response('<html>login</html>', { status: 200 }),
        /did not answer JSON/
      ],
      ['no status', async () => Response.json({ kind: 'Status' }, { status: 201 }), /no review status/],
      [
        'no network',
        async () => {
          throw new TypeError('Failed to fetch');
        },
        /Failed to fetch/
      ]
    ];
    for (const [, respond, reason] of cases) {
      const { transport } = counted(simTransport(world.handler), (path, init) =>
        init?.method === 'POST' ? respond() : undefined
      );
      const reviewer = new AccessReviewer({ transport: () => transport });
      const answer = await reviewer.check(q('list', 'secrets', 'data'));
      expect(answer.answer).toBe('unknown');
      expect(answer.reason).toMatch(reason);
      expect((await reviewer.rules('prod', 'web')).rules).toBeUndefined();
    }
    const none = new AccessReviewer({ transport: () => undefined });
    expect((await none.check(q('list', 'pods'))).answer).toBe('unknown');
  });
});
