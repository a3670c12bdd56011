/**
 * Why a log request failed, in words a user can act on, and whether trying again can help.
 * Messages follow the apiserver (container name checks, RBAC) and the kubelet (container state).
 */
import type { Status } from '../kube/types';
import { parseRetryAfter } from '../watch/backoff';
import { BODY_LIMITS, readTextPrefix } from '../watch/body';
import type { LogState } from './types';

/** A log request answered with an error status. */
export class LogRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly retryAfterMs?: number
  ) {
    super(message);
    this.name = 'LogRequestError';
  }
}

export interface Classified {
  state: Extract<LogState, 'reconnecting' | 'waiting' | 'forbidden' | 'gone' | 'no-previous' | 'error'>;
  message: string;
  /** Whether to try again (after a backoff, or `retryAfterMs`). */
  retry: boolean;
  retryAfterMs?: number;
}

/** Reads an error response: a metav1.Status, or whatever a proxy put there. */
export async function requestError(response: Response, now: number): Promise<LogRequestError> {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  let text = '';
  try {
    text = await readTextPrefix(response, BODY_LIMITS.error);
  } catch {
    // the body broke too: the status says enough
  }
  let status: Partial<Status> | undefined;
  try {
    const body = JSON.parse(text) as Partial<Status>;
    if (body && body.kind === 'Status') status = body;
  } catch {
    status = undefined;
  }
  const fromDetails = status?.details?.retryAfterSeconds;
  const message = status?.message || `HTTP ${response.status}${text ? `: ${flatten(text)}` : ''}`;
  return new LogRequestError(
    response.status,
    message,
    retryAfterMs ?? (typeof fromDetails === 'number' ? fromDetails * 1000 : undefined)
  );
}

/** Whitespace and HTML tags reduced, cut short: a proxy's error page as one readable line. */
function flatten(text: string, max = 160): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function classify(error: unknown, pod: string, container: string): Classified {
  if (!(error instanceof LogRequestError)) {
    const detail = error instanceof Error ? error.message : String(error);
    return { state: 'reconnecting', retry: true, message: `Connection lost (${detail}); reconnecting` };
  }
  const { code, message } = error;
  if (code === 403)
    return {
      state: 'forbidden',
      retry: false,
      message: `You may not read the logs of pod ${pod}: ${message}`
    };
  if (code === 401)
    return {
      state: 'error',
      retry: false,
      message: `The API refused the credentials (401): check the kubeconfig kubectl proxy uses. ${message}`
    };
  if (code === 404)
    return { state: 'gone', retry: false, message: `Pod ${pod} no longer exists (${message})` };
  if (code === 400 && /previous terminated container/i.test(message))
    return {
      state: 'no-previous',
      retry: false,
      message: `Container ${container} has no previous instance: it has not restarted (${message})`
    };
  if (code === 400 && /waiting to start|ContainerCreating|PodInitializing|is not available/i.test(message))
    return {
      state: 'waiting',
      retry: true,
      message: `Container ${container} has not started yet: ${message}`
    };
  if (code === 429 || code >= 500)
    return {
      state: 'reconnecting',
      retry: true,
      retryAfterMs: error.retryAfterMs,
      message: `The server answered ${code} (${message}); retrying`
    };
  return { state: 'error', retry: false, message };
}
