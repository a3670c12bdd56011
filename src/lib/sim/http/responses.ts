/**
 * Writing a response: JSON and Status errors, the representation a client asked for (Table,
 * PartialObjectMetadata or the objects themselves), and lists streamed item by item.
 */
import { parseAccept, type AcceptAs } from '../accept';
import type { Fault } from '../faults';
import { apiVersionOf } from '../resources';
import {
  toPartialObjectMetadata,
  toPartialObjectMetadataList,
  toTable,
  type IncludeObject,
  type ListMeta
} from '../table';
import { ApiError, type KubeObject, type ListResult, type ResourceType } from '../../kube/types';
import { JSON_TYPE } from './request';

export const encoder = new TextEncoder();

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

export function errorResponse(e: unknown): Response {
  const err =
    e instanceof ApiError
      ? e
      : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? e}`);
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds) headers['retry-after'] = String(err.details.retryAfterSeconds);
  return json(err.code, err.toStatus(), headers);
}

/** The answer to a request an injected `status` fault fails. */
export function faultStatus(fault: Fault): Response {
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

/** How a response should look: which `as=` transform, its version, which object per Table row. */
export interface Representation {
  as: AcceptAs | undefined;
  version: 'v1' | 'v1beta1';
  includeObject: IncludeObject;
}

export function representation(accept: string, q: URLSearchParams): Representation {
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
export function transform(
  rt: ResourceType,
  items: KubeObject[],
  r: Representation,
  now: number,
  listMeta: ListMeta | undefined,
  single: boolean,
  withColumns = true
): unknown {
  if (r.as === 'Table') {
    return toTable(rt, items, {
      includeObject: r.includeObject,
      withColumns,
      now,
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

/** A list answer in the requested representation; a plain list streams item by item. */
export function listResponse(rt: ResourceType, result: ListResult, r: Representation, now: number): Response {
  const listMeta: ListMeta = {
    resourceVersion: result.resourceVersion,
    ...(result.continue ? { continue: result.continue } : {}),
    ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {})
  };
  const transformed = transform(rt, result.items, r, now, listMeta, false);
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
