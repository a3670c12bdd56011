/**
 * Helm releases as Skiff shows them: views over the `secrets` kind (Helm 3 keeps each revision of
 * a release in a Secret of type helm.sh/release.v1 labelled `owner=helm,name=<release>,
 * status=<status>,version=<revision>`), their columns (cells projected by the catalog), links, and
 * the values shown for a revision. Values routinely hold passwords, and the manifest renders Secrets
 * with their data: both are masked (••••, as a Secret's values) until the user reveals them.
 */
import { isMap as isYamlMap, parseDocument, Scalar, stringify, visit, type Document } from 'yaml';
import { MASK } from '$lib/ui/details/object-yaml';
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

/** Values with every key kept and every value masked (a null, which unsets a key, stays). */
export function maskValues(values: unknown): unknown {
  if (values === null || values === undefined) return values;
  if (Array.isArray(values)) return values.map(maskValues);
  // fromEntries: a key `__proto__` stays a key.
  if (typeof values === 'object')
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, maskValues(v)]));
  return MASK;
}

/** A document marker at the start of a line: YAML ends any scalar there, so splitting is exact. */
const DOCUMENT_START = /^(?=---(?:[ \t]|$))/m;
/** Any document that mentions a Secret is parsed (YAML or JSON, a List of them). */
const MENTIONS_SECRET = /\bSecret\b/;

/** Masks, in place, the data and stringData of every Secret in `doc` (a List's items too). */
function maskSecretsIn(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Map(_, node) {
      if (node.get('kind') !== 'Secret') return;
      found = true;
      for (const field of ['data', 'stringData']) {
        const values = node.get(field, true);
        if (isYamlMap(values)) for (const pair of values.items) pair.value = new Scalar(MASK);
        else if (values !== undefined && values !== null) node.set(field, MASK);
      }
    }
  });
  return found;
}

/**
 * The manifest with the values of every Secret in it masked; every other document is left as
 * Helm rendered it, byte for byte. A document that mentions a Secret but cannot be parsed is
 * replaced whole by a comment saying so.
 */
export function maskManifestSecrets(manifest: string): string {
  return manifest
    .split(DOCUMENT_START)
    .map((text) => {
      if (!MENTIONS_SECRET.test(text)) return text;
      const doc = parseDocument(text);
      if (doc.errors.length) {
        const start = text.startsWith('---') ? '---\n' : '';
        return `${start}# A Secret Skiff could not parse: hidden until values are revealed.\n`;
      }
      return maskSecretsIn(doc) ? doc.toString({ lineWidth: 0 }) : text;
    })
    .join('');
}

export type ReleaseTab = 'values' | 'all' | 'manifest' | 'notes';

/**
 * The text one tab of a revision shows: values and Secret data masked unless `revealed`. Copying
 * from the viewer copies this text, so it copies what is shown.
 */
export function tabText(release: HelmRelease, tab: ReleaseTab, revealed = false): string {
  const config = release.config ?? {};
  const shown = (values: unknown) => (revealed ? values : maskValues(values));
  switch (tab) {
    case 'values':
      return Object.keys(config).length
        ? stringify(shown(config))
        : "# No values were supplied for this revision: the chart's defaults apply (see All values).\n";
    case 'all':
      return stringify(shown(mergeValues(release.chart.values ?? {}, config) ?? {}));
    case 'manifest':
      if (!release.manifest) return '# This revision has no manifest.\n';
      return revealed ? release.manifest : maskManifestSecrets(release.manifest);
    case 'notes':
      return release.info.notes || 'This revision has no release notes.';
  }
}
