/**
 * A minimal OpenAPI v3 surface: the `/openapi/v3` index and one document per group/version with
 * the write operations of each kind. kubectl reads it to learn that the server validates fields
 * itself (`fieldValidation` on PATCH), so `kubectl apply` does not need the full schemas.
 */
import type { SimCluster } from './cluster';
import { apiVersionOf } from './resources';
import type { ResourceType } from '../kube/types';

const gvPath = (rt: { group: string; version: string }) =>
  rt.group ? `apis/${rt.group}/${rt.version}` : `api/${rt.version}`;

const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string' },
  uniqueItems: true
}));

function operations(rt: ResourceType) {
  const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
  const base = `/${gvPath(rt)}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
  const op = (action: string) => ({
    operationId: `${action}${rt.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    parameters: WRITE_PARAMS,
    responses: { '200': { description: 'OK' } }
  });
  return {
    [base]: { get: op('list'), post: op('post') },
    [`${base}/{name}`]: { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') }
  };
}

/** The answer for a path under `/openapi/v3`, or undefined when it is not one. */
export function openApiFor(cluster: SimCluster, path: string): { status: number; body: unknown } | undefined {
  if (!path.startsWith('/openapi/v3')) return undefined;
  const served = cluster.registry.all().filter((rt) => !rt.virtual);
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const rt of served)
      paths[gvPath(rt)] = { serverRelativeURL: `/openapi/v3/${gvPath(rt)}?hash=${apiVersionOf(rt).length}` };
    return { status: 200, body: { paths } };
  }
  const gv = path.slice('/openapi/v3/'.length);
  const types = served.filter((rt) => gvPath(rt) === gv);
  if (types.length === 0)
    return {
      status: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 404,
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
        metadata: {}
      }
    };
  return {
    status: 200,
    body: {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.4' },
      paths: Object.assign({}, ...types.map(operations)),
      components: { schemas: {} }
    }
  };
}
