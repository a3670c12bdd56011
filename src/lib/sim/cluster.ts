/**
 * SimCluster: an in-memory kube-apiserver model. One resourceVersion counter per cluster, a bounded
 * history of changes (what a watch can resume from; older resourceVersions answer 410), paged lists
 * that stay consistent at the first page's resourceVersion, selectors that turn into ADDED/DELETED
 * on watch, and the write verbs (create, update, patch, apply, delete with propagation, scale, evict).
 *
 * Stored objects are immutable: every write stores a new object, so the history, watchers and
 * paged lists can share references without copying.
 */
import { systemClock, type Clock } from '../kube/clock';
import { Random } from './random';
import { jsonEqual } from './json';
import { mergePatch, jsonPatch, strategicMerge } from './patch';
import { ResourceRegistry, apiVersionOf, storageKey } from './resources';
import {
  matchesSelectorObject,
  parseFieldSelector,
  parseLabelSelector,
  selectorString,
  type Predicate
} from './selectors';
import {
  ApiError,
  type DeleteOptions,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type NewObject,
  type PatchType,
  type ResourceType,
  type WatchEvent,
  type WatchHandle,
  type WatchOptions,
  type WriteOptions
} from '../kube/types';

export interface SimClusterOptions {
  name: string;
  clock?: Clock;
  /** Changes kept for watch resume; a watch from an older resourceVersion gets 410 Expired. */
  historyLimit?: number;
  /** Serve the streaming list (`sendInitialEvents`); off answers 422 as servers without WatchList do. */
  watchList?: boolean;
  /** Lifetime of a list continue token. */
  continueTtlMs?: number;
  /** The identity every request is made as (see rbac.ts). */
  user?: string;
  /** Seeds generated names and uids. */
  seed?: number;
  /**
   * The resourceVersion the cluster starts at (default 1); anything older is gone (410). Demo mode
   * starts each page load's clusters at the wall clock, so a resourceVersion cached by an earlier
   * load is always older than the new cluster, never "too large", and the cache relists at once.
   */
  firstResourceVersion?: number;
}

export interface ChangeEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  object: KubeObject;
  prev?: KubeObject;
  rv: number;
}

interface HistoryEntry {
  rv: number;
  key: string; // storage key
  type: ChangeEvent['type'];
  object: KubeObject;
  prev?: KubeObject;
}

interface Watcher {
  rt: ResourceType;
  matches: Predicate;
  onEvent: (e: WatchEvent) => void;
}

interface Snapshot {
  rv: number;
  keys: string[]; // sorted object keys
  objects: Map<string, KubeObject>;
}

type SubresourceWrite = WriteOptions & { subresource?: string };

/** For the simulator's own world building: when the object was created (default: now). */
export type CreateOptions = WriteOptions & { createdAt?: number };

const objKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

function encodeToken(t: { rv: number; after: string; at: number }): string {
  return btoa(JSON.stringify(t));
}

function decodeToken(s: string): { rv: number; after: string; at: number } {
  try {
    const t = JSON.parse(atob(s));
    if (typeof t.rv === 'number' && typeof t.after === 'string' && typeof t.at === 'number') return t;
  } catch {
    // fall through to the error the real server gives
  }
  throw new ApiError(
    400,
    'BadRequest',
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'
  );
}

/** KEP-5504 order for our own (numeric) resourceVersions. */
function parseRv(rv: string | undefined, what = 'resourceVersion'): number | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  if (!/^\d+$/.test(rv)) throw new ApiError(400, 'BadRequest', `invalid ${what}: ${rv}`);
  return Number(rv);
}

export class SimCluster {
  readonly name: string;
  readonly registry = new ResourceRegistry();
  readonly clock: Clock;
  readonly options: Required<SimClusterOptions>;

  private rv = 1;
  private store = new Map<string, Map<string, KubeObject>>();
  private sortedKeys = new Map<string, string[]>(); // invalidated when keys come or go
  private history: HistoryEntry[] = [];
  private historyStart = 0; // index of the oldest retained entry
  private compactedRv = 0; // a watch from below this cannot resume
  private watchers = new Map<string, Set<Watcher>>();
  private listeners = new Set<(e: ChangeEvent) => void>();
  private dependents = new Map<string, Set<string>>(); // owner uid → `${storageKey} ${objKey}`
  private snapshotCache: Snapshot & { key: string } = { key: '', rv: -1, keys: [], objects: new Map() };
  private rng: Random;

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

  private bucket(rt: ResourceType): Map<string, KubeObject> {
    const key = storageKey(rt);
    let b = this.store.get(key);
    if (!b) this.store.set(key, (b = new Map()));
    return b;
  }

  find(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.bucket(rt).get(objKey(rt.namespaced ? namespace : undefined, name));
    return o && this.present(rt, o);
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.find(rt, namespace, name);
    if (!o) throw this.notFound(rt, name);
    return o;
  }

  objects(rt: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.bucket(rt).values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(this.present(rt, o));
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

  list(rt: ResourceType, opts: ListOptions = {}): ListResult {
    this.checkNamespace(rt, opts.namespace, false);
    const matches = this.predicate(rt, opts);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    let snap: Snapshot;
    let after = '';
    if (opts.continue) {
      const token = decodeToken(opts.continue);
      if (this.clock.now() - token.at > this.options.continueTtlMs || token.rv < this.compactedRv) {
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'
        );
      }
      snap = this.snapshotAt(rt, token.rv);
      after = token.after;
    } else {
      const rv = parseRv(opts.resourceVersion);
      if (rv !== undefined && rv > this.rv) throw this.tooLarge(rv);
      snap =
        opts.resourceVersionMatch === 'Exact' && rv !== undefined
          ? this.snapshotAt(rt, rv)
          : this.snapshotAt(rt, this.rv);
    }
    const prefix = rt.namespaced && opts.namespace !== undefined ? `${opts.namespace}/` : '';
    const keys = snap.keys;
    let i = after ? upperBound(keys, after) : prefix ? lowerBound(keys, prefix) : 0;
    const items: KubeObject[] = [];
    let last = '';
    for (; i < keys.length; i++) {
      const k = keys[i];
      if (prefix && !k.startsWith(prefix)) break;
      const o = snap.objects.get(k)!;
      if (!matches(o)) continue;
      if (limit !== undefined && items.length === limit) break;
      items.push(this.present(rt, o));
      last = k;
    }
    const result: ListResult = { items, resourceVersion: String(snap.rv) };
    if (limit === undefined) return result;
    // Count what is left only when the answer is cheap and reported (no selectors), as the server does.
    const counted = !opts.labelSelector && !opts.fieldSelector;
    let remaining = 0;
    for (let j = i; j < keys.length && (!prefix || keys[j].startsWith(prefix)); j++) {
      if (counted && !prefix) {
        remaining = keys.length - j;
        break;
      }
      if (matches(snap.objects.get(keys[j])!)) {
        remaining++;
        if (!counted) break;
      }
    }
    if (remaining > 0) {
      result.continue = encodeToken({ rv: snap.rv, after: last, at: this.clock.now() });
      if (counted) result.remainingItemCount = remaining;
    }
    return result;
  }

  /** The objects of a resource as they were at `rv`: current state with later history undone. */
  private snapshotAt(rt: ResourceType, rv: number): Snapshot {
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

  private predicate(
    rt: ResourceType,
    opts: { labelSelector?: string; fieldSelector?: string; name?: string }
  ): Predicate {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, rt.kind);
    const name = opts.name;
    return (o) =>
      (name === undefined || o.metadata.name === name) && labels(o) && fields(this.present(rt, o));
  }

  // ---- watching --------------------------------------------------------------------------------

  watch(rt: ResourceType, opts: WatchOptions, onEvent: (e: WatchEvent) => void): WatchHandle {
    this.checkNamespace(rt, opts.namespace, false);
    const base = this.predicate(rt, opts);
    const ns = rt.namespaced ? opts.namespace : undefined;
    const matches: Predicate = ns === undefined ? base : (o) => o.metadata.namespace === ns && base(o);
    const watcher: Watcher = { rt, matches, onEvent };
    const key = storageKey(rt);
    const rv = parseRv(opts.resourceVersion);

    if (opts.sendInitialEvents) {
      if (!this.options.watchList) {
        throw new ApiError(
          422,
          'Invalid',
          'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
          {
            kind: 'ListOptions',
            group: 'meta.k8s.io',
            causes: [
              {
                reason: 'FieldValueForbidden',
                message:
                  'Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
                field: 'sendInitialEvents'
              }
            ]
          }
        );
      }
      if (opts.resourceVersionMatch !== 'NotOlderThan' || !opts.allowWatchBookmarks) {
        throw new ApiError(
          422,
          'Invalid',
          'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks'
        );
      }
      if (rv !== undefined && rv > this.rv) throw this.tooLarge(rv);
      for (const o of this.bucket(rt).values())
        if (matches(o)) onEvent({ type: 'ADDED', object: this.present(rt, o) });
      onEvent({ type: 'BOOKMARK', object: this.bookmark(rt, { 'k8s.io/initial-events-end': 'true' }) });
    } else if (rv === undefined) {
      // No resourceVersion, or "0": the current state as synthetic ADDED events, then changes.
      for (const o of this.bucket(rt).values())
        if (matches(o)) onEvent({ type: 'ADDED', object: this.present(rt, o) });
    } else {
      if (rv > this.rv) throw this.tooLarge(rv);
      if (rv < this.compactedRv) {
        onEvent({ type: 'ERROR', object: this.expired(rv).toStatus() as unknown as KubeObject });
        return { stop() {} };
      }
      for (let i = this.historyStart; i < this.history.length; i++) {
        const h = this.history[i];
        if (h.rv > rv && h.key === key) this.deliver(watcher, h);
      }
    }
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    set.add(watcher);
    return {
      stop: () => {
        this.watchers.get(key)?.delete(watcher);
      }
    };
  }

  /** A BOOKMARK object for a watch of `rt`: the current resourceVersion, nothing else. */
  bookmark(rt: ResourceType, annotations?: Record<string, string>): KubeObject {
    return {
      kind: rt.kind,
      apiVersion: apiVersionOf(rt),
      metadata: {
        resourceVersion: this.resourceVersion(),
        ...(annotations ? { annotations } : {})
      } as KubeObject['metadata']
    };
  }

  /** Selector enter/leave turns MODIFIED into ADDED or DELETED, as the watch cache does. */
  private deliver(w: Watcher, h: HistoryEntry) {
    const now = w.matches(h.object);
    if (h.type === 'ADDED') {
      if (now) w.onEvent({ type: 'ADDED', object: this.present(w.rt, h.object) });
    } else if (h.type === 'DELETED') {
      if (w.matches(h.prev ?? h.object)) w.onEvent({ type: 'DELETED', object: this.present(w.rt, h.object) });
    } else {
      const before = h.prev ? w.matches(h.prev) : false;
      if (now && before) w.onEvent({ type: 'MODIFIED', object: this.present(w.rt, h.object) });
      else if (now) w.onEvent({ type: 'ADDED', object: this.present(w.rt, h.object) });
      else if (before) w.onEvent({ type: 'DELETED', object: this.present(w.rt, h.object) });
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

  // ---- writing ---------------------------------------------------------------------------------

  /**
   * Create an object. The cluster takes ownership of `input` (the HTTP layer parses a fresh one per
   * request; world builders build fresh ones): it is stored without a defensive copy.
   */
  create(
    rt: ResourceType,
    namespace: string | undefined,
    input: NewObject,
    opts: CreateOptions = {}
  ): KubeObject {
    this.checkWritable(rt);
    const ns = rt.namespaced ? (namespace ?? input.metadata.namespace) : undefined;
    if (rt.namespaced && !ns)
      throw new ApiError(
        400,
        'BadRequest',
        'the server could not find the requested resource: namespace is required'
      );
    if (namespace && input.metadata.namespace && input.metadata.namespace !== namespace) {
      throw new ApiError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request'
      );
    }
    this.checkNamespace(rt, ns, true);
    let name = input.metadata.name;
    if (!name && input.metadata.generateName) name = input.metadata.generateName + this.rng.suffix(5);
    if (!name)
      throw new ApiError(
        422,
        'Invalid',
        `${rt.kind} "" is invalid: metadata.name: Required value: name or generateName is required`
      );
    const k = objKey(ns, name);
    if (this.bucket(rt).has(k)) {
      throw new ApiError(
        409,
        'AlreadyExists',
        `${rt.plural}${rt.group ? '.' + rt.group : ''} "${name}" already exists`,
        {
          name,
          group: rt.group,
          kind: rt.plural
        }
      );
    }
    const now = this.timestamp(opts.createdAt);
    const obj = this.toStored(rt, input as KubeObject);
    obj.metadata = {
      ...obj.metadata,
      name,
      ...(ns ? { namespace: ns } : {}),
      uid: this.uid(),
      resourceVersion: '',
      creationTimestamp: now
    };
    // Pods carry no generation before 1.33; every other kind with a spec does.
    if ((obj.spec !== undefined && rt.kind !== 'Pod') || rt.kind === 'CustomResourceDefinition') {
      obj.metadata.generation = 1;
    }
    if (!obj.metadata.managedFields && opts.fieldManager) {
      obj.metadata.managedFields = [this.managedEntry(rt, opts.fieldManager, 'Update', input)];
    }
    if (rt.kind === 'Namespace') obj.status = { phase: 'Active', ...(obj.status ?? {}) };
    if (opts.dryRun)
      return this.present(rt, {
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: this.resourceVersion() }
      });
    return this.present(rt, this.commit(rt, 'ADDED', obj));
  }

  update(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    input: KubeObject,
    opts: SubresourceWrite = {}
  ): KubeObject {
    this.checkWritable(rt);
    const current = this.bucket(rt).get(objKey(rt.namespaced ? namespace : undefined, name));
    if (!current) throw this.notFound(rt, name);
    if (input.metadata?.name && input.metadata.name !== name) {
      throw new ApiError(
        400,
        'BadRequest',
        `the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`
      );
    }
    if (opts.subresource === 'scale') return this.updateScale(rt, current, input, opts);
    const inputRv = input.metadata?.resourceVersion;
    if (inputRv && inputRv !== current.metadata.resourceVersion) throw this.conflict(rt, name);
    const next = this.toStored(rt, structuredClone(input));
    const hasStatus = rt.subresources?.includes('status');
    if (opts.subresource === 'status') {
      const merged = { ...current, status: next.status };
      return this.present(rt, this.write(rt, current, merged, opts));
    }
    if (hasStatus) next.status = current.status;
    next.metadata = {
      ...next.metadata,
      name: current.metadata.name,
      ...(current.metadata.namespace ? { namespace: current.metadata.namespace } : {}),
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      ...(current.metadata.deletionTimestamp
        ? { deletionTimestamp: current.metadata.deletionTimestamp }
        : {}),
      ...(current.metadata.generation !== undefined ? { generation: current.metadata.generation } : {}),
      managedFields: next.metadata.managedFields ?? current.metadata.managedFields
    };
    return this.present(rt, this.write(rt, current, next, opts));
  }

  patch(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: SubresourceWrite = {}
  ): KubeObject {
    this.checkWritable(rt);
    const ns = rt.namespaced ? namespace : undefined;
    const stored = this.bucket(rt).get(objKey(ns, name));
    if (type === 'apply' && !stored) {
      if (opts.subresource) throw this.notFound(rt, name);
      if (!opts.fieldManager)
        throw new ApiError(400, 'BadRequest', 'PATCH /apply requires a fieldManager query parameter');
      const applied = body as NewObject;
      const created = this.create(
        rt,
        ns,
        { ...applied, metadata: { ...applied.metadata, name } },
        { ...opts, fieldManager: undefined }
      );
      if (opts.dryRun) return created;
      return this.mutate(rt, ns, name, (o) => {
        o.metadata.managedFields = [this.managedEntry(rt, opts.fieldManager!, 'Apply', applied)];
      })!;
    }
    if (!stored) throw this.notFound(rt, name);
    const current = opts.subresource === 'scale' ? this.scaleOf(rt, stored) : this.present(rt, stored);
    let next: KubeObject;
    if (type === 'merge') next = mergePatch(current, body) as KubeObject;
    else if (type === 'strategic' || type === 'apply') next = strategicMerge(current, body) as KubeObject;
    else next = jsonPatch(current, body) as KubeObject;
    if (!next || typeof next !== 'object' || !next.metadata)
      throw new ApiError(422, 'Invalid', 'patch removed the object metadata');
    const patchRv = (body as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
    if (!patchRv) next.metadata = { ...next.metadata, resourceVersion: '' };
    if (type === 'apply' && opts.fieldManager) {
      const others = (next.metadata.managedFields ?? []).filter(
        (m) => !(m.manager === opts.fieldManager && m.operation === 'Apply')
      );
      next.metadata.managedFields = [
        ...others,
        this.managedEntry(rt, opts.fieldManager, 'Apply', body as KubeObject)
      ];
    }
    return this.update(rt, ns, name, next, opts);
  }

  delete(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {}
  ): KubeObject {
    this.checkWritable(rt);
    const ns = rt.namespaced ? namespace : undefined;
    const current = this.bucket(rt).get(objKey(ns, name));
    if (!current) throw this.notFound(rt, name);
    const pre = opts.preconditions;
    if (
      (pre?.uid && pre.uid !== current.metadata.uid) ||
      (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
    ) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${rt.plural} "${name}": Precondition failed`
      );
    }
    if (opts.dryRun) return this.present(rt, current);
    const finalizers = current.metadata.finalizers ?? [];
    if (finalizers.length > 0) {
      // Stays, marked for deletion, until its finalizers are removed by an update.
      if (current.metadata.deletionTimestamp) return this.present(rt, current);
      return this.mutate(rt, ns, name, (o) => {
        o.metadata.deletionTimestamp = this.timestamp();
        (o.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds = 0;
      })!;
    }
    const policy = opts.propagationPolicy ?? 'Background';
    const removed = this.commit(rt, 'DELETED', current);
    if (rt.kind === 'Namespace') this.deleteNamespaceContents(name);
    for (const dep of this.dependentsOf(current.metadata.uid)) {
      const d = dep.object;
      if (policy === 'Orphan') {
        this.mutate(dep.rt, d.metadata.namespace, d.metadata.name, (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter(
            (r) => r.uid !== current.metadata.uid
          );
          if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        });
      } else if (this.bucket(dep.rt).has(objKey(d.metadata.namespace, d.metadata.name))) {
        this.delete(dep.rt, d.metadata.namespace, d.metadata.name, { propagationPolicy: policy });
      }
    }
    return this.present(rt, removed);
  }

  private deleteNamespaceContents(namespace: string) {
    for (const [skey, bucket] of this.store) {
      for (const o of [...bucket.values()]) {
        if (o.metadata.namespace !== namespace) continue;
        if (bucket.has(objKey(namespace, o.metadata.name))) {
          this.delete(this.storageType(skey, o), namespace, o.metadata.name, {
            propagationPolicy: 'Background'
          });
        }
      }
    }
  }

  /** autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet. */
  scale(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.bucket(rt).get(objKey(namespace, name));
    if (!o) throw this.notFound(rt, name);
    return this.scaleOf(rt, o);
  }

  private scaleOf(rt: ResourceType, o: KubeObject): KubeObject {
    if (!rt.subresources?.includes('scale')) throw this.notFound(rt, o.metadata.name);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp
      },
      spec: { replicas: o.spec?.replicas ?? 1 },
      status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) }
    };
  }

  private updateScale(
    rt: ResourceType,
    current: KubeObject,
    scale: KubeObject,
    opts: WriteOptions
  ): KubeObject {
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw this.conflict(rt, current.metadata.name);
    const replicas = scale.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`
      );
    }
    const next = { ...current, spec: { ...current.spec, replicas } };
    const written = opts.dryRun ? next : this.write(rt, current, next, opts);
    return this.scaleOf(rt, written);
  }

  /** policy/v1 Eviction: refused with 429 while a PodDisruptionBudget allows no disruption. */
  evict(namespace: string, name: string, opts: DeleteOptions = {}): void {
    const pods = this.type('v1', 'Pod');
    const pod = this.get(pods, namespace, name);
    const pdbs = this.type('policy/v1', 'PodDisruptionBudget');
    for (const pdb of this.objects(pdbs, namespace)) {
      if (!matchesSelectorObject(pdb.spec?.selector, pod.metadata.labels)) continue;
      if ((pdb.status?.disruptionsAllowed ?? 0) < 1) {
        throw new ApiError(
          429,
          'TooManyRequests',
          "Cannot evict pod as it would violate the pod's disruption budget.",
          {
            causes: [
              {
                reason: 'DisruptionBudget',
                message: `The disruption budget ${pdb.metadata.name} needs ${pdb.status?.desiredHealthy ?? 0} healthy pods and has ${pdb.status?.currentHealthy ?? 0} currently`
              }
            ]
          }
        );
      }
      if (!opts.dryRun) {
        this.mutate(pdbs, namespace, pdb.metadata.name, (o) => {
          o.status = {
            ...o.status,
            disruptionsAllowed: Math.max(0, (o.status?.disruptionsAllowed ?? 1) - 1)
          };
        });
      }
    }
    this.delete(pods, namespace, name, opts);
  }

  /** Storage-level write for controllers and churn: edit a copy, store it, notify. */
  mutate(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    fn: (copy: KubeObject) => void
  ): KubeObject | undefined {
    const current = this.bucket(rt).get(objKey(rt.namespaced ? namespace : undefined, name));
    if (!current) return undefined;
    const copy = structuredClone(current);
    fn(copy);
    bumpGeneration(current, copy);
    if (copy.metadata.deletionTimestamp && (copy.metadata.finalizers ?? []).length === 0) {
      this.commit(rt, 'MODIFIED', copy);
      this.delete(rt, namespace, name);
      return this.present(rt, copy);
    }
    return this.present(rt, this.commit(rt, 'MODIFIED', copy));
  }

  private write(rt: ResourceType, current: KubeObject, next: KubeObject, opts: WriteOptions): KubeObject {
    bumpGeneration(current, next);
    if (opts.dryRun)
      return { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } };
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      const last = this.commit(rt, 'MODIFIED', next);
      this.delete(rt, next.metadata.namespace, next.metadata.name);
      return last;
    }
    return this.commit(rt, 'MODIFIED', next);
  }

  /** The one place a change becomes real: new resourceVersion, store, indexes, history, watchers. */
  private commit(rt: ResourceType, type: ChangeEvent['type'], obj: KubeObject): KubeObject {
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
    for (const w of this.watchers.get(key) ?? []) this.deliver(w, entry);
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

  /** Objects are stored in their storage version; another served version converts on the way out. */
  private present(rt: ResourceType, o: KubeObject): KubeObject {
    if (rt.storedAs && rt.group === 'events.k8s.io') return toEventsV1(o);
    const apiVersion = apiVersionOf(rt);
    return o.apiVersion === apiVersion ? o : { ...o, apiVersion };
  }

  private toStored(rt: ResourceType, o: KubeObject): KubeObject {
    if (rt.storedAs && rt.group === 'events.k8s.io') return fromEventsV1(o);
    return { ...o, apiVersion: apiVersionOf(rt), kind: rt.kind };
  }

  private storageType(skey: string, o: KubeObject): ResourceType {
    const [group] = skey.split('/');
    return this.registry.byKind(group, o.kind) ?? this.type(o.apiVersion, o.kind);
  }

  private checkWritable(rt: ResourceType) {
    if (rt.virtual)
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`
      );
  }

  private checkNamespace(rt: ResourceType, namespace: string | undefined, mustExist: boolean) {
    if (!rt.namespaced || namespace === undefined) return;
    if (mustExist && !this.bucket(this.type('v1', 'Namespace')).has(objKey(undefined, namespace))) {
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces'
      });
    }
  }

  private notFound(rt: ResourceType, name: string): ApiError {
    const what = rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
    return new ApiError(404, 'NotFound', `${what} "${name}" not found`, {
      name,
      group: rt.group,
      kind: rt.plural
    });
  }

  private conflict(rt: ResourceType, name: string): ApiError {
    const what = rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${what} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group: rt.group, kind: rt.plural }
    );
  }

  private expired(rv: number): ApiError {
    return new ApiError(410, 'Expired', `too old resource version: ${rv} (${this.compactedRv})`);
  }

  private tooLarge(rv: number): ApiError {
    return new ApiError(504, 'Timeout', `Too large resource version: ${rv}, current: ${this.rv}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1
    });
  }

  timestamp(ms = this.clock.now()): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** A version-4-shaped UUID from the cluster's seeded generator. */
  uid(): string {
    return this.rng.uid();
  }

  private managedEntry(rt: ResourceType, manager: string, operation: 'Apply' | 'Update', obj: unknown) {
    return {
      manager,
      operation,
      apiVersion: apiVersionOf(rt),
      time: this.timestamp(),
      fieldsType: 'FieldsV1' as const,
      fieldsV1: fieldsOf(obj, 0)
    };
  }
}

/**
 * metadata.generation counts changes of the spec. Kinds without a generation (Pods, most
 * cluster-scoped configuration) skip the comparison; the others compare structurally, stopping at the
 * first difference, and a status subresource write (which keeps the stored spec) compares at once.
 */
function bumpGeneration(current: KubeObject, next: KubeObject) {
  if (next.metadata.generation !== undefined && !jsonEqual(next.spec, current.spec)) {
    next.metadata.generation = (current.metadata.generation ?? 0) + 1;
  }
}

/** A FieldsV1 tree (`f:spec: {f:replicas: {}}`) describing the fields a manager set. */
function fieldsOf(v: unknown, depth: number): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || depth > 5) return {};
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    if (depth === 0 && (k === 'apiVersion' || k === 'kind')) continue;
    if (
      depth === 1 &&
      ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation'].includes(k)
    )
      continue;
    out[`f:${k}`] = fieldsOf(child, depth + 1);
  }
  if (depth > 0 && Object.keys(out).length > 0) out['.'] = {};
  return out;
}

function lowerBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** core/v1 Event → events.k8s.io/v1 Event (same stored object, newer field names). */
function toEventsV1(e: KubeObject): KubeObject {
  return {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    ...(e.series ? { series: { count: e.series.count, lastObservedTime: e.series.lastObservedTime } } : {}),
    reportingController: e.reportingComponent || e.source?.component || '',
    reportingInstance: e.reportingInstance || e.source?.host || '',
    ...(e.action ? { action: e.action } : {}),
    reason: e.reason,
    regarding: e.involvedObject,
    ...(e.related ? { related: e.related } : {}),
    note: e.message,
    type: e.type,
    ...(e.source ? { deprecatedSource: e.source } : {}),
    ...(e.firstTimestamp ? { deprecatedFirstTimestamp: e.firstTimestamp } : {}),
    ...(e.lastTimestamp ? { deprecatedLastTimestamp: e.lastTimestamp } : {}),
    ...(e.count ? { deprecatedCount: e.count } : {})
  };
}

function fromEventsV1(e: KubeObject): KubeObject {
  if (e.apiVersion === 'v1') return e;
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: e.metadata,
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    type: e.type,
    eventTime: e.eventTime ?? null,
    reportingComponent: e.reportingController ?? '',
    reportingInstance: e.reportingInstance ?? '',
    source: e.deprecatedSource ?? { component: e.reportingController ?? '' },
    firstTimestamp: e.deprecatedFirstTimestamp ?? null,
    lastTimestamp: e.deprecatedLastTimestamp ?? null,
    count: e.deprecatedCount ?? e.series?.count ?? 1,
    ...(e.action ? { action: e.action } : {}),
    ...(e.related ? { related: e.related } : {}),
    ...(e.series ? { series: e.series } : {})
  };
}
