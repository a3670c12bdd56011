/**
 * Config: ConfigMaps and Secrets. Secret cells name keys and never carry values; Helm release
 * Secrets also get the release's name, chart, status and revision. Helm's labels carry the name,
 * revision and status; the chart, app version and deploy time are only in the payload, which is
 * decoded (bounded: kube/helm.ts) once per Secret version and remembered as a few small fields.
 */
import { decodeHelmRelease, HELM_SECRET_TYPE, HelmReleaseTooLarge } from '../kube/helm';
import type { Cell } from '../watch/row';
import { col, keyCount, keyNames, kind } from './cells';
import type { KindDef } from './types';
import type { Obj } from '../kube/types';

/** Helm's timestamps carry nanoseconds (`…:05.123456789Z`): cut to what Date and the UI take. */
function isoOf(helmTime: string | undefined): string | null {
  if (!helmTime) return null;
  const t = Date.parse(helmTime);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** What a release Secret's payload says, or why it was not read. */
type Decoded =
  | {
      release: string;
      chart: string;
      appVersion: string | null;
      revision: number;
      status: string | null;
      updated: string | null;
    }
  | { error: string; tooLarge: boolean };

function decodeCells(payload: string): Decoded {
  try {
    const r = decodeHelmRelease(payload);
    const meta = r.chart.metadata;
    return {
      release: r.name,
      chart: `${meta.name}-${meta.version}`,
      appVersion: meta.appVersion ?? null,
      revision: r.version,
      status: r.info.status ?? null,
      updated: isoOf(r.info.last_deployed)
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), tooLarge: e instanceof HelmReleaseTooLarge };
  }
}

/**
 * Decoded payloads by Secret version, so a watch event, a relist or a second informer that
 * projects the same version again does not inflate it again. The key also holds the payload's
 * length and tail (for gzip, its CRC and size) in case two objects share a uid and version (two
 * clusters, tests). Oldest first; a hit moves to the end.
 */
const decodedByVersion = new Map<string, Decoded>();
const DECODED_MAX = 2048;

function decodedOf(s: Obj, payload: string): Decoded {
  const { uid, resourceVersion } = s.metadata;
  if (!uid || !resourceVersion) return decodeCells(payload);
  const key = `${uid}\n${resourceVersion}\n${payload.length}\n${payload.slice(-48)}`;
  let d = decodedByVersion.get(key);
  if (d) decodedByVersion.delete(key);
  else {
    d = decodeCells(payload);
    if (decodedByVersion.size >= DECODED_MAX)
      decodedByVersion.delete(decodedByVersion.keys().next().value as string);
  }
  decodedByVersion.set(key, d);
  return d;
}

function helmCells(s: Obj): Record<string, Cell> {
  const labels = s.metadata.labels ?? {};
  // The labels Helm sets answer even when the payload cannot be read (or is not ours to read).
  const fallback: Record<string, Cell> = {
    release: labels.name ?? null,
    chart: null,
    appVersion: null,
    revision: labels.version ? Number(labels.version) : null,
    status: labels.status ?? null,
    updated: labels.modifiedAt ? new Date(Number(labels.modifiedAt) * 1000).toISOString() : null
  };
  const payload = s.data?.release;
  if (typeof payload !== 'string') return fallback;
  const d = decodedOf(s, payload);
  // A release refused for its size says so where its status goes (in red: "Error").
  if ('error' in d) return d.tooLarge ? { ...fallback, status: `Error: ${d.error}` } : fallback;
  return { ...d, updated: d.updated ?? fallback.updated };
}

function secretCells(s: Obj): Record<string, Cell> {
  const cells: Record<string, Cell> = {
    type: s.type ?? 'Opaque',
    keys: keyCount(s.data) + keyCount(s.stringData),
    keyNames: keyNames(s.data, s.stringData)
  };
  return s.type === HELM_SECRET_TYPE ? { ...cells, ...helmCells(s) } : cells;
}

export const CONFIG_KINDS: KindDef[] = [
  kind(
    'Config',
    '',
    'v1',
    'configmaps',
    'ConfigMap',
    'ConfigMaps',
    true,
    [col('keys', 'Keys', 'number'), col('keyNames', 'Key names', 'list')],
    (c) => ({
      keys: keyCount(c.data) + keyCount(c.binaryData),
      keyNames: keyNames(c.data, c.binaryData),
      immutable: c.immutable === true
    })
  ),
  kind(
    'Config',
    '',
    'v1',
    'secrets',
    'Secret',
    'Secrets',
    true,
    [
      col('type', 'Type', 'text'),
      col('keys', 'Keys', 'number'),
      col('keyNames', 'Key names', 'list'),
      col('release', 'Helm release', 'text', { hidden: true }),
      col('chart', 'Chart', 'text', { hidden: true }),
      col('appVersion', 'App version', 'text', { hidden: true }),
      col('revision', 'Revision', 'number', { hidden: true }),
      col('status', 'Release status', 'status', { hidden: true }),
      col('updated', 'Updated', 'age', { hidden: true })
    ],
    secretCells
  )
];
