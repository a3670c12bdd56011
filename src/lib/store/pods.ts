/**
 * A Svelte store of pod rows: applies the engine's snapshot and diffs, nothing else. It subscribes
 * to its source while it has subscribers of its own.
 */
import { readable, type Readable } from 'svelte/store';
import type { PodRow } from '../watch/pods';
import type { RowsListener } from '../watch/rows';

/** Subscribes a listener to rows; returns the unsubscribe function. */
export type PodRowsSource = (listener: RowsListener<PodRow>) => () => void;

export function podRows(source: PodRowsSource): Readable<PodRow[]> {
  return readable<PodRow[]>([], (set) => {
    const rows = new Map<string, PodRow>();
    return source((message) => {
      if (message.type === 'snapshot') {
        rows.clear();
        for (const row of message.rows) rows.set(row.key, row);
      } else {
        for (const key of message.deletes) rows.delete(key);
        for (const row of message.upserts) rows.set(row.key, row);
      }
      set([...rows.values()]);
    });
  });
}
