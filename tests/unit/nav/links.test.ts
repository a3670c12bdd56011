/**
 * The URL scheme that nav/links.ts documents is the one src/routes serves: every documented route
 * has a page, every page is documented, and the link builders lead to pages as bare fragments.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashQuery, href, listHref, logsHref, objectHref } from '$lib/nav/links';

const ROOT = join(import.meta.dirname, '../../..');
const ROUTES = join(ROOT, 'src/routes');

/** Each page's route as segments, `[param]` kept as written: `['o', '[cluster]', …]`. */
function pages(): string[][] {
  return readdirSync(ROUTES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('+page.svelte'))
    .map((file) => relative(ROUTES, join(ROUTES, file)).split(sep).slice(0, -1));
}

/** The hash paths (no query) the header comment of links.ts names: `/`, `/k/<kind>`, … */
function documented(): string[] {
  const source = readFileSync(join(ROOT, 'src/lib/nav/links.ts'), 'utf8');
  const header = source.slice(0, source.indexOf('*/'));
  return [...header.matchAll(/#(\/[^\s?,`)]*)/g)].map((m) => m[1]);
}

const isParam = (segment: string) => /^\[.+\]$/.test(segment);

/** Whether the hash path (`/o/c1/pods/_/web`, `/k/<kind>`) is served by the page `route`. */
function serves(route: string[], path: string): boolean {
  const segments = path.split('/').filter(Boolean);
  return (
    segments.length === route.length &&
    route.every((r, i) => isParam(r) || r === decodeURIComponent(segments[i]))
  );
}

const pageOf = (path: string) => pages().find((route) => serves(route, path));
const pathOf = (link: string) => link.replace(/^#/, '').split('?')[0];

describe('the URL scheme in nav/links.ts', () => {
  it('documents only routes that have a page', () => {
    const missing = documented().filter((path) => !pageOf(path));
    expect(missing).toEqual([]);
  });

  it('documents every page', () => {
    const undocumented = pages()
      .filter((route) => !documented().some((path) => serves(route, path)))
      .map((route) => `/${route.join('/')}`);
    expect(undocumented).toEqual([]);
  });

  it('builds bare fragments that lead to pages', () => {
    const links = [
      href('/'),
      href('/helm', { ns: 'a,b' }),
      listHref('deployments.apps', { ns: 'shop', q: 'web', warn: false }),
      objectHref('c1', 'nodes', undefined, 'node-1', 'yaml'),
      objectHref('c1', 'pods', 'shop', 'web/1'),
      logsHref('c1', 'pods', 'shop', 'web-1', { container: 'app', previous: true })
    ];
    for (const link of links) {
      expect(link).toMatch(/^#\//);
      expect(pageOf(pathOf(link)), link).toBeDefined();
    }
  });

  it('puts the query inside the hash, dropping empty and false values', () => {
    const link = listHref('pods', { ns: 'a,b', q: '', warn: false, sort: '-age', previous: true });
    expect(link).toBe('#/k/pods?ns=a%2Cb&sort=-age&previous=1');
    expect(hashQuery(new URL(`http://host/ui/${link}`)).get('ns')).toBe('a,b');
    expect(objectHref('c1', 'nodes', undefined, 'n1')).toBe('#/o/c1/nodes/_/n1');
  });
});
