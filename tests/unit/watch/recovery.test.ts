/**
 * The reflector's recovery policy, case by case: every kind of failure a reflector meets, and the
 * action `classify` gives it (relist, retry, park, fall back to list + watch, or stop).
 */
import { describe, expect, it } from 'vitest';
import { watchEventError } from '$lib/watch/decode';
import {
  Aborted,
  InvalidResume,
  StatusError,
  StreamError,
  WatchListUnsupported,
  failedResponseError,
  nonJsonResponseError
} from '$lib/watch/errors';
import { LineTooLongError } from '$lib/watch/ndjson';
import { classify, type RecoveryAction, type RecoveryContext } from '$lib/watch/recovery';

const fresh: RecoveryContext = { stopped: false, expiredInARow: 0, tooLargeInARow: 0 };

const status = (code: number, reason: string, message: string, retryAfterMs?: number) =>
  new StatusError(code, reason, message, retryAfterMs);

const expired = status(410, 'Expired', 'too old resource version: 100 (200)');
const continueExpired = status(
  410,
  'Expired',
  'The provided continue parameter is too old to display a consistent list result.'
);
const tooLarge = new StatusError(
  504,
  'Timeout',
  'Timeout: Too large resource version: 900, current: 500',
  undefined,
  [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]
);
const tooLargeByMessage = status(504, 'Timeout', 'Too large resource version: 900, current: 500');
const throttled = status(429, 'TooManyRequests', 'the server is busy', 5000);
const unavailable = status(503, 'ServiceUnavailable', 'the server is restarting');
const badResume = status(400, 'BadRequest', 'invalid resourceVersion "x"');
const htmlGateway = failedResponseError(
  'GET /api/v1/pods',
  { status: 502, statusText: 'Bad Gateway' },
  'text/html',
  '<html><body><h1>502 Bad Gateway</h1></body></html>',
  undefined
);
const htmlLogin = nonJsonResponseError(
  'GET /api/v1/pods',
  200,
  'text/html',
  '<html><form>Sign in</form></html>'
);
const lineTooLong = new LineTooLongError(1024);
const stall = new StreamError('stall', 'no data for 90000 ms: the request was abandoned');
const cut = new StreamError('network', 'the connection broke: socket hang up');
const badLine = new StreamError('malformed', 'a watch event is not valid JSON: "{oops"');
const fetchFailed = new TypeError('Failed to fetch');

interface Case {
  name: string;
  error: unknown;
  context?: Partial<RecoveryContext>;
  action: RecoveryAction;
}

const cases: Case[] = [
  {
    name: '410 Expired on a watch: relist at once',
    error: expired,
    action: {
      kind: 'relist',
      delay: 'none',
      reconnect: false,
      streak: 'expired',
      message: 'resourceVersion expired (410), relisting: too old resource version: 100 (200)',
      error: expired
    }
  },
  {
    name: '410 again before any progress: relist after a backoff',
    error: expired,
    context: { expiredInARow: 1 },
    action: {
      kind: 'relist',
      delay: 'backoff',
      reconnect: false,
      streak: 'expired',
      message: 'resourceVersion expired (410), relisting: too old resource version: 100 (200)',
      error: expired
    }
  },
  {
    name: '410 on a continue token: relist at once',
    error: continueExpired,
    action: {
      kind: 'relist',
      delay: 'none',
      reconnect: false,
      streak: 'expired',
      message: `resourceVersion expired (410), relisting: ${continueExpired.message}`,
      error: continueExpired
    }
  },
  {
    name: 'a watch ERROR event with reason Gone and no code (500 by default): relist',
    error: watchEventError({ metadata: {}, reason: 'Gone', message: 'gone' } as never),
    action: {
      kind: 'relist',
      delay: 'none',
      reconnect: false,
      streak: 'expired',
      message: 'resourceVersion expired (410), relisting: gone',
      error: expect.objectContaining({ code: 500, reason: 'Gone' })
    }
  },
  // An intended change of the earlier decision (retry, relist only on a second 504, ~20 s for a
  // re-created cluster): as client-go does, the first ResourceVersionTooLarge stops trusting the
  // resourceVersion and lists from scratch at once, replacing every item (issue 11).
  {
    name: '504 ResourceVersionTooLarge: list from scratch at once, replacing every item',
    error: tooLarge,
    action: {
      kind: 'relist',
      delay: 'none',
      reconnect: false,
      streak: 'too-large',
      fresh: true,
      message: `resourceVersion newer than the server's (504, was the cluster re-created?), listing from scratch: ${tooLarge.message}`,
      error: tooLarge
    }
  },
  {
    name: '504 ResourceVersionTooLarge named by its message only: list from scratch at once',
    error: tooLargeByMessage,
    action: {
      kind: 'relist',
      delay: 'none',
      reconnect: false,
      streak: 'too-large',
      fresh: true,
      message: `resourceVersion newer than the server's (504, was the cluster re-created?), listing from scratch: ${tooLargeByMessage.message}`,
      error: tooLargeByMessage
    }
  },
  {
    name: '504 ResourceVersionTooLarge again before any progress (a server merely behind): relist after a backoff',
    error: tooLargeByMessage,
    context: { tooLargeInARow: 1 },
    action: {
      kind: 'relist',
      delay: 'backoff',
      reconnect: false,
      streak: 'too-large',
      fresh: true,
      message: `resourceVersion newer than the server's (504, was the cluster re-created?), listing from scratch: ${tooLargeByMessage.message}`,
      error: tooLargeByMessage
    }
  },
  {
    name: 'another 504: retry',
    error: status(504, 'Timeout', 'the request timed out'),
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message: 'HTTP 504 Timeout: the request timed out',
      error: expect.any(StatusError)
    }
  },
  {
    name: '429 with Retry-After: retry, not sooner than Retry-After',
    error: throttled,
    action: {
      kind: 'retry',
      retryAfterMs: 5000,
      relist: false,
      message: 'HTTP 429 TooManyRequests: the server is busy',
      error: throttled
    }
  },
  {
    name: '5xx: retry',
    error: unavailable,
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message: 'HTTP 503 ServiceUnavailable: the server is restarting',
      error: unavailable
    }
  },
  {
    name: '408: retry (a timeout is not the client’s fault)',
    error: status(408, 'Timeout', 'request timeout'),
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message: 'HTTP 408 Timeout: request timeout',
      error: expect.any(StatusError)
    }
  },
  {
    name: '401: park as unauthorized',
    error: status(401, 'Unauthorized', 'Unauthorized'),
    action: {
      kind: 'park',
      state: 'unauthorized',
      message: 'HTTP 401 Unauthorized: Unauthorized',
      error: expect.any(StatusError)
    }
  },
  {
    name: '403: park as forbidden',
    error: status(403, 'Forbidden', 'pods is forbidden'),
    action: {
      kind: 'park',
      state: 'forbidden',
      message: 'HTTP 403 Forbidden: pods is forbidden',
      error: expect.any(StatusError)
    }
  },
  {
    name: '404: park as an error',
    error: status(404, 'NotFound', 'the server could not find the requested resource'),
    action: {
      kind: 'park',
      state: 'error',
      message: 'HTTP 404 NotFound: the server could not find the requested resource',
      error: expect.any(StatusError)
    }
  },
  {
    name: '422 to the streaming list: list + watch at once',
    error: new WatchListUnsupported('sendInitialEvents is forbidden'),
    action: {
      kind: 'use-list-and-watch',
      message: 'the server refused the streaming list, using list + watch: sendInitialEvents is forbidden',
      error: expect.any(WatchListUnsupported)
    }
  },
  {
    name: '422 elsewhere: park as an error',
    error: status(422, 'Invalid', 'invalid selector'),
    action: {
      kind: 'park',
      state: 'error',
      message: 'HTTP 422 Invalid: invalid selector',
      error: expect.any(StatusError)
    }
  },
  {
    name: '400 to a resume from a resourceVersion: relist after the retry backoff',
    error: new InvalidResume(badResume),
    action: {
      kind: 'relist',
      delay: 'backoff',
      reconnect: true,
      message: 'HTTP 400 on resuming the watch, relisting: invalid resourceVersion "x"',
      error: badResume
    }
  },
  {
    name: '400 elsewhere: park as an error',
    error: badResume,
    action: {
      kind: 'park',
      state: 'error',
      message: 'HTTP 400 BadRequest: invalid resourceVersion "x"',
      error: badResume
    }
  },
  {
    name: 'a network error from fetch: retry',
    error: fetchFailed,
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message: 'request failed: Failed to fetch',
      error: fetchFailed
    }
  },
  {
    name: 'a thrown non-Error: retry',
    error: 'boom',
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message: 'request failed: boom',
      error: 'boom'
    }
  },
  {
    name: 'a connection cut mid-stream: retry',
    error: cut,
    action: { kind: 'retry', retryAfterMs: undefined, relist: false, message: cut.message, error: cut }
  },
  {
    name: 'a stall: retry',
    error: stall,
    action: { kind: 'retry', retryAfterMs: undefined, relist: false, message: stall.message, error: stall }
  },
  {
    name: 'a malformed line: retry',
    error: badLine,
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message: badLine.message,
      error: badLine
    }
  },
  {
    name: 'a line too long: retry',
    error: lineTooLong,
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message: 'malformed stream: a line exceeded 1024 bytes',
      error: lineTooLong
    }
  },
  {
    name: 'HTML instead of JSON (a login page): retry',
    error: htmlLogin,
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message:
        'GET /api/v1/pods answered HTTP 200 with text/html instead of JSON (is a proxy or login page in the way?): "Sign in"',
      error: htmlLogin
    }
  },
  {
    name: 'a proxy’s HTML error page: retry',
    error: htmlGateway,
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message:
        'HTTP 502 Bad Gateway: GET /api/v1/pods answered HTTP 502 with a non-JSON body (text/html): "502 Bad Gateway"',
      error: htmlGateway
    }
  },
  {
    name: 'cancelled because the reflector stopped: stop',
    error: new Aborted(),
    context: { stopped: true },
    action: { kind: 'stop' }
  },
  {
    name: 'any failure once stopped: stop (it is only the cancellation)',
    error: expired,
    context: { stopped: true, expiredInARow: 3 },
    action: { kind: 'stop' }
  },
  {
    name: 'cancelled without a stop (not expected): retry',
    error: new Aborted(),
    action: {
      kind: 'retry',
      retryAfterMs: undefined,
      relist: false,
      message: 'request failed: ',
      error: expect.any(Aborted)
    }
  }
];

describe('classify', () => {
  it.each(cases)('$name', ({ error, context, action }) => {
    expect(classify(error, { ...fresh, ...context })).toEqual(action);
  });

  it('decides only: the same failure in the same context gets the same action', () => {
    const context = { ...fresh, expiredInARow: 2 };
    expect(classify(expired, context)).toEqual(classify(expired, context));
    expect(context).toEqual({ ...fresh, expiredInARow: 2 });
  });
});
