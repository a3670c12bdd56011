/**
 * The log view's settings, all in the URL query (see logsHref in src/lib/nav/links.ts):
 * `?container=c&tail=500&since=3600&previous=1&timestamps=1&q=text&wrap=1&follow=0`.
 * Changing container, tail, since, previous or follow opens the streams again; the others only
 * change how the lines are shown.
 */
import type { Query } from '$lib/nav/links';

export const TAIL_CHOICES = [100, 500, 1000, 'all'] as const;
/** Lines at first: a choice of the picker, or any count a link asks for. */
export type Tail = number | 'all';
export const DEFAULT_TAIL: Tail = 500;

/** `since` choices in seconds; 'all' for the whole log. */
export const SINCE_CHOICES = [
  { value: 300, label: '5m' },
  { value: 3600, label: '1h' },
  { value: 86400, label: '24h' },
  { value: 'all', label: 'all' }
] as const;
/** Seconds: a choice of the picker, or any span a link asks for. */
export type Since = number | 'all';

/** `5m`, `1h`, `90s`: a span of seconds as people write it. */
export function sinceLabel(since: Since): string {
  if (since === 'all') return 'all';
  if (since % 3600 === 0) return `${since / 3600}h`;
  if (since % 60 === 0) return `${since / 60}m`;
  return `${since}s`;
}

const positive = (v: string | null): number | undefined =>
  v !== null && /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined;

/** Container value meaning every regular container of the pod (kubectl --all-containers). */
export const ALL_CONTAINERS = '*';

export interface LogSettings {
  /** Empty: the default container. */
  container: string;
  tail: Tail;
  since: Since;
  previous: boolean;
  timestamps: boolean;
  query: string;
  wrap: boolean;
  follow: boolean;
}

export function readSettings(q: URLSearchParams): LogSettings {
  const tail = q.get('tail');
  return {
    container: q.get('container') ?? '',
    tail: tail === 'all' ? 'all' : (positive(tail) ?? DEFAULT_TAIL),
    since: positive(q.get('since')) ?? 'all',
    previous: q.get('previous') === '1',
    timestamps: q.get('timestamps') === '1',
    query: q.get('q') ?? '',
    wrap: q.get('wrap') === '1',
    follow: q.get('follow') !== '0'
  };
}

/** The query for `settings`: defaults are left out. */
export function settingsQuery(s: LogSettings): Query {
  return {
    container: s.container || undefined,
    tail: s.tail === DEFAULT_TAIL ? undefined : s.tail,
    since: s.since === 'all' ? undefined : s.since,
    previous: s.previous,
    timestamps: s.timestamps,
    q: s.query || undefined,
    wrap: s.wrap,
    follow: s.follow ? undefined : '0'
  };
}
