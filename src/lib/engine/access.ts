/**
 * Permissions that stay true: what the user may list and watch, asked of the cluster with
 * SelfSubjectAccessReview (SSAR) and SelfSubjectRulesReview (SSRR), and cached with an expiry so a
 * permission granted or revoked while Skiff runs is noticed within that time.
 *
 * A proxy that refuses the review POSTs (a read-only `kubectl proxy --reject-methods=POST`), an
 * answer that is not a review, or a network error means "unknown": the caller then just tries the
 * request itself. Plain TypeScript: runs in the engine's worker and in Node.
 */
import type { Transport } from '../watch/transport';
import { BODY_LIMITS, readJsonLimited, readTextLimited } from '../watch/body';
import type { Clock } from '../kube/clock';

export type AccessVerdict = 'allowed' | 'denied' | 'unknown';

/** One question: may the user `verb` `group`/`resource` in `namespace` (undefined: every namespace)? */
export interface AccessQuery {
  cluster: string;
  verb: string;
  group: string;
  /** The plural, as in URLs: `secrets`, `deployments`. */
  resource: string;
  /** `scale`, `eviction`, `status`…: a subresource is a permission of its own. */
  subresource?: string;
  namespace?: string;
}

/** One cached SelfSubjectAccessReview answer, as the diagnostics page shows it. Plain data. */
export interface AccessAnswer {
  cluster: string;
  verb: string;
  /** As kubectl names it: `secrets`, `deployments.apps`. */
  resource: string;
  /** undefined: all namespaces (or a cluster-scoped resource). */
  namespace: string | undefined;
  answer: AccessVerdict;
  /** When the review was sent (ms since epoch): the answer is at least this fresh. */
  checkedAt: number;
  expiresAt: number;
  /** The server's reason, or why the answer is unknown (e.g. `HTTP 405 from the review`). */
  reason: string;
}

/** A rule of a SelfSubjectRulesReview (`status.resourceRules[]`). */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** What a SelfSubjectRulesReview said about one namespace; undefined rules when it could not be asked. */
export interface RulesAnswer {
  rules: ResourceRule[] | undefined;
  /** The server could not evaluate every rule (e.g. a webhook authorizer): a rule missing proves nothing. */
  incomplete: boolean;
  reason: string;
}

export const DEFAULT_PERMISSION_TTL_MS = 120_000;

const REVIEW_TIMEOUT_MS = 10_000;
const AUTHORIZATION = '/apis/authorization.k8s.io/v1';

interface Cached<V> {
  value: V;
  checkedAt: number;
  expiresAt: number;
}

/**
 * Answers by key with an expiry: a live answer is served from the cache, concurrent asks for the
 * same key share one request, and `invalidate` (a 403 arrived) drops the answer and makes the next
 * ask go to the server, even while an older request is still in flight.
 */
export class AnswerCache<V> {
  private readonly entries = new Map<string, Cached<V>>();
  private readonly inFlight = new Map<string, { generation: number; promise: Promise<V> }>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly ttlMs: () => number,
    private readonly clock: Clock
  ) {}

  /** The live answer for `key`, or one asked now (`fresh`: asked now even when a live one is cached). */
  get(key: string, ask: () => Promise<V>, fresh = false): Promise<V> {
    const now = this.clock.now();
    const cached = this.entries.get(key);
    if (!fresh && cached && now < cached.expiresAt) return Promise.resolve(cached.value);
    const generation = this.generations.get(key) ?? 0;
    const pending = this.inFlight.get(key);
    if (pending && pending.generation === generation) return pending.promise;
    const promise = ask().then((value) => {
      // An answer asked before an invalidation may predate the 403 that caused it: not kept.
      if ((this.generations.get(key) ?? 0) === generation)
        this.entries.set(key, { value, checkedAt: now, expiresAt: now + this.ttlMs() });
      return value;
    });
    const mine = { generation, promise };
    this.inFlight.set(key, mine);
    const done = () => {
      if (this.inFlight.get(key) === mine) this.inFlight.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  /** The cached answer, live or expired. */
  peek(key: string): Cached<V> | undefined {
    return this.entries.get(key);
  }

  invalidate(key: string): void {
    this.entries.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
  }

  /** Forgets every answer whose key matches (a cluster left or was replaced); asks in flight are not kept. */
  forget(matches: (key: string) => boolean): void {
    for (const key of new Set([...this.entries.keys(), ...this.inFlight.keys()]))
      if (matches(key)) this.invalidate(key);
  }

  /** Drops answers expired for longer than one TTL: nothing asks for them any more. */
  prune(): void {
    const horizon = this.clock.now() - this.ttlMs();
    for (const [key, e] of this.entries) if (e.expiresAt < horizon) this.entries.delete(key);
  }

  *[Symbol.iterator](): IterableIterator<[string, Cached<V>]> {
    yield* this.entries;
  }
}

/** At most `limit` tasks at a time; the others wait their turn in arrival order. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** `deployments.apps`, `secrets`: how kubectl and RBAC messages name a resource. */
export function resourceName(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

function queryKey(q: AccessQuery): string {
  return JSON.stringify([q.cluster, q.verb, q.group, q.resource, q.subresource ?? '', q.namespace ?? '']);
}

/** Whether some rule grants `verb` on every object of `group`/`resource` (rules naming objects do not). */
export function rulesAllow(rules: ResourceRule[], verb: string, group: string, resource: string): boolean {
  const has = (list: string[] | undefined, value: string) =>
    (list ?? []).some((v) => v === '*' || v === value);
  return rules.some(
    (r) =>
      has(r.verbs, verb) &&
      has(r.apiGroups, group) &&
      has(r.resources, resource) &&
      !(r.resourceNames ?? []).length
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface AccessReviewerOptions {
  /** Plain requests to a cluster's API; undefined for a cluster the engine does not know. */
  transport: (cluster: string) => Transport | undefined;
  /** How long an answer is trusted, read at every answer. Default 2 min. */
  ttlMs?: () => number;
  clock?: Clock;
  /** Review requests in flight per cluster at most. Default 3. */
  concurrency?: number;
}

interface Posted {
  body?: Record<string, unknown>;
  /** Why there is no review in the answer. */
  problem?: string;
}

/**
 * Asks a cluster what the user may do, with SelfSubjectAccessReview and SelfSubjectRulesReview,
 * and keeps the answers for a TTL. Every question goes through the cache, so identical concurrent
 * asks share one request; per cluster only a few reviews are in flight at a time.
 */
export class AccessReviewer {
  readonly ttlMs: () => number;
  private readonly clock: Clock;
  private readonly access: AnswerCache<AccessAnswer>;
  private readonly rulesCache: AnswerCache<RulesAnswer>;
  private readonly namespaceCache: AnswerCache<string[] | undefined>;
  private readonly limits = new Map<string, ConcurrencyLimit>();

  constructor(private readonly options: AccessReviewerOptions) {
    this.ttlMs = options.ttlMs ?? (() => DEFAULT_PERMISSION_TTL_MS);
    this.clock = options.clock ?? { now: () => Date.now() };
    this.access = new AnswerCache(this.ttlMs, this.clock);
    this.rulesCache = new AnswerCache(this.ttlMs, this.clock);
    this.namespaceCache = new AnswerCache(this.ttlMs, this.clock);
  }

  /** May the user do this? From the cache while the answer is live (`fresh`: ask the server now). */
  check(q: AccessQuery, fresh = false): Promise<AccessAnswer> {
    this.access.prune();
    return this.access.get(queryKey(q), () => this.review(q), fresh);
  }

  /** A 403 arrived: the cached answer is no longer trusted. */
  invalidate(q: AccessQuery): void {
    this.access.invalidate(queryKey(q));
  }

  /** The rules that apply to the user in `namespace` (SelfSubjectRulesReview), cached like answers. */
  rules(cluster: string, namespace: string, fresh = false): Promise<RulesAnswer> {
    this.rulesCache.prune();
    return this.rulesCache.get(
      JSON.stringify([cluster, namespace]),
      () => this.rulesReview(cluster, namespace),
      fresh
    );
  }

  /** The names of the cluster's namespaces, or undefined when the user may not list them. */
  namespaces(cluster: string, fresh = false): Promise<string[] | undefined> {
    return this.namespaceCache.get(cluster, () => this.listNamespaces(cluster), fresh);
  }

  /** A cluster left or was replaced: its answers are another cluster's. */
  forgetCluster(cluster: string): void {
    // Access and rules keys are JSON arrays that start with the cluster; the namespace cache's key is the cluster.
    const prefix = JSON.stringify([cluster]).slice(0, -1) + ',';
    const ofCluster = (key: string) => key === cluster || key.startsWith(prefix);
    this.access.forget(ofCluster);
    this.rulesCache.forget(ofCluster);
    this.namespaceCache.forget(ofCluster);
  }

  /** Every cached answer, newest first, for the diagnostics page. */
  answers(): AccessAnswer[] {
    return [...this.access].map(([, e]) => e.value).sort((a, b) => b.checkedAt - a.checkedAt);
  }

  private async review(q: AccessQuery): Promise<AccessAnswer> {
    const checkedAt = this.clock.now();
    const answer = (verdict: AccessVerdict, reason: string): AccessAnswer => ({
      cluster: q.cluster,
      verb: q.verb,
      resource: resourceName(q.group, q.resource),
      namespace: q.namespace,
      answer: verdict,
      checkedAt,
      expiresAt: checkedAt + this.ttlMs(),
      reason
    });
    const attributes: Record<string, string> = { verb: q.verb, group: q.group, resource: q.resource };
    if (q.subresource) attributes.subresource = q.subresource;
    if (q.namespace) attributes.namespace = q.namespace;
    const { body, problem } = await this.post(q.cluster, 'selfsubjectaccessreviews', {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: attributes }
    });
    const status = body?.status as
      { allowed?: unknown; denied?: unknown; reason?: unknown; evaluationError?: unknown } | undefined;
    if (!status || typeof status.allowed !== 'boolean')
      return answer('unknown', problem ?? 'the answer holds no review status');
    const reason = [status.reason, status.evaluationError]
      .filter((s) => typeof s === 'string' && s)
      .join('; ');
    // Not allowed and not denied is "no opinion" from every authorizer: the request would be refused.
    return answer(status.allowed && status.denied !== true ? 'allowed' : 'denied', reason);
  }

  private async rulesReview(cluster: string, namespace: string): Promise<RulesAnswer> {
    const { body, problem } = await this.post(cluster, 'selfsubjectrulesreviews', {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { namespace }
    });
    const status = body?.status as
      { resourceRules?: unknown; incomplete?: unknown; evaluationError?: unknown } | undefined;
    if (!status || !Array.isArray(status.resourceRules))
      return { rules: undefined, incomplete: true, reason: problem ?? 'the answer holds no rules' };
    const rules = (status.resourceRules as Partial<ResourceRule>[]).map((r) => ({
      verbs: r.verbs ?? [],
      apiGroups: r.apiGroups,
      resources: r.resources,
      resourceNames: r.resourceNames
    }));
    const reason = typeof status.evaluationError === 'string' ? status.evaluationError : '';
    return { rules, incomplete: status.incomplete === true, reason };
  }

  private async listNamespaces(cluster: string): Promise<string[] | undefined> {
    const transport = this.options.transport(cluster);
    if (!transport) return undefined;
    try {
      const response = await this.limit(cluster).run(() =>
        transport.fetch('/api/v1/namespaces', {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(REVIEW_TIMEOUT_MS)
        })
      );
      if (!response.ok) return undefined;
      const body = await readJsonLimited<{ items?: { metadata?: { name?: unknown } }[] }>(
        response,
        '/api/v1/namespaces',
        BODY_LIMITS.list
      );
      if (!Array.isArray(body.items)) return undefined;
      return body.items.map((i) => i.metadata?.name).filter((n): n is string => typeof n === 'string');
    } catch {
      return undefined;
    }
  }

  /** POSTs a review; anything but a 2xx JSON answer is a problem in words, never an exception. */
  private async post(cluster: string, collection: string, review: unknown): Promise<Posted> {
    const transport = this.options.transport(cluster);
    if (!transport) return { problem: `unknown cluster "${cluster}"` };
    try {
      return await this.limit(cluster).run(async () => {
        const response = await transport.fetch(`${AUTHORIZATION}/${collection}`, {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify(review),
          signal: AbortSignal.timeout(REVIEW_TIMEOUT_MS)
        });
        if (!response.ok) {
          void response.body?.cancel().catch(() => {});
          return { problem: `HTTP ${response.status} to the ${collection} POST` };
        }
        const text = await readTextLimited(response, `the ${collection} POST`, BODY_LIMITS.small);
        try {
          return { body: JSON.parse(text) as Record<string, unknown> };
        } catch {
          return { problem: `the ${collection} POST did not answer JSON` };
        }
      });
    } catch (error) {
      return { problem: `the ${collection} POST failed: ${errorText(error)}` };
    }
  }

  private limit(cluster: string): ConcurrencyLimit {
    let l = this.limits.get(cluster);
    if (!l) this.limits.set(cluster, (l = new ConcurrencyLimit(this.options.concurrency ?? 3)));
    return l;
  }
}
