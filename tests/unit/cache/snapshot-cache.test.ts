import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CACHE_DB_NAME,
  SNAPSHOT_SCHEMA,
  SnapshotCache,
  type CacheEvent,
  type SnapshotCacheOptions,
  type SnapshotData
} from '$lib/cache/snapshot-cache';
import { recordProblem, rowProblem } from '$lib/cache/snapshot-record';
import type { Row } from '$lib/watch/row';
import { TimerClock } from '../../support/timer-clock';
import { injectQuota, type QuotaMode } from '../../support/idb-quota';

function row(name: string, extra: Partial<Row> = {}): Row {
  return {
    key: `c1/default/${name}`,
    uid: `uid-${name}`,
    cluster: 'c1',
    namespace: 'default',
    name,
    resourceVersion: '100',
    creationTimestamp: '2024-01-01T00:00:00Z',
    labels: { app: 'web' },
    owners: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1' }],
    cells: { phase: 'Running', ready: '1/1', restarts: 0, node: 'n1', ok: true, ip: null },
    ...extra
  };
}

function data(resourceVersion: string, names: string[]): SnapshotData {
  return { resourceVersion, rows: names.map((n) => row(n)) };
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function setup(options: SnapshotCacheOptions = {}) {
  const factory = options.factory === undefined ? new IDBFactory() : options.factory;
  const clock = (options.clock as TimerClock | undefined) ?? new TimerClock(1000);
  const events: CacheEvent[] = [];
  const make = (extra: SnapshotCacheOptions = {}) => {
    const cache = new SnapshotCache({
      throttleMs: 5000,
      limits: {},
      ...options,
      factory,
      clock,
      onEvent: (e) => events.push(e),
      ...extra
    });
    cleanups.push(() => cache.close());
    return cache;
  };
  return { factory, clock, events, cache: make(), make };
}

/** Raw access to the database, as another tab or another app version would have it. */
function rawOpen(
  factory: IDBFactory,
  version: number,
  upgrade?: (db: IDBDatabase) => void
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(CACHE_DB_NAME, version);
    request.onupgradeneeded = () => upgrade?.(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function rawPut(db: IDBDatabase, store: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

function rawKeys(db: IDBDatabase, store: string): Promise<IDBValidKey[]> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(store).objectStore(store).getAllKeys();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

describe('SnapshotCache: round trip and bookkeeping', () => {
  it('stores rows and resourceVersion and reads them back, also after a reopen', async () => {
    const { cache, clock, make, factory } = setup();
    expect(await cache.ready()).toBe(true);
    expect(await cache.load('pods')).toBeUndefined();

    const saved = data('4711', ['a', 'b', 'c']);
    expect(await cache.save('pods', saved)).toBe(true);
    clock.advance(10);
    const got = await cache.load('pods');
    expect(got).toEqual({
      key: 'pods',
      schema: SNAPSHOT_SCHEMA,
      resourceVersion: '4711',
      savedAt: 1_000,
      lastUsed: 1_010,
      rows: saved.rows,
      bytes: expect.any(Number)
    });
    expect(got!.bytes).toBeGreaterThan(0);

    await cache.close();
    const again = make();
    expect((await again.load('pods'))?.rows).toEqual(saved.rows);
    expect(cache.stats()).toMatchObject({ reads: 2, hits: 1, misses: 1, writes: 1, writeErrors: 0 });
    // The reopened cache saw the same database.
    const db = await rawOpen(factory as IDBFactory, 1);
    expect(await rawKeys(db, 'rows')).toEqual(['pods']);
    db.close();
  });

  it('keeps live rows apart from what was stored', async () => {
    const { cache } = setup();
    const live = data('1', ['a']);
    await cache.save('k', live);
    (live.rows[0] as Row).cells.phase = 'Failed';
    const got = await cache.load('k');
    expect(got!.rows[0].cells.phase).toBe('Running');
    got!.rows[0].cells.phase = 'Pending';
    expect((await cache.load('k'))!.rows[0].cells.phase).toBe('Running');
  });

  it('delete and clear remove snapshots', async () => {
    const { cache } = setup();
    await cache.save('a', data('1', ['x']));
    await cache.save('b', data('2', ['y']));
    await cache.save('c', data('3', ['z']));
    expect(await cache.delete('a')).toBe(true);
    expect(await cache.load('a')).toBeUndefined();
    expect(await cache.load('b')).toBeDefined();
    await cache.clear();
    expect(await cache.load('b')).toBeUndefined();
    expect(await cache.load('c')).toBeUndefined();
  });

  it('evicts least recently used first, where a load counts as a use', async () => {
    const { cache, clock, events } = setup();
    for (const key of ['a', 'b', 'c']) {
      await cache.save(key, data('1', [key]));
      clock.advance(1);
    }
    await cache.load('a');
    expect(await cache.evictLeastRecentlyUsed({ maxSnapshots: 2 })).toEqual(['b']);
    expect(await cache.evictLeastRecentlyUsed({ maxSnapshots: 2 })).toEqual([]);
    expect(await cache.load('b')).toBeUndefined();
    expect(await cache.load('a')).toBeDefined();
    expect(await cache.load('c')).toBeDefined();
    expect(events).toContainEqual({ type: 'evict', keys: ['b'], reason: 'explicit' });
    expect(cache.stats().evictions).toBe(1);
  });

  it('evicts by size until the total fits', async () => {
    const { cache, clock } = setup();
    await cache.save('big', { ...data('1', ['a']), bytes: 600 });
    clock.advance(1);
    await cache.save('mid', { ...data('1', ['b']), bytes: 300 });
    clock.advance(1);
    await cache.save('small', { ...data('1', ['c']), bytes: 100 });
    expect(await cache.evictLeastRecentlyUsed({ maxBytes: 450 })).toEqual(['big']);
    expect(await cache.evictLeastRecentlyUsed({ maxBytes: 150 })).toEqual(['mid']);
    expect((await cache.load('small'))?.bytes).toBe(100);
  });

  it('applies its limits after every write, never evicting the snapshot just written', async () => {
    const { cache, clock, events } = setup({ limits: { maxSnapshots: 2 } });
    for (const key of ['a', 'b', 'c']) {
      await cache.save(key, data('1', [key]));
      clock.advance(1);
    }
    expect(events).toContainEqual({ type: 'evict', keys: ['a'], reason: 'limits' });
    expect(await cache.load('a')).toBeUndefined();
    // Even a limit that nothing fits keeps the newest snapshot.
    const tight = setup({ limits: { maxBytes: 1 } });
    await tight.cache.save('x', data('1', ['x']));
    await tight.cache.save('y', data('1', ['y']));
    expect(await tight.cache.load('x')).toBeUndefined();
    expect(await tight.cache.load('y')).toBeDefined();
  });
});

describe('SnapshotCache: background writes', () => {
  it('writes at most once per window per key, with the latest state, calling providers lazily', async () => {
    const { cache, clock } = setup();
    let state = data('1', ['a']);
    let calls = 0;
    const provider = () => {
      calls++;
      return state;
    };
    cache.scheduleSave('k', provider);
    state = data('2', ['a', 'b']);
    cache.scheduleSave('k', provider);
    expect(calls).toBe(0);
    expect(cache.stats().pendingWrites).toBe(1);

    clock.advance(0);
    await cache.idle();
    expect(calls).toBe(1);
    expect((await cache.load('k'))?.resourceVersion).toBe('2');

    state = data('3', ['a']);
    cache.scheduleSave('k', provider);
    clock.advance(1000);
    state = data('4', ['c']);
    cache.scheduleSave('k', provider);
    clock.advance(3999);
    await cache.idle();
    expect(cache.stats().writes).toBe(1);
    expect(calls).toBe(1);

    clock.advance(1);
    await cache.idle();
    expect(cache.stats().writes).toBe(2);
    expect(calls).toBe(2);
    expect(await cache.load('k')).toMatchObject({ resourceVersion: '4', rows: state.rows });
  });

  it('throttles each key on its own', async () => {
    const { cache, clock } = setup();
    cache.scheduleSave('a', () => data('1', ['a']));
    clock.advance(0);
    await cache.idle();
    clock.advance(100);
    cache.scheduleSave('b', () => data('1', ['b']));
    cache.scheduleSave('a', () => data('2', ['a']));
    clock.advance(0);
    await cache.idle();
    expect((await cache.load('b'))?.resourceVersion).toBe('1');
    expect((await cache.load('a'))?.resourceVersion).toBe('1');
    clock.advance(4900);
    await cache.idle();
    expect((await cache.load('a'))?.resourceVersion).toBe('2');
  });

  it('flushAll writes everything pending at once, ignoring the window', async () => {
    const { cache, clock } = setup();
    cache.scheduleSave('a', () => data('1', ['a']));
    clock.advance(0);
    await cache.idle();
    cache.scheduleSave('a', () => data('2', ['a']));
    cache.scheduleSave('b', () => data('7', ['b']));
    await cache.flushAll();
    expect(cache.stats()).toMatchObject({ writes: 3, pendingWrites: 0 });
    expect((await cache.load('a'))?.resourceVersion).toBe('2');
    expect((await cache.load('b'))?.resourceVersion).toBe('7');
    // The timers of the flushed saves are gone: nothing more is written.
    clock.advance(10_000);
    await cache.idle();
    expect(cache.stats().writes).toBe(3);
  });

  it('a provider with nothing to save, or one that throws, costs nothing but a report', async () => {
    const { cache, events } = setup();
    cache.scheduleSave('empty', () => undefined);
    cache.scheduleSave('broken', () => {
      throw new Error('informer gone');
    });
    cache.scheduleSave('bad', () => ({ resourceVersion: '', rows: [] }));
    await cache.flushAll();
    expect(cache.stats()).toMatchObject({ writes: 0, writeErrors: 2, lastError: expect.any(String) });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'write-error', key: 'broken', quota: false })
    );
    expect(await cache.load('empty')).toBeUndefined();
  });

  it('delete and clear drop pending saves', async () => {
    const { cache, clock } = setup();
    cache.scheduleSave('a', () => data('1', ['a']));
    cache.scheduleSave('b', () => data('1', ['b']));
    void cache.delete('a');
    clock.advance(0);
    await cache.idle();
    expect(await cache.load('a')).toBeUndefined();
    expect(await cache.load('b')).toBeDefined();
    cache.scheduleSave('c', () => data('1', ['c']));
    await cache.clear();
    await cache.flushAll();
    expect(await cache.load('c')).toBeUndefined();
  });

  it('a write that fails (uncloneable rows) keeps the previous snapshot and reports it', async () => {
    const { cache, events } = setup();
    await cache.save('k', data('1', ['a']));
    const broken = row('b', { cells: { bad: (() => 1) as unknown as string } });
    expect(await cache.save('k', { resourceVersion: '2', rows: [broken] })).toBe(false);
    expect((await cache.load('k'))?.resourceVersion).toBe('1');
    expect(cache.stats().writeErrors).toBe(1);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'write-error', key: 'k', quota: false, retried: false })
    );
  });

  it('a read that fails (aborted transaction) is a miss with a report, and the data survives', async () => {
    const { cache, events } = setup();
    await cache.save('k', data('1', ['a']));
    const proto = IDBObjectStore.prototype;
    const original = proto.get;
    proto.get = function () {
      throw new DOMException('disk error', 'UnknownError');
    };
    cleanups.push(() => {
      proto.get = original;
    });
    expect(await cache.load('k')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ misses: 1, lastError: 'UnknownError: disk error' });
    expect(events).toContainEqual({ type: 'error', op: 'load', error: 'UnknownError: disk error' });
    proto.get = original;
    expect((await cache.load('k'))?.resourceVersion).toBe('1');
  });

  it('close writes what is pending; afterwards the cache answers as disabled', async () => {
    const { cache, make } = setup();
    cache.scheduleSave('k', () => data('9', ['a']));
    await cache.close();
    expect(cache.stats()).toMatchObject({ enabled: false, disabledReason: 'closed', writes: 1 });
    expect(await cache.load('k')).toBeUndefined();
    expect(await cache.save('k', data('10', ['a']))).toBe(false);
    expect((await make().load('k'))?.resourceVersion).toBe('9');
  });
});

describe('SnapshotCache: corrupt and foreign records', () => {
  async function plant(meta: unknown, rows: unknown) {
    const s = setup();
    await s.cache.ready();
    await s.cache.close();
    const db = await rawOpen(s.factory as IDBFactory, 1);
    if (meta !== undefined) await rawPut(db, 'meta', meta);
    if (rows !== undefined) await rawPut(db, 'rows', rows);
    const cache = s.make();
    const got = await cache.load('k');
    const left = [await rawKeys(db, 'meta'), await rawKeys(db, 'rows')];
    db.close();
    return { got, left, cache, events: s.events };
  }

  const goodMeta = {
    key: 'k',
    schema: SNAPSHOT_SCHEMA,
    resourceVersion: '5',
    savedAt: 1,
    lastUsed: 1,
    bytes: 10,
    count: 1
  };
  const goodRows = { key: 'k', rows: [row('a')] };

  it('accepts a well-formed planted record (the control case)', async () => {
    const { got, left } = await plant(goodMeta, goodRows);
    expect(got?.rows).toEqual(goodRows.rows);
    expect(left).toEqual([['k'], ['k']]);
  });

  it.each([
    ['another schema', { ...goodMeta, schema: SNAPSHOT_SCHEMA + 1 }, goodRows],
    ['a missing resourceVersion', { ...goodMeta, resourceVersion: '' }, goodRows],
    ['metadata without rows', goodMeta, undefined],
    ['rows without metadata', undefined, goodRows],
    ['rows that are not an array', goodMeta, { key: 'k', rows: 'nope' }],
    ['a row without uid', goodMeta, { key: 'k', rows: [{ ...row('a'), uid: 7 }] }],
    ['a non-scalar cell', goodMeta, { key: 'k', rows: [row('a', { cells: { x: { y: 1 } } as never })] }],
    ['a wrong row count', { ...goodMeta, count: 2 }, goodRows],
    ['garbage metadata', { key: 'k', hello: 'world' }, goodRows]
  ])('drops and reports %s', async (_name, meta, rows) => {
    const { got, left, cache, events } = await plant(meta, rows);
    expect(got).toBeUndefined();
    expect(left).toEqual([[], []]);
    expect(cache.stats()).toMatchObject({ corruptDropped: 1, misses: 1 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'corrupt', key: 'k' }));
  });

  it('drops records of an older record format when the schema is bumped', async () => {
    const s = setup();
    await s.cache.save('k', data('1', ['a']));
    await s.cache.close();
    const bumped = s.make({ schema: SNAPSHOT_SCHEMA + 1 });
    expect(await bumped.load('k')).toBeUndefined();
    expect(bumped.stats().corruptDropped).toBe(1);
  });

  it('eviction sweeps orphaned rows and malformed metadata', async () => {
    const s = setup();
    await s.cache.save('good', data('1', ['a']));
    await s.cache.close();
    const db = await rawOpen(s.factory as IDBFactory, 1);
    await rawPut(db, 'rows', { key: 'orphan', rows: [] });
    await rawPut(db, 'meta', { key: 'junk', lastUsed: 'yesterday' });
    const cache = s.make();
    expect(await cache.evictLeastRecentlyUsed({})).toEqual([]);
    expect(await rawKeys(db, 'rows')).toEqual(['good']);
    expect(await rawKeys(db, 'meta')).toEqual(['good']);
    expect(cache.stats().corruptDropped).toBe(2);
    db.close();
  });

  it('shape checks name the problem', () => {
    expect(rowProblem(row('a'))).toBeUndefined();
    expect(rowProblem(null)).toBe('not an object');
    expect(rowProblem({ ...row('a'), labels: { a: 1 } })).toBe('label a is not a string');
    expect(rowProblem({ ...row('a'), owners: [{ kind: 'X' }] })).toBe('malformed owner');
    expect(recordProblem('k', 1, { ...goodMeta, key: 'other' }, goodRows)).toBe('metadata key mismatch');
  });
});

describe('SnapshotCache: quota exceeded', () => {
  async function filled(limits = {}) {
    const s = setup({ limits });
    for (const key of ['a', 'b', 'c']) {
      await s.cache.save(key, data('1', [key]));
      s.clock.advance(1);
    }
    await s.cache.load('a'); // a is now the most recently used
    s.clock.advance(1);
    return s;
  }

  it.each<QuotaMode>(['sync', 'async', 'commit'])(
    'evicts the least recently used snapshot and retries once (%s failure)',
    async (mode) => {
      const { cache, events } = await filled();
      let failures = 1;
      cleanups.push(injectQuota(() => (failures-- > 0 ? mode : false)));
      expect(await cache.save('d', data('2', ['d']))).toBe(true);
      expect(events).toContainEqual({ type: 'evict', keys: ['b'], reason: 'quota' });
      expect(await cache.load('b')).toBeUndefined();
      expect((await cache.load('d'))?.resourceVersion).toBe('2');
      expect(await cache.load('a')).toBeDefined();
      expect(await cache.load('c')).toBeDefined();
      expect(cache.stats()).toMatchObject({ writes: 4, writeErrors: 0, evictions: 1 });
    }
  );

  it.each<QuotaMode>(['sync', 'async', 'commit'])(
    'gives up after one retry and keeps the previous snapshot of that key intact (%s failure)',
    async (mode) => {
      const { cache, events } = await filled();
      cleanups.push(injectQuota(() => mode));
      expect(await cache.save('a', data('2', ['a', 'z']))).toBe(false);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'write-error', key: 'a', quota: true, retried: true })
      );
      expect(await cache.load('a')).toMatchObject({ resourceVersion: '1', rows: [row('a')] });
      expect(cache.stats()).toMatchObject({ writeErrors: 1, lastError: expect.stringContaining('Quota') });
    }
  );

  it('does not retry when there is nothing to evict', async () => {
    const { cache, events } = setup();
    await cache.save('only', data('1', ['a']));
    let attempts = 0;
    cleanups.push(
      injectQuota(() => {
        attempts++;
        return 'async';
      })
    );
    expect(await cache.save('only', data('2', ['b']))).toBe(false);
    expect(attempts).toBe(1);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'write-error', quota: true, retried: false })
    );
    expect((await cache.load('only'))?.resourceVersion).toBe('1');
  });

  it('a scheduled write that hits the quota never throws into the caller', async () => {
    const { cache, clock } = await filled();
    cleanups.push(injectQuota(() => 'sync'));
    cache.scheduleSave('x', () => data('1', ['x']));
    clock.advance(0);
    await cache.flushAll();
    expect(cache.stats().writeErrors).toBe(1);
    expect(await cache.load('x')).toBeUndefined();
  });
});

describe('SnapshotCache: no IndexedDB, failed or blocked opens', () => {
  async function expectDisabled(cache: SnapshotCache) {
    expect(await cache.ready()).toBe(false);
    expect(await cache.load('k')).toBeUndefined();
    expect(await cache.save('k', data('1', ['a']))).toBe(false);
    cache.scheduleSave('k', () => data('1', ['a']));
    await cache.flushAll();
    expect(await cache.evictLeastRecentlyUsed({ maxSnapshots: 0 })).toEqual([]);
    expect(await cache.delete('k')).toBe(false);
    expect(await cache.clear()).toBe(false);
    const stats = cache.stats();
    expect(stats).toMatchObject({ enabled: false, writes: 0, hits: 0 });
    expect(stats.misses).toBe(stats.reads);
  }

  it('without IndexedDB it is a disabled cache that answers undefined', async () => {
    const { cache, events } = setup({ factory: null });
    await expectDisabled(cache);
    expect(cache.stats().disabledReason).toBe('unavailable');
    expect(events).toContainEqual({ type: 'disabled', reason: 'unavailable' });
  });

  it('an open that throws (private mode) disables the cache and records why', async () => {
    const factory = {
      open() {
        throw new DOMException('A mutation operation was attempted', 'InvalidStateError');
      }
    } as unknown as IDBFactory;
    const { cache } = setup({ factory });
    await expectDisabled(cache);
    expect(cache.stats()).toMatchObject({
      disabledReason: 'open-failed',
      lastError: expect.stringContaining('InvalidStateError')
    });
  });

  it('an open that never answers is given up after the timeout', async () => {
    const factory = {
      open: () => ({ addEventListener() {} })
    } as unknown as IDBFactory;
    const { cache, clock } = setup({ factory, openTimeoutMs: 3000 });
    const load = cache.load('k');
    clock.advance(3000);
    expect(await load).toBeUndefined();
    await expectDisabled(cache);
    expect(cache.stats().disabledReason).toBe('open-timeout');
  });

  it('a database at a newer version (newer app in another tab) disables the cache', async () => {
    const factory = new IDBFactory();
    (await rawOpen(factory, 5)).close();
    const { cache } = setup({ factory });
    await expectDisabled(cache);
    expect(cache.stats()).toMatchObject({
      disabledReason: 'version',
      lastError: expect.stringContaining('VersionError')
    });
  });

  it('an old tab holding the previous version blocks the upgrade: no cache until it lets go', async () => {
    const factory = new IDBFactory();
    // The old tab's connection ignores versionchange, as old code may.
    const old = await rawOpen(factory, 1, (db) => {
      db.createObjectStore('meta', { keyPath: 'key' });
      db.createObjectStore('rows', { keyPath: 'key' });
      db.createObjectStore('legacy');
    });
    const { cache, events } = setup({ factory, dbVersion: 2 });
    expect(await cache.ready()).toBe(false);
    expect(cache.stats()).toMatchObject({ enabled: false, disabledReason: 'blocked' });
    expect(await cache.load('k')).toBeUndefined();
    expect(await cache.save('k', data('1', ['a']))).toBe(false);

    old.close();
    await new Promise<void>((resolve) => {
      const poll = () => (cache.stats().enabled ? resolve() : setTimeout(poll, 1));
      poll();
    });
    expect(events).toContainEqual({ type: 'enabled' });
    expect(cache.stats().disabledReason).toBeUndefined();
    expect(await cache.save('k', data('2', ['a']))).toBe(true);
    expect((await cache.load('k'))?.resourceVersion).toBe('2');
    await cache.close();
    const upgraded = await rawOpen(factory, 2);
    expect(Array.from(upgraded.objectStoreNames).sort()).toEqual(['meta', 'rows']);
    upgraded.close();
  });

  it('steps aside when another tab upgrades, and answers as no cache from then on', async () => {
    const { cache, factory } = setup();
    await cache.save('k', data('1', ['a']));
    const newer = await rawOpen(factory as IDBFactory, 2);
    expect(newer.version).toBe(2);
    expect(cache.stats()).toMatchObject({ enabled: false, disabledReason: 'superseded' });
    expect(await cache.load('k')).toBeUndefined();
    expect(await cache.save('k', data('2', ['a']))).toBe(false);
    newer.close();
  });

  it('a listener that throws does not break the cache', async () => {
    const cache = new SnapshotCache({
      factory: new IDBFactory(),
      clock: new TimerClock(1000),
      onEvent: () => {
        throw new Error('listener bug');
      }
    });
    cleanups.push(() => cache.close());
    expect(await cache.save('k', data('1', ['a']))).toBe(true);
    expect((await cache.load('k'))?.resourceVersion).toBe('1');
  });
});
