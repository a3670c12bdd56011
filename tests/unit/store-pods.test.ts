import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import { podRows } from '../../src/lib/store/pods';
import type { PodRow } from '../../src/lib/watch/pods';
import type { RowsListener } from '../../src/lib/watch/rows';

const row = (name: string, restarts = 0): PodRow => ({
  key: `c/ns/${name}`,
  cluster: 'c',
  namespace: 'ns',
  name,
  phase: 'Running',
  node: 'n1',
  restarts
});

describe('podRows', () => {
  it('applies the snapshot and then diffs, and subscribes to its source only while it is subscribed', () => {
    let listener: RowsListener<PodRow> | undefined;
    let unsubscribed = 0;
    const store = podRows((l) => {
      listener = l;
      return () => unsubscribed++;
    });
    expect(listener).toBeUndefined();

    const seen: PodRow[][] = [];
    const stop = store.subscribe((rows) => seen.push(rows));
    expect(seen).toEqual([[]]);

    listener!({ type: 'snapshot', rows: [row('a'), row('b')] });
    listener!({ type: 'diff', upserts: [row('b', 3), row('c')], deletes: ['c/ns/a', 'c/ns/unknown'] });
    expect(get(store)).toEqual([row('b', 3), row('c')]);

    // A new snapshot (a new subscription) replaces everything.
    listener!({ type: 'snapshot', rows: [row('z')] });
    expect(seen.at(-1)).toEqual([row('z')]);

    stop();
    expect(unsubscribed).toBe(1);
  });
});
