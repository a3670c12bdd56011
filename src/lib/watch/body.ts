/**
 * Bounded reads of a whole response body. A cluster (or anything posing as one) can answer with a
 * body of any size; `response.text()` or `.json()` would hold all of it. These read the body as a
 * stream and stop at a limit that fits the use: a body larger than the limit is refused with an
 * error that says so (the rest is not read, the connection is released), and an error body is only
 * read as far as a message needs.
 */

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** Limits for what is read whole, by use. */
export const BODY_LIMITS = {
  /** A discovery document (/api, /apis, a group version, aggregated discovery): a few MB for 300 CRDs. */
  discovery: 32 * MiB,
  /** The list of CustomResourceDefinitions, schemas included: large for operators with many kinds. */
  crds: 64 * MiB,
  /** A metrics list: about 30 MB for 50k pods. */
  metrics: 64 * MiB,
  /** One object (etcd keeps objects under ~1.5 MB by default). */
  object: 16 * MiB,
  /** A list read whole outside a reflector (namespace names for access checks). */
  list: 64 * MiB,
  /** A small answer: /version, a probe, an access review. */
  small: 4 * MiB,
  /** The start of an error body: enough for a metav1.Status or a proxy's page. */
  error: 64 * KiB
} as const;

/** A body past its limit: refused, not read further. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly what: string,
    readonly limit: number
  ) {
    super(`the response of ${what} was larger than ${formatSize(limit)}; refused`);
    this.name = 'BodyTooLargeError';
  }
}

/** 32 MB, 64 KB, 100 bytes. */
export function formatSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KB`;
  return `${bytes} bytes`;
}

/**
 * The body as text, refused with BodyTooLargeError past `limit` bytes (a Content-Length that says
 * so is refused before reading). `what` names the request in the message (e.g. `/apis`).
 */
export async function readTextLimited(response: Response, what: string, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    void response.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(what, limit);
  }
  const { text, complete } = await read(response, limit, true);
  if (!complete) throw new BodyTooLargeError(what, limit);
  return text;
}

/** The body parsed as JSON (a SyntaxError when it is not), refused past `limit` bytes. */
export async function readJsonLimited<T = unknown>(
  response: Response,
  what: string,
  limit: number
): Promise<T> {
  return JSON.parse(await readTextLimited(response, what, limit)) as T;
}

/** At most the first `limit` bytes of the body, as text (for an error message); the rest is not read. */
export async function readTextPrefix(response: Response, limit: number = BODY_LIMITS.error): Promise<string> {
  return (await read(response, limit, false)).text;
}

async function read(
  response: Response,
  limit: number,
  refuse: boolean
): Promise<{ text: string; complete: boolean }> {
  if (!response.body) return { text: '', complete: true };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        parts.push(decoder.decode());
        return { text: parts.join(''), complete: true };
      }
      if (bytes + value.byteLength > limit) {
        if (refuse) return { text: '', complete: false };
        // Not flushed: a character cut at the limit is left out rather than shown as U+FFFD.
        parts.push(decoder.decode(value.subarray(0, limit - bytes), { stream: true }));
        return { text: parts.join(''), complete: false };
      }
      bytes += value.byteLength;
      parts.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    // Releases the connection when the body was not read to its end; harmless when it was.
    void reader.cancel().catch(() => {});
  }
}
