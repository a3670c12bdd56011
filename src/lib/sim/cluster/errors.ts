/** The API errors the simulated cluster answers with, worded as kube-apiserver words them. */
import { ApiError, type ResourceType } from '../../kube/types';

/** `pods "x"` or `deployments.apps "x"`, as the apiserver names an object in messages. */
function qualified(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}

export function notFound(rt: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(rt)} "${name}" not found`, {
    name,
    group: rt.group,
    kind: rt.plural
  });
}

export function conflict(rt: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: rt.group, kind: rt.plural }
  );
}

export function alreadyExists(rt: ResourceType, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(rt)} "${name}" already exists`, {
    name,
    group: rt.group,
    kind: rt.plural
  });
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource`
  );
}

/** A watch or list from a resourceVersion older than the retained history. */
export function expired(rv: number, compactedRv: number): ApiError {
  return new ApiError(410, 'Expired', `too old resource version: ${rv} (${compactedRv})`);
}

/** A resourceVersion newer than the cluster's: the server waits a while, then answers 504. */
export function tooLarge(rv: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1
  });
}

export function continueExpired(): ApiError {
  return new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'
  );
}

export function badContinue(): ApiError {
  return new ApiError(
    400,
    'BadRequest',
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'
  );
}

/** `sendInitialEvents` on a server without the WatchList feature. */
export function watchListForbidden(): ApiError {
  return new ApiError(
    422,
    'Invalid',
    'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
    {
      kind: 'ListOptions',
      group: 'meta.k8s.io',
      causes: [
        {
          reason: 'FieldValueForbidden',
          message:
            'Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
          field: 'sendInitialEvents'
        }
      ]
    }
  );
}

export function watchListNeedsBookmarks(): ApiError {
  return new ApiError(
    422,
    'Invalid',
    'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks'
  );
}
