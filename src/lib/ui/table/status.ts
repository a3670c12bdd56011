/**
 * What a table tells the user about its streams (the engine posts their states with the view's
 * diffs): a notice per stream that is not simply live, and the message the empty body shows.
 * Every message says what is happening and what to do.
 */
import type { ViewStream } from '$lib/view/types';

/** One stream feeding a view, as the engine posts it with the view's diffs. */
export type Stream = ViewStream;

export type NoticeTone = 'info' | 'warn' | 'bad';

export interface Notice {
  cluster: string;
  tone: NoticeTone;
  text: string;
  /** The user can ask for a retry now (engine().retryAll()). */
  retry: boolean;
}

export interface MessageContext {
  /** Plural, lower case: `pods`, `deployments`. */
  noun: string;
  /** The kind id, for RBAC advice: `secrets`, `deployments.apps`. */
  resourceName: string;
  namespaced: boolean;
  namespaces: string[];
  /** Where the API is, for "is kubectl proxy running?" (undefined in demo mode). */
  apiUrl: string | undefined;
}

export function scopeText(ctx: Pick<MessageContext, 'namespaced' | 'namespaces'>): string {
  if (!ctx.namespaced) return 'the cluster';
  if (ctx.namespaces.length === 0) return 'all namespaces';
  return ctx.namespaces.join(', ');
}

/** What one stream's state means for the user; undefined while it is simply live. */
export function streamNotice(s: Stream, ctx: MessageContext): Notice | undefined {
  const where = s.scope === 'all namespaces' || s.scope === 'cluster' ? s.scope : `namespace ${s.scope}`;
  const at = ctx.apiUrl ?? s.cluster;
  const reason = s.lastError ? ` (${s.lastError})` : '';
  switch (s.state) {
    case 'cached':
      return {
        cluster: s.cluster,
        tone: 'info',
        text: `${s.cluster}: showing your last visit's copy; checking for changes.`,
        retry: false
      };
    case 'resyncing':
      return {
        cluster: s.cluster,
        tone: 'info',
        text: `${s.cluster}: resyncing after the watch fell behind; rows may be briefly out of date.`,
        retry: false
      };
    case 'waiting':
      return {
        cluster: s.cluster,
        tone: 'info',
        text: `${s.cluster}: waiting for a free connection; catching up in turns.`,
        retry: false
      };
    case 'paused':
      return {
        cluster: s.cluster,
        tone: 'info',
        text: `${s.cluster}: paused while no Skiff tab is visible.`,
        retry: false
      };
    case 'forbidden':
      if (s.fallbackNamespaces?.length)
        return {
          cluster: s.cluster,
          tone: 'warn',
          text:
            `You may not list ${ctx.noun} in all namespaces of ${s.cluster}; ` +
            `showing the namespaces you may list: ${s.fallbackNamespaces.join(', ')}.`,
          retry: false
        };
      if (s.fallbackNamespaces)
        return {
          cluster: s.cluster,
          tone: 'bad',
          text:
            `You may not list ${ctx.noun} in any namespace of ${s.cluster}. ` +
            `Ask your admin for list/watch on ${ctx.resourceName}.`,
          retry: true
        };
      return {
        cluster: s.cluster,
        tone: 'bad',
        text: ctx.namespaced
          ? `You may not list ${ctx.noun} in ${where} on ${s.cluster}. Pick a namespace you can read, ` +
            `or ask your admin for list/watch on ${ctx.resourceName}.`
          : `You may not list ${ctx.noun} on ${s.cluster}. Ask your admin for list/watch on ${ctx.resourceName}.`,
        retry: true
      };
    case 'unauthorized':
      return {
        cluster: s.cluster,
        tone: 'bad',
        text:
          `${s.cluster} refused the credentials kubectl proxy sent (401). Check your kubeconfig ` +
          '(`kubectl get --raw /api`) and restart `kubectl proxy`.',
        retry: true
      };
    case 'backoff':
      return {
        cluster: s.cluster,
        tone: 'bad',
        text: `The Kubernetes API at ${at} is not answering${reason}: is \`kubectl proxy\` running? Retrying by itself.`,
        retry: true
      };
    case 'error':
      return {
        cluster: s.cluster,
        tone: 'bad',
        text: `${s.cluster} rejected the request for ${ctx.noun}${reason}.`,
        retry: true
      };
    default:
      return undefined;
  }
}

export interface BodyMessage {
  text: string;
  /** What the button under the message does. */
  action?: 'clear-filter' | 'all-namespaces' | 'retry';
  actionLabel?: string;
  tone: NoticeTone;
}

const PARKED = new Set(['forbidden', 'unauthorized', 'error', 'backoff']);

/**
 * The body of a table with no rows to show: loading, a problem, nothing matching the filter, or
 * nothing there at all.
 */
export function emptyMessage(
  streams: Stream[] | undefined,
  ctx: MessageContext,
  filter: { text: string; selector: string; filtered: boolean }
): BodyMessage {
  if (!streams || streams.length === 0) return { text: `Loading ${ctx.noun}…`, tone: 'info' };
  const loading = streams.filter((s) => s.state === 'listing' || s.state === 'waiting');
  // A forbidden stream shown from the namespaces the user may list is not parked: those rows come.
  const parked = streams.filter((s) => PARKED.has(s.state) && !s.fallbackNamespaces?.length);
  if (parked.length === streams.length) {
    const notice = streamNotice(parked[0], ctx)!;
    return { text: notice.text, tone: 'bad', action: 'retry', actionLabel: 'Retry' };
  }
  if (loading.length > 0)
    return {
      text: `Loading ${ctx.noun} from ${loading.map((s) => s.cluster).join(', ')}…`,
      tone: 'info'
    };
  if (filter.filtered) {
    const what = [filter.text && `'${filter.text}'`, filter.selector && `the selector '${filter.selector}'`]
      .filter(Boolean)
      .join(' and ');
    return {
      text: `No ${ctx.noun} match ${what || 'the filter'}.`,
      tone: 'info',
      action: 'clear-filter',
      actionLabel: 'Clear the filter'
    };
  }
  if (ctx.namespaced && ctx.namespaces.length > 0)
    return {
      text: `No ${ctx.noun} in ${ctx.namespaces.join(', ')}.`,
      tone: 'info',
      action: 'all-namespaces',
      actionLabel: 'Try all namespaces'
    };
  return { text: `No ${ctx.noun} in ${scopeText(ctx)}.`, tone: 'info' };
}
