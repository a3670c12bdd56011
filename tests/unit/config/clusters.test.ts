import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  clustersFromUrl,
  confirmLinkClusters,
  DECLINED,
  foreignClusters,
  loadConfig,
  parseConfig,
  SETTINGS_KEY,
  startOptions,
  type LoadedConfig
} from '$lib/config/clusters';
import { sameCluster } from '$lib/engine/clusters';

function memoryStorage(entries: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(entries));
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    }
  };
}

const file =
  (body: unknown, status = 200) =>
  () =>
    Promise.resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }));

describe('cluster configuration', () => {
  it('keeps valid clusters and says what it dropped', () => {
    const { config, problems } = parseConfig({
      clusters: [
        { name: 'prod', url: 'clusters/prod/', color: '#d9480f' },
        { name: 'dev', demo: true },
        { name: 'prod', url: 'elsewhere/' },
        { name: 'nourl' },
        { name: '<script>', url: 'x/' },
        'nonsense'
      ],
      permissionTtlSeconds: 30,
      metricsIntervalSeconds: -1
    });
    expect(config.clusters).toEqual([
      { name: 'prod', url: 'clusters/prod/', color: '#d9480f' },
      { name: 'dev', demo: true }
    ]);
    expect(config.permissionTtlSeconds).toBe(30);
    expect(config.metricsIntervalSeconds).toBeUndefined();
    expect(problems.join('\n')).toMatch(/"prod" twice/);
    expect(problems.join('\n')).toMatch(/needs a url/);
    expect(problems.join('\n')).toMatch(/cluster name "<script>"/);
    expect(problems.join('\n')).toMatch(/metricsIntervalSeconds/);
    expect(parseConfig([1, 2]).problems).toEqual(['the configuration is not a JSON object']);
  });

  it('reads clusters from the URL: name@url, name@demo, or a bare URL named by its host', () => {
    const search = new URLSearchParams(
      '?cluster=prod@clusters/prod/&cluster=dev@demo&cluster=http://127.0.0.1:8001/'
    );
    expect(clustersFromUrl(search)).toEqual([
      { name: 'prod', url: 'clusters/prod/' },
      { name: 'dev', demo: true },
      { name: '127.0.0.1:8001', url: 'http://127.0.0.1:8001/' }
    ]);
  });

  it('takes the URL first, then the stored settings, then config.json, else automatic', async () => {
    const json = { clusters: [{ name: 'team', url: 'clusters/team/' }], permissionTtlSeconds: 60 };
    const settings = JSON.stringify({ clusters: [{ name: 'mine', demo: true }], metricsIntervalSeconds: 5 });
    const url = new URLSearchParams('?cluster=linked@demo');
    const none = new URLSearchParams();
    const with_ = (search: URLSearchParams, storage: Storage, fetchConfig = file(json)) =>
      loadConfig({ search, storage, fetchConfig });

    const fromUrl = await with_(url, memoryStorage({ [SETTINGS_KEY]: settings }));
    expect(fromUrl.source).toBe('url');
    expect(fromUrl.config.clusters).toEqual([{ name: 'linked', demo: true }]);
    // Intervals still come from the settings and the file.
    expect(fromUrl.config).toMatchObject({ permissionTtlSeconds: 60, metricsIntervalSeconds: 5 });

    expect((await with_(none, memoryStorage({ [SETTINGS_KEY]: settings }))).source).toBe('settings');
    expect((await with_(none, memoryStorage())).source).toBe('config.json');
    const automatic = await with_(none, memoryStorage(), file('not found', 404));
    expect(automatic).toEqual({ source: 'automatic', config: { clusters: undefined }, problems: [] });
  });

  it('ignores an HTML page served as config.json and a broken stored setting, and says so', async () => {
    const loaded = await loadConfig({
      search: new URLSearchParams(),
      storage: memoryStorage({ [SETTINGS_KEY]: '{oops' }),
      fetchConfig: file('<!doctype html><title>index</title>')
    });
    expect(loaded.source).toBe('automatic');
    expect(loaded.problems).toEqual([
      'config.json is not valid JSON; it was ignored',
      'the stored settings are not valid JSON; they were ignored'
    ]);
    const offline = await loadConfig({
      search: new URLSearchParams(),
      storage: undefined,
      fetchConfig: () => Promise.reject(new TypeError('Failed to fetch'))
    });
    expect(offline.problems).toEqual(['config.json could not be read: Failed to fetch']);
  });

  it('gives the engine absolute URLs and milliseconds', () => {
    const options = startOptions(
      {
        source: 'config.json',
        problems: [],
        config: {
          clusters: [
            { name: 'prod', url: 'clusters/prod/' },
            { name: 'dev', demo: true }
          ],
          permissionTtlSeconds: 3
        }
      },
      'https://skiff.example/app/index.html'
    );
    expect(options).toEqual({
      apiBaseUrl: 'https://skiff.example/app/k8s/',
      clusters: [
        { name: 'prod', url: 'https://skiff.example/app/clusters/prod/' },
        { name: 'dev', demo: true }
      ],
      permissionTtlMs: 3000,
      metricsIntervalMs: undefined
    });
  });

  it('keeps a cluster running when only its colour or its URL’s trailing slash differs', () => {
    const prod = { name: 'prod', url: 'https://h.example/clusters/prod' };
    expect(sameCluster(prod, { ...prod, url: 'https://h.example/clusters/prod/', color: '#000' })).toBe(true);
    expect(
      sameCluster({ ...prod, url: 'clusters/prod' }, { ...prod, url: 'clusters/prod/' }, 'https://h.example/')
    ).toBe(true);
    expect(sameCluster(prod, { ...prod, url: 'https://h.example/clusters/staging/' })).toBe(false);
    expect(sameCluster(prod, { name: 'prod', demo: true })).toBe(false);
  });
});

describe('clusters from a link', () => {
  const PAGE = 'https://skiff.example/app/index.html';
  const fromLink = (query: string) =>
    loadConfig({ search: new URLSearchParams(query), storage: undefined, fetchConfig: file('', 404) });

  it('refuses URLs that are not http(s), whatever the source, and says which and why', async () => {
    const bad = [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'java\tscript:alert(1)',
      ' data:text/html,<b>x</b>',
      'file:///etc/passwd',
      'blob:https://skiff.example/0d7c',
      'ftp://files.example/'
    ];
    for (const url of bad) {
      const search = new URLSearchParams();
      search.append('cluster', `x@${url}`);
      const loaded = await loadConfig({ search, storage: undefined, fetchConfig: file('', 404) });
      // Never used: nothing from the link runs, the page falls back to the automatic choice.
      expect(loaded.source, url).toBe('automatic');
      expect(loaded.problems.join('\n'), url).toMatch(/cluster "x": only http: and https: URLs are allowed/);
    }
    // The same rule for config.json and the stored settings.
    const { config, problems } = parseConfig({
      clusters: [
        { name: 'ok', url: 'https://api.example/' },
        { name: 'js', url: 'javascript:alert(1)' }
      ]
    });
    expect(config.clusters).toEqual([{ name: 'ok', url: 'https://api.example/' }]);
    expect(problems).toEqual(['cluster "js": only http: and https: URLs are allowed, not "javascript:"']);
  });

  it('accepts same-origin URLs, relative or absolute, and flags other origins for a confirmation', async () => {
    const loaded = await fromLink(
      '?cluster=rel@clusters/prod/&cluster=abs@https://skiff.example/k8s/&cluster=far@https://other.example/k8s/' +
        '&cluster=proto@//other.example/x/&cluster=lab@demo&cluster=plain@http://skiff.example/k8s/'
    );
    expect(loaded.problems).toEqual([]);
    expect(loaded.config.clusters?.map((c) => c.name)).toEqual([
      'rel',
      'abs',
      'far',
      'proto',
      'lab',
      'plain'
    ]);
    // Another scheme or host is another origin; demo clusters never need a confirmation.
    expect(foreignClusters(loaded.config.clusters, PAGE).map((c) => c.name)).toEqual([
      'far',
      'proto',
      'plain'
    ]);
  });

  it('shows foreign link clusters only when confirmed; declined, the other sources decide', async () => {
    const linked = await fromLink('?cluster=prod@https://other.example/k8s/&cluster=lab@demo');
    const fallback: LoadedConfig = {
      source: 'config.json',
      config: { clusters: [{ name: 'team', url: 'clusters/team/' }] },
      problems: []
    };
    const asked: string[][] = [];
    const answer = (show: boolean) => (clusters: { name: string }[]) => {
      asked.push(clusters.map((c) => c.name));
      return Promise.resolve(show);
    };
    expect(await confirmLinkClusters(linked, PAGE, answer(true), () => Promise.resolve(fallback))).toBe(
      linked
    );
    expect(asked).toEqual([['prod']]);
    const declined = await confirmLinkClusters(linked, PAGE, answer(false), () => Promise.resolve(fallback));
    expect(declined).toEqual({ ...fallback, problems: [DECLINED] });

    // Same-origin links, demo links and trusted sources (config.json, settings) are not asked about.
    asked.length = 0;
    const local = await fromLink('?cluster=prod@clusters/prod/&cluster=lab@demo');
    expect(await confirmLinkClusters(local, PAGE, answer(false), () => Promise.resolve(fallback))).toBe(
      local
    );
    const trusted: LoadedConfig = {
      ...fallback,
      config: { clusters: [{ name: 'x', url: 'https://other.example/' }] }
    };
    expect(await confirmLinkClusters(trusted, PAGE, answer(false), () => Promise.resolve(fallback))).toBe(
      trusted
    );
    expect(asked).toEqual([]);
  });

  it('never lets a link cluster with a non-http(s) URL through, for any scheme', async () => {
    const scheme = fc.stringMatching(/^[a-z][a-z0-9+.-]{0,8}$/).filter((s) => s !== 'http' && s !== 'https');
    await fc.assert(
      fc.asyncProperty(scheme, fc.string({ maxLength: 20 }), async (s, rest) => {
        const search = new URLSearchParams();
        search.append('cluster', `x@${s}:${rest}`);
        const loaded = await loadConfig({ search, storage: undefined, fetchConfig: file('', 404) });
        const options = startOptions(loaded, PAGE);
        for (const c of options.clusters ?? [])
          expect(['http:', 'https:']).toContain(new URL(c.url!, PAGE).protocol);
      })
    );
  });
});
