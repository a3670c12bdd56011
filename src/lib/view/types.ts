/**
 * The shapes a View takes and gives: its query (filter, sort, window) and the window diffs it posts
 * to the main thread. Everything here is plain and structured-cloneable.
 */
import type { Cell, Row } from '../watch/row';

/**
 * A column a view can filter or sort on: 'name', 'namespace', 'cluster' or 'creationTimestamp'
 * (the row's own fields), or else the name of a cell. The built-in names win over a cell of the same name.
 */
export type Column = string;

export type FieldOp = '=' | '!=' | '<' | '>' | 'contains';

export interface FieldPredicate {
  column: Column;
  op: FieldOp;
  value: Cell;
}

/** Every part is optional and the parts are ANDed; an empty filter matches every row. */
export interface ViewFilter {
  /** Case-insensitive substring of the name, the namespace or any cell. */
  text?: string;
  /** Kubernetes label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
  labelSelector?: string;
  /** Namespaces to keep; missing or empty keeps all. */
  namespaces?: string[];
  /** Clusters to keep; missing or empty keeps all. */
  clusters?: string[];
  fields?: FieldPredicate[];
  /** Keeps rows one of whose ownerReferences has this uid (the children of an object). */
  ownerUid?: string;
}

export interface ViewSort {
  column: Column;
  direction: 'asc' | 'desc';
}

export interface ViewWindow {
  offset: number;
  limit: number;
}

/**
 * The state of one stream (one cluster's informer) feeding a view, as the engine posts it with the
 * view's diffs: what a table says about loading, refusals and failures. Plain data.
 */
export interface ViewStream {
  cluster: string;
  /** The informer's key: `cluster|group/version/plural|namespace|labelSelector|fieldSelector`. */
  key: string;
  /** listing, live, cached, resyncing, waiting, paused, backoff, forbidden, unauthorized, error… */
  state: string;
  /** `all namespaces`, `cluster`, or the namespace the stream watches. */
  scope: string;
  /** Rows the stream holds now. */
  rows: number;
  lastError?: string;
  /**
   * A forbidden all-namespaces stream whose view shows, instead, the namespaces the user may list
   * (SelfSubjectRulesReview): those namespaces ([] when there are none).
   */
  fallbackNamespaces?: string[];
}

interface WindowDiffBase {
  /** The streams feeding the view, when they changed since the last diff (and with every reset). */
  streams?: ViewStream[];
  /** 1, 2, 3… per posted diff of one view; a patch applies only to the state left by `seq - 1`. */
  seq: number;
  /** Number of rows that match the filter (the whole list, not the window). */
  total: number;
  /** The window these rows are for: row `i` of the window is row `offset + i` of the sorted list. */
  offset: number;
  limit: number;
}

/** The whole window: replaces whatever the main thread held. Sent first, after reset(), and when most of the window changed. */
export interface WindowReset extends WindowDiffBase {
  rows: Row[];
  order?: undefined;
  upserts?: undefined;
  removes?: undefined;
}

/**
 * What changed in the window since the previous diff. To apply (see applyWindowDiff):
 *  1. if `order` is present, the window's keys are now exactly `order`: reorder the rows held by
 *     key; keys not held yet get their row from `upserts`;
 *  2. put every `upserts[i].row` at `upserts[i].index` (an index into the new window).
 * `removes` lists the keys that left the window; it follows from `order` and is given so a store can
 * drop per-key state (selection, expanded rows) without diffing.
 */
export interface WindowPatch extends WindowDiffBase {
  rows?: undefined;
  order?: string[];
  upserts?: { index: number; row: Row }[];
  removes?: string[];
}

export type WindowDiff = WindowReset | WindowPatch;

/** What the main thread holds for one view. */
export interface WindowState {
  seq: number;
  total: number;
  offset: number;
  limit: number;
  rows: Row[];
  /** The streams feeding the view; undefined until the engine first says. */
  streams?: ViewStream[];
}
