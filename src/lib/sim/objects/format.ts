/**
 * Formats and encodings the object factories share: apiserver timestamps, the hashes behind
 * generated names and digests, base64, resource quantities, addresses and image references.
 */
import { quantityValue } from '../../kube/quantity';

export const KUBE_VERSION = 'v1.32.3';
export const CONTAINER_RUNTIME = 'containerd://1.7.24';

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayPrefixes = new Map<number, string>();

/** `2026-11-26T10:00:00Z`: apiserver timestamps have second precision. */
export function isoTime(ms: number): string {
  // Formatting is hot when populating large worlds: the date part is cached per day.
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / 86400);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size > 4096) dayPrefixes.clear();
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const rem = seconds - day * 86400;
  const h = Math.floor(rem / 3600);
  const m = Math.floor((rem - h * 3600) / 60);
  return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[rem - h * 3600 - m * 60]}Z`;
}

export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const FNV_PRIME = 0x01000193;

function fnvText(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * fnv32a over a canonical encoding of a JSON value (object keys sorted, undefined fields skipped):
 * equal objects hash equally whatever their key order, with no intermediate string.
 */
export function canonicalHash(value: unknown, h = 0x811c9dc5): number {
  if (value === null || value === undefined) return Math.imul(h ^ 0x7a, FNV_PRIME); // 'z'
  switch (typeof value) {
    case 'string':
      return fnvText(Math.imul(h ^ 0x22, FNV_PRIME), value) ^ 0; // '"' then the text
    case 'number':
    case 'boolean':
      return fnvText(Math.imul(h ^ 0x23, FNV_PRIME), String(value));
  }
  if (Array.isArray(value)) {
    h = Math.imul(h ^ 0x5b, FNV_PRIME); // '['
    for (const item of value) h = Math.imul(canonicalHash(item, h) ^ 0x2c, FNV_PRIME); // ','
    return Math.imul(h ^ 0x5d, FNV_PRIME); // ']'
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Objects built by the simulator mostly have sorted keys already: only sort when needed.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys.sort();
      break;
    }
  }
  h = Math.imul(h ^ 0x7b, FNV_PRIME); // '{'
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    h = Math.imul(fnvText(h, key) ^ 0x3a, FNV_PRIME); // ':'
    h = Math.imul(canonicalHash(v, h) ^ 0x2c, FNV_PRIME);
  }
  return Math.imul(h ^ 0x7d, FNV_PRIME); // '}'
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The `pod-template-hash` of a pod template, like the deployment controller's ComputeHash:
 * fnv32a of the template, printed in decimal, each digit mapped through rand.SafeEncodeString's alphabet.
 */
export function templateHash(template: unknown): string {
  const decimal = String(canonicalHash(template) >>> 0);
  let out = '';
  for (let i = 0; i < decimal.length; i++) out += SAFE_ALPHABET[decimal.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** 64 hex digits derived from a string: stable image digests (the same image has the same digest everywhere). */
export function digestOf(text: string): string {
  let out = '';
  for (let i = 0; i < 8; i++)
    out += fnv1a32(text, 0x811c9dc5 + i * 0x9e3779b1)
      .toString(16)
      .padStart(8, '0');
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Bytes(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    chunk += B64[a >> 2] + B64[((a & 3) << 4) | (b >> 4)];
    chunk += i + 1 < bytes.length ? B64[((b & 15) << 2) | (c >> 6)] : '=';
    chunk += i + 2 < bytes.length ? B64[c & 63] : '=';
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

const encoder = new TextEncoder();

/** base64 of the UTF-8 bytes of a string, as in a Secret's `data`. */
export function base64(text: string): string {
  return base64Bytes(encoder.encode(text));
}

/** The value of a resource quantity (`250m` → 0.25, `1Gi` → 1073741824): 0 when absent, NaN when malformed. */
export function parseQuantity(q: string | number | undefined): number {
  return q === undefined ? 0 : (quantityValue(q) ?? NaN);
}

/** Millicores in canonical form: 1500 → `1500m`, 2000 → `2`. */
export function formatCpu(milli: number): string {
  const m = Math.round(milli);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** Bytes in the largest binary suffix that divides them exactly: 1610612736 → `1536Mi`. */
export function formatMemory(bytes: number): string {
  const b = Math.round(bytes);
  for (const [suffix, f] of [
    ['Ti', 1024 ** 4],
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024]
  ] as const) {
    if (b !== 0 && b % f === 0) return `${b / f}${suffix}`;
  }
  return String(b);
}

/** The address `offset` places into a CIDR block: `ipInCidr('10.64.2.0/23', 300)` → `10.64.3.44`. */
export function ipInCidr(cidr: string, offset: number): string {
  const base = cidr
    .split('/')[0]
    .split('.')
    .reduce((n, octet) => n * 256 + Number(octet), 0);
  const v = base + offset;
  return `${Math.floor(v / 16777216) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
}

/** Addresses in a CIDR block (`/24` → 256). */
export function cidrSize(cidr: string): number {
  return 2 ** (32 - Number(cidr.split('/')[1] ?? 32));
}

/** `nginx:1.27` → `docker.io/library/nginx:1.27`, as the runtime reports images. */
export function normalizeImage(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return image;
  return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}

const imageIds = new Map<string, string>();

export function imageId(image: string): string {
  let id = imageIds.get(image);
  if (id === undefined) {
    const full = normalizeImage(image);
    id = `${full.replace(/:[^:/]+$/, '')}@sha256:${digestOf(full)}`;
    if (imageIds.size > 10_000) imageIds.clear();
    imageIds.set(image, id);
  }
  return id;
}
