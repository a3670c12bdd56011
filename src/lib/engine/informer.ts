/**
 * An Informer owns one stream: a Reflector keeping an ObjectStore of Rows in sync with one
 * collection (cluster, resource, namespace or all, selectors), the snapshot cache of that store,
 * the connection it holds under the per-origin budget, and the listeners (views) it fans out to.
 *
 * On start it paints from the cache (marked cached) and resumes the watch from the cached
 * resourceVersion; only a 410 relists. Without a connection slot it stays paused and catches up
 * from its resourceVersion when its turn comes.
 */
import type { SnapshotCache } from '../cache/snapshot-cache';
import type { ResourceRef } from '../kube/types';
import { ObjectStore, objectKey, type StoreChange } from '../watch/object-store';
import { project } from '../kinds/projection';
import {
  Reflector,
  type ReflectorOptions,
  type ReflectorState,
  type ReflectorStatus
} from '../watch/reflector';
import type { Row, RowSink } from '../watch/row';
import type { Transport } from '../watch/transport';
import type { Lease, LeaseKind } from '../watch/budget';
import type { Clock } from '../kube/clock';

export interface InformerSpec {
  cluster: string;
  resource: ResourceRef;
  /** One namespace; undefined for all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** One informer per distinct key: every view and every tab asking for the same stream shares it. */
export function informerKey(s: InformerSpec): string {
  const r = s.resource;
  return [
    s.cluster,
    `${r.group}/${r.version}/${r.plural}`,
    s.namespace ?? '',
    s.labelSelector ?? '',
    s.fieldSelector ?? ''
  ].join('|');
}

/**
 * The snapshot cache's key for an informer: its key with the cluster's identity (its API URL, or
 * `demo:NAME`; see clusterIdentity) in place of its name, so a snapshot of "prod" at one URL is
 * never painted for a "prod" at another. Without an identity (tests), the name.
 */
export function informerCacheKey(s: InformerSpec, clusterIdentity: string | undefined): string {
  return informerKey({ ...s, cluster: clusterIdentity ?? s.cluster });
}

export function collectionPath(s: InformerSpec): string {
  const r = s.resource;
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && s.namespace
    ? `${root}/namespaces/${encodeURIComponent(s.namespace)}/${r.plural}`
    : `${root}/${r.plural}`;
}

export type InformerState = ReflectorState | 'cached' | 'waiting' | 'paused';

/** How the informer's bytes arrive right now. */
export type InformerTransport = LeaseKind | 'direct' | 'catch-up' | 'none';

/** One row of the diagnostics table. Plain data. */
export interface InformerTelemetry {
  key: string;
  cluster: string;
  resource: string;
  scope: string;
  state: InformerState;
  transport: InformerTransport;
  resourceVersion: string | undefined;
  rows: number;
  events: number;
  bytes: number;
  relists: number;
  reconnects: number;
  /** Events ignored by resourceVersion gating (duplicates, replays, stale). */
  drops: number;
  errors: number;
  lastEventAt: number | undefined;
  lastError: string | undefined;
  /** When the rows on screen came from the cache: that snapshot's age at load, in ms. */
  cacheAgeMs: number | undefined;
  subscribers: number;
}

export type RowChange =
  { type: 'upsert'; row: Row } | { type: 'delete'; key: string } | { type: 'reset'; rows: Row[] };

/**
 * What the user may do, asked by the informer (the engine's AccessGuard answers): before each
 * start, and when the server refuses with 403.
 */
export interface InformerAccess {
  /** May the user list and watch this collection? 'denied' parks the informer as forbidden, unasked. */
  review(informer: Informer): Promise<{ verdict: 'allowed' | 'denied' | 'unknown'; reason: string }>;
  /** The server answered 403, or the user asked to retry a denied informer: ask again, fresh. */
  recheck(informer: Informer): void;
  /** The informer was denied (its rows dropped) or allowed again. */
  changed(informer: Informer): void;
}

export interface InformerOptions {
  spec: InformerSpec;
  /** How requests of this informer travel; `kind` is what the budget granted. */
  transport: (kind: LeaseKind | 'direct') => Transport;
  cache?: SnapshotCache;
  /** What the cache knows this informer's cluster by (its URL, not its name): see informerCacheKey. */
  clusterIdentity?: string;
  clock?: Clock;
  /** Extra Reflector options (tests shorten timeouts; the engine passes shared capabilities). */
  reflector?: Partial<ReflectorOptions<Row>>;
  onError?: (error: Error) => void;
  access?: InformerAccess;
}

export class Informer {
  readonly key: string;
  /** Its snapshot's key in the cache (by the cluster's identity; `key` names it by the cluster's name). */
  readonly cacheKey: string;
  readonly spec: InformerSpec;
  readonly store = new ObjectStore<Row>();
  private reflector: Reflector<Row> | undefined;
  private listeners = new Set<(change: RowChange) => void>();
  private status: ReflectorStatus | undefined;
  private lease: Lease | undefined;
  private transportKind: InformerTransport = 'none';
  private cachedAt: number | undefined;
  private cacheAgeMs: number | undefined;
  private loaded: Promise<void> | undefined;
  private paused = true;
  private catchingUp = false;
  private readonly clock: Clock;
  /** Why the user may not read this collection (a review said no, or a 403 the review did not contradict). */
  /** Counts `run` calls: only the latest may start the watch. */
  private runs = 0;
  private deniedReason: string | undefined;
  /** The reflector's error count at the last 403 reported to the access guard. */
  private forbiddenErrors = 0;

  constructor(private readonly options: InformerOptions) {
    this.spec = options.spec;
    this.key = informerKey(options.spec);
    this.cacheKey = informerCacheKey(options.spec, options.clusterIdentity);
    this.clock = options.clock ?? { now: () => Date.now() };
    this.store.listen((c) => this.changed(c));
  }

  /** Views subscribe here: they get every row at once, then each change. */
  subscribe(listener: (change: RowChange) => void): () => void {
    this.listeners.add(listener);
    listener({ type: 'reset', rows: this.store.items() });
    return () => this.listeners.delete(listener);
  }

  /** Feeds `sink` (a view, a tally) with this informer's rows, as the source named by its key. */
  feed(sink: RowSink): () => void {
    const source = this.key;
    return this.subscribe((change) => {
      if (change.type === 'reset') sink.replaceSource(source, change.rows);
      else if (change.type === 'upsert') sink.upsert(change.row, source);
      else sink.remove(change.key);
    });
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Paint from the cache, once, before any connection. */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      const snapshot = await this.options.cache?.load(this.cacheKey);
      if (!snapshot || this.store.resourceVersion) return;
      // The snapshot is the cluster's (keyed by its URL), but its rows carry the name they were
      // saved under: after a rename, or under a second name for one URL, they are not this
      // informer's rows. List instead of painting them.
      if (snapshot.rows.some((row) => row.cluster !== this.spec.cluster)) return;
      this.cachedAt = snapshot.savedAt;
      this.cacheAgeMs = this.clock.now() - snapshot.savedAt;
      this.store.replace(
        snapshot.rows.map((row) => ({
          key: objectKey(row.namespace, row.name),
          resourceVersion: row.resourceVersion,
          item: row
        })),
        snapshot.resourceVersion
      );
    })().catch((e) => this.options.onError?.(e as Error));
    return this.loaded;
  }

  /** Watch continuously over the granted connection (`direct` for the in-browser simulator). */
  async run(lease: Lease | 'direct'): Promise<void> {
    const run = ++this.runs;
    this.lease = lease === 'direct' ? undefined : lease;
    this.transportKind = lease === 'direct' ? 'direct' : lease.kind;
    this.paused = false;
    await this.load();
    await this.reviewed();
    // A later run (a new lease) started while this one waited for its review: that one watches.
    if (run !== this.runs || this.paused || this.deniedReason !== undefined) return;
    this.startReflector(lease === 'direct' ? 'direct' : lease.kind);
  }

  /** Whether it holds a connection (or runs directly): false while paused or waiting for a slot. */
  get running(): boolean {
    return !this.paused;
  }

  /** Asks the access guard before any request: a denied informer stays forbidden without one. */
  private async reviewed(): Promise<void> {
    const access = this.options.access;
    if (!access) return;
    const { verdict, reason } = await access.review(this);
    if (verdict === 'denied') this.deny(reason);
    else this.allow();
  }

  /** Clears the denial, if any; the caller starts watching. */
  private allow(): void {
    if (this.deniedReason === undefined) return;
    this.deniedReason = undefined;
    this.options.access?.changed(this);
  }

  /** Why the user may not read this collection, while denied. */
  get denied(): string | undefined {
    return this.deniedReason;
  }

  /**
   * The user may no longer read this collection: stop watching and drop the rows (views lose
   * them, and the cache forgets them), until `permit()`.
   */
  deny(reason: string): void {
    const changed = this.deniedReason === undefined;
    this.deniedReason = reason;
    this.reflector?.stop();
    this.reflector = undefined;
    this.cachedAt = undefined;
    this.cacheAgeMs = undefined;
    this.store.clear();
    void this.options.cache?.delete(this.cacheKey);
    if (changed) this.options.access?.changed(this);
  }

  /** Allowed again (or unknown: try): a running informer lists anew. */
  permit(): void {
    if (this.deniedReason === undefined) return;
    const kind = this.transportKind;
    if (!this.paused && !this.reflector && (kind === 'websocket' || kind === 'chunked' || kind === 'direct'))
      this.startReflector(kind);
    this.allow();
  }

  /** No connection for now: stop watching, keep rows and resourceVersion. */
  pause(): void {
    this.paused = true;
    this.reflector?.stop();
    this.reflector = undefined;
    this.lease = undefined;
    this.transportKind = 'none';
  }

  /**
   * A turn without a slot of its own: resume from the resourceVersion over an ordinary request,
   * with a watch the server ends after a second, so missed changes arrive without a relist.
   */
  async catchUp(): Promise<void> {
    if (!this.paused || this.catchingUp) return;
    this.catchingUp = true;
    this.transportKind = 'catch-up';
    await this.load();
    await this.reviewed();
    await new Promise<void>((resolve) => {
      if (this.deniedReason !== undefined) return resolve();
      const r = this.createReflector('chunked', {
        minWatchTimeoutSeconds: 1,
        onState: (s) => {
          this.onStatus(s);
          // The short watch ended cleanly (resumes counts that), or the stream parked itself.
          if (s.resumes > 0 || ['forbidden', 'unauthorized', 'error', 'backoff'].includes(s.state)) {
            r.stop();
            resolve();
          }
        }
      });
      void this.startWith(r);
    });
    this.catchingUp = false;
    if (this.paused) this.transportKind = 'none';
  }

  stop(): void {
    this.pause();
    this.saveSoon();
    this.listeners.clear();
  }

  retryNow(): void {
    if (this.deniedReason !== undefined) this.options.access?.recheck(this);
    else this.reflector?.retryNow();
  }

  /** The connection was broken meanwhile: restart the watch now from its resourceVersion. */
  reconnect(): void {
    if (this.deniedReason !== undefined) this.options.access?.recheck(this);
    else this.reflector?.reconnect();
  }

  /** The stream's last known state (the reflector's, before paused/waiting are considered). */
  get state(): ReflectorState | undefined {
    if (this.deniedReason !== undefined) return 'forbidden';
    return (this.reflector?.status ?? this.status)?.state;
  }

  telemetry(): InformerTelemetry {
    // The reflector's counters move on every event; the last state callback only on state changes.
    const s = this.reflector?.status ?? this.status;
    const r = this.spec.resource;
    let state: InformerState = s?.state ?? (this.cachedAt !== undefined ? 'cached' : 'listing');
    if (this.paused && !this.catchingUp)
      state = this.lease === undefined && this.listeners.size > 0 ? 'waiting' : 'paused';
    if (s?.state === 'resyncing' && s.syncMode === 'resume' && this.cachedAt !== undefined) state = 'cached';
    if (this.deniedReason !== undefined) state = 'forbidden';
    return {
      key: this.key,
      cluster: this.spec.cluster,
      resource: `${r.plural}${r.group ? '.' + r.group : ''}`,
      scope: this.spec.namespace ?? (r.namespaced ? 'all namespaces' : 'cluster'),
      state,
      transport: this.transportKind,
      resourceVersion: this.store.resourceVersion,
      rows: this.store.size,
      events: s?.events ?? 0,
      bytes: s?.bytes ?? 0,
      relists: s?.relists ?? 0,
      reconnects: s?.reconnects ?? 0,
      drops: s?.ignored ?? 0,
      errors: s?.errors ?? 0,
      lastEventAt: s?.lastEventAt,
      lastError: this.deniedReason ?? s?.lastError,
      cacheAgeMs: this.cacheAgeMs,
      subscribers: this.listeners.size
    };
  }

  private startReflector(kind: LeaseKind | 'direct') {
    // One watch per informer: a watch left running here would hold a connection nobody stops.
    this.reflector?.stop();
    this.reflector = this.createReflector(kind, { onState: (s) => this.onStatus(s) });
    void this.startWith(this.reflector);
  }

  private startWith(r: Reflector<Row>): Promise<void> {
    const rv = this.store.resourceVersion;
    return rv ? r.resumeFrom(rv, this.store.snapshot()) : r.run();
  }

  private createReflector(kind: LeaseKind | 'direct', extra: Partial<ReflectorOptions<Row>>): Reflector<Row> {
    const { cluster, labelSelector, fieldSelector } = this.spec;
    this.forbiddenErrors = 0;
    return new Reflector<Row>({
      cluster,
      path: collectionPath(this.spec),
      labelSelector,
      fieldSelector,
      transport: this.options.transport(kind),
      transform: (obj) => project(cluster, obj, this.spec.resource),
      store: this.store,
      onError: this.options.onError,
      ...this.options.reflector,
      ...extra
    });
  }

  private onStatus(s: ReflectorStatus) {
    this.status = s;
    // A new 403 (the reflector counts errors): the guard asks again whether the user may read this.
    if (s.state === 'forbidden' && s.errors !== this.forbiddenErrors) {
      this.forbiddenErrors = s.errors;
      this.options.access?.recheck(this);
    }
    if (s.state === 'live') {
      this.cachedAt = undefined;
      this.saveSoon();
    }
  }

  private changed(c: StoreChange<Row>) {
    const change: RowChange =
      c.type === 'delete' ? { type: 'delete', key: c.item.key } : { type: 'upsert', row: c.item };
    for (const l of this.listeners) l(change);
    this.saveSoon();
  }

  /** Background write of the rows and the resourceVersion they are valid at (throttled by the cache). */
  private saveSoon() {
    const cache = this.options.cache;
    if (!cache) return;
    cache.scheduleSave(this.cacheKey, () => {
      // Only a store in sync with the server is worth a snapshot (not one in the middle of a relist).
      if (this.store.resyncing || !this.store.resourceVersion) return undefined;
      return { resourceVersion: this.store.resourceVersion, rows: this.store.items() };
    });
  }
}
