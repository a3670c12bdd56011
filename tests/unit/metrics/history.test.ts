/**
 * The history ring against a model (the samples in time order, one per time, the last N), and the
 * IndexedDB cache of histories: a round trip, corrupt records, a full disk, another tab upgrading
 * the database and a database at a newer version, none of which breaks anything.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistoryRing, MetricsHistory } from '$lib/metrics/history';
import {
  MetricsHistoryCache,
  packHistory,
  unpackHistory,
  type HistoryStore
} from '$lib/metrics/history-cache';
import { MetricsHub } from '$lib/metrics/hub';
import type { Sample, Series } from '$lib/metrics/types';

const sampleArb = fc.record({
  at: fc.integer({ min: 0, max: 40 }),
  cpu: fc.integer({ min: 0, max: 5 }),
  memory: fc.integer({ min: 0, max: 5 })
});

/** The model: newest time wins per time, older times after a newer one are ignored, keep the last N. */
function model(samples: Sample[], capacity: number): Sample[] {
  const out: Sample[] = [];
  for (const s of samples) {
    const last = out[out.length - 1];
    if (last && s.at < last.at) continue;
    if (last && s.at === last.at) out[out.length - 1] = s;
    else out.push(s);
  }
  return out.slice(-capacity);
}

const asSeries = (samples: Sample[]): Series => ({
  at: samples.map((s) => s.at),
  cpu: samples.map((s) => s.cpu),
  memory: samples.map((s) => s.memory)
});

describe('HistoryRing', () => {
  it('holds the last N samples in time order, whatever arrives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(sampleArb, { maxLength: 60 }),
        (capacity, samples) => {
          const ring = new HistoryRing(capacity);
          const seen: Sample[] = [];
          for (const s of samples) {
            const before = ring.series();
            const changed = ring.push(s);
            seen.push(s);
            const want = model(seen, capacity);
            expect(ring.series()).toEqual(asSeries(want));
            expect(ring.latest()).toEqual(want[want.length - 1]);
            // A snapshot handed out never changes afterwards.
            if (changed) expect(ring.series()).not.toBe(before);
            else expect(ring.series()).toBe(before);
          }
        }
      ),
      { numRuns: 300 }
    );
  });

  it('drops histories that stopped getting samples', () => {
    const h = new MetricsHistory(4);
    h.record('pods|c/ns/a', { at: 10, cpu: 1, memory: 1 }, 10);
    h.record('pods|c/ns/b', { at: 50, cpu: 1, memory: 1 });
    h.prune(20);
    expect(h.entries().map(([id]) => id)).toEqual(['pods|c/ns/b']);
  });
});

/** Opens (then closes) database `name` at `version`, as another tab or a newer app would. */
function openElsewhere(factory: IDBFactory, name: string, version: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version);
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
}

describe('MetricsHistoryCache', () => {
  const entries: [string, Series][] = [
    ['pods|c/ns/a', { at: [1, 2, 3], cpu: [10, 20, 30], memory: [100, 200, 300] }],
    ['cluster|c', { at: [5], cpu: [1.5], memory: [7] }]
  ];

  it('packs and unpacks histories, and ignores records that do not add up', () => {
    const rec = packHistory('c', entries, 99);
    expect(unpackHistory(structuredClone(rec))).toEqual(entries);
    expect(unpackHistory({ ...rec, lengths: new Uint16Array([3, 2]) })).toEqual([]);
    expect(unpackHistory({ ...rec, format: 0 })).toEqual([]);
    expect(unpackHistory(undefined)).toEqual([]);
  });

  it('restores a cluster’s history only for the same name at the same URL', async () => {
    const factory = new IDBFactory();
    const A = 'https://a.example/k8s/';
    const B = 'https://b.example/k8s/';
    await new MetricsHistoryCache(factory, 't-id').save('c', entries, 1, A);
    const cache = new MetricsHistoryCache(factory, 't-id');
    expect(await cache.load((name, id) => name === 'c' && id === B)).toEqual([]);
    expect(await cache.load((name, id) => name === 'c' && id === A)).toEqual(entries);

    // Through the hub: "c" now served at B starts with no history; at A it gets it back.
    const hubAt = async (identity: string) => {
      let loaded!: () => void;
      const done = new Promise<void>((resolve) => (loaded = resolve));
      const store: HistoryStore = {
        load: (accept) => cache.load(accept).finally(() => setTimeout(loaded)),
        save: () => Promise.resolve()
      };
      const hub = new MetricsHub({
        transport: () => undefined,
        defaultIntervalMs: () => undefined,
        cache: store,
        identity: () => identity
      });
      await done;
      return hub;
    };
    expect((await hubAt(B)).history.size).toBe(0);
    const atA = await hubAt(A);
    expect(atA.history.entries()).toEqual(entries);

    // "c" leaves (it may come back at another URL): its history goes, other clusters' stays.
    atA.history.record('pods|d/ns/x', { at: 9, cpu: 1, memory: 2 });
    atA.dropCluster('c');
    expect(atA.history.entries().map(([id]) => id)).toEqual(['pods|d/ns/x']);
  });

  it('keeps histories across a reload', async () => {
    const factory = new IDBFactory();
    await new MetricsHistoryCache(factory, 't1').save('c', entries, 1);
    const restored = new MetricsHistory();
    restored.restore(await new MetricsHistoryCache(factory, 't1').load());
    expect(restored.entries()).toEqual(entries);
  });

  it('counts a full disk and carries on', async () => {
    const factory = new IDBFactory();
    const cache = new MetricsHistoryCache(factory, 't2');
    const proto = IDBObjectStore.prototype;
    const put = proto.put;
    proto.put = function () {
      throw new DOMException('full', 'QuotaExceededError');
    };
    try {
      await expect(cache.save('c', entries, 1)).resolves.toBeUndefined();
    } finally {
      proto.put = put;
    }
    expect(cache.stats).toMatchObject({ writes: 0, writeErrors: 1 });
    await cache.save('c', entries, 2);
    expect(cache.stats.writes).toBe(1);
    expect(await cache.load()).toEqual(entries);
  });

  it('steps aside when another tab upgrades the database, and answers as no cache from then on', async () => {
    const factory = new IDBFactory();
    const cache = new MetricsHistoryCache(factory, 't3');
    await cache.save('c', entries, 1);
    expect(cache.stats.enabled).toBe(true);
    // Another tab opens a newer version: this connection must let go instead of blocking it.
    await openElsewhere(factory, 't3', 2);
    expect(cache.stats).toMatchObject({ enabled: false, lastError: 'IndexedDB superseded' });
    expect(await cache.load()).toEqual([]);
  });

  it('is disabled, not broken, when the database is at a newer version', async () => {
    const factory = new IDBFactory();
    await openElsewhere(factory, 't4', 5);
    const cache = new MetricsHistoryCache(factory, 't4');
    await cache.save('c', entries, 1);
    expect(await cache.load()).toEqual([]);
    expect(cache.stats.enabled).toBe(false);
    expect(cache.stats.lastError).toMatch(/VersionError/);
  });

  it('is an empty cache without IndexedDB', async () => {
    const cache = new MetricsHistoryCache(null);
    await cache.save('c', entries, 1);
    expect(await cache.load()).toEqual([]);
    expect(cache.stats.enabled).toBe(false);
  });
});
