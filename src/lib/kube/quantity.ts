/**
 * resource.Quantity strings ("250m", "1.5Gi", "12345678n", "1e3") as numbers: the one parser behind
 * quota usage in the catalog and, in the simulator, pod QoS and the metrics API. Formatting stays with
 * each caller, since they print different canonical forms (millicores in specs, nanocores in metrics).
 */

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60
};

/** A number, then either a decimal exponent or a suffix (the apiserver accepts no mix of the two). */
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/** The value of a quantity in base units (cores, bytes, counts); undefined if absent or not one. */
export function quantityValue(q: string | number | undefined | null): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === 'number') return q;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1] + (m[2] ?? '')) * (m[3] ? SUFFIXES[m[3]] : 1);
}
