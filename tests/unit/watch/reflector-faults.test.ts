/**
 * The Reflector against a simulated cluster with injected faults: one test per fault kind, then a
 * property: random cluster changes interleaved with random faults always end, once the faults stop
 * and the reflector has caught up, with the store equal to the server's truth.
 *
 * Reflector time is a ManualClock advanced by the tests (backoff, Retry-After and stall timers run
 * in virtual time); the simulator's own few timers (bookmarks, the delay of a cut) are real and short.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fault } from '$lib/sim/faults';
import type { KubeObject } from '$lib/kube/types';
import { SimWorld } from '$lib/sim/world';
import { ManualClock } from '$lib/watch/backoff';
import { Reflector, ServerCapabilities } from '$lib/watch/reflector';
import { compareResourceVersions } from '$lib/watch/resource-version';
import { simTransport } from '$lib/watch/transport';

interface Projected {
  rv: string;
  tier: string;
  value: string;
  managedFields: boolean;
}

interface Scope {
  namespace?: string;
  labelSelector?: string;
}

const NAMESPACES = ['web', 'data'];

const realTick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A reflector of ConfigMaps in `scope` against a fresh simulated cluster, with a ManualClock. */
function simHarness(options: {
  seed?: number;
  scope?: Scope;
  watchList?: boolean;
  streamingList?: boolean;
  historyLimit?: number;
  pageSize?: number;
  random?: () => number;
  /** Real milliseconds between bookmarks on a watch; 0 for none. */
  bookmarkIntervalMs?: number;
  stallTimeoutMs?: number;
}) {
  const scope = options.scope ?? {};
  const world = new SimWorld({
    name: 'faulty',
    seed: options.seed ?? 1,
    pods: 3,
    churn: 0,
    watchList: options.watchList ?? true,
    historyLimit: options.historyLimit,
    // Real milliseconds: bookmarks keep healthy streams visibly alive while virtual time races.
    http: { bookmarkIntervalMs: options.bookmarkIntervalMs || 3_600_000 }
  });
  const cm = world.cluster.type('v1', 'ConfigMap');
  // An empty namespace, so that fault positions (after N events) do not depend on the world.
  world.cluster.create(world.cluster.type('v1', 'Namespace'), undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'lab' }
  });
  const clock = new ManualClock(1_700_000_000_000);

  // Every open watch body goes through a TransformStream the test can break ("drop").
  const open = new Set<TransformStreamDefaultController<Uint8Array>>();
  const handler = async (request: Request) => {
    const response = await world.handler(request);
    if (!response.body || new URL(request.url).searchParams.get('watch') !== '1') return response;
    let controller!: TransformStreamDefaultController<Uint8Array>;
    const relay = new TransformStream<Uint8Array, Uint8Array>({
      start(c) {
        controller = c;
        open.add(c);
      },
      flush() {
        open.delete(controller);
      }
    });
    return new Response(response.body.pipeThrough(relay), {
      status: response.status,
      headers: response.headers
    });
  };
  const drop = () => {
    for (const c of open) c.error(new Error('connection dropped (test)'));
    open.clear();
  };

  const delays: number[] = [];
  /** Every distinct error the reflector reported, in order. */
  const errors: string[] = [];
  const reflector = new Reflector<Projected>({
    transport: simTransport(handler),
    cluster: 'faulty',
    path: scope.namespace ? `/api/v1/namespaces/${scope.namespace}/configmaps` : '/api/v1/configmaps',
    labelSelector: scope.labelSelector,
    streamingList: options.streamingList ?? true,
    capabilities: new ServerCapabilities(),
    pageSize: options.pageSize ?? 4,
    stallTimeoutMs: options.stallTimeoutMs ?? 3000,
    backoff: { baseMs: 100, capMs: 3000 },
    clock,
    sleep: clock.sleep,
    random: options.random ?? (() => 0.5),
    transform: (o) => ({
      rv: o.metadata.resourceVersion,
      tier: o.metadata.labels?.tier ?? '',
      value: String(o.data?.value ?? ''),
      managedFields: o.metadata.managedFields !== undefined
    }),
    onState: (s) => {
      if (s.state === 'backoff' && s.nextRetryAt !== undefined) delays.push(s.nextRetryAt - clock.now());
      if (s.lastError !== undefined && s.lastError !== errors.at(-1)) errors.push(s.lastError);
    }
  });

  const write = {
    create(namespace: string, name: string, tier: string, value: number): KubeObject | undefined {
      if (world.cluster.find(cm, namespace, name)) return undefined;
      return world.cluster.create(cm, namespace, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name,
          labels: { tier },
          managedFields: [
            {
              manager: 'test',
              operation: 'Update',
              apiVersion: 'v1',
              time: '',
              fieldsType: 'FieldsV1',
              fieldsV1: {}
            }
          ]
        },
        data: { value: String(value) }
      });
    },
    update(namespace: string, name: string, tier: string, value: number): KubeObject | undefined {
      return world.cluster.mutate(cm, namespace, name, (o) => {
        o.metadata.labels = { ...o.metadata.labels, tier };
        o.data = { value: String(value) };
      });
    },
    remove(namespace: string, name: string): KubeObject | undefined {
      if (!world.cluster.find(cm, namespace, name)) return undefined;
      return world.cluster.delete(cm, namespace, name);
    }
  };

  /** What the store should hold: the server's list for the same scope. */
  const truth = () =>
    Object.fromEntries(
      world.cluster
        .list(cm, { namespace: scope.namespace, labelSelector: scope.labelSelector })
        .items.map((o) => [
          `${o.metadata.namespace}/${o.metadata.name}`,
          `${o.metadata.resourceVersion} ${o.metadata.labels?.tier ?? ''} ${o.data?.value ?? ''}`
        ])
    );
  const held = () =>
    Object.fromEntries(
      reflector.store.snapshot().map((e) => [e.key, `${e.item.rv} ${e.item.tier} ${e.item.value}`])
    );

  /** Lets the reflector run: real ticks for streams and the simulator, virtual time for its timers. */
  async function run(virtualMs: number, stepMs = 200): Promise<void> {
    for (let t = 0; t < virtualMs; t += stepMs) {
      await realTick();
      clock.advance(Math.min(stepMs, virtualMs - t));
    }
    await realTick();
  }

  async function settle(condition: () => boolean, maxIterations = 3000): Promise<boolean> {
    for (let i = 0; i < maxIterations; i++) {
      if (condition()) return true;
      await realTick();
      clock.advance(200);
    }
    return condition();
  }

  /**
   * Makes one last change every scope sees, then waits until the reflector is live at or past its
   * resourceVersion: it has seen everything before it, so the store must equal the truth.
   */
  let markers = 0;
  async function catchUp(): Promise<boolean> {
    world.faults.clear();
    const home = scope.namespace ?? 'web';
    markers++;
    const marker = write.update(home, 'marker', 'a', markers) ?? write.create(home, 'marker', 'a', markers)!;
    const markerRv = marker.metadata.resourceVersion;
    return settle(() => {
      const rv = reflector.store.resourceVersion;
      return (
        reflector.state === 'live' &&
        !reflector.store.resyncing &&
        rv !== undefined &&
        (compareResourceVersions(rv, markerRv) ?? -1) >= 0
      );
    });
  }

  const stop = () => {
    reflector.stop();
    drop();
    world.stop();
  };

  return { world, reflector, clock, write, truth, held, run, settle, catchUp, drop, stop, delays, errors };
}

// ---- one test per fault ------------------------------------------------------------------------

interface FaultCase {
  name: string;
  faults: Fault[];
  /** Periodic bookmarks make fault positions depend on timing; cases that count lines turn them off. */
  bookmarks?: boolean;
  /** What must show that the fault struck and was handled the intended way. */
  check: (h: ReturnType<typeof simHarness>) => void;
}

const cases: FaultCase[] = [
  {
    name: 'cut mid-line',
    faults: [{ kind: 'cut', afterEvents: 1 }],
    check: ({ reflector, errors }) => {
      expect(errors.join('\n')).toMatch(/connection broke/);
      expect(reflector.status.relists).toBe(0);
    }
  },
  {
    name: 'stall',
    faults: [{ kind: 'stall', afterEvents: 1 }],
    check: ({ reflector, errors }) => {
      expect(errors.join('\n')).toMatch(/no data for 3000 ms/);
      expect(reflector.status.relists).toBe(0);
    }
  },
  {
    name: 'malformed line',
    faults: [{ kind: 'malformed', afterEvents: 1 }],
    check: ({ reflector, errors }) => {
      expect(errors.join('\n')).toMatch(/not valid JSON/);
      expect(reflector.status.relists).toBe(0);
    }
  },
  {
    name: 'ERROR 410 on the watch',
    faults: [{ kind: 'error410', afterEvents: 1 }],
    check: ({ reflector }) => expect(reflector.status.relists).toBe(1)
  },
  {
    name: 'duplicate event',
    faults: [{ kind: 'duplicate', afterEvents: 2 }],
    bookmarks: false,
    check: ({ reflector }) => expect(reflector.status.ignored).toBeGreaterThan(0)
  },
  {
    name: 'replayed events',
    faults: [{ kind: 'replay', afterEvents: 4, count: 4 }],
    bookmarks: false,
    check: ({ reflector }) => expect(reflector.status.ignored).toBeGreaterThanOrEqual(3)
  },
  {
    name: '429 with Retry-After',
    faults: [{ kind: 'status', status: 429, retryAfterSeconds: 2, watch: true }],
    check: ({ delays, errors }) => {
      expect(errors.join('\n')).toMatch(/HTTP 429/);
      expect(delays[0]).toBe(2000);
    }
  },
  ...[500, 503, 504].map((code): FaultCase => ({
    name: `HTTP ${code}`,
    faults: [{ kind: 'status', status: code, watch: true }],
    check: ({ delays, errors }) => {
      expect(errors.join('\n')).toMatch(new RegExp(`HTTP ${code}`));
      expect(delays[0]).toBe(50);
    }
  })),
  {
    name: 'HTML error page from a proxy',
    faults: [{ kind: 'html', status: 502 }],
    check: ({ errors }) => {
      expect(errors.join('\n')).toMatch(/HTTP 502 with a non-JSON body \(text\/html\)/);
      expect(errors.join('\n')).toMatch(/502 Bad Gateway/);
    }
  },
  {
    name: 'compaction while reconnecting',
    // The cut makes the reflector reconnect from an RV the compaction has just made too old.
    faults: [
      { kind: 'cut', afterEvents: 2 },
      { kind: 'compact', watch: true }
    ],
    bookmarks: false,
    check: ({ reflector, errors }) => {
      expect(reflector.status.relists).toBe(1);
      expect(errors.join('\n')).toMatch(/410/);
    }
  }
];

describe('Reflector against injected faults', () => {
  for (const streaming of [false, true]) {
    for (const c of cases) {
      it(`recovers from ${c.name} (${streaming ? 'streaming list' : 'list + watch'})`, async () => {
        const h = simHarness({
          streamingList: streaming,
          scope: { namespace: 'lab' },
          bookmarkIntervalMs: c.bookmarks === false ? 0 : 5
        });
        try {
          // Faults strike the next matching requests: the first watch (or list) and what follows.
          for (const fault of c.faults) h.world.faults.add({ path: '/configmaps', ...fault });
          void h.reflector.run();
          for (let i = 0; i < 6; i++) {
            h.write.create('lab', `cm-${i}`, 'a', i);
            await h.run(200);
          }
          // Let every armed fault strike before the catch-up disarms what is left.
          expect(await h.settle(() => h.world.faults.pending() === 0)).toBe(true);
          expect(await h.catchUp()).toBe(true);
          expect(h.held()).toEqual(h.truth());
          expect(h.world.faults.struck.map((s) => s.kind)).toEqual(c.faults.map((f) => f.kind));
          c.check(h);
        } finally {
          h.stop();
        }
      });
    }
  }

  it('strips managedFields from every object it keeps', async () => {
    const h = simHarness({ scope: { namespace: 'web' }, bookmarkIntervalMs: 5 });
    try {
      void h.reflector.run();
      h.write.create('web', 'x', 'a', 1);
      expect(await h.catchUp()).toBe(true);
      expect(h.reflector.store.get('web/x')?.managedFields).toBe(false);
    } finally {
      h.stop();
    }
  });
});

// ---- the property --------------------------------------------------------------------------------

type Write =
  | { op: 'create' | 'update'; ns: number; name: number; tier: 'a' | 'b'; value: number }
  | { op: 'delete'; ns: number; name: number };

type Command =
  /** Writes made together: their events reach an open stream back to back. */
  | { op: 'writes'; writes: Write[] }
  | { op: 'fault'; fault: Fault; drop: boolean }
  /** The connection drops; changes (and maybe a compaction) happen before the reflector is back. */
  | { op: 'outage'; writes: Write[]; compact: boolean }
  | { op: 'compactNow' }
  | { op: 'run'; ms: number };

const afterEvents = fc.nat(3);
const optionalWatch = fc.option(fc.boolean(), { nil: undefined });
/** Every kind about equally often. */
const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  ...(['cut', 'stall', 'malformed', 'error410', 'duplicate'] as const).map((kind) =>
    fc.record({ kind: fc.constant(kind), afterEvents })
  ),
  fc.record({ kind: fc.constant('replay' as const), afterEvents, count: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant('status' as const),
    status: fc.constantFrom(429, 500, 503, 504),
    retryAfterSeconds: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    watch: optionalWatch
  }),
  fc.record({ kind: fc.constant('html' as const), status: fc.constantFrom(502, 503), watch: optionalWatch }),
  fc.record({ kind: fc.constant('compact' as const), watch: optionalWatch })
);

const name = fc.nat(4);
const ns = fc.nat(NAMESPACES.length - 1);
const tier = fc.constantFrom('a' as const, 'b' as const);
const writeArb: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('create' as const), ns, name, tier, value: fc.nat(9) })
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('update' as const), ns, name, tier, value: fc.nat(9) })
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), ns, name }) }
);
const writes = fc.array(writeArb, { minLength: 1, maxLength: 5 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('writes' as const), writes }) },
  // A fault strikes the next request: usually drop the open stream too, so that one comes soon.
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('fault' as const),
      fault: faultArb,
      drop: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) }
      )
    })
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('outage' as const), writes, compact: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'compactNow' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 6000 }) })
  }
);

const scopeArb: fc.Arbitrary<Scope> = fc.constantFrom<Scope>(
  {},
  { namespace: 'web' },
  { labelSelector: 'tier=a' },
  { namespace: 'web', labelSelector: 'tier=a' }
);

/** A seeded generator for the reflector's jitter (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Reflector (property): faults never leave the store wrong', () => {
  it('equals the server truth once the faults stop and it has caught up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.nat(1000),
          scope: scopeArb,
          watchList: fc.boolean(),
          historyLimit: fc.integer({ min: 3, max: 40 }),
          pageSize: fc.integer({ min: 1, max: 6 }),
          commands: fc.array(commandArb, { minLength: 8, maxLength: 30 })
        }),
        async ({ seed, scope, watchList, historyLimit, pageSize, commands }) => {
          const h = simHarness({
            seed,
            scope,
            watchList,
            historyLimit,
            pageSize,
            random: seeded(seed),
            // Bookmarks rarely enough that faults mostly strike object events, often enough
            // (20 ms real is about 4 s virtual) that healthy streams do not look stalled.
            bookmarkIntervalMs: 20,
            stallTimeoutMs: 10_000
          });
          try {
            const apply = (list: Write[]) => {
              for (const w of list) {
                const namespace = NAMESPACES[w.ns];
                if (w.op === 'create') h.write.create(namespace, `cm-${w.name}`, w.tier, w.value);
                else if (w.op === 'update') h.write.update(namespace, `cm-${w.name}`, w.tier, w.value);
                else h.write.remove(namespace, `cm-${w.name}`);
              }
            };
            void h.reflector.run();
            for (const c of commands) {
              switch (c.op) {
                case 'writes':
                  apply(c.writes);
                  break;
                case 'fault':
                  h.world.faults.add({ path: '/configmaps', ...c.fault });
                  if (c.drop) {
                    h.drop();
                    // Give the reconnect (after its backoff) the chance to meet the fault.
                    await h.settle(() => h.world.faults.pending() === 0, 40);
                  }
                  break;
                case 'outage':
                  h.drop();
                  apply(c.writes);
                  if (c.compact) h.world.cluster.compact();
                  break;
                case 'compactNow':
                  h.world.cluster.compact();
                  break;
                case 'run':
                  await h.run(c.ms);
                  break;
              }
              await h.run(50, 50);
            }
            expect(await h.catchUp()).toBe(true);
            expect(h.held()).toEqual(h.truth());
            expect(h.reflector.store.items().some((i) => i.managedFields)).toBe(false);
            // And it stays right as time goes on (reconnects, stalls detected late, resumes).
            await h.run(10_000);
            expect(await h.catchUp()).toBe(true);
            expect(h.held()).toEqual(h.truth());
          } finally {
            h.stop();
          }
        }
      ),
      { numRuns: 50, seed: 20240611, endOnFailure: true }
    );
  });
});
