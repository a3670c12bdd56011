/**
 * Usage in the units the metrics join keeps (CPU in millicores, memory in bytes) and as people read
 * it: `250m`, `1.5 cores`, `312Mi`, `1.2Gi`, `42%`.
 */
import { quantityValue } from '../kube/quantity';

/** A CPU quantity ("1234567n", "250m", "2") in millicores; undefined when it is not one. */
export function millicores(q: string | number | undefined | null): number | undefined {
  const cores = quantityValue(q);
  return cores === undefined ? undefined : cores * 1000;
}

/** A memory quantity ("44680Ki", "1Gi", "1e9") in bytes; undefined when it is not one. */
export function bytes(q: string | number | undefined | null): number | undefined {
  return quantityValue(q);
}

/** Millicores as kubectl top prints them below a core (`250m`), cores above (`1.25 cores`). */
export function formatCpu(m: number | null | undefined): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return '';
  if (m < 1000) return m > 0 && m < 1 ? '<1m' : `${Math.round(m)}m`;
  const cores = m / 1000;
  const text = cores < 10 ? cores.toFixed(2).replace(/\.?0+$/, '') : cores.toFixed(1).replace(/\.0$/, '');
  return `${text} ${text === '1' ? 'core' : 'cores'}`;
}

const BINARY: [string, number][] = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10]
];

/** Bytes in binary units: `512Ki`, `312Mi`, `1.25Gi`. */
export function formatMemory(b: number | null | undefined): string {
  if (b === null || b === undefined || !Number.isFinite(b)) return '';
  for (const [suffix, size] of BINARY) {
    if (b >= size) {
      const v = b / size;
      // Three significant digits at most: 1.25Gi, 12.5Gi, 125Gi.
      const text = v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
      return `${text.includes('.') ? text.replace(/\.?0+$/, '') : text}${suffix}`;
    }
  }
  return `${Math.round(b)}B`;
}

/** A share as a whole percent (`42%`), one decimal below 1 % (`0.4%`). */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '';
  return p > 0 && p < 1 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

/** `part` as a percentage of `whole`; null without a positive whole. */
export function percentOf(part: number | null | undefined, whole: number | null | undefined): number | null {
  if (part === null || part === undefined || !whole || whole <= 0) return null;
  return (part / whole) * 100;
}
