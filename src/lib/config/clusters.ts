/**
 * Which clusters Skiff shows, decided in the page before the engine starts. In order:
 *  1. the URL: `?cluster=prod@clusters/prod/&cluster=dev@demo` (before the `#`), for a link to share;
 *  2. the settings page, stored in this browser (localStorage);
 *  3. `config.json` beside the built files (a team's static hosting, the launcher);
 *  4. nothing: the same-origin API at `./k8s/` when it answers (`kubectl proxy --www`), else demo mode.
 * Cluster URLs may be relative to the page; they are made absolute here, since the engine's worker
 * lives at another path. Only http: and https: URLs are accepted (configProblem), from any source.
 *
 * Trust: config.json (the operator wrote it) and the settings (the user wrote them) are trusted
 * as they are. A link is not: anyone can craft `?cluster=prod@https://evil.example/`, so clusters
 * from the URL on another origin than the page are shown only once the user confirmed them
 * (`confirmLinkClusters`); declined, the link's clusters are dropped and the other sources decide.
 */
import type { ClusterConfig, StartOptions } from '../engine/api';
import { configProblem } from '../engine/clusters';

/** The shape of `config.json` and of the stored settings. */
export interface SkiffConfig {
  clusters?: ClusterConfig[];
  permissionTtlSeconds?: number;
  metricsIntervalSeconds?: number;
}

export type ConfigSource = 'url' | 'settings' | 'config.json' | 'automatic';

export interface LoadedConfig {
  source: ConfigSource;
  config: SkiffConfig;
  /** What was wrong with a source that was skipped or trimmed (shown on the settings page). */
  problems: string[];
}

export const SETTINGS_KEY = 'skiff.settings';

const positive = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;

/** Validates untrusted JSON (a file, localStorage) into a config, listing what was dropped. */
export function parseConfig(value: unknown): { config: SkiffConfig; problems: string[] } {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { config: {}, problems: ['the configuration is not a JSON object'] };
  const raw = value as Record<string, unknown>;
  const config: SkiffConfig = {};
  if (raw.clusters !== undefined) {
    if (!Array.isArray(raw.clusters)) problems.push('"clusters" must be an array');
    else {
      const names = new Set<string>();
      config.clusters = [];
      for (const entry of raw.clusters as unknown[]) {
        const c = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
        const cluster: ClusterConfig = {
          name: typeof c.name === 'string' ? c.name.trim() : '',
          ...(typeof c.url === 'string' && c.url.trim() ? { url: c.url.trim() } : {}),
          ...(c.demo === true ? { demo: true } : {}),
          ...(typeof c.color === 'string' && c.color.trim() ? { color: c.color.trim() } : {})
        };
        const problem = configProblem(cluster) ?? (names.has(cluster.name) ? `"${cluster.name}" twice` : '');
        if (problem) problems.push(problem);
        else {
          names.add(cluster.name);
          config.clusters.push(cluster);
        }
      }
    }
  }
  for (const key of ['permissionTtlSeconds', 'metricsIntervalSeconds'] as const) {
    if (raw[key] === undefined) continue;
    const v = positive(raw[key]);
    if (v === undefined) problems.push(`"${key}" must be a positive number`);
    else config[key] = v;
  }
  return { config, problems };
}

/**
 * `?cluster=NAME@URL` (repeatable); `NAME@demo` is a simulated cluster; a bare URL gets its host as
 * the name. The URL may be relative (`prod@clusters/prod/`).
 */
export function clustersFromUrl(search: URLSearchParams): ClusterConfig[] {
  return search.getAll('cluster').map((value) => {
    const at = value.indexOf('@');
    if (at < 0) {
      const url = value.trim();
      let name = url;
      try {
        name = new URL(url).host || url;
      } catch {
        // a relative URL names itself
      }
      return { name: name.replace(/[^-A-Za-z0-9_.:@]/g, '-').replace(/^-+/, ''), url };
    }
    const name = value.slice(0, at).trim();
    const url = value.slice(at + 1).trim();
    return url === 'demo' ? { name, demo: true } : { name, url };
  });
}

function stored(storage: Storage | undefined): { config: SkiffConfig; problems: string[] } | undefined {
  const text = storage?.getItem(SETTINGS_KEY);
  if (!text) return undefined;
  try {
    return parseConfig(JSON.parse(text));
  } catch {
    return { config: {}, problems: ['the stored settings are not valid JSON; they were ignored'] };
  }
}

/** Decides the configuration from the sources in order (see the top of this file). */
export async function loadConfig(env: {
  search: URLSearchParams;
  storage: Storage | undefined;
  fetchConfig: () => Promise<Response>;
}): Promise<LoadedConfig> {
  const problems: string[] = [];
  const fromUrl = parseConfig({ clusters: clustersFromUrl(env.search) });
  const fromSettings = stored(env.storage);
  let fromFile: { config: SkiffConfig; problems: string[] } | undefined;
  try {
    const response = await env.fetchConfig();
    if (response.ok) {
      const text = await response.text();
      try {
        fromFile = parseConfig(JSON.parse(text));
      } catch {
        // An HTML page (an SPA fallback, a proxy's error) is not a config.
        problems.push('config.json is not valid JSON; it was ignored');
      }
    } else if (response.status !== 404) problems.push(`config.json: HTTP ${response.status}`);
  } catch (e) {
    problems.push(`config.json could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  problems.push(...fromUrl.problems, ...(fromSettings?.problems ?? []), ...(fromFile?.problems ?? []));
  // Intervals: the stored settings win over the file.
  const tuning: SkiffConfig = { ...fromFile?.config, ...fromSettings?.config, clusters: undefined };
  const pick = (source: ConfigSource, clusters: ClusterConfig[] | undefined): LoadedConfig | undefined =>
    clusters?.length ? { source, config: { ...tuning, clusters }, problems } : undefined;
  return (
    pick('url', fromUrl.config.clusters) ??
    pick('settings', fromSettings?.config.clusters) ??
    pick('config.json', fromFile?.config.clusters) ?? { source: 'automatic', config: tuning, problems }
  );
}

/** The engine's start options for a loaded configuration; relative URLs resolved against `base`. */
export function startOptions(loaded: LoadedConfig, base: string): StartOptions {
  const { config } = loaded;
  return {
    apiBaseUrl: new URL('k8s/', base).href,
    clusters: config.clusters?.map((c) => (c.url ? { ...c, url: new URL(c.url, base).href } : c)),
    permissionTtlMs: config.permissionTtlSeconds && config.permissionTtlSeconds * 1000,
    metricsIntervalMs: config.metricsIntervalSeconds && config.metricsIntervalSeconds * 1000
  };
}

/** Link clusters (not demo) whose API is on another origin than the page `base`. */
export function foreignClusters(clusters: ClusterConfig[] | undefined, base: string): ClusterConfig[] {
  const origin = new URL(base).origin;
  return (clusters ?? []).filter((c) => {
    if (c.demo || !c.url) return false;
    try {
      return new URL(c.url, base).origin !== origin;
    } catch {
      return true;
    }
  });
}

/** Asks the user whether to show these clusters from a link (true: show them). */
export type ConfirmClusters = (clusters: ClusterConfig[]) => Promise<boolean>;

/** Why the link's clusters are not shown, when the user declined them. */
export const DECLINED =
  'the clusters in the page URL (?cluster=…) are on another site and were not confirmed; they were not used';

/**
 * A configuration from a link with clusters on another origin is used only if `confirm` says so;
 * otherwise `fallback` (the configuration without the link's clusters) with a note why.
 */
export async function confirmLinkClusters(
  loaded: LoadedConfig,
  base: string,
  confirm: ConfirmClusters,
  fallback: () => Promise<LoadedConfig>
): Promise<LoadedConfig> {
  if (loaded.source !== 'url') return loaded;
  const foreign = foreignClusters(loaded.config.clusters, base);
  if (!foreign.length || (await confirm(foreign).catch(() => false))) return loaded;
  const rest = await fallback();
  return { ...rest, problems: [DECLINED, ...rest.problems] };
}

let loaded: Promise<LoadedConfig> | undefined;
let confirmer: ConfirmClusters | undefined;
let confirmerSet: (() => void) | undefined;
const confirmerReady = new Promise<void>((resolve) => (confirmerSet = resolve));

/** The page's way to ask (a dialog); pageConfig waits for it when a link needs a confirmation. */
export function setLinkConfirmer(confirm: ConfirmClusters): void {
  confirmer = confirm;
  confirmerSet?.();
}

/** This page's configuration, decided once (after the user confirmed a link's foreign clusters). */
export function pageConfig(): Promise<LoadedConfig> {
  const env = (search: URLSearchParams) => ({
    search,
    storage: typeof localStorage === 'undefined' ? undefined : localStorage,
    fetchConfig: () => fetch(new URL('config.json', document.baseURI), { cache: 'no-store' })
  });
  loaded ??= loadConfig(env(new URLSearchParams(location.search))).then((l) =>
    confirmLinkClusters(
      l,
      document.baseURI,
      async (clusters) => {
        await confirmerReady;
        return confirmer!(clusters);
      },
      () => loadConfig(env(new URLSearchParams()))
    )
  );
  return loaded;
}

export async function loadStartOptions(): Promise<StartOptions> {
  return startOptions(await pageConfig(), document.baseURI);
}

/** Stores settings for this browser (undefined forgets them). */
export function saveSettings(config: SkiffConfig | undefined, storage: Storage = localStorage): void {
  if (config === undefined) storage.removeItem(SETTINGS_KEY);
  else storage.setItem(SETTINGS_KEY, JSON.stringify(config));
}

export function storedSettings(storage: Storage = localStorage): SkiffConfig | undefined {
  return stored(storage)?.config;
}
