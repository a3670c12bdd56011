/**
 * Watch fan-out: the open watches of each resource, and how one committed change reaches each of them.
 * Selector enter/leave turns MODIFIED into ADDED or DELETED, as the watch cache does.
 */
import type { Predicate } from '../selectors';
import type { ResourceType, WatchEvent } from '../../kube/types';
import type { HistoryEntry } from './types';
import { present } from './versions';

export interface Watcher {
  rt: ResourceType;
  matches: Predicate;
  onEvent: (e: WatchEvent) => void;
}

export class WatchFanout {
  private watchers = new Map<string, Set<Watcher>>(); // by storage key

  /** Register `watcher` for changes of storage key `key`; returns how to stop it. */
  add(key: string, watcher: Watcher): () => void {
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    set.add(watcher);
    return () => {
      this.watchers.get(key)?.delete(watcher);
    };
  }

  /** Deliver a committed change to every watch of its resource. */
  publish(entry: HistoryEntry) {
    for (const w of this.watchers.get(entry.key) ?? []) deliver(w, entry);
  }
}

/** One change as `w` sees it: what matched before and after decides the event type, or none. */
export function deliver(w: Watcher, h: HistoryEntry) {
  const now = w.matches(h.object);
  if (h.type === 'ADDED') {
    if (now) w.onEvent({ type: 'ADDED', object: present(w.rt, h.object) });
  } else if (h.type === 'DELETED') {
    if (w.matches(h.prev ?? h.object)) w.onEvent({ type: 'DELETED', object: present(w.rt, h.object) });
  } else {
    const before = h.prev ? w.matches(h.prev) : false;
    if (now && before) w.onEvent({ type: 'MODIFIED', object: present(w.rt, h.object) });
    else if (now) w.onEvent({ type: 'ADDED', object: present(w.rt, h.object) });
    else if (before) w.onEvent({ type: 'DELETED', object: present(w.rt, h.object) });
  }
}
