/**
 * Helm releases as Skiff shows them: views over the `secrets` kind (Helm 3 keeps each revision of
 * a release in a Secret of type helm.sh/release.v1 labelled `owner=helm,name=<release>,
 * status=<status>,version=<revision>`), their columns (cells projected by the catalog), links, and
 * the values shown for a revision.
 */
import { stringify } from 'yaml';
import { kindById } from '$lib/kinds/catalog';
import type { ColumnDef } from '$lib/kinds/types';
import type { HelmRelease } from '$lib/kube/helm';
import { href, type Query } from '$lib/nav/links';
import type { LatestSpec } from '$lib/view/latest';
import type { ViewFilter } from '$lib/view/types';
import type { ResourceRef } from '$lib/kube/types';

export const SECRETS: ResourceRef = kindById('secrets')!.resource;

/** The Secret that stores revision `revision` of `release`. */
export const releaseSecretName = (release: string, revision: number) =>
  `sh.helm.release.v1.${release}.v${revision}`;

/** Every release Secret; with RELEASES_LATEST, one row per release. */
export const RELEASES_FILTER: ViewFilter = { labelSelector: 'owner=helm' };

/** Every release as `helm list` shows it: its highest revision, whatever its status. */
export const RELEASES_LATEST: LatestSpec = { group: ['namespace', 'release'], order: 'revision' };

/** Every revision of one release. */
export function historyFilter(release: string): ViewFilter {
  return { labelSelector: `owner=helm,name=${release}` };
}

/** `#/helm/<cluster>/<namespace>/<release>?rev=N&tab=…` */
export function releaseHref(cluster: string, namespace: string, release: string, query?: Query): string {
  const seg = encodeURIComponent;
  return href(`/helm/${seg(cluster)}/${seg(namespace)}/${seg(release)}`, query);
}

const col = (
  id: string,
  label: string,
  format: ColumnDef['format'] = 'text',
  extra: Partial<ColumnDef> = {}
) => ({
  id,
  label,
  format,
  ...extra
});

/** The release list's columns; the name column is the Secret of the current revision. */
export const RELEASE_COLUMNS: ColumnDef[] = [
  col('cluster', 'Cluster', 'text', { hidden: true }),
  col('release', 'Release', 'text', { description: 'Enter or a double click opens the release' }),
  col('namespace', 'Namespace', 'text', { link: 'namespace' }),
  col('chart', 'Chart'),
  col('appVersion', 'App version'),
  col('status', 'Status', 'status'),
  col('revision', 'Revision', 'number'),
  col('updated', 'Updated', 'age', { description: 'When the current revision was deployed' }),
  col('name', 'Secret', 'text', { description: 'The Secret Helm keeps this revision in' })
];

/** Chart defaults overlaid with the user's values, as Helm computes them (a null removes a key). */
export function mergeValues(defaults: unknown, overrides: unknown): unknown {
  if (!isMap(defaults) || !isMap(overrides)) return overrides === undefined ? defaults : overrides;
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete out[k];
    else out[k] = mergeValues(defaults[k], v);
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export type ReleaseTab = 'values' | 'all' | 'manifest' | 'notes';

/** The text one tab of a revision shows. */
export function tabText(release: HelmRelease, tab: ReleaseTab): string {
  const config = release.config ?? {};
  switch (tab) {
    case 'values':
      return Object.keys(config).length
        ? stringify(config)
        : "# No values were supplied for this revision: the chart's defaults apply (see All values).\n";
    case 'all':
      return stringify(mergeValues(release.chart.values ?? {}, config) ?? {});
    case 'manifest':
      return release.manifest || '# This revision has no manifest.\n';
    case 'notes':
      return release.info.notes || 'This revision has no release notes.';
  }
}
