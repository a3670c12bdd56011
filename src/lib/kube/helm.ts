/**
 * Helm 3 release records, read from the Secrets Helm stores them in (type `helm.sh/release.v1`,
 * `data.release`): base64 (the Secret's encoding) of base64 of gzip of the release JSON.
 *
 * Anyone who may write a Secret can make one look like a release, so decoding is bounded: the
 * encoded payload may be at most `maxEncodedChars` long, a gzip whose trailer claims more than
 * `maxReleaseBytes` is refused before inflating, and inflating stops as soon as the output passes
 * `maxReleaseBytes` (the trailer can lie). Inflating is synchronous (fflate's streaming Gunzip, fed
 * in slices small enough that one slice cannot overshoot the bound by much) because projections run
 * synchronously; the projection decodes each Secret version once (see kinds/config.ts).
 */
import { Gunzip, strFromU8 } from 'fflate';

export const HELM_SECRET_TYPE = 'helm.sh/release.v1';

export interface HelmDecodeLimits {
  /** The longest `data.release` (characters of the Secret's base64) that is decoded at all. */
  maxEncodedChars: number;
  /** The largest release JSON (bytes, once inflated) that is decoded. */
  maxReleaseBytes: number;
}

/**
 * A Kubernetes Secret holds at most 1 MiB, and a real release with a big manifest inflates to a
 * few MB: these bounds leave room for both and keep a crafted Secret from allocating gigabytes.
 */
export const HELM_DECODE_LIMITS: Readonly<HelmDecodeLimits> = Object.freeze({
  maxEncodedChars: 4 * 1024 * 1024,
  maxReleaseBytes: 16 * 1024 * 1024
});

/** A release Skiff refused to decode because it is (or claims to be) larger than the limits. */
export class HelmReleaseTooLarge extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelmReleaseTooLarge';
  }
}

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

/** `16 MB`, `1.5 GB`: sizes in the units a refusal names. */
function sizeText(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : Number(v.toFixed(1))} ${units[u]}`;
}

const tooLarge = (detail: string) => new HelmReleaseTooLarge(`release too large to decode (${detail})`);

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

/** Deflate's best ratio: one input byte never yields more than this many output bytes. */
const MAX_DEFLATE_RATIO = 1032;
const MIN_SLICE = 1024;
const MAX_SLICE = 8 * 1024;

/**
 * Gunzip `gz`, refusing (HelmReleaseTooLarge) a member whose ISIZE trailer claims more than
 * `maxBytes` without inflating it, and aborting as soon as the output passes `maxBytes` (the
 * trailer only holds the size mod 2^32, and may lie). The input goes in slices of at most 8 KB,
 * smaller as the bound nears, so one slice (a deflated byte inflates to at most 1032) overshoots it
 * by a few MB at most: memory and the work done on a gzip bomb stay near `maxBytes` of output.
 */
export function gunzipBounded(gz: Uint8Array, maxBytes: number): Uint8Array {
  if (gz.length < 18 || !isGzip(gz)) throw new Error('invalid gzip data');
  const view = new DataView(gz.buffer, gz.byteOffset, gz.byteLength);
  const claimed = view.getUint32(gz.length - 4, true);
  if (claimed > maxBytes)
    throw tooLarge(`its gzip trailer claims ${sizeText(claimed)}, over ${sizeText(maxBytes)}`);
  const parts: Uint8Array[] = [];
  let total = 0;
  let over = false;
  const stream = new Gunzip((chunk) => {
    if (over) return;
    total += chunk.length;
    if (total > maxBytes) over = true;
    else if (chunk.length) parts.push(chunk);
  });
  for (let at = 0; at < gz.length;) {
    const budget = Math.floor((maxBytes - total) / MAX_DEFLATE_RATIO);
    const end = Math.min(gz.length, at + Math.min(MAX_SLICE, Math.max(MIN_SLICE, budget)));
    stream.push(gz.subarray(at, end), end === gz.length);
    if (over) throw tooLarge(`over ${sizeText(maxBytes)}`);
    at = end;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/**
 * The release in a Helm Secret's `data.release` (as the API returns it, still base64 once for the
 * Secret). Throws HelmReleaseTooLarge on a payload over the limits, an Error on a payload that is
 * not a Helm release.
 */
export function decodeHelmRelease(
  secretDataRelease: string,
  limits: HelmDecodeLimits = HELM_DECODE_LIMITS
): HelmRelease {
  if (secretDataRelease.length > limits.maxEncodedChars)
    throw tooLarge(`its Secret data is over ${sizeText(limits.maxEncodedChars)}`);
  // Secret data → Helm's base64 text → (gzip) bytes.
  const helmText = atob(secretDataRelease.trim());
  const bytes = base64ToBytes(helmText.trim());
  if (!isGzip(bytes) && bytes.length > limits.maxReleaseBytes)
    throw tooLarge(`over ${sizeText(limits.maxReleaseBytes)}`);
  const json = strFromU8(isGzip(bytes) ? gunzipBounded(bytes, limits.maxReleaseBytes) : bytes);
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
