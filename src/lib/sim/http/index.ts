/**
 * The simulated cluster's HTTP face: a fetch-style handler (web Request → Response) with the routes,
 * query parameters, content negotiation, status codes and streaming of kube-apiserver.
 * The same handler serves demo mode (called directly inside the engine's worker), MSW (tests) and
 * the Node server behind real kubectl (scripts/sim-server.ts).
 *
 * Here: faults, routing and the verbs. Reading requests is in request.ts, writing responses in
 * responses.ts, and the streams in watch-stream.ts and log-stream.ts.
 */
import type { SimCluster } from '../cluster';
import { methodNotAllowed } from '../cluster/errors';
import { discoveryFor } from '../discovery';
import { htmlErrorPage, type Fault } from '../faults';
import { nodeMetrics, podMetrics } from '../metrics';
import { openApiFor } from '../openapi';
import { authorize, forbidden, selfSubjectAccessReview, selfSubjectRulesReview } from '../rbac';
import { apiVersionOf } from '../resources';
import { ApiError, type KubeObject } from '../../kube/types';
import { podLogResponse } from './log-stream';
import { PATCH_TYPES, boolParam, listOptions, readBody, resolve, verbOf } from './request';
import { errorResponse, faultStatus, json, listResponse, representation, transform } from './responses';
import type { ApiHandler, ApiHandlerOptions, HandlerContext } from './types';
import { watchResponse } from './watch-stream';

export type { ApiHandler, ApiHandlerOptions } from './types';

export function createApiHandler(cluster: SimCluster, options: ApiHandlerOptions = {}): ApiHandler {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const faults = options.faults;
  const context: HandlerContext = { cluster, options };

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
      if (method !== 'POST') throw methodNotAllowed();
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
      if (method !== 'GET' || isWatch) throw methodNotAllowed();
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

    if (subresource === 'log' && rt.kind === 'Pod' && method === 'GET')
      return podLogResponse(context, namespace!, name!, q);
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
        if (isWatch) return watchResponse(context, path, rt, namespace, name, q, accept, fault);
        if (name === undefined) {
          const r = representation(accept, q);
          return listResponse(rt, cluster.list(rt, listOptions(namespace, q)), r, cluster.clock.now());
        }
        if (subresource === 'scale') return json(200, cluster.scale(rt, namespace, name));
        const obj = cluster.get(rt, namespace, name);
        const r = representation(accept, q);
        return json(200, transform(rt, [obj], r, cluster.clock.now(), undefined, true) ?? obj);
      }
      case 'POST': {
        if (name !== undefined) throw methodNotAllowed();
        const body = (await readBody(request)) as KubeObject;
        if (!body?.metadata) throw new ApiError(400, 'BadRequest', 'the object has no metadata');
        return json(write.dryRun ? 200 : 201, cluster.create(rt, namespace, body, write));
      }
      case 'PUT': {
        if (name === undefined) throw methodNotAllowed();
        const body = (await readBody(request)) as KubeObject;
        return json(200, cluster.update(rt, namespace, name, body, { ...write, subresource }));
      }
      case 'PATCH': {
        if (name === undefined) throw methodNotAllowed();
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
        throw methodNotAllowed();
    }
  }
}
