import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RowFeed, type RowsMessage } from '../../src/lib/watch/rows';

interface TestRow {
  key: string;
  value: number;
}

const row = (key: string, value = 0): TestRow => ({ key, value });

describe('RowFeed', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a snapshot at once, then one coalesced diff per interval', () => {
    const feed = new RowFeed<TestRow>({ intervalMs: 100 });
    feed.upsert(row('c/ns/a'));
    const messages: RowsMessage<TestRow>[] = [];
    feed.subscribe((m) => messages.push(m));
    expect(messages).toEqual([{ type: 'snapshot', rows: [row('c/ns/a')] }]);

    feed.upsert(row('c/ns/b', 1));
    feed.upsert(row('c/ns/b', 2));
    feed.upsert(row('c/ns/a', 5));
    feed.delete('c/ns/a');
    vi.advanceTimersByTime(99);
    expect(messages).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(messages[1]).toEqual({ type: 'diff', upserts: [row('c/ns/b', 2)], deletes: ['c/ns/a'] });
    expect(feed.size).toBe(1);
  });

  it('sends nothing for a row that did not change, or a delete of an unknown key', () => {
    const feed = new RowFeed<TestRow>();
    feed.upsert(row('c/ns/a', 1));
    feed.flush();
    const messages: RowsMessage<TestRow>[] = [];
    feed.subscribe((m) => messages.push(m));
    feed.upsert(row('c/ns/a', 1));
    feed.delete('c/ns/nope');
    vi.advanceTimersByTime(1000);
    expect(messages).toHaveLength(1);
  });

  it('replace deletes the rows of that prefix that are gone, and only those', () => {
    const feed = new RowFeed<TestRow>();
    feed.upsert(row('one/ns/a'));
    feed.upsert(row('one/ns/b'));
    feed.upsert(row('two/ns/a'));
    feed.flush();
    const messages: RowsMessage<TestRow>[] = [];
    feed.subscribe((m) => messages.push(m));
    feed.replace('one/', [row('one/ns/b', 7), row('one/ns/c')]);
    feed.flush();
    expect(messages[1]).toEqual({
      type: 'diff',
      upserts: [row('one/ns/b', 7), row('one/ns/c')],
      deletes: ['one/ns/a']
    });
    expect(feed.size).toBe(3);
  });

  it('gives a filtered subscriber only the keys it matches, and stops after unsubscribe', () => {
    const feed = new RowFeed<TestRow>();
    feed.upsert(row('c/web/a'));
    feed.upsert(row('c/db/a'));
    feed.flush();
    const web: RowsMessage<TestRow>[] = [];
    const unsubscribe = feed.subscribe(
      (m) => web.push(m),
      (key) => key.split('/')[1] === 'web'
    );
    expect(web).toEqual([{ type: 'snapshot', rows: [row('c/web/a')] }]);

    feed.upsert(row('c/db/b'));
    feed.flush();
    expect(web).toHaveLength(1);

    feed.delete('c/web/a');
    feed.upsert(row('c/db/c'));
    feed.flush();
    expect(web[1]).toEqual({ type: 'diff', upserts: [], deletes: ['c/web/a'] });

    unsubscribe();
    feed.upsert(row('c/web/z'));
    feed.flush();
    expect(web).toHaveLength(2);
  });
});
