/**
 * API discovery: which resources each cluster serves, so CRDs and every custom kind can be listed.
 * Aggregated discovery first (`/api` and `/apis` as APIGroupDiscoveryList, two requests, ETags),
 * legacy per-group-version discovery when the server does not speak it. One entry per resource in
 * its group's preferred version (a resource only served by other versions keeps its first one, as
 * kubectl's ServerPreferredResources does); subresources are skipped; verbs are kept, since a table
 * needs list and watch. Printer columns of custom resources come from their CRDs.
 *
 * Plain TypeScript: runs in the engine's worker and in Node.
 */
import type { PrinterColumn } from '../kube/types';
import type { Transport } from '../watch/transport';
import { BODY_LIMITS, readTextLimited, readTextPrefix } from '../watch/body';
import {
  isAggregated,
  parseAggregated,
  parseCrds,
  parseResourceList,
  preferred,
  strings,
  type FoundGroup
} from './discovery-parse';
import type { Clock } from '../kube/clock';
import type { ClusterDiscovery } from '../kube/discovery';

/** The media types of aggregated discovery, newest first, then plain JSON for older servers. */
export const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,' +
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

export const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** A failed discovery request, with a message a person can act on. */
export class DiscoveryError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

// ---- fetching --------------------------------------------------------------------------------------

interface Fetched {
  status: number;
  contentType: string;
  etag: string | undefined;
  body: unknown;
}

async function getJson(
  transport: Transport,
  path: string,
  accept: string,
  ifNoneMatch?: string,
  limit: number = BODY_LIMITS.discovery
): Promise<Fetched> {
  const headers: Record<string, string> = { accept };
  if (ifNoneMatch) headers['if-none-match'] = ifNoneMatch;
  let response: Response;
  try {
    response = await transport.fetch(path, { headers });
  } catch (e) {
    throw new DiscoveryError(0, `the API server did not answer ${path}: ${(e as Error).message ?? e}`);
  }
  const contentType = response.headers.get('content-type') ?? '';
  const etag = response.headers.get('etag') ?? undefined;
  if (response.status === 304) return { status: 304, contentType, etag, body: undefined };
  // A success is read whole up to `limit` (refused past it); an error only as far as its message.
  let text: string;
  try {
    text = response.ok ? await readTextLimited(response, path, limit) : await readTextPrefix(response);
  } catch (e) {
    throw new DiscoveryError(response.status, (e as Error).message ?? String(e));
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page, for example.
    if (response.ok) throw new DiscoveryError(response.status, `${path} did not answer JSON`);
  }
  if (!response.ok) {
    const message = (body as { message?: string } | undefined)?.message;
    throw new DiscoveryError(response.status, describeStatus(path, response.status, message));
  }
  return { status: response.status, contentType, etag, body };
}

function describeStatus(path: string, status: number, message: string | undefined): string {
  const what =
    status === 401
      ? 'unauthorized: the credentials of the proxy were refused'
      : status === 403
        ? 'forbidden: you may not read this'
        : status === 404
          ? 'not found'
          : `HTTP ${status}`;
  return `${path}: ${what}${message ? ` (${message})` : ''}`;
}

/** Runs `tasks` with at most `limit` in flight (discovery must not take every connection of an origin). */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await tasks[i]() };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

// ---- one cluster -----------------------------------------------------------------------------------

/** What is remembered between two discoveries of one cluster: ETags and the bodies they stand for. */
interface Remembered {
  aggregated: Partial<Record<'api' | 'apis', { etag: string; body: unknown }>>;
}

const LEGACY_CONCURRENCY = 3;

async function aggregatedRoot(
  transport: Transport,
  root: 'api' | 'apis',
  memory: Remembered
): Promise<unknown> {
  const known = memory.aggregated[root];
  let got: Fetched;
  try {
    got = await getJson(transport, `/${root}`, AGGREGATED_ACCEPT, known?.etag);
  } catch (e) {
    // Something in front of the server refused the media type list: ask plainly (legacy discovery).
    if (!(e instanceof DiscoveryError && e.status === 406)) throw e;
    return (await getJson(transport, `/${root}`, 'application/json')).body;
  }
  if (got.status === 304 && known) return known.body;
  if (got.etag && isAggregated(got.body)) memory.aggregated[root] = { etag: got.etag, body: got.body };
  return got.body;
}

/** Legacy discovery: `/api`, `/apis`, then every group version (a few at a time). */
async function legacy(
  transport: Transport,
  coreBody: unknown,
  groupsBody: unknown
): Promise<{ groups: FoundGroup[]; failures: string[] }> {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const core =
    (coreBody as any)?.kind === 'APIVersions'
      ? coreBody
      : (await getJson(transport, '/api', 'application/json')).body;
  const list =
    (groupsBody as any)?.kind === 'APIGroupList'
      ? groupsBody
      : (await getJson(transport, '/apis', 'application/json')).body;
  const coreVersions = strings((core as any)?.versions) ?? [];
  const named: FoundGroup[] = (((list as any)?.groups as any[]) ?? [])
    .filter((g) => typeof g?.name === 'string')
    .map((g) => {
      const versions = ((g.versions as any[]) ?? []).map((v) => String(v?.version ?? ''));
      const pref = g.preferredVersion?.version;
      const ordered =
        typeof pref === 'string' && versions.includes(pref)
          ? [pref, ...versions.filter((v) => v !== pref)]
          : versions;
      return { name: g.name as string, versions: ordered.map((version) => ({ version, resources: [] })) };
    });
  /* eslint-enable @typescript-eslint/no-explicit-any */
  const groups: FoundGroup[] = [
    { name: '', versions: coreVersions.map((version) => ({ version, resources: [] })) },
    ...named
  ];
  const jobs = groups.flatMap((g) =>
    g.versions.map((v) => async () => {
      const path = g.name ? `/apis/${g.name}/${v.version}` : `/api/${v.version}`;
      v.resources = parseResourceList(
        g.name,
        v.version,
        (await getJson(transport, path, 'application/json')).body
      );
    })
  );
  const settled = await pooled(jobs, LEGACY_CONCURRENCY);
  const failures = settled
    .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
    .map((s) => (s.reason as Error).message ?? String(s.reason));
  return { groups, failures };
}

/** Discover one cluster. Never throws: failures become `error` / `crdError`. */
export async function discoverCluster(
  cluster: string,
  transport: Transport,
  memory: Remembered = { aggregated: {} },
  now: () => number = Date.now
): Promise<ClusterDiscovery> {
  const fetchedAt = now();
  let groups: FoundGroup[];
  let source: ClusterDiscovery['source'];
  let error: string | undefined;
  try {
    const [api, apis] = await Promise.all([
      aggregatedRoot(transport, 'api', memory),
      aggregatedRoot(transport, 'apis', memory)
    ]);
    if (isAggregated(api) && isAggregated(apis)) {
      groups = [...parseAggregated(api), ...parseAggregated(apis)];
      source = 'aggregated';
    } else {
      // An older server answered plain APIVersions / APIGroupList: reuse them, then ask each group version.
      const found = await legacy(transport, api, apis);
      groups = found.groups;
      source = 'legacy';
      if (found.failures.length) {
        error = `some API groups could not be discovered: ${found.failures.join('; ')}`;
      }
    }
  } catch (e) {
    return {
      cluster,
      resources: [],
      source: 'none',
      error: `discovery failed: ${(e as Error).message ?? String(e)}`,
      fetchedAt
    };
  }

  let crds: Map<string, PrinterColumn[]> | undefined;
  let crdError: string | undefined;
  const servesCrds = groups.some((g) => g.name === 'apiextensions.k8s.io');
  if (servesCrds) {
    try {
      crds = parseCrds(
        (await getJson(transport, CRD_PATH, 'application/json', undefined, BODY_LIMITS.crds)).body
      );
    } catch (e) {
      crdError =
        e instanceof DiscoveryError && e.status === 403
          ? 'you may not list CustomResourceDefinitions here: custom kinds show name, namespace and age only'
          : `CustomResourceDefinitions could not be read: ${(e as Error).message ?? e}`;
    }
  }
  return {
    cluster,
    resources: preferred(cluster, groups, crds),
    source,
    ...(error ? { error } : {}),
    ...(crdError ? { crdError } : {}),
    fetchedAt
  };
}

// ---- every cluster, cached -------------------------------------------------------------------------

export interface DiscoveryCacheOptions {
  transport: (cluster: string) => Transport | undefined;
  clock?: Clock;
  /** How old an answer may be before the next read refreshes it. Default 5 min. */
  maxAgeMs?: number;
}

/**
 * The engine's discovery cache: one answer per cluster, refreshed when older than `maxAgeMs` or
 * when asked; concurrent reads share one discovery.
 */
export class DiscoveryCache {
  private answers = new Map<string, ClusterDiscovery>();
  private pending = new Map<string, Promise<ClusterDiscovery>>();
  private memory = new Map<string, Remembered>();

  constructor(private readonly options: DiscoveryCacheOptions) {}

  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }

  /** The cluster's discovery, fetched when missing, stale, or `refresh` is set. */
  get(cluster: string, refresh = false): Promise<ClusterDiscovery> {
    const cached = this.answers.get(cluster);
    const maxAge = this.options.maxAgeMs ?? 5 * 60_000;
    if (cached && !refresh && this.now() - cached.fetchedAt < maxAge) return Promise.resolve(cached);
    const running = this.pending.get(cluster);
    if (running) return running;
    const transport = this.options.transport(cluster);
    if (!transport) {
      return Promise.resolve({
        cluster,
        resources: [],
        source: 'none',
        error: `unknown cluster "${cluster}"`,
        fetchedAt: this.now()
      });
    }
    let memory = this.memory.get(cluster);
    if (!memory) this.memory.set(cluster, (memory = { aggregated: {} }));
    const mine: Promise<ClusterDiscovery> = discoverCluster(cluster, transport, memory, () =>
      this.now()
    ).then((answer) => {
      // Forgotten meanwhile (the cluster left or was replaced): the answer is not kept.
      if (this.pending.get(cluster) !== mine) return answer;
      this.pending.delete(cluster);
      // A failed refresh keeps the resources found before, with the error shown next to them.
      const keep =
        answer.source === 'none' && cached
          ? { ...cached, error: answer.error, fetchedAt: answer.fetchedAt }
          : answer;
      this.answers.set(cluster, keep);
      return keep;
    });
    this.pending.set(cluster, mine);
    return mine;
  }

  /** A cluster left or was replaced: what was discovered there no longer applies. */
  forget(cluster: string): void {
    this.answers.delete(cluster);
    this.pending.delete(cluster);
    this.memory.delete(cluster);
  }

  /** What is known now, without fetching (for synchronous callers such as search). */
  cached(): ClusterDiscovery[] {
    return [...this.answers.values()];
  }
}
