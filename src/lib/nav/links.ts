/**
 * The URL scheme (hash routes) and the builders of its links. One line per route in src/routes;
 * see README "URLs". Query parameters sit inside the hash.
 *   #/?ns=a,b                            overview
 *   #/k/<kind>?ns=a,b&q=text&l=selector&sort=-col&cluster=a,b   a table of one kind (kind id as
 *                                        kubectl: pods, deployments.apps); `warn=1` on #/k/events
 *                                        shows Warning events only
 *   #/o/<cluster>/<kind>/<namespace|_>/<name>[?tab=summary|yaml|events|related]   one object
 *   #/logs/<cluster>/<kind>/<namespace>/<name>?container=c&tail=500&since=600&previous=1&timestamps=1&q=text&wrap=1&follow=0
 *   #/browse?group=g&kind=k&scope=namespaced|cluster&q=text   every discovered kind
 *   #/helm?ns=a,b&q=text&l=selector&sort=-col   Helm releases
 *   #/helm/<cluster>/<namespace>/<release>?rev=N&tab=values|all|manifest|notes   one release
 *   #/diagnostics, #/settings
 *   #/namespaces/<namespace>             the pods of one namespace (links from earlier versions)
 * `ns`, the namespace scope, is remembered when a link leaves it out (ui/scope.svelte.ts).
 * Search is the command palette: it has no URL.
 * Links are bare fragments: Kit's resolve() would prefix the base path and leave the page
 * (see eslint.config.js, svelte/no-navigation-without-resolve).
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
