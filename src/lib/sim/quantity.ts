/**
 * resource.Quantity values: the one parser behind pod QoS, quota usage and the metrics API.
 * Formatting stays with each caller, since they print different canonical forms (millicores in
 * object specs, nanocores in metrics).
 */

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
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

/** A resource.Quantity string ("250m", "1.5Gi", "12345678n", "1e3") in base units; undefined if absent. */
export function parseQuantity(q: string | number | undefined | null): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === 'number') return q;
  const s = q.trim();
  const exp = /^([+-]?(?:\d+\.?\d*|\.\d+))[eE]([+-]?\d+)$/.exec(s);
  if (exp) return Number(exp[1]) * 10 ** Number(exp[2]);
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * SUFFIXES[m[2] ?? ''];
}
