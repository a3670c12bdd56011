/**
 * The store a Reflector keeps in sync: items (already projected by the caller's transform) keyed by
 * `namespace/name`, each with the resourceVersion it was seen at, plus the resourceVersion of the
 * stream as a whole. It gates events by resourceVersion so that duplicates, replays and stale
 * events change nothing, applies a relist as a diff instead of a blank-and-refill, and reports
 * every change it makes so an informer can maintain rows and views incrementally.
 */
import { compareResourceVersions } from './resource-version';

export interface StoreEntry<T> {
  /** `namespace/name`; namespace is '' for cluster-scoped objects. */
  key: string;
  resourceVersion: string;
  item: T;
}

export interface StoreEvent<T> extends StoreEntry<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
}

export interface StoreChange<T> {
  type: 'upsert' | 'delete';
  key: string;
  /** The new item; for a delete, the last state of the deleted item. */
  item: T;
  /** What the store held before, if anything. */
  prev: T | undefined;
  resourceVersion: string;
}

export type StoreListener<T> = (change: StoreChange<T>) => void;

/**
 * What `apply` did: 'applied'; 'stale' (older than what the stream or the object is at);
 * 'duplicate' (at exactly that resourceVersion already); 'absent' (a delete of an unknown key).
 */
export type ApplyResult = 'applied' | 'stale' | 'duplicate' | 'absent';

export interface ReplaceResult {
  added: number;
  changed: number;
  deleted: number;
}

export interface ObjectStoreOptions<T> {
  onChange?: StoreListener<T>;
  /** Called when the resyncing flag flips. */
  onResync?: (resyncing: boolean) => void;
}

/** `namespace/name` of an object; namespace '' for cluster-scoped objects. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class ObjectStore<T> {
  private readonly entries = new Map<string, StoreEntry<T>>();
  private readonly listeners = new Set<StoreListener<T>>();
  private readonly onResync: ((resyncing: boolean) => void) | undefined;
  private streamVersion: string | undefined;
  private resyncFlag = false;

  constructor(options: ObjectStoreOptions<T> = {}) {
    if (options.onChange) this.listeners.add(options.onChange);
    this.onResync = options.onResync;
  }

  /**
   * The resourceVersion the store is in sync with as a whole (a list's, or the newest event or
   * bookmark of the watch since); undefined before the first sync.
   */
  get resourceVersion(): string | undefined {
    return this.streamVersion;
  }

  /** True from `beginResync()` until the next `replace()`: the items are the old, unconfirmed state. */
  get resyncing(): boolean {
    return this.resyncFlag;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    return this.entries.get(key)?.item;
  }

  entry(key: string): StoreEntry<T> | undefined {
    return this.entries.get(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  items(): T[] {
    return [...this.entries.values()].map((e) => e.item);
  }

  /** Every entry (key, resourceVersion, item): what a cache saves next to `resourceVersion`. */
  snapshot(): StoreEntry<T>[] {
    return [...this.entries.values()];
  }

  /** Adds a change listener; returns the function that removes it. */
  listen(listener: StoreListener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks the items as the old state while a relist runs; they stay until `replace()` diffs them. */
  beginResync(): void {
    if (this.resyncFlag) return;
    this.resyncFlag = true;
    this.onResync?.(true);
  }

  /**
   * Makes the store exactly `entries` at `resourceVersion` (after a list, or the initial events of a
   * streaming list, or from a cache), reporting only what differs: an item at the resourceVersion
   * the store already holds is unchanged and reported nowhere, unless `fresh`: the entries come from
   * another history (a re-created cluster), where the same resourceVersion says nothing, so every
   * one replaces what the store holds.
   */
  replace(entries: Iterable<StoreEntry<T>>, resourceVersion: string, fresh = false): ReplaceResult {
    const result: ReplaceResult = { added: 0, changed: 0, deleted: 0 };
    const seen = new Set<string>();
    for (const next of entries) {
      seen.add(next.key);
      const current = this.entries.get(next.key);
      if (!fresh && current && current.resourceVersion === next.resourceVersion) continue;
      this.entries.set(next.key, { key: next.key, resourceVersion: next.resourceVersion, item: next.item });
      if (current) result.changed++;
      else result.added++;
      this.emit({
        type: 'upsert',
        key: next.key,
        item: next.item,
        prev: current?.item,
        resourceVersion: next.resourceVersion
      });
    }
    if (seen.size < this.entries.size) {
      for (const [key, current] of this.entries) {
        if (seen.has(key)) continue;
        this.entries.delete(key);
        result.deleted++;
        this.emit({
          type: 'delete',
          key,
          item: current.item,
          prev: current.item,
          resourceVersion: current.resourceVersion
        });
      }
    }
    this.streamVersion = resourceVersion;
    if (this.resyncFlag) {
      this.resyncFlag = false;
      this.onResync?.(false);
    }
    return result;
  }

  /** Forgets every item and the resourceVersion (the user may no longer read them); each is reported deleted. */
  clear(): void {
    this.replace([], '');
    this.streamVersion = undefined;
  }

  /**
   * What `apply` would do with an event of this key and resourceVersion, without doing it: lets the
   * caller skip projecting objects that would be dropped anyway.
   */
  check(type: StoreEvent<T>['type'], key: string, resourceVersion: string): ApplyResult {
    const stream = this.streamVersion;
    if (stream !== undefined) {
      const order = compareResourceVersions(resourceVersion, stream);
      if (order === 0) return 'duplicate';
      if (order === -1) return 'stale';
    }
    const current = this.entries.get(key);
    if (current) {
      const order = compareResourceVersions(resourceVersion, current.resourceVersion);
      if (order === 0) return 'duplicate';
      if (order === -1) return 'stale';
    } else if (type === 'DELETED') {
      return 'absent';
    }
    return 'applied';
  }

  /**
   * Applies one event of an ordered watch stream. Gated twice: by the stream's resourceVersion (an
   * ordered stream never goes back, so an older or equal one is a duplicate or replay, even for an
   * object deleted since) and by the object's own. resourceVersions that cannot be ordered are
   * compared for equality only, and arrival order decides.
   */
  apply(event: StoreEvent<T>): ApplyResult {
    const result = this.check(event.type, event.key, event.resourceVersion);
    if (result === 'stale' || result === 'duplicate') return result;
    this.advance(event.resourceVersion);
    if (result === 'absent') return result;
    const current = this.entries.get(event.key);
    if (event.type === 'DELETED') {
      this.entries.delete(event.key);
      this.emit({
        type: 'delete',
        key: event.key,
        item: event.item,
        prev: current?.item,
        resourceVersion: event.resourceVersion
      });
    } else {
      this.entries.set(event.key, {
        key: event.key,
        resourceVersion: event.resourceVersion,
        item: event.item
      });
      this.emit({
        type: 'upsert',
        key: event.key,
        item: event.item,
        prev: current?.item,
        resourceVersion: event.resourceVersion
      });
    }
    return 'applied';
  }

  /** A watch bookmark: the stream is at `resourceVersion` now. Returns whether that moved it forward. */
  bookmark(resourceVersion: string): boolean {
    const stream = this.streamVersion;
    // Unorderable ones are taken in arrival order.
    const order = stream === undefined ? 1 : compareResourceVersions(resourceVersion, stream);
    if (order === 0 || order === -1) return false;
    this.streamVersion = resourceVersion;
    return true;
  }

  private advance(resourceVersion: string): void {
    const stream = this.streamVersion;
    if (stream === undefined || compareResourceVersions(resourceVersion, stream) !== -1) {
      this.streamVersion = resourceVersion;
    }
  }

  private emit(change: StoreChange<T>): void {
    for (const listener of this.listeners) listener(change);
  }
}
