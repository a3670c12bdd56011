/**
 * A list's state in the URL (inside the hash: `#/k/pods?ns=a,b&q=text&l=app%3Dweb&sort=-restarts&warn=1`),
 * read and written here so the page, the namespace scope and the tests agree on one spelling.
 */
import { hashQuery } from '$lib/nav/links';
import type { ViewSort } from '$lib/view/types';

/** What the user can change in a table and a URL can hold. */
export interface TableQuery {
  text: string;
  selector: string;
  sort: ViewSort;
}

/** `restarts` ascending, `-restarts` descending. */
export function parseSort(param: string | null | undefined): ViewSort | undefined {
  if (!param) return undefined;
  const desc = param.startsWith('-');
  const column = desc ? param.slice(1) : param;
  return column ? { column, direction: desc ? 'desc' : 'asc' } : undefined;
}

export function sortParam(sort: ViewSort): string {
  return sort.direction === 'desc' ? `-${sort.column}` : sort.column;
}

/** `a,b` → ['a', 'b']; blanks dropped, duplicates once, in the order given. */
export function parseNamespaces(param: string): string[] {
  return [
    ...new Set(
      param
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    )
  ];
}

/**
 * The current hash route with some query parameters changed (undefined or '' removes one), e.g.
 * `withQuery(page.url, { q: 'web' })` on `#/k/pods?ns=a` gives `#/k/pods?ns=a&q=web`.
 */
export function withQuery(url: URL, patch: Record<string, string | undefined>): string {
  const hash = url.hash || '#/';
  const cut = hash.indexOf('?');
  const path = cut < 0 ? hash : hash.slice(0, cut);
  const params = hashQuery(url);
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined || value === '') params.delete(name);
    else params.set(name, value);
  }
  // Commas and slashes are fine in a query: `ns=a,b` and `l=app.kubernetes.io/name` stay readable.
  const query = params.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/');
  return query ? `${path}?${query}` : path;
}
