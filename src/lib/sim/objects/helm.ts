/** Helm 3 release records and the Secrets that store them (gzip, then base64 twice). */
import type { NewObject } from '../../kube/types';
import { base64, base64Bytes, isoTime } from './format';

const encoder = new TextEncoder();

let crcTable: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A valid gzip member whose deflate stream uses only stored (uncompressed) blocks: synchronous,
 * dependency-free and readable by any gunzip. Helm release payloads need gzip, not compression.
 */
export function gzipStored(data: Uint8Array, mtimeSeconds = 0): Uint8Array {
  const MAX_BLOCK = 65535;
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK));
  const out = new Uint8Array(10 + blocks * 5 + data.length + 8);
  const view = new DataView(out.buffer);
  out.set([0x1f, 0x8b, 8, 0], 0); // magic, CM=deflate, no flags
  view.setUint32(4, mtimeSeconds >>> 0, true);
  out[8] = 0; // XFL
  out[9] = 3; // OS = Unix
  let pos = 10;
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX_BLOCK;
    const len = Math.min(MAX_BLOCK, data.length - start);
    out[pos] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE=00 (stored)
    view.setUint16(pos + 1, len, true);
    view.setUint16(pos + 3, ~len & 0xffff, true);
    out.set(data.subarray(start, start + len), pos + 5);
    pos += 5 + len;
  }
  view.setUint32(pos, crc32(data), true);
  view.setUint32(pos + 4, data.length >>> 0, true);
  return out;
}

export interface HelmReleaseInit {
  name: string;
  namespace: string;
  revision: number;
  status: 'deployed' | 'superseded' | 'failed' | 'uninstalled' | 'pending-upgrade';
  chart: { name: string; version: string; appVersion: string; description?: string; home?: string };
  values: Record<string, unknown>; // chart defaults
  config: Record<string, unknown>; // user-supplied values
  manifest: string;
  firstDeployed: number;
  lastDeployed: number;
  description?: string;
  notes?: string;
}

/** The release record Helm 3 stores (what `helm get all` reads back). */
export function helmReleaseJson(h: HelmReleaseInit): Record<string, unknown> {
  const toTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000000Z');
  return {
    name: h.name,
    info: {
      first_deployed: toTime(h.firstDeployed),
      last_deployed: toTime(h.lastDeployed),
      deleted: '',
      description: h.description ?? (h.revision === 1 ? 'Install complete' : 'Upgrade complete'),
      status: h.status,
      ...(h.notes ? { notes: h.notes } : {})
    },
    chart: {
      metadata: {
        name: h.chart.name,
        home: h.chart.home ?? `https://github.com/example/${h.chart.name}`,
        version: h.chart.version,
        description: h.chart.description ?? `A Helm chart for ${h.chart.name}`,
        apiVersion: 'v2',
        appVersion: h.chart.appVersion,
        type: 'application'
      },
      lock: null,
      templates: [],
      values: h.values,
      schema: null,
      files: []
    },
    config: h.config,
    manifest: h.manifest,
    version: h.revision,
    namespace: h.namespace
  };
}

/** `data.release` of a Helm release Secret: base64 (Secret encoding) of base64 of gzip of the JSON. */
export function encodeHelmRelease(release: Record<string, unknown>, mtimeSeconds = 0): string {
  const gz = gzipStored(encoder.encode(JSON.stringify(release)), mtimeSeconds);
  return base64(base64Bytes(gz));
}

export function helmReleaseSecret(h: HelmReleaseInit): NewObject {
  const release = helmReleaseJson(h);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `sh.helm.release.v1.${h.name}.v${h.revision}`,
      namespace: h.namespace,
      creationTimestamp: isoTime(h.lastDeployed),
      labels: {
        modifiedAt: String(Math.floor(h.lastDeployed / 1000)),
        name: h.name,
        owner: 'helm',
        status: h.status,
        version: String(h.revision)
      }
    },
    data: { release: encodeHelmRelease(release, Math.floor(h.lastDeployed / 1000)) },
    type: 'helm.sh/release.v1'
  };
}
