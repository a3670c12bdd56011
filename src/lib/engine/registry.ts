/**
 * The InformerRegistry: one Informer per stream key, shared by every view of every tab,
 * reference-counted, kept warm for a linger period after the last view leaves. It is also where
 * informers meet the connection budget: each asks its origin for a slot, informers without one
 * catch up in turns, and informers behind a view on screen take slots from those that are not.
 */
import { ConnectionBudget, type ClusterConnection, type Lease, type Priority } from '../watch/budget';
import { Informer, informerKey, type InformerOptions, type InformerSpec } from './informer';

export interface RegistryOptions {
  /** A cluster's connection; its `identity` (the cluster's URL, see clusterIdentity) names its cache entries. */
  connection: (cluster: string) => ClusterConnection & { identity?: string };
  budget?: ConnectionBudget;
  /** How long an informer nobody uses keeps watching. Default 30 s. */
  lingerMs?: number;
  /** How often a waiting informer's turn to catch up comes round, per origin. Default 3 s. */
  catchUpEveryMs?: number;
  informer?: Omit<InformerOptions, 'spec' | 'transport'>;
}

interface Entry {
  informer: Informer;
  refs: number;
  /** Refs from views that are on screen. */
  visibleRefs: number;
  linger?: ReturnType<typeof setTimeout>;
  origin: string | undefined;
}

export class InformerRegistry {
  readonly budget: ConnectionBudget;
  private entries = new Map<string, Entry>();
  private catchUpTimer: ReturnType<typeof setInterval> | undefined;
  private isSuspended = false;

  constructor(private readonly options: RegistryOptions) {
    this.budget = options.budget ?? new ConnectionBudget();
    this.budget.onGranted = (id, lease) =>
      this.entries.get(id) && void this.entries.get(id)!.informer.run(lease);
  }

  /**
   * The informer for `spec`, or an all-namespaces informer of the same resource and selectors
   * that already runs (the view then filters by namespace in the worker).
   */
  acquire(spec: InformerSpec, visible: boolean): Informer {
    const candidate =
      spec.namespace !== undefined
        ? this.entries.get(informerKey({ ...spec, namespace: undefined }))
        : undefined;
    // A wide informer the user may not list cannot serve one namespace the user may list.
    const state = candidate?.informer.state;
    const refused = state === 'forbidden' || state === 'unauthorized' || state === 'error';
    const wide = refused ? undefined : candidate;
    const key = wide ? wide.informer.key : informerKey(spec);
    let entry = this.entries.get(key);
    if (!entry) {
      const conn = this.options.connection(spec.cluster);
      const informer = new Informer({
        ...this.options.informer,
        spec,
        transport: conn.transport,
        clusterIdentity: conn.identity
      });
      entry = { informer, refs: 0, visibleRefs: 0, origin: conn.origin };
      this.entries.set(key, entry);
      void informer.load();
    }
    // Taken back while lingering: it still holds its connection and watches; nothing to start.
    const stillWatching = entry.linger !== undefined && entry.informer.running;
    if (entry.linger) clearTimeout(entry.linger);
    entry.linger = undefined;
    entry.refs++;
    if (visible) entry.visibleRefs++;
    if (entry.refs === 1 && !this.isSuspended && !stillWatching) this.connect(entry);
    else if (visible && entry.visibleRefs === 1) this.prioritize(entry);
    return entry.informer;
  }

  release(informer: Informer, visible: boolean): void {
    const entry = this.entries.get(informer.key);
    // A dropped informer (its cluster left) whose key a new one now has: not this one's refs.
    if (!entry || entry.informer !== informer) return;
    entry.refs = Math.max(0, entry.refs - 1);
    if (visible) entry.visibleRefs = Math.max(0, entry.visibleRefs - 1);
    if (entry.visibleRefs === 0) this.prioritize(entry);
    if (entry.refs > 0) return;
    entry.linger = setTimeout(() => this.drop(entry), this.options.lingerMs ?? 30_000);
  }

  /** A view went on or off screen. */
  setVisible(informer: Informer, visible: boolean): void {
    const entry = this.entries.get(informer.key);
    if (!entry) return;
    entry.visibleRefs = Math.max(0, entry.visibleRefs + (visible ? 1 : -1));
    this.prioritize(entry);
  }

  /** Watches closed because every tab is hidden. */
  get suspended(): boolean {
    return this.isSuspended;
  }

  informers(): Informer[] {
    return [...this.entries.values()].map((e) => e.informer);
  }

  /** Every tab hidden for a long while: close all watches, keep rows and resourceVersions. */
  suspend(): void {
    this.isSuspended = true;
    for (const e of this.entries.values()) {
      this.budget.release(e.informer.key);
      e.informer.pause();
    }
  }

  /** A tab is back: resume every informer from its resourceVersion. */
  resume(): void {
    if (!this.isSuspended) return;
    this.isSuspended = false;
    for (const e of this.entries.values()) if (e.refs > 0) this.connect(e);
  }

  /** A cluster left the configuration: its informers stop now, lingering or not. */
  dropCluster(cluster: string): void {
    for (const e of [...this.entries.values()]) if (e.informer.spec.cluster === cluster) this.drop(e);
  }

  dispose(): void {
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    for (const e of this.entries.values()) this.drop(e);
  }

  private priority(e: Entry): Priority {
    return e.visibleRefs > 0 ? 'foreground' : 'background';
  }

  private connect(e: Entry) {
    if (e.origin === undefined) {
      void e.informer.run('direct'); // the in-browser simulator: no connections to budget
      return;
    }
    const lease = this.budget.request(e.informer.key, e.origin, this.priority(e), () => e.informer.pause());
    if (lease) this.runOver(e, lease);
    else this.ensureCatchUp();
  }

  private runOver(e: Entry, lease: Lease) {
    void e.informer.run(lease).catch(() => {});
  }

  /**
   * An origin refused a WebSocket upgrade (its proxy does not pass them): the budget now hands out
   * chunked slots there, so every informer on a WebSocket lease of that origin asks again.
   */
  webSocketRefused(origin: string): void {
    if (this.budget.webSocketSupport(origin) === 'fails') return;
    this.budget.setWebSocketSupport(origin, 'fails');
    for (const e of this.entries.values()) {
      if (e.origin !== origin || this.budget.leaseOf(e.informer.key)?.kind !== 'websocket') continue;
      e.informer.pause();
      this.budget.release(e.informer.key);
      if (e.refs > 0 && !this.isSuspended) this.connect(e);
    }
  }

  private prioritize(e: Entry) {
    if (e.origin === undefined || e.refs === 0) return;
    const lease = this.budget.setPriority(e.informer.key, this.priority(e));
    if (lease && e.informer.telemetry().transport === 'none') this.runOver(e, lease);
  }

  private ensureCatchUp() {
    if (this.catchUpTimer) return;
    this.catchUpTimer = setInterval(() => {
      const origins = new Set(
        [...this.entries.values()].map((e) => e.origin).filter((o): o is string => !!o)
      );
      for (const origin of origins) {
        const id = this.budget.nextCatchUp(origin);
        const entry = id ? this.entries.get(id) : undefined;
        if (entry && !this.isSuspended) void entry.informer.catchUp();
      }
    }, this.options.catchUpEveryMs ?? 3000);
  }

  private drop(e: Entry) {
    if (e.linger) clearTimeout(e.linger);
    this.entries.delete(e.informer.key);
    this.budget.release(e.informer.key);
    e.informer.stop();
  }
}
