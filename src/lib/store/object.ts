/** A Svelte store of one full object, live while subscribed (a detail view). Applies updates, nothing else. */
import { readable, type Readable } from 'svelte/store';
import type { ObjectRef, ObjectUpdate } from '../engine/object-watch';

export type ObjectOpener = (ref: ObjectRef, post: (update: ObjectUpdate) => void) => () => void;

export function objectStore(open: ObjectOpener, ref: ObjectRef): Readable<ObjectUpdate | undefined> {
  return readable<ObjectUpdate | undefined>(undefined, (set) => open(ref, set));
}
