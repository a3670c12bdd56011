/**
 * A view carries the states of the streams feeding it to the page with its diffs: a change of state
 * is posted at once (as a patch of its own when no row changed, in sequence with the others); a
 * change of row counts only rides along with the next diff that goes anyway; a whole window always
 * brings them, so a store that lost track and asked for a reset has them again.
 */
import { describe, expect, it } from 'vitest';
import { applyWindowDiff, EMPTY_WINDOW } from '$lib/view/apply';
import type { ViewStream, WindowState } from '$lib/view/types';
import { View } from '$lib/view/view';
import { testRow } from '../../support/rows';

const stream = (state: string, rows = 3): ViewStream => ({
  cluster: 'dev',
  key: 'dev|/v1/pods||||',
  state,
  scope: 'all namespaces',
  rows
});

function harness() {
  const view = new View({ window: { offset: 0, limit: 10 } });
  for (const name of ['a', 'b', 'c']) view.upsert(testRow(name));
  let state: WindowState = EMPTY_WINDOW;
  const flush = () => {
    const diff = view.flush();
    if (diff) state = applyWindowDiff(state, diff);
    return diff;
  };
  return { view, flush, state: () => state };
}

describe('stream states with the diffs', () => {
  it('a new state is posted at once, as a patch in sequence when no row changed', () => {
    const h = harness();
    h.view.setStreams([stream('listing')]);
    expect(h.flush()?.rows).toHaveLength(3);
    expect(h.state().streams).toEqual([stream('listing')]);
    expect(h.flush()).toBeNull();

    h.view.setStreams([stream('live')]);
    const patch = h.flush();
    expect(patch).toMatchObject({ seq: 2, total: 3, streams: [stream('live')] });
    expect(patch?.rows).toBeUndefined();
    expect(h.state().streams).toEqual([stream('live')]);
    expect(h.state().rows.map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('the same states again post nothing; new row counts wait for the next diff', () => {
    const h = harness();
    h.view.setStreams([stream('live', 3)]);
    h.flush();
    h.view.setStreams([stream('live', 3)]);
    expect(h.flush()).toBeNull();
    h.view.setStreams([stream('live', 4)]);
    expect(h.flush()).toBeNull();
    h.view.upsert(testRow('d'));
    expect(h.flush()?.streams).toEqual([stream('live', 4)]);
    expect(h.state().streams).toEqual([stream('live', 4)]);
    expect(h.state().total).toBe(4);
  });

  it('a reset brings the streams again', () => {
    const h = harness();
    h.view.setStreams([stream('forbidden')]);
    h.flush();
    h.view.reset();
    const again = h.view.flush();
    expect(again?.rows).toHaveLength(3);
    expect(again?.streams).toEqual([stream('forbidden')]);
  });
});
