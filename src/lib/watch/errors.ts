/**
 * The failures a reflector meets, as values the recovery policy (`recovery.ts`) can tell apart:
 * an API status (a failed request or a watch ERROR event), a failure below the API (connection,
 * framing, content), and the three outcomes of one request that the reflector itself names (the
 * streaming list refused, a resume refused as a bad request, a request cancelled). Also how an
 * unexpected response body is described in a message: briefly, and HTML reduced to its text.
 */
import type { Status } from '../kube/types';

/** A failed request or a watch ERROR event: the API's metav1.Status, or the HTTP status. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly retryAfterMs?: number,
    readonly causes: { reason?: string; message?: string }[] = []
  ) {
    super(message);
    this.name = 'StatusError';
  }

  static fromStatus(
    status: Partial<Status> | undefined,
    fallbackCode: number,
    retryAfterMs?: number
  ): StatusError {
    const code = typeof status?.code === 'number' && status.code > 0 ? status.code : fallbackCode;
    const details = status?.details;
    const fromDetails =
      typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds * 1000 : undefined;
    return new StatusError(
      code,
      status?.reason || 'Unknown',
      status?.message || `HTTP ${code}`,
      retryAfterMs ?? fromDetails,
      Array.isArray(details?.causes) ? (details.causes as { reason?: string; message?: string }[]) : []
    );
  }
}

/** A failure below the API level: the connection, the framing or the content. */
export class StreamError extends Error {
  constructor(
    readonly kind: 'network' | 'stall' | 'malformed' | 'non-json' | 'backpressure',
    message: string
  ) {
    super(message);
    this.name = 'StreamError';
  }
}

/** The server refused the streaming list (422): use list + watch. */
export class WatchListUnsupported extends Error {}

/** A watch from a given resourceVersion was refused as a bad request: list instead. */
export class InvalidResume extends Error {
  constructor(readonly status: StatusError) {
    super(status.message);
  }
}

/** The attempt was cancelled (stop or stall); the caller decides which. */
export class Aborted extends Error {}

/** Printable start of a body that is not what was expected; HTML is reduced to its text. */
export function snippet(text: string, max = 160): string {
  const html = /^\s*</.test(text);
  const flat = (html ? text.replace(/<[^>]*>/g, ' ') : text).replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A 2xx answer that is not JSON: typically a proxy's or a login page's HTML. */
export function nonJsonResponseError(what: string, status: number, type: string, text: string): StreamError {
  return new StreamError(
    'non-json',
    `${what} answered HTTP ${status} with ${type} instead of JSON (is a proxy or login page in the way?): ${snippet(text)}`
  );
}

/**
 * A failed answer: the API's Status when the body is one, else the HTTP status with the start of
 * whatever the body was (a proxy's HTML error page, a bare text).
 */
export function failedResponseError(
  what: string,
  response: { status: number; statusText: string },
  type: string,
  text: string,
  retryAfterMs: number | undefined
): StatusError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object' && (body as Partial<Status>).kind === 'Status') {
    return StatusError.fromStatus(body as Partial<Status>, response.status, retryAfterMs);
  }
  const described =
    body === undefined ? `a non-JSON body (${type || 'no content type'})` : 'a body that is not a Status';
  return new StatusError(
    response.status,
    response.statusText || 'Unknown',
    `${what} answered HTTP ${response.status} with ${described}: ${snippet(text)}`,
    retryAfterMs
  );
}
