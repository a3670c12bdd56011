/**
 * The namespace scope: the namespaces the user chose (one, several, or all), remembered in
 * localStorage and reflected in the URL as `?ns=a,b`. A URL that names namespaces wins (a deep
 * link shows what it links to) and becomes the remembered choice; a URL without `ns` shows the
 * remembered one.
 */
import { untrack } from 'svelte';
import { goto } from '$app/navigation';
import { page } from '$app/state';
import { hashQuery } from '$lib/nav/links';
import { parseNamespaces, withQuery } from './table/query';

const STORAGE_KEY = 'skiff.namespaces';

function load(): string[] {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

function save(namespaces: string[]): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(namespaces));
  } catch {
    // Private mode or a full quota: the choice lasts for this page only.
  }
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((n, i) => n === b[i]);

let remembered = $state<string[]>(load());

export const namespaceScope = {
  /** The namespaces to show, [] for all: `?ns=` when the URL has it, else the remembered choice. */
  get namespaces(): string[] {
    const param = hashQuery(page.url).get('ns');
    return param === null ? remembered : parseNamespaces(param);
  },

  /** Whether the current URL says which namespaces to show. */
  get inUrl(): boolean {
    return hashQuery(page.url).has('ns');
  },

  get remembered(): string[] {
    return remembered;
  },

  /** Keep `namespaces` as the choice for pages whose URL does not name any. */
  remember(namespaces: string[]): void {
    if (same(namespaces, remembered)) return;
    remembered = [...namespaces];
    save(remembered);
  },

  /**
   * For pages that show the scope, inside an `$effect`: a URL that names namespaces becomes the
   * remembered choice, and a URL without `ns` gets the remembered choice written in (replacing the
   * history entry). Reacts to the URL only: choosing "All namespaces" forgets the old scope before
   * the URL drops it, and must not read it back from there.
   */
  syncWithUrl(): void {
    const inUrl = this.inUrl;
    const fromUrl = inUrl ? this.namespaces : [];
    untrack(() => {
      if (inUrl) this.remember(fromUrl);
      else if (remembered.length > 0)
        void goto(withQuery(page.url, { ns: remembered.join(',') }), {
          replaceState: true,
          keepFocus: true,
          noScroll: true
        });
    });
  },

  /**
   * Choose the namespaces ([] = all): remembered, and written into the current URL's `?ns=` (a
   * navigation, so Back returns to the previous scope).
   */
  set(namespaces: string[], options: { replaceState?: boolean } = {}): Promise<void> {
    this.remember(namespaces);
    const href = withQuery(page.url, { ns: namespaces.join(',') });
    return goto(href, { replaceState: options.replaceState ?? false, keepFocus: true, noScroll: true });
  }
};
