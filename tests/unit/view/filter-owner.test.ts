/** The `ownerUid` part of a view filter: the children of one object (the Related tab). */
import { describe, expect, it } from 'vitest';
import { compileFilter } from '$lib/view/filter';
import type { ViewFilter } from '$lib/view/types';
import { View } from '$lib/view/view';
import type { Row } from '$lib/watch/row';
import { testRow } from '../../support/rows';

const owner = (uid: string, kind = 'ReplicaSet') => ({ kind, name: `rs-${uid}`, uid });

const rows: Row[] = [
  testRow('a', {}, { owners: [owner('rs1')] }),
  testRow('b', {}, { owners: [owner('other', 'Node'), owner('rs1')] }),
  testRow('c', {}, { owners: [owner('rs2')] }),
  testRow('d', {}, { owners: [] })
];

const names = (filter: ViewFilter): string[] => rows.filter(compileFilter(filter)).map((r) => r.name);

describe('ownerUid filter', () => {
  it('keeps rows that have the uid among their owners, whichever position', () => {
    expect(names({ ownerUid: 'rs1' })).toEqual(['a', 'b']);
    expect(names({ ownerUid: 'rs2' })).toEqual(['c']);
    expect(names({ ownerUid: 'nobody' })).toEqual([]);
  });

  it('is no filter when empty, and ANDs with the other parts', () => {
    expect(names({ ownerUid: '' })).toEqual(['a', 'b', 'c', 'd']);
    expect(names({ ownerUid: 'rs1', text: 'b' })).toEqual(['b']);
  });

  it('lets a row into a live view when it gains the owner, and out when it loses it', () => {
    const view = new View({
      filter: { ownerUid: 'rs1' },
      sort: { column: 'name', direction: 'asc' },
      window: { offset: 0, limit: 10 }
    });
    for (const row of rows) view.upsert(row, 's');
    expect(view.windowRows().map((r) => r.name)).toEqual(['a', 'b']);
    view.upsert({ ...rows[3], owners: [owner('rs1')] }, 's');
    view.upsert({ ...rows[0], owners: [] }, 's');
    expect(view.windowRows().map((r) => r.name)).toEqual(['b', 'd']);
    expect(view.total).toBe(2);
  });
});
