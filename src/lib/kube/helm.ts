/**
 * Helm 3 release records, read from the Secrets Helm stores them in (type `helm.sh/release.v1`,
 * `data.release`): base64 (the Secret's encoding) of base64 of gzip of the release JSON.
 * Inflating is synchronous (fflate) because projections run synchronously for every watch event.
 */
import { gunzipSync, strFromU8 } from 'fflate';

export const HELM_SECRET_TYPE = 'helm.sh/release.v1';

export interface HelmChartMetadata {
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  home?: string;
  apiVersion?: string;
  type?: string;
  [field: string]: unknown;
}

export interface HelmReleaseInfo {
  status: string;
  first_deployed?: string;
  last_deployed?: string;
  deleted?: string;
  description?: string;
  notes?: string;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  /** The revision. */
  version: number;
  info: HelmReleaseInfo;
  chart: { metadata: HelmChartMetadata; values?: Record<string, unknown> | null; [field: string]: unknown };
  /** The values the user supplied (`helm get values`). */
  config: Record<string, unknown> | null;
  manifest: string;
}

function base64ToBytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Helm's own encoding may skip gzip (very old releases): the gzip magic says which. */
function isGzip(b: Uint8Array): boolean {
  return b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * The release in a Helm Secret's `data.release` (as the API returns it, still base64 once for the
 * Secret). Throws on a payload that is not a Helm release.
 */
export function decodeHelmRelease(secretDataRelease: string): HelmRelease {
  // Secret data → Helm's base64 text → (gzip) bytes.
  const helmText = atob(secretDataRelease.trim());
  const bytes = base64ToBytes(helmText.trim());
  const json = isGzip(bytes) ? strFromU8(gunzipSync(bytes)) : strFromU8(bytes);
  const r = JSON.parse(json) as Partial<HelmRelease>;
  if (!r || typeof r !== 'object' || typeof r.name !== 'string' || !r.info || !r.chart?.metadata)
    throw new Error('not a Helm release record');
  return {
    name: r.name,
    namespace: r.namespace ?? '',
    version: typeof r.version === 'number' ? r.version : 0,
    info: r.info,
    chart: r.chart,
    config: r.config ?? null,
    manifest: r.manifest ?? ''
  };
}
