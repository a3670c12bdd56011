/**
 * The command palette's logic, apart from its markup: which key opens it, where a result leads,
 * and a debounced search that drops answers to queries the user has already typed past.
 */
import type { SearchResult } from '$lib/engine/search';
import { listHref, objectHref } from '$lib/nav/links';

/** Ctrl-K, or Cmd-K on a Mac. */
export function isPaletteShortcut(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k';
}

/** An object opens its details; a kind opens its list. */
export function resultHref(r: SearchResult): string {
  return r.type === 'kind'
    ? listHref(r.kindId)
    : objectHref(r.cluster ?? '', r.kindId, r.namespace || undefined, r.name);
}

/** A stable key per result for keyed lists. */
export function resultKey(r: SearchResult): string {
  return r.type === 'kind' ? `kind:${r.kindId}` : `${r.kindId}:${r.cluster}/${r.namespace}/${r.name}`;
}

export interface Searcher {
  /** Search for `query` after the debounce; an empty query answers [] at once. */
  input(query: string): void;
  dispose(): void;
}

/**
 * Runs `search` `delayMs` after the last keystroke and hands each answer to `onresults`, unless a
 * newer query was typed meanwhile (answers can arrive out of order from the worker).
 */
export function debouncedSearch(
  search: (query: string) => Promise<SearchResult[]>,
  onresults: (results: SearchResult[], query: string) => void,
  delayMs = 60
): Searcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  return {
    input(query) {
      clearTimeout(timer);
      const ticket = ++latest;
      if (!query.trim()) {
        onresults([], query);
        return;
      }
      timer = setTimeout(() => {
        search(query)
          .then((results) => ticket === latest && onresults(results, query))
          .catch(() => ticket === latest && onresults([], query));
      }, delayMs);
    },
    dispose() {
      clearTimeout(timer);
      latest++;
    }
  };
}
