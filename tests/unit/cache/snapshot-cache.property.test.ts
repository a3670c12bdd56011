import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotCache, type CacheEvent, type SnapshotData } from '$lib/cache/snapshot-cache';
import type { Cell, Row } from '$lib/watch/row';
import { TimerClock } from '../../support/timer-clock';
import { injectQuota, type QuotaMode } from '../../support/idb-quota';

/** The next `quota.n` puts of rows fail with QuotaExceededError in `quota.mode`. */
const quota = { n: 0, mode: 'sync' as QuotaMode };
injectQuota(() => (quota.n > 0 ? (quota.n--, quota.mode) : false));

const KEYS = ['c1|v1/pods||', 'c1|apps/v1/deployments|prod|', 'c2|v1/pods||app=web', 'c2|v1/nodes||'];

const word = fc.stringMatching(/^[a-z0-9][a-z0-9./-]{0,6}$/);
const cell: fc.Arbitrary<Cell> = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null)
);
const rowArb: fc.Arbitrary<Row> = fc
  .record({
    namespace: word,
    name: word,
    uid: fc.uuid(),
    resourceVersion: fc.bigInt({ min: 1n, max: 10n ** 20n }).map(String),
    labels: fc.dictionary(word, fc.string({ maxLength: 5 }), { maxKeys: 3, noNullPrototype: true }),
    owners: fc.array(fc.record({ kind: word, name: word, uid: fc.uuid() }), { maxLength: 2 }),
    cells: fc.dictionary(word, cell, { maxKeys: 4, noNullPrototype: true })
  })
  .map((r) => ({
    ...r,
    key: `c1/${r.namespace}/${r.name}`,
    cluster: 'c1',
    creationTimestamp: '2024-05-01T10:00:00Z'
  }));
const rowsArb = fc.array(rowArb, { maxLength: 6 });

type Step =
  | { t: 'save'; key: number; rows: Row[]; fail: number; mode: QuotaMode }
  | { t: 'schedule'; key: number; rows: Row[] }
  | { t: 'tick'; ms: number; fail: number }
  | { t: 'load'; key: number }
  | { t: 'delete'; key: number }
  | { t: 'clear' }
  | { t: 'evict'; maxSnapshots: number };
type Op =
  | Step
  /** Several steps started without waiting for each other, as the engine would. */
  | { t: 'burst'; steps: Step[] }
  | { t: 'advance'; ms: number; fail: number }
  | { t: 'flushAll'; fail: number }
  | { t: 'reopen'; wait: boolean };

const keyArb = fc.integer({ min: 0, max: KEYS.length - 1 });
const failArb = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 3 }));
const modeArb = fc.constantFrom<QuotaMode>('sync', 'async', 'commit');
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('save' as const),
      key: keyArb,
      rows: rowsArb,
      fail: failArb,
      mode: modeArb
    })
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('schedule' as const), key: keyArb, rows: rowsArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('tick' as const),
      ms: fc.integer({ min: 0, max: 6000 }),
      fail: failArb
    })
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('load' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.constant({ t: 'clear' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('evict' as const), maxSnapshots: fc.integer({ min: 0, max: 4 }) })
  }
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: stepArb },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('burst' as const),
      steps: fc.array(stepArb, { minLength: 2, maxLength: 6 })
    })
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 7000 }),
      fail: failArb
    })
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('flushAll' as const), fail: failArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('reopen' as const),
      wait: fc.constantFrom(true, true, true, false)
    })
  }
);

describe('SnapshotCache against a Map model', () => {
  it('never returns anything but the last successfully saved snapshot, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 8, maxLength: 40 }), async (ops) => {
        const factory = new IDBFactory();
        const clock = new TimerClock(0);
        // Model: what a correct cache holds, updated only from what the cache reports as done.
        const model = new Map<string, SnapshotData>();
        const byVersion = new Map<string, SnapshotData>();
        // Per key, the id of the newest scheduleSave not written yet: only its provider may be called.
        const latest = new Map<string, number>();
        const violations: string[] = [];
        let version = 0;
        let writes = 0;
        let degraded = false;
        const onEvent = (e: CacheEvent) => {
          if (process.env.CACHE_DEBUG) console.log(JSON.stringify(e));
          if (e.type === 'write') {
            writes++;
            model.set(e.key, byVersion.get(e.resourceVersion)!);
          } else if (e.type === 'evict') {
            for (const k of e.keys) model.delete(k);
          } else if (e.type === 'disabled') {
            // e.g. the open timed out because the test advanced the clock before it finished;
            // pending saves are dropped.
            degraded = true;
            latest.clear();
          } else if (e.type === 'corrupt') {
            violations.push(`own record reported corrupt: ${e.problem}`);
          }
        };
        const open = () =>
          new SnapshotCache({ factory, clock, onEvent, throttleMs: 5000, limits: { maxSnapshots: 3 } });
        let cache = open();
        const snapshotOf = (rows: Row[]): SnapshotData => {
          const data = { resourceVersion: String(++version), rows };
          byVersion.set(data.resourceVersion, data);
          return data;
        };
        const check = async (key: string) => {
          const got = await cache.load(key);
          const want = model.get(key);
          // A cache that was disabled at some point may answer a miss; a hit is always exact.
          if (degraded && got === undefined) return;
          expect(got && { resourceVersion: got.resourceVersion, rows: got.rows }).toEqual(
            want && { resourceVersion: want.resourceVersion, rows: want.rows }
          );
        };

        /** Starts `step` at once; the promise settles after its effect and its checks. */
        const fire = async (step: Step): Promise<void> => {
          switch (step.t) {
            case 'save': {
              quota.n = step.fail;
              quota.mode = step.mode;
              const data = snapshotOf(step.rows);
              const ok = await cache.save(KEYS[step.key], data);
              // A write reported as done is in the model; one reported as failed changed nothing.
              expect(ok).toBe(model.get(KEYS[step.key]) === data);
              return;
            }
            case 'schedule': {
              const key = KEYS[step.key];
              const data = snapshotOf(step.rows);
              const id = version;
              if (cache.stats().enabled) latest.set(key, id);
              cache.scheduleSave(key, () => {
                if (latest.get(key) !== id) violations.push(`stale provider ${id} called for ${key}`);
                latest.delete(key);
                return data;
              });
              return;
            }
            case 'tick':
              // Scheduled writes start now: inject their failures now.
              quota.n = step.fail;
              quota.mode = 'async';
              clock.advance(step.ms);
              return;
            case 'load':
              return check(KEYS[step.key]);
            case 'delete': {
              const key = KEYS[step.key];
              latest.delete(key);
              // A delete that could not reach the database (cache disabled meanwhile) changed nothing.
              if (await cache.delete(key)) model.delete(key);
              return;
            }
            case 'clear':
              latest.clear();
              if (await cache.clear()) model.clear();
              return;
            case 'evict': {
              const evicted = await cache.evictLeastRecentlyUsed({ maxSnapshots: step.maxSnapshots });
              // (A cache that was disabled meanwhile may not have been able to evict.)
              if (!degraded) expect(model.size).toBeLessThanOrEqual(step.maxSnapshots);
              for (const k of evicted) expect(model.has(k)).toBe(false);
              return;
            }
          }
        };

        for (const op of ops) {
          switch (op.t) {
            case 'burst':
              await Promise.all(op.steps.map(fire));
              await cache.idle();
              break;
            case 'advance':
              quota.n = op.fail;
              quota.mode = 'commit';
              clock.advance(op.ms);
              await cache.idle();
              break;
            case 'flushAll':
              quota.n = op.fail;
              quota.mode = 'sync';
              await cache.flushAll();
              expect(cache.stats().pendingWrites).toBe(0);
              break;
            case 'reopen':
              // A page reload: pending saves are written first, then a new instance reads the same database.
              await cache.close();
              cache = open();
              writes = 0;
              degraded = false;
              if (op.wait) expect(await cache.ready()).toBe(true);
              break;
            default:
              await fire(op);
              await cache.idle();
          }
          quota.n = 0;
        }
        await cache.flushAll();
        // Every newest scheduled state was handed to a write (stored, or reported as failed).
        expect([...latest.keys()]).toEqual([]);
        for (const key of KEYS) await check(key);
        const stats = cache.stats();
        expect(stats.reads).toBe(stats.hits + stats.misses);
        expect(model.size).toBeLessThanOrEqual(3);
        expect(stats.writes).toBe(writes);
        expect(violations).toEqual([]);
        await cache.close();
      }),
      {
        numRuns: 150,
        ...(process.env.CACHE_SEED
          ? { seed: Number(process.env.CACHE_SEED), path: process.env.CACHE_PATH, endOnFailure: true }
          : {})
      }
    );
  });
});
