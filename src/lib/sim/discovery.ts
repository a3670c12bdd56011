/**
 * Discovery documents, built from the cluster's ResourceRegistry so CRDs appear and disappear with
 * their definitions: `/version`, `/api`, `/api/v1`, `/apis`, `/apis/G`, `/apis/G/V`, and aggregated
 * discovery (`APIGroupDiscoveryList`, apidiscovery.k8s.io/v2, KEP-3352) for `/api` and `/apis`.
 */
import { parseMediaRanges } from './accept';
import type { SimCluster } from './cluster';
import { apiVersionOf } from './resources';
import { ApiError, type ResourceType } from '../kube/types';

/** What `/version` answers: a kube-apiserver v1.32.4 build. */
export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64'
} as const;

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface DiscoveryResponse {
  status: number;
  body: unknown;
  contentType: string;
  /** Aggregated discovery answers carry an ETag; a matching If-None-Match gets 304 without a body. */
  etag?: string;
}

// ---- ordering --------------------------------------------------------------------------------------

/** Group priorities of kube-apiserver's APIServices (higher first); CRD groups 1000, metrics 100. */
const GROUP_PRIORITY: Record<string, number> = {
  '': 18100,
  'apiregistration.k8s.io': 18000,
  apps: 17800,
  'events.k8s.io': 17750,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'admissionregistration.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'apiextensions.k8s.io': 16400,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
  'resource.k8s.io': 15900,
  'metrics.k8s.io': 100
};

const groupPriority = (group: string) => GROUP_PRIORITY[group] ?? 1000;

/** Kubernetes version priority: GA before beta before alpha, higher numbers first, others last. */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return { rank: 3, major: 0, minor: 0 };
    return {
      rank: m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0,
      major: Number(m[1]),
      minor: Number(m[3] ?? 0)
    };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa.rank !== pb.rank) return pa.rank - pb.rank;
  if (pa.rank === 3) return a < b ? -1 : a > b ? 1 : 0;
  return pb.major - pa.major || pb.minor - pa.minor;
}

interface GroupEntry {
  name: string;
  versions: string[]; // preferred first
}

function groups(cluster: SimCluster): GroupEntry[] {
  const byGroup = new Map<string, Set<string>>();
  for (const t of cluster.registry.all()) {
    let set = byGroup.get(t.group);
    if (!set) byGroup.set(t.group, (set = new Set()));
    set.add(t.version);
  }
  return [...byGroup.entries()]
    .map(([name, versions]) => ({ name, versions: [...versions].sort(compareKubeVersions) }))
    .sort(
      (a, b) =>
        groupPriority(b.name) - groupPriority(a.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    );
}

function typesOf(cluster: SimCluster, group: string, version: string): ResourceType[] {
  return cluster.registry
    .all()
    .filter((t) => t.group === group && t.version === version)
    .sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
}

/** Custom resources come from CRDs, which always carry printer columns (possibly none). */
const isCustomResource = (t: ResourceType) => t.printerColumns !== undefined;

// ---- subresources ----------------------------------------------------------------------------------

interface SubresourceInfo {
  /** Set when the subresource speaks another kind than its parent (Scale, Eviction…). */
  group?: string;
  version?: string;
  kind?: string;
  verbs: string[];
}

const GET_PATCH_UPDATE = ['get', 'patch', 'update'];

const SUBRESOURCES: Record<string, SubresourceInfo> = {
  status: { verbs: GET_PATCH_UPDATE },
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: GET_PATCH_UPDATE },
  log: { verbs: ['get'] },
  eviction: { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
  ephemeralcontainers: { verbs: GET_PATCH_UPDATE },
  resize: { verbs: GET_PATCH_UPDATE },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  finalize: { verbs: ['update'] },
  token: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] }
};

function subresourceInfo(name: string): SubresourceInfo {
  return SUBRESOURCES[name] ?? { verbs: ['get'] };
}

// ---- plain discovery -------------------------------------------------------------------------------

export function apiVersions() {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '172.18.0.2:6443' }]
  };
}

function groupVersionRef(group: string, version: string) {
  return { groupVersion: apiVersionOf({ group, version }), version };
}

function apiGroupOf(g: GroupEntry) {
  return {
    name: g.name,
    versions: g.versions.map((v) => groupVersionRef(g.name, v)),
    preferredVersion: groupVersionRef(g.name, g.versions[0])
  };
}

export function apiGroupList(cluster: SimCluster) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups(cluster)
      .filter((g) => g.name !== '')
      .map(apiGroupOf)
  };
}

export function apiGroup(cluster: SimCluster, group: string) {
  const g = groups(cluster).find((x) => x.name === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroupOf(g) } : undefined;
}

/** `/api/v1` or `/apis/G/V`; undefined when the group version is not served. */
export function apiResourceList(cluster: SimCluster, group: string, version: string) {
  const types = typesOf(cluster, group, version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories?.length ? { categories: t.categories } : {})
    });
    for (const sub of t.subresources ?? []) {
      const info = subresourceInfo(sub);
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(info.group !== undefined ? { group: info.group, version: info.version } : {}),
        kind: info.kind ?? t.kind,
        verbs: info.verbs
      });
    }
  }
  resources.sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1));
  const groupVersion = apiVersionOf({ group, version });
  // The core group's list has no apiVersion; the named groups' lists do.
  return group === ''
    ? { kind: 'APIResourceList', groupVersion, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

// ---- aggregated discovery --------------------------------------------------------------------------

function responseKind(t: ResourceType, info?: SubresourceInfo) {
  if (info?.kind !== undefined || info?.group !== undefined) {
    return { group: info.group ?? '', version: info.version ?? '', kind: info.kind ?? t.kind };
  }
  // Built-in resources answer with an empty group and version; CRDs name theirs.
  return isCustomResource(t)
    ? { group: t.group, version: t.version, kind: t.kind }
    : { group: '', version: '', kind: t.kind };
}

function discoveryResource(t: ResourceType) {
  const subresources = [...(t.subresources ?? [])].sort().map((sub) => {
    const info = subresourceInfo(sub);
    return { subresource: sub, responseKind: responseKind(t, info), verbs: info.verbs };
  });
  return {
    resource: t.plural,
    responseKind: responseKind(t),
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
    ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories?.length ? { categories: t.categories } : {}),
    ...(subresources.length ? { subresources } : {})
  };
}

/** APIGroupDiscoveryList for `/api` (core) or `/apis` (every named group). */
export function aggregatedDiscovery(
  cluster: SimCluster,
  root: 'api' | 'apis',
  version: 'v2' | 'v2beta1' = 'v2'
) {
  const items = groups(cluster)
    .filter((g) => (root === 'api' ? g.name === '' : g.name !== ''))
    .map((g) => ({
      metadata: g.name === '' ? { creationTimestamp: null } : { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: typesOf(cluster, g.name, v).map(discoveryResource),
        freshness: 'Current'
      }))
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

// ---- negotiation -----------------------------------------------------------------------------------

type Choice = { aggregated: 'v2' | 'v2beta1' } | { aggregated: false } | undefined;

/** First acceptable answer: aggregated (only for /api and /apis), plain JSON, or nothing (406). */
function negotiate(accept: string, aggregatable: boolean): Choice {
  if (accept.trim() === '') return { aggregated: false };
  for (const r of parseMediaRanges(accept)) {
    const json = r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*';
    if (!json) continue;
    if (r.params.as === undefined) return { aggregated: false };
    if (
      aggregatable &&
      r.params.as === 'APIGroupDiscoveryList' &&
      r.params.g === 'apidiscovery.k8s.io' &&
      (r.params.v === 'v2' || r.params.v === 'v2beta1')
    ) {
      return { aggregated: r.params.v };
    }
  }
  return undefined;
}

/** A quoted hash of the body, as the server's ETag for aggregated discovery. */
function etagOf(body: unknown): string {
  const text = JSON.stringify(body);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `"${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}"`;
}

function notFound(): DiscoveryResponse {
  return {
    status: 404,
    contentType: 'application/json',
    body: {
      ...new ApiError(404, 'NotFound', 'the server could not find the requested resource').toStatus(),
      details: {}
    }
  };
}

function notAcceptable(): DiscoveryResponse {
  return {
    status: 406,
    contentType: 'application/json',
    body: new ApiError(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf'
    ).toStatus()
  };
}

/**
 * Answer a discovery request, or undefined when `path` is not a discovery path.
 * `accept` is the request's Accept header; `ifNoneMatch` its If-None-Match (aggregated answers only).
 */
export function discoveryFor(
  cluster: SimCluster,
  path: string,
  accept: string | null | undefined,
  ifNoneMatch?: string | null
): DiscoveryResponse | undefined {
  const clean = path.replace(/\/+$/, '') || '/';
  const parts = clean.split('/').filter(Boolean);
  const ok = (body: unknown): DiscoveryResponse => ({ status: 200, body, contentType: 'application/json' });

  if (clean === '/version') return ok(VERSION_INFO);
  if (parts[0] !== 'api' && parts[0] !== 'apis') return undefined;
  if (parts.length > (parts[0] === 'api' ? 2 : 3)) return undefined;

  const root = parts.length === 1;
  const choice = negotiate(accept ?? '', root);
  if (choice === undefined) return notAcceptable();

  if (root && choice.aggregated) {
    const body = aggregatedDiscovery(cluster, parts[0] as 'api' | 'apis', choice.aggregated);
    const etag = etagOf(body);
    const contentType = `application/json;g=apidiscovery.k8s.io;v=${choice.aggregated};as=APIGroupDiscoveryList`;
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      return { status: 304, body: undefined, contentType, etag };
    }
    return { status: 200, body, contentType, etag };
  }

  if (parts[0] === 'api') {
    if (root) return ok(apiVersions());
    const list = apiResourceList(cluster, '', parts[1]);
    return list ? ok(list) : notFound();
  }
  if (root) return ok(apiGroupList(cluster));
  if (parts.length === 2) {
    const g = apiGroup(cluster, parts[1]);
    return g ? ok(g) : notFound();
  }
  const list = apiResourceList(cluster, parts[1], parts[2]);
  return list ? ok(list) : notFound();
}
