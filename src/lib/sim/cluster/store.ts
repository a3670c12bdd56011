/**
 * The storage layer of SimCluster: objects per resource, the one resourceVersion counter, the bounded
 * history of changes (what a watch resumes from; older resourceVersions answer 410), snapshots of a
 * resource at an earlier resourceVersion, the owner index, and commit — the one place a change
 * becomes real. The read and write verbs build on it (reads.ts, writes.ts, sim-cluster.ts).
 *
 * Stored objects are immutable: every write stores a new object, so the history, watchers and
 * paged lists can share references without copying.
 */
import { systemClock, type Clock } from '../../kube/clock';
import { ApiError, type KubeObject, type ResourceType } from '../../kube/types';
import { Random } from '../random';
import { ResourceRegistry, storageKey } from '../resources';
import { expired, methodNotAllowed, notFound, tooLarge } from './errors';
import { managedEntry } from './fields';
import { objKey, type ChangeEvent, type HistoryEntry, type SimClusterOptions, type Snapshot } from './types';
import { present } from './versions';
import { WatchFanout } from './watchers';

export class ClusterStore {
  readonly name: string;
  readonly registry = new ResourceRegistry();
  readonly clock: Clock;
  readonly options: Required<SimClusterOptions>;

  protected rv = 1;
  protected compactedRv = 0; // a watch from below this cannot resume
  protected readonly fanout = new WatchFanout();
  protected rng: Random;
  private store = new Map<string, Map<string, KubeObject>>();
  private sortedKeys = new Map<string, string[]>(); // invalidated when keys come or go
  private history: HistoryEntry[] = [];
  private historyStart = 0; // index of the oldest retained entry
  private listeners = new Set<(e: ChangeEvent) => void>();
  private dependents = new Map<string, Set<string>>(); // owner uid → `${storageKey} ${objKey}`
  private snapshotCache: Snapshot & { key: string } = { key: '', rv: -1, keys: [], objects: new Map() };

  constructor(options: SimClusterOptions) {
    this.options = {
      clock: systemClock,
      historyLimit: 20_000,
      watchList: true,
      continueTtlMs: 5 * 60_000,
      user: 'admin',
      seed: 1,
      firstResourceVersion: 1,
      // An option given as undefined keeps its default.
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SimClusterOptions)
    };
    this.name = options.name;
    this.clock = this.options.clock;
    this.rng = new Random(this.options.seed);
    this.rv = this.options.firstResourceVersion;
    this.compactedRv = this.rv - 1;
  }

  // ---- reading ---------------------------------------------------------------------------------

  resourceVersion(): string {
    return String(this.rv);
  }

  type(apiVersion: string, kind: string): ResourceType {
    const t = this.registry.byApiVersionKind(apiVersion, kind);
    if (!t) throw new ApiError(404, 'NotFound', `no matches for kind "${kind}" in version "${apiVersion}"`);
    return t;
  }

  protected bucket(rt: ResourceType): Map<string, KubeObject> {
    const key = storageKey(rt);
    let b = this.store.get(key);
    if (!b) this.store.set(key, (b = new Map()));
    return b;
  }

  /** The stored object (in storage version), or undefined. */
  protected stored(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(rt).get(objKey(rt.namespaced ? namespace : undefined, name));
  }

  find(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.stored(rt, namespace, name);
    return o && present(rt, o);
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.find(rt, namespace, name);
    if (!o) throw notFound(rt, name);
    return o;
  }

  objects(rt: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.bucket(rt).values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(present(rt, o));
    }
    return out;
  }

  /** Dependents of an owner (objects whose ownerReferences name its uid), across all resources. */
  dependentsOf(uid: string): { rt: ResourceType; object: KubeObject }[] {
    const out: { rt: ResourceType; object: KubeObject }[] = [];
    for (const ref of this.dependents.get(uid) ?? []) {
      const [skey, okey] = ref.split(' ');
      const o = this.store.get(skey)?.get(okey);
      if (o) out.push({ rt: this.storageType(skey, o), object: o });
    }
    return out;
  }

  /**
   * The stored objects of a namespace, each checked to be still there as it is reached, so a caller
   * that deletes them one by one skips those an earlier deletion has already taken with it.
   */
  protected *remainingInNamespace(namespace: string): Generator<{ rt: ResourceType; object: KubeObject }> {
    for (const [skey, bucket] of this.store) {
      for (const o of [...bucket.values()]) {
        if (o.metadata.namespace !== namespace) continue;
        if (bucket.has(objKey(namespace, o.metadata.name)))
          yield { rt: this.storageType(skey, o), object: o };
      }
    }
  }

  /** The objects of a resource as they were at `rv`: current state with later history undone. */
  protected snapshotAt(rt: ResourceType, rv: number): Snapshot {
    const key = storageKey(rt);
    if (rv === this.rv) {
      let keys = this.sortedKeys.get(key);
      if (!keys) this.sortedKeys.set(key, (keys = [...this.bucket(rt).keys()].sort()));
      return { rv, keys, objects: this.bucket(rt) };
    }
    if (rv < this.compactedRv) throw this.expired(rv);
    if (this.snapshotCache.key === key && this.snapshotCache.rv === rv) return this.snapshotCache;
    const objects = new Map(this.bucket(rt));
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      const h = this.history[i];
      if (h.rv <= rv) break;
      if (h.key !== key) continue;
      const k = objKey(h.object.metadata.namespace, h.object.metadata.name);
      if (h.type === 'ADDED') objects.delete(k);
      else objects.set(k, h.prev!);
    }
    this.snapshotCache = { key, rv, keys: [...objects.keys()].sort(), objects };
    return this.snapshotCache;
  }

  /** The retained changes of storage key `key` after `rv`, oldest first (what a watch resumes with). */
  protected *changesAfter(key: string, rv: number): Generator<HistoryEntry> {
    for (let i = this.historyStart; i < this.history.length; i++) {
      const h = this.history[i];
      if (h.rv > rv && h.key === key) yield h;
    }
  }

  /** Drop all history: watches from any earlier resourceVersion now get 410. */
  compact() {
    this.compactedRv = this.rv;
    this.history = [];
    this.historyStart = 0;
  }

  onChange(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- committing ------------------------------------------------------------------------------

  /** The one place a change becomes real: new resourceVersion, store, indexes, history, watchers. */
  protected commit(rt: ResourceType, type: ChangeEvent['type'], obj: KubeObject): KubeObject {
    const key = storageKey(rt);
    const bucket = this.bucket(rt);
    const k = objKey(obj.metadata.namespace, obj.metadata.name);
    const prev = bucket.get(k);
    const rv = ++this.rv;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    if (type === 'DELETED') {
      bucket.delete(k);
      this.sortedKeys.delete(key);
    } else {
      if (!prev) this.sortedKeys.delete(key);
      bucket.set(k, stored);
    }
    this.indexOwners(key, k, prev, type === 'DELETED' ? undefined : stored);
    if (rt.kind === 'CustomResourceDefinition' && rt.group === 'apiextensions.k8s.io') {
      this.registry.syncCrd(stored.metadata.name, type === 'DELETED' ? undefined : stored);
    }
    const entry: HistoryEntry = { rv, key, type, object: stored, prev };
    this.history.push(entry);
    if (this.history.length - this.historyStart > this.options.historyLimit) {
      this.compactedRv = this.history[this.historyStart].rv;
      this.historyStart++;
      if (this.historyStart > 1024) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    this.fanout.publish(entry);
    if (this.listeners.size > 0) {
      const e: ChangeEvent = { type, resource: rt, object: stored, prev, rv };
      for (const l of this.listeners) l(e);
    }
    return stored;
  }

  private indexOwners(skey: string, k: string, prev: KubeObject | undefined, next: KubeObject | undefined) {
    const ref = `${skey} ${k}`;
    for (const o of prev?.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(o.uid);
      set?.delete(ref);
      if (set?.size === 0) this.dependents.delete(o.uid);
    }
    for (const o of next?.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(ref);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  protected storageType(skey: string, o: KubeObject): ResourceType {
    const [group] = skey.split('/');
    return this.registry.byKind(group, o.kind) ?? this.type(o.apiVersion, o.kind);
  }

  protected checkWritable(rt: ResourceType) {
    if (rt.virtual) throw methodNotAllowed();
  }

  protected checkNamespace(rt: ResourceType, namespace: string | undefined, mustExist: boolean) {
    if (!rt.namespaced || namespace === undefined) return;
    if (mustExist && !this.bucket(this.type('v1', 'Namespace')).has(objKey(undefined, namespace))) {
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces'
      });
    }
  }

  protected expired(rv: number): ApiError {
    return expired(rv, this.compactedRv);
  }

  protected tooLarge(rv: number): ApiError {
    return tooLarge(rv, this.rv);
  }

  timestamp(ms = this.clock.now()): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** A version-4-shaped UUID from the cluster's seeded generator. */
  uid(): string {
    return this.rng.uid();
  }

  protected managedEntry(rt: ResourceType, manager: string, operation: 'Apply' | 'Update', obj: unknown) {
    return managedEntry(rt, manager, operation, obj, this.timestamp());
  }
}
