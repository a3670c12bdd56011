/** What crosses the worker boundary for logs: plain, structured-cloneable shapes. */
import type { Segment } from './ansi';

/** One container's log, as a page asks for it. */
export interface LogSpec {
  cluster: string;
  namespace: string;
  pod: string;
  container: string;
  /** Keep the stream open for new lines (`kubectl logs -f`). */
  follow: boolean;
  /** Only the last N lines at first; undefined for the whole log. */
  tailLines?: number;
  /** Only lines of the last N seconds at first; undefined for the whole log. */
  sinceSeconds?: number;
  /** The previous (terminated) instance of the container. Never followed: it does not grow. */
  previous?: boolean;
}

export interface LogLine {
  pod: string;
  container: string;
  /** RFC3339Nano as the kubelet wrote it; a line without one carries its predecessor's. */
  ts: string;
  /** The line without escape sequences (what search, copy and download see). */
  text: string;
  /** Styled runs of `text`, only for lines that had ANSI styles. */
  segments?: Segment[];
}

/**
 * How a log stream is doing:
 * - connecting: the first request is on its way;
 * - live: following, lines arrive as they are written;
 * - polling: following without a connection of its own (the browser's connections are in use):
 *   new lines every few seconds;
 * - reconnecting: the connection broke or the server failed; retrying with backoff, from the last line;
 * - complete: the whole log asked for has arrived (not following, or a previous container);
 * - ended: the container exited; checking now and then whether it starts again;
 * - waiting: the container has not started yet; retrying;
 * - forbidden, gone, no-previous, error: nothing more will come (see `error`).
 */
export type LogState =
  | 'connecting'
  | 'live'
  | 'polling'
  | 'reconnecting'
  | 'complete'
  | 'ended'
  | 'waiting'
  | 'forbidden'
  | 'gone'
  | 'no-previous'
  | 'error';

/** What a log stream posts: new lines (at most ~10 posts a second), its state, why it is in it. */
export interface LogUpdate {
  lines: LogLine[];
  state: LogState;
  error?: string;
}

/** States after which a stream sends nothing more. */
export const FINAL_STATES: ReadonlySet<LogState> = new Set([
  'complete',
  'forbidden',
  'gone',
  'no-previous',
  'error'
]);
