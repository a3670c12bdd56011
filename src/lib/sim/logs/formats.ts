/** Building blocks of log lines: seeded randomness, the time formats apps print, ANSI colours. */
import { Random } from '../random';

// ---- deterministic randomness ----------------------------------------------------------------------

/** A seeded generator of numbers in [0, 1), for one line's random parts. */
export function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

export type Rand = () => number;
export const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)];
export const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export const hex = (r: Rand, n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');

// ---- time formats ----------------------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go's time.RFC3339Nano (trailing zeros of the fraction dropped), as the kubelet prefixes lines. */
export function rfc3339Nano(ms: number, nanos = 0): string {
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = `${pad(((ms % 1000) + 1000) % 1000, 3)}${pad(nanos, 6)}`.replace(/0+$/, '');
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|([+-])(\d\d):(\d\d))$/;

/**
 * A time as Go's time.Parse(time.RFC3339, s) reads it (how the apiserver decodes `sinceTime`): a
 * fraction of a second is allowed, out-of-range fields are not. `ms` since the epoch, `nanos` below it.
 */
export function parseRfc3339(text: string): { ms: number; nanos: number } | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years below 100 as 19xx
  const local = d.setUTCHours(hour, minute, second, 0);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000 : 0;
  if (m[8] && (Number(m[9]) > 23 || Number(m[10]) > 59)) return undefined;
  const fraction = (m[7] ?? '').slice(0, 9).padEnd(9, '0');
  return { ms: local - offset + Number(fraction.slice(0, 3)), nanos: Number(fraction.slice(3)) };
}

export const isoMs = (t: number) => new Date(t).toISOString();
export function nginxTime(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
export function nginxErrorTime(t: number): string {
  return isoMs(t).slice(0, 19).replace('T', ' ').replace(/-/g, '/');
}
export function redisTime(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${isoMs(t).slice(11, 23)}`;
}
export function postgresTime(t: number): string {
  return `${isoMs(t).slice(0, 23).replace('T', ' ')} UTC`;
}
export function klogTime(t: number, nanos: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${isoMs(t).slice(11, 23)}${pad(Math.floor(nanos / 1000), 3)}`;
}

export const ANSI = {
  reset: '\x1b[0m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  fg: '\x1b[39m'
};
