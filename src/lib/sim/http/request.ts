/** Reading a request: which resource it points at, its verb, its body, and its query parameters. */
import { parse as parseYaml } from 'yaml';
import type { SimCluster } from '../cluster';
import { decodeProtobufReview } from '../protobuf';
import {
  ApiError,
  type ListOptions,
  type PatchType,
  type ResourceType,
  type WatchOptions
} from '../../kube/types';

export const JSON_TYPE = 'application/json';

/** Where a request points: which resource, namespace, name and subresource. */
export interface Target {
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function resolve(cluster: SimCluster, parts: string[]): Target | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;
  const lookup = (plural: string) => cluster.registry.get(group, version, plural);
  // namespaces/NS/PLURAL[/NAME[/SUB]] is a namespaced resource; namespaces[/NAME[/SUB]] the Namespace kind.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const rt = lookup(rest[2]);
    if (rt?.namespaced) return { rt, namespace: rest[1], name: rest[3], subresource: rest[4] };
  }
  const rt = lookup(rest[0]);
  if (!rt || rest.length > 3) return undefined;
  return { rt, name: rest[1], subresource: rest[2] };
}

export function verbOf(method: string, t: Target, isWatch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return t.name === undefined ? (isWatch ? 'watch' : 'list') : isWatch ? 'watch' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return t.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

export const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply'
};

export async function readBody(request: Request): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? JSON_TYPE).split(';')[0].trim();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufReview(bytes);
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') return undefined;
  try {
    return type.endsWith('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ApiError(
      400,
      'BadRequest',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (${(e as Error).message})`
    );
  }
}

export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

export function listOptions(namespace: string | undefined, q: URLSearchParams): ListOptions {
  const limit = q.get('limit');
  return {
    namespace,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: limit ? Number(limit) : undefined,
    continue: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: (q.get('resourceVersionMatch') as ListOptions['resourceVersionMatch']) ?? undefined
  };
}

export function watchOptions(
  namespace: string | undefined,
  name: string | undefined,
  q: URLSearchParams
): WatchOptions {
  return {
    namespace,
    name,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: (q.get('resourceVersionMatch') as 'NotOlderThan' | 'Exact' | null) ?? undefined,
    sendInitialEvents: boolParam(q, 'sendInitialEvents'),
    allowWatchBookmarks: boolParam(q, 'allowWatchBookmarks')
  };
}
