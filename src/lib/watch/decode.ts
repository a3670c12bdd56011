/**
 * Decoding what the API server sends a reflector: list pages, watch event lines, and the objects in
 * them, each checked for what the reflector relies on (a resourceVersion, a name). Anything else is
 * a StreamError('malformed') with the start of the offending text. Also the stripping of heavy
 * fields that no list shows, done as soon as an object is parsed.
 */
import type { KubeObject, Status } from '../kube/types';
import { snippet, StatusError, StreamError } from './errors';
import { objectKey, type StoreEntry } from './object-store';

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const WATCH_EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Drops what no list shows and what costs most to keep: managedFields and kubectl's copy of the object. */
export function stripHeavyFields(object: KubeObject): void {
  const metadata = object.metadata as Partial<KubeObject['metadata']> | undefined;
  if (!metadata) return;
  delete metadata.managedFields;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _dropped, ...rest } = metadata.annotations;
    metadata.annotations = rest;
  }
}

export interface ListBody {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[] | null;
}

/** One list page; `path` names the collection in the error. */
export function parseListPage(text: string, path: string): ListBody {
  try {
    return JSON.parse(text) as ListBody;
  } catch {
    throw new StreamError(
      'malformed',
      `GET ${path} answered a list that is not valid JSON: ${snippet(text)}`
    );
  }
}

/** The items of a page, each given the list's kind and apiVersion when it has none (as kubectl does). */
export function* listItems(page: ListBody): Generator<KubeObject> {
  const itemKind = page.kind?.replace(/List$/, '');
  for (const object of page.items ?? []) {
    if (!object.kind && itemKind) object.kind = itemKind;
    if (!object.apiVersion && page.apiVersion) object.apiVersion = page.apiVersion;
    yield object;
  }
}

/** An object as a store entry: checked, stripped, then projected (so the store keeps only the projection). */
export function toEntry<T>(
  object: KubeObject,
  strip: (object: KubeObject) => void,
  transform: (object: KubeObject) => T
): StoreEntry<T> {
  const metadata = object?.metadata;
  if (!metadata || typeof metadata.name !== 'string' || typeof metadata.resourceVersion !== 'string') {
    throw new StreamError(
      'malformed',
      `an object without name or resourceVersion: ${snippet(JSON.stringify(object))}`
    );
  }
  strip(object);
  return {
    key: objectKey(metadata.namespace, metadata.name),
    resourceVersion: metadata.resourceVersion,
    item: transform(object)
  };
}

/**
 * One line of a watch stream as an event of a known type with an object; `unterminated`: the line
 * the stream ended in the middle of. The object is not checked further here (see below).
 */
export function decodeWatchEvent(
  line: string,
  unterminated: boolean
): { type: WatchEventType; object: KubeObject } {
  let event: { type?: unknown; object?: KubeObject };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    throw new StreamError(
      'malformed',
      unterminated
        ? `the watch stream ended in the middle of a line: ${snippet(line, 80)}`
        : `a watch event is not valid JSON: ${snippet(line, 80)}`
    );
  }
  const type = event?.type;
  const object = event?.object;
  if (typeof type !== 'string' || !WATCH_EVENT_TYPES.has(type) || !object || typeof object !== 'object') {
    throw new StreamError('malformed', `not a watch event: ${snippet(line, 80)}`);
  }
  return { type: type as WatchEventType, object };
}

/** The Status an ERROR event carries, as the error it is (500 when it names no code). */
export function watchEventError(object: KubeObject): StatusError {
  return StatusError.fromStatus(object as unknown as Partial<Status>, 500);
}

/** The resourceVersion of an event's object; every event but ERROR must have one. */
export function eventResourceVersion(type: WatchEventType, object: KubeObject, line: string): string {
  const resourceVersion = object.metadata?.resourceVersion;
  if (typeof resourceVersion !== 'string' || resourceVersion === '') {
    throw new StreamError('malformed', `a ${type} event without resourceVersion: ${snippet(line, 80)}`);
  }
  return resourceVersion;
}

/** The store key of an ADDED/MODIFIED/DELETED event's object. */
export function eventKey(type: WatchEventType, object: KubeObject, line: string): string {
  const name = object.metadata?.name;
  if (typeof name !== 'string') {
    throw new StreamError('malformed', `a ${type} event without a name: ${snippet(line, 80)}`);
  }
  return objectKey(object.metadata.namespace, name);
}

/** The bookmark that ends a streaming list's initial events. */
export function isInitialEventsEnd(object: KubeObject): boolean {
  return object.metadata.annotations?.[INITIAL_EVENTS_END] === 'true';
}
