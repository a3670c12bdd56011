/**
 * The simulated cluster's HTTP face: a fetch-style handler (web Request → Response) with the routes,
 * query parameters, content negotiation, status codes and streaming of kube-apiserver.
 * The same handler serves demo mode (called directly inside the engine's worker), MSW (tests) and
 * the Node server behind real kubectl (scripts/sim-server.ts).
 */
import { parse as parseYaml } from 'yaml';
import { parseAccept, type AcceptAs } from './accept';
import type { SimCluster } from './cluster';
import { discoveryFor } from './discovery';
import { Faults, htmlErrorPage, type Fault } from './faults';
import { followLogs, logText } from './logs';
import { logQuery } from './log-query';
import { nodeMetrics, podMetrics } from './metrics';
import { openApiFor } from './openapi';
import { decodeProtobufReview } from './protobuf';
import { authorize, forbidden, selfSubjectAccessReview, selfSubjectRulesReview } from './rbac';
import { apiVersionOf } from './resources';
import {
  toPartialObjectMetadata,
  toPartialObjectMetadataList,
  toTable,
  type IncludeObject,
  type ListMeta
} from './table';
import {
  ApiError,
  type KubeObject,
  type ListOptions,
  type PatchType,
  type ResourceType,
  type WatchEvent
} from '../kube/types';

export interface ApiHandlerOptions {
  /** Path prefix the API is mounted under (`/k8s` behind `kubectl proxy --api-prefix=/k8s/`). */
  prefix?: string;
  faults?: Faults;
  /** How often a watch that asked for bookmarks gets one (the real server: about a minute). */
  bookmarkIntervalMs?: number;
  /** Upper bound for a watch without `timeoutSeconds` (the real server picks 30–60 min). */
  maxWatchSeconds?: number;
  /** Delay between followed log lines. */
  logIntervalMs?: number;
}

export type ApiHandler = (request: Request) => Promise<Response>;

const encoder = new TextEncoder();
const JSON_TYPE = 'application/json';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

function errorResponse(e: unknown): Response {
  const err =
    e instanceof ApiError
      ? e
      : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? e}`);
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds) headers['retry-after'] = String(err.details.retryAfterSeconds);
  return json(err.code, err.toStatus(), headers);
}

/** Where a request points: which resource, namespace, name and subresource. */
interface Target {
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function resolve(cluster: SimCluster, parts: string[]): Target | undefined {
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

function verbOf(method: string, t: Target, isWatch: boolean): string {
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

const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply'
};

async function readBody(request: Request): Promise<unknown> {
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

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

export function createApiHandler(cluster: SimCluster, options: ApiHandlerOptions = {}): ApiHandler {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const faults = options.faults;

  return async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    let path = url.pathname;
    if (prefix && path.startsWith(prefix)) path = path.slice(prefix.length) || '/';
    const q = url.searchParams;
    const isWatch = boolParam(q, 'watch');
    try {
      const fault = faults?.take(path, isWatch);
      if (fault && fault.kind === 'compact') cluster.compact();
      else if (fault?.kind === 'status') return faultStatus(fault);
      else if (fault?.kind === 'html') {
        return new Response(htmlErrorPage(fault.status ?? 502), {
          status: fault.status ?? 502,
          headers: { 'content-type': 'text/html' }
        });
      }
      const response = await route(request, path, q, isWatch, fault);
      if (request.method === 'HEAD')
        return new Response(null, { status: response.status, headers: response.headers });
      return response;
    } catch (e) {
      return errorResponse(e);
    }
  };

  function faultStatus(fault: Fault): Response {
    const status = fault.status ?? 503;
    const reasons: Record<number, string> = {
      429: 'TooManyRequests',
      500: 'InternalError',
      503: 'ServiceUnavailable',
      504: 'Timeout'
    };
    const err = new ApiError(status, reasons[status] ?? 'InternalError', `injected fault: HTTP ${status}`, {
      ...(fault.retryAfterSeconds ? { retryAfterSeconds: fault.retryAfterSeconds } : {})
    });
    return errorResponse(err);
  }

  async function route(
    request: Request,
    path: string,
    q: URLSearchParams,
    isWatch: boolean,
    fault: Fault | undefined
  ): Promise<Response> {
    const accept = request.headers.get('accept') ?? '';
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      return new Response('ok', { headers: { 'content-type': 'text/plain' } });
    }
    const disco = discoveryFor(cluster, path, accept, request.headers.get('if-none-match'));
    if (disco) {
      const headers: Record<string, string> = { 'content-type': disco.contentType };
      if (disco.etag) headers.etag = disco.etag;
      const body = disco.status === 304 ? null : JSON.stringify(disco.body);
      return new Response(body, { status: disco.status, headers });
    }
    const openapi = openApiFor(cluster, path);
    if (openapi) return json(openapi.status, openapi.body);
    const parts = path.split('/').filter(Boolean);
    const target = resolve(cluster, parts);
    if (!target) {
      return json(
        404,
        new ApiError(404, 'NotFound', 'the server could not find the requested resource').toStatus()
      );
    }
    const { rt, namespace, name, subresource } = target;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const verb = verbOf(method, target, isWatch);

    // Access reviews are answered for any authenticated user, as on a real cluster.
    if (rt.group === 'authorization.k8s.io') {
      if (method !== 'POST')
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource'
        );
      const body = (await readBody(request)) as KubeObject;
      const answer =
        rt.kind === 'SelfSubjectAccessReview'
          ? selfSubjectAccessReview(cluster, body)
          : selfSubjectRulesReview(cluster, body);
      return json(201, answer);
    }

    const attrs = { verb, group: rt.group, resource: rt.plural, subresource, namespace, name };
    const decision = authorize(cluster, attrs);
    if (!decision.allowed) throw forbidden(cluster, attrs);

    if (rt.group === 'metrics.k8s.io') {
      if (method !== 'GET' || isWatch)
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource'
        );
      const selector = q.get('labelSelector') ?? undefined;
      const body =
        rt.plural === 'nodes'
          ? nodeMetrics(cluster, name, selector)
          : podMetrics(cluster, namespace, name, selector);
      return json(200, body);
    }

    const write = {
      dryRun: q.getAll('dryRun').includes('All'),
      fieldManager: q.get('fieldManager') ?? undefined,
      force: boolParam(q, 'force')
    };

    if (subresource === 'log' && rt.kind === 'Pod' && method === 'GET') return podLog(namespace!, name!, q);
    if (subresource === 'eviction' && rt.kind === 'Pod' && method === 'POST') {
      const body = ((await readBody(request)) ?? {}) as { deleteOptions?: { dryRun?: string[] } };
      cluster.evict(namespace!, name!, {
        dryRun: write.dryRun || (body.deleteOptions?.dryRun ?? []).includes('All')
      });
      return json(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    }
    if (subresource !== undefined && !(rt.subresources ?? []).includes(subresource)) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }

    switch (method) {
      case 'GET': {
        if (isWatch) return watch(path, rt, namespace, name, q, accept, fault);
        if (name === undefined) return list(rt, namespace, q, accept);
        if (subresource === 'scale') return json(200, cluster.scale(rt, namespace, name));
        const obj = cluster.get(rt, namespace, name);
        return json(200, transform(rt, [obj], representation(accept, q), undefined, true) ?? obj);
      }
      case 'POST': {
        if (name !== undefined)
          throw new ApiError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource'
          );
        const body = (await readBody(request)) as KubeObject;
        if (!body?.metadata) throw new ApiError(400, 'BadRequest', 'the object has no metadata');
        return json(write.dryRun ? 200 : 201, cluster.create(rt, namespace, body, write));
      }
      case 'PUT': {
        if (name === undefined)
          throw new ApiError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource'
          );
        const body = (await readBody(request)) as KubeObject;
        return json(200, cluster.update(rt, namespace, name, body, { ...write, subresource }));
      }
      case 'PATCH': {
        if (name === undefined)
          throw new ApiError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource'
          );
        const ctype = (request.headers.get('content-type') ?? '').split(';')[0].trim();
        const type = PATCH_TYPES[ctype];
        if (!type)
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`
          );
        const body = await readBody(request);
        const existed = cluster.find(rt, namespace, name) !== undefined;
        const result = cluster.patch(rt, namespace, name, type, body, { ...write, subresource });
        return json(type === 'apply' && !existed && !write.dryRun ? 201 : 200, result);
      }
      case 'DELETE': {
        const body = ((await readBody(request)) ?? {}) as {
          propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
          dryRun?: string[];
          preconditions?: { uid?: string; resourceVersion?: string };
        };
        const opts = {
          propagationPolicy:
            (q.get('propagationPolicy') as 'Background' | 'Foreground' | 'Orphan' | null) ??
            body.propagationPolicy,
          dryRun: write.dryRun || (body.dryRun ?? []).includes('All'),
          preconditions: body.preconditions
        };
        if (name !== undefined) return json(200, cluster.delete(rt, namespace, name, opts));
        const victims = cluster.list(rt, listOptions(namespace, q)).items;
        for (const v of victims) cluster.delete(rt, v.metadata.namespace, v.metadata.name, opts);
        return json(200, { kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata: {}, items: victims });
      }
      default:
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource'
        );
    }
  }

  function listOptions(namespace: string | undefined, q: URLSearchParams): ListOptions {
    const limit = q.get('limit');
    return {
      namespace,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit: limit ? Number(limit) : undefined,
      continue: q.get('continue') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch:
        (q.get('resourceVersionMatch') as ListOptions['resourceVersionMatch']) ?? undefined
    };
  }

  /** How a response should look: which `as=` transform, its version, which object per Table row. */
  interface Representation {
    as: AcceptAs | undefined;
    version: 'v1' | 'v1beta1';
    includeObject: IncludeObject;
  }

  function representation(accept: string, q: URLSearchParams): Representation {
    const choice = parseAccept(accept);
    if (!choice.acceptable) {
      throw new ApiError(
        406,
        'NotAcceptable',
        'only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io'
      );
    }
    const includeObject = (q.get('includeObject') as IncludeObject | null) ?? 'Metadata';
    return { as: choice.as, version: choice.version, includeObject };
  }

  /** Objects in the requested representation; undefined when the plain object or list is wanted. */
  function transform(
    rt: ResourceType,
    items: KubeObject[],
    r: Representation,
    listMeta: ListMeta | undefined,
    single: boolean,
    withColumns = true
  ): unknown {
    if (r.as === 'Table') {
      return toTable(rt, items, {
        includeObject: r.includeObject,
        withColumns,
        now: cluster.clock.now(),
        listMeta,
        version: r.version
      });
    }
    if (r.as) {
      return single
        ? toPartialObjectMetadata(items[0], r.version)
        : toPartialObjectMetadataList(items, listMeta, r.version);
    }
    return undefined;
  }

  function list(
    rt: ResourceType,
    namespace: string | undefined,
    q: URLSearchParams,
    accept: string
  ): Response {
    const r = representation(accept, q);
    const result = cluster.list(rt, listOptions(namespace, q));
    const listMeta: ListMeta = {
      resourceVersion: result.resourceVersion,
      ...(result.continue ? { continue: result.continue } : {}),
      ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {})
    };
    const transformed = transform(rt, result.items, r, listMeta, false);
    if (transformed) return json(200, transformed);
    // Stream the list item by item: a 50,000-pod list would not fit in one string.
    const head = JSON.stringify({
      kind: rt.listKind,
      apiVersion: apiVersionOf(rt),
      metadata: listMeta
    }).slice(0, -1);
    const items = result.items;
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i === 0) controller.enqueue(encoder.encode(`${head},"items":[`));
        let chunk = '';
        while (i < items.length && chunk.length < 256 * 1024)
          chunk += (i > 0 ? ',' : '') + JSON.stringify(items[i++]);
        if (chunk) controller.enqueue(encoder.encode(chunk));
        if (i >= items.length) {
          controller.enqueue(encoder.encode(']}'));
          controller.close();
        }
      }
    });
    return new Response(body, { status: 200, headers: { 'content-type': JSON_TYPE } });
  }

  function watch(
    path: string,
    rt: ResourceType,
    namespace: string | undefined,
    name: string | undefined,
    q: URLSearchParams,
    accept: string,
    fault: Fault | undefined
  ): Response {
    const opts = {
      namespace,
      name,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: (q.get('resourceVersionMatch') as 'NotOlderThan' | 'Exact' | null) ?? undefined,
      sendInitialEvents: boolParam(q, 'sendInitialEvents'),
      allowWatchBookmarks: boolParam(q, 'allowWatchBookmarks')
    };
    const r = representation(accept, q);
    const timeoutSeconds =
      Number(q.get('timeoutSeconds') ?? 0) || (options.maxWatchSeconds ?? 1800 + Math.random() * 1800);
    let sentColumns = false;
    const encode = (e: WatchEvent): string => {
      let object: unknown = e.object;
      if (r.as && e.type !== 'BOOKMARK' && e.type !== 'ERROR') {
        // A Table watch event carries one row; columnDefinitions only in the first event.
        object = transform(
          rt,
          [e.object],
          r,
          { resourceVersion: e.object.metadata.resourceVersion },
          true,
          !sentColumns
        );
        sentColumns = true;
      }
      return JSON.stringify({ type: e.type, object }) + '\n';
    };

    let stopWatch = () => {};
    const timers: ReturnType<typeof setTimeout>[] = []; // timeouts and intervals
    let closed = false;
    let sent = 0;
    const recent: string[] = []; // for the replay fault
    let stalled = false;

    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const finish = (error?: Error) => {
          if (closed) return;
          closed = true;
          stopWatch();
          for (const t of timers) clearTimeout(t); // clearTimeout also clears intervals
          if (error) controller.error(error);
          else controller.close();
        };
        const push = (line: string) => {
          if (closed || stalled) return;
          if (!fault && faults) {
            const live = faults.takeLive(path);
            if (live) fault = { ...live, afterEvents: sent + (live.afterEvents ?? 0) };
          }
          if (fault && sent >= (fault.afterEvents ?? 0) && !closed) {
            const f = fault;
            fault = undefined;
            switch (f.kind) {
              case 'cut':
                controller.enqueue(encoder.encode(line.slice(0, Math.max(1, line.length >> 1))));
                // Error a moment later: erroring a stream discards what is still queued in it.
                stalled = true;
                timers.push(setTimeout(() => finish(new Error('connection reset by peer (injected)')), 20));
                return;
              case 'stall':
                stalled = true; // nothing more, not even bookmarks, until the client gives up
                return;
              case 'malformed':
                controller.enqueue(encoder.encode('{"type":"MODIFIED","object":{"kind":<html>garbage\n'));
                break;
              case 'error410':
                controller.enqueue(
                  encoder.encode(
                    encode({
                      type: 'ERROR',
                      object: new ApiError(
                        410,
                        'Expired',
                        `too old resource version: ${opts.resourceVersion ?? 0} (${cluster.resourceVersion()})`
                      ).toStatus() as unknown as KubeObject
                    })
                  )
                );
                return finish();
              case 'duplicate':
                controller.enqueue(encoder.encode(line));
                break;
              case 'replay':
                for (const old of recent.slice(-(f.count ?? 5))) controller.enqueue(encoder.encode(old));
                break;
            }
          }
          controller.enqueue(encoder.encode(line));
          sent++;
          recent.push(line);
          if (recent.length > 20) recent.shift();
        };
        try {
          const handle = cluster.watch(rt, opts, (e) => {
            push(encode(e));
            if (e.type === 'ERROR') finish();
          });
          stopWatch = () => handle.stop();
        } catch (e) {
          // Errors found before any event (422, 504) are sent as the watch's only event, as the server
          // does once it has committed to a 200.
          push(
            encode({
              type: 'ERROR',
              object: (e instanceof ApiError
                ? e
                : new ApiError(500, 'InternalError', String(e))
              ).toStatus() as unknown as KubeObject
            })
          );
          return finish();
        }
        if (opts.allowWatchBookmarks) {
          const every = options.bookmarkIntervalMs ?? 60_000;
          timers.push(
            setInterval(() => push(encode({ type: 'BOOKMARK', object: cluster.bookmark(rt) })), every)
          );
        }
        timers.push(setTimeout(() => finish(), timeoutSeconds * 1000));
      },
      cancel() {
        closed = true;
        stopWatch();
        for (const t of timers) clearTimeout(t); // clearTimeout also clears intervals
      }
    });
    return new Response(body, {
      status: 200,
      headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-cache, private' }
    });
  }

  function podLog(namespace: string, name: string, q: URLSearchParams): Response {
    const opts = logQuery(name, q); // 400 and 422 come before the pod is looked up, as on the apiserver
    const pod = cluster.get(cluster.type('v1', 'Pod'), namespace, name);
    const headers = { 'content-type': 'text/plain' };
    const now = cluster.clock.now();
    const initial = logText(pod, opts.container, opts, now);
    if (!opts.follow) return new Response(initial, { headers });
    const pods = cluster.type('v1', 'Pod');
    let stop = () => {};
    let closed = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(initial));
        stop = followLogs(
          pod,
          opts.container,
          opts,
          cluster.clock,
          options.logIntervalMs ?? 1000,
          (line) => !closed && controller.enqueue(encoder.encode(line + '\n')),
          {
            // The stream ends when the container exits or the pod is deleted, as kubelet's does.
            getPod: () => cluster.find(pods, namespace, name) ?? null,
            onEnd: () => {
              if (!closed) controller.close();
              closed = true;
            }
          }
        );
      },
      cancel() {
        closed = true;
        stop();
      }
    });
    return new Response(body, { headers });
  }
}
