import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import { twoClusters } from '../../support/two-clusters';
import { mergeKinds } from '$lib/kinds/discovered';
import { discoveryStore } from '$lib/store/discovery';

describe('the discovery store', () => {
  it('merges what the engine answers, refreshes on request, and says when the engine fails', async () => {
    const clusters = await twoClusters();
    let calls: boolean[] = [];
    let fail = false;
    const store = discoveryStore(async (refresh) => {
      calls.push(refresh);
      if (fail) throw new Error('worker gone');
      return mergeKinds(clusters);
    });
    const stop = store.subscribe(() => {});
    await expect.poll(() => get(store).loading).toBe(false);
    expect(get(store).kinds.some((k) => k.id === 'certificates.cert-manager.io')).toBe(true);
    expect(calls).toEqual([false]);
    calls = [];
    await store.refresh();
    expect(calls).toEqual([true]);
    fail = true;
    await store.refresh();
    expect(get(store).error).toMatch(/worker gone/);
    expect(get(store).kinds.length).toBeGreaterThan(0);
    stop();
  });
});
