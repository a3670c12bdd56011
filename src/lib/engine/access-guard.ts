/**
 * The AccessGuard keeps every informer's permission true while Skiff runs:
 *
 * - before an informer lists, it asks (SelfSubjectAccessReview, cached) whether the user may list
 *   and watch at the informer's scope; 'denied' parks the informer as forbidden with no request;
 * - a 403 from the server drops the cached answers and asks again, fresh;
 * - every TTL it asks again for every informer that runs or is forbidden: revoked → the informer
 *   stops and drops its rows; granted → it lists again;
 * - a cluster-wide view the user may not list falls back to the namespaces the user may list
 *   (NamespaceFallback, from SelfSubjectRulesReview), and says which.
 *
 * 'unknown' (a proxy that refuses the review POSTs) never blocks: the informer tries the list.
 */
import type { RowSink } from '../watch/row';
import { AccessReviewer, resourceName, rulesAllow, type AccessAnswer, type AccessQuery } from './access';
import type { Informer, InformerAccess, InformerSpec } from './informer';
import type { InformerRegistry } from './registry';

const LIST_AND_WATCH = ['list', 'watch'] as const;

/** The reviews an informer needs: list and watch at its scope. */
export function informerQueries(spec: InformerSpec): AccessQuery[] {
  const { group, plural, namespaced } = spec.resource;
  const namespace = namespaced ? spec.namespace : undefined;
  return LIST_AND_WATCH.map((verb) => ({ cluster: spec.cluster, verb, group, resource: plural, namespace }));
}

function deniedText(spec: InformerSpec, denied: AccessAnswer[]): string {
  const verbs = denied.map((a) => a.verb).join(' and ');
  const r = spec.resource;
  const where = !r.namespaced
    ? ''
    : spec.namespace
      ? ` in namespace ${spec.namespace}`
      : ' in all namespaces';
  const why = denied.map((a) => a.reason).find(Boolean);
  return `SelfSubjectAccessReview: may not ${verbs} ${resourceName(r.group, r.plural)}${where}${why ? ` (${why})` : ''}`;
}

export type Registry = Pick<InformerRegistry, 'acquire' | 'release' | 'setVisible' | 'informers'>;

export interface AccessGuardOptions {
  reviewer: AccessReviewer;
  registry: () => Registry | undefined;
}

export class AccessGuard implements InformerAccess {
  readonly reviewer: AccessReviewer;
  private readonly listeners = new Set<(informer: Informer | undefined) => void>();
  private readonly fallbacks = new Map<string, Set<NamespaceFallback>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: AccessGuardOptions) {
    this.reviewer = options.reviewer;
  }

  async review(
    informer: Informer,
    fresh = false
  ): Promise<{ verdict: AccessAnswer['answer']; reason: string }> {
    const answers = await Promise.all(
      informerQueries(informer.spec).map((q) => this.reviewer.check(q, fresh))
    );
    const denied = answers.filter((a) => a.answer === 'denied');
    if (denied.length) return { verdict: 'denied', reason: deniedText(informer.spec, denied) };
    const unknown = answers.find((a) => a.answer === 'unknown');
    return unknown ? { verdict: 'unknown', reason: unknown.reason } : { verdict: 'allowed', reason: '' };
  }

  /**
   * A 403 arrived (the answers are no longer trusted), or the user retries a denied informer. A 403
   * the review does not contradict drops the rows; a denied informer not denied any more lists again.
   */
  recheck(informer: Informer): void {
    for (const q of informerQueries(informer.spec)) this.reviewer.invalidate(q);
    const wasDenied = informer.denied !== undefined;
    const refusal = informer.telemetry().lastError ?? 'HTTP 403 Forbidden';
    void this.review(informer, true).then(({ verdict, reason }) => {
      if (verdict === 'denied') informer.deny(reason);
      else if (wasDenied) informer.permit();
      else if (verdict === 'unknown' && informer.state === 'forbidden') informer.deny(refusal);
    });
  }

  changed(informer: Informer): void {
    for (const l of this.listeners) l(informer);
  }

  /** `listener(informer)` after an informer was denied or allowed again; `listener(undefined)` after each re-check. */
  listen(listener: (informer: Informer | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-checks every TTL from now on (the TTL is read each time, so a new setting applies next round). */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The TTL changed: the next re-check comes one new TTL from now (or after the one running). */
  reschedule(): void {
    if (this.stopped || !this.timer) return;
    clearTimeout(this.timer);
    this.schedule();
  }

  /** One chain of re-checks: the timer is unset while a re-check runs, which schedules the next. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.recheckAll().finally(() => {
        if (!this.timer) this.schedule();
      });
    }, this.reviewer.ttlMs());
  }

  /**
   * Asks again, fresh, for every informer that runs or is forbidden (identical questions share one
   * request): revoked → denied, granted → permitted, a stream parked by a 403 → retried.
   */
  async recheckAll(): Promise<void> {
    const informers = (this.options.registry()?.informers() ?? []).filter(
      (i) => i.denied !== undefined || i.telemetry().transport !== 'none'
    );
    await Promise.all(
      informers.map(async (informer) => {
        const { verdict, reason } = await this.review(informer, true);
        if (verdict === 'denied') informer.deny(reason);
        else if (informer.denied !== undefined) informer.permit();
        else if (informer.state === 'forbidden') informer.retryNow();
      })
    );
    for (const l of this.listeners) l(undefined);
  }

  /**
   * Feeds `sink` from `informer`; an all-namespaces informer of a namespaced resource also gets a
   * NamespaceFallback for while it is forbidden. Returns what stops it and what follows visibility.
   */
  feed(
    informer: Informer,
    sink: RowSink,
    visible: boolean
  ): { unsubscribe: () => void; setVisible?: (visible: boolean) => void } {
    const unsubscribe = informer.feed(sink);
    const registry = this.options.registry();
    if (!registry || !informer.spec.resource.namespaced || informer.spec.namespace !== undefined)
      return { unsubscribe };
    const fallback = new NamespaceFallback({ wide: informer, sink, visible, guard: this, registry });
    let set = this.fallbacks.get(informer.key);
    if (!set) this.fallbacks.set(informer.key, (set = new Set()));
    set.add(fallback);
    return {
      unsubscribe: () => {
        unsubscribe();
        fallback.dispose();
        set.delete(fallback);
        if (!set.size && this.fallbacks.get(informer.key) === set) this.fallbacks.delete(informer.key);
      },
      setVisible: (v) => fallback.setVisible(v)
    };
  }

  /** The informer that shows `namespace` while the all-namespaces informer `key` is denied, if any. */
  fallbackInformer(key: string, namespace: string): Informer | undefined {
    for (const f of this.fallbacks.get(key) ?? []) {
      const informer = f.informerFor(namespace);
      if (informer) return informer;
    }
    return undefined;
  }

  /** The namespaces a forbidden all-namespaces stream is shown from instead; undefined without a fallback. */
  fallbackNamespaces(key: string): string[] | undefined {
    let out: Set<string> | undefined;
    for (const f of this.fallbacks.get(key) ?? []) {
      if (!f.namespaces) continue;
      out ??= new Set();
      for (const ns of f.namespaces) out.add(ns);
    }
    return out && [...out].sort();
  }
}

interface FallbackOptions {
  /** The all-namespaces informer. */
  wide: Informer;
  sink: RowSink;
  visible: boolean;
  guard: AccessGuard;
  registry: Registry;
}

/**
 * While an all-namespaces informer is denied, its view is fed by one informer per namespace the user
 * may list and watch it in: the namespaces from the cluster's list (or, when the user may not list
 * them, from rows the engine holds), the permission from SelfSubjectRulesReview (confirmed by access
 * reviews where the rules are incomplete). Follows every re-check; gone when the wide one is allowed.
 */
export class NamespaceFallback {
  /** The namespaces shown instead; undefined while the wide informer is not denied. */
  namespaces: string[] | undefined;
  private readonly attached = new Map<string, { informer: Informer; unsubscribe: () => void }>();
  private readonly stopListening: () => void;
  private running: Promise<void> | undefined;
  private again: 'fresh' | 'cached' | undefined;
  private disposed = false;
  private visible: boolean;

  constructor(private readonly options: FallbackOptions) {
    this.visible = options.visible;
    // After a re-check of every permission the rules are asked again too; after a change of the
    // wide informer, cached rules do.
    this.stopListening = options.guard.listen((informer) => {
      if (!informer) this.refresh(true);
      else if (informer === options.wide) this.refresh();
    });
    if (options.wide.denied !== undefined) this.refresh();
  }
  /** The informer feeding `namespace` in place of the denied wide one. */
  informerFor(namespace: string): Informer | undefined {
    return this.attached.get(namespace)?.informer;
  }

  /**
   * Work out the namespaces again (`fresh`: asking the server, not the cache). One update at a
   * time; a call meanwhile runs once more after it.
   */
  refresh(fresh = false): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = this.again === 'fresh' || fresh ? 'fresh' : 'cached';
      return;
    }
    this.running = this.update(fresh).finally(() => {
      this.running = undefined;
      const again = this.again;
      this.again = undefined;
      if (again) this.refresh(again === 'fresh');
    });
  }

  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    for (const { informer } of this.attached.values()) this.options.registry.setVisible(informer, visible);
  }

  dispose(): void {
    this.disposed = true;
    this.stopListening();
    for (const ns of [...this.attached.keys()]) this.detach(ns);
  }

  private async update(fresh: boolean): Promise<void> {
    const { wide } = this.options;
    const allowed = wide.denied !== undefined ? await this.allowedNamespaces(fresh) : [];
    if (this.disposed) return;
    const denied = wide.denied !== undefined;
    this.namespaces = denied ? allowed : undefined;
    const keep = new Set(denied ? allowed : []);
    for (const ns of [...this.attached.keys()]) if (!keep.has(ns)) this.detach(ns);
    for (const ns of keep) if (!this.attached.has(ns)) this.attach(ns);
  }

  private async allowedNamespaces(fresh: boolean): Promise<string[]> {
    const { spec } = this.options.wide;
    const { reviewer } = this.options.guard;
    const names = (await reviewer.namespaces(spec.cluster, fresh)) ?? this.knownNamespaces();
    const { group, plural } = spec.resource;
    const allowed = await Promise.all(
      names.map(async (namespace) => {
        const { rules, incomplete } = await reviewer.rules(spec.cluster, namespace, fresh);
        if (rules && LIST_AND_WATCH.every((verb) => rulesAllow(rules, verb, group, plural))) return true;
        // Rules that may be missing some (or no rules at all: the POST was refused) prove nothing.
        if (rules && !incomplete) return false;
        const answers = await Promise.all(
          informerQueries({ ...spec, namespace }).map((q) => reviewer.check(q, fresh))
        );
        return answers.every((a) => a.answer === 'allowed');
      })
    );
    return names.filter((_, i) => allowed[i]).sort();
  }

  /** Namespaces of the rows the engine holds for this cluster, when the user may not list namespaces. */
  private knownNamespaces(): string[] {
    const { cluster } = this.options.wide.spec;
    const seen = new Set<string>();
    for (const i of this.options.registry.informers()) {
      if (i.spec.cluster !== cluster) continue;
      if (i.spec.namespace) seen.add(i.spec.namespace);
      if (!i.spec.resource.namespaced) continue;
      for (const key of i.store.keys()) seen.add(key.slice(0, key.indexOf('/')));
    }
    seen.delete('');
    return [...seen];
  }

  private attach(namespace: string): void {
    const { wide, registry, sink } = this.options;
    const informer = registry.acquire({ ...wide.spec, namespace }, this.visible);
    // Only while the wide informer is refused does the registry give a namespace its own informer.
    if (informer === wide) return registry.release(informer, this.visible);
    this.attached.set(namespace, { informer, unsubscribe: informer.feed(sink) });
  }

  private detach(namespace: string): void {
    const a = this.attached.get(namespace);
    if (!a) return;
    this.attached.delete(namespace);
    a.unsubscribe();
    this.options.sink.replaceSource(a.informer.key, []);
    this.options.registry.release(a.informer, this.visible);
  }
}
