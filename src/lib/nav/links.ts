/**
 * The URL scheme (hash routes). Every view, object, log and filter has a link; see README "URLs".
 *   #/                                   overview
 *   #/k/<kind>?ns=a,b&q=text&l=selector&sort=-col&warn=1   a table of one kind (kind id as kubectl: pods, deployments.apps)
 *   #/o/<cluster>/<kind>/<namespace|_>/<name>[?tab=summary|yaml|events|related]   one object
 *   #/logs/<cluster>/<kind>/<namespace>/<name>?container=c&tail=500&since=600&previous=1&timestamps=1&q=text
 *   #/browse?group=g&kind=k&q=text       every discovered kind
 *   #/helm, #/helm/<cluster>/<namespace>/<release>
 *   #/events?warn=1, #/diagnostics, #/search?q=text
 * Links are bare fragments: Kit's resolve() would prefix the base path and leave the page.
 */

/** `_` stands for "no namespace" (cluster-scoped objects) in object paths. */
export const NO_NAMESPACE = '_';

export type Query = Record<string, string | number | boolean | undefined | null>;

function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    params.set(k, v === true ? '1' : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

const seg = encodeURIComponent;

export function listHref(kindId: string, query?: Query): string {
  return `#/k/${seg(kindId)}${queryString(query)}`;
}

export function objectHref(
  cluster: string,
  kindId: string,
  namespace: string | undefined,
  name: string,
  tab?: string
): string {
  const ns = namespace ? seg(namespace) : NO_NAMESPACE;
  return `#/o/${seg(cluster)}/${seg(kindId)}/${ns}/${seg(name)}${queryString({ tab })}`;
}

export function logsHref(
  cluster: string,
  kindId: string,
  namespace: string,
  name: string,
  query?: Query
): string {
  return `#/logs/${seg(cluster)}/${seg(kindId)}/${seg(namespace)}/${seg(name)}${queryString(query)}`;
}

export function href(path: string, query?: Query): string {
  return `#${path}${queryString(query)}`;
}

/** The `?…` part of the current hash route (the hash router leaves it to us). */
export function hashQuery(url: URL): URLSearchParams {
  const q = url.hash.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.hash.slice(q + 1));
}

/** A namespace segment of an object path: `_` means cluster-scoped. */
export function namespaceParam(segment: string | undefined): string | undefined {
  return !segment || segment === NO_NAMESPACE ? undefined : segment;
}
