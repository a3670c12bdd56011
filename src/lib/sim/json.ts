/** Comparing JSON documents without serializing them. */

/** Does JSON.stringify leave this property out? */
function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** What JSON.stringify writes for a value inside an array: what it would leave out becomes null. */
function inArray(v: unknown): unknown {
  return skipped(v) ? null : v;
}

/** An object that does not serialize as its own keys: a Date, a boxed value, anything with toJSON. */
function notPlain(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return (
    (proto !== Object.prototype && proto !== Array.prototype) ||
    typeof (v as { toJSON?: unknown }).toJSON === 'function'
  );
}

/**
 * `JSON.stringify(a) === JSON.stringify(b)`, without building either string: a walk that stops at the
 * first difference and skips shared subtrees. Key order counts, as it does in the serialized text.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    // NaN and ±Infinity serialize as null.
    return !Number.isFinite(a) && !Number.isFinite(b);
  }
  if (notPlain(a) || notPlain(b)) return JSON.stringify(a) === JSON.stringify(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    const nullish = (v: unknown) => v === null || (typeof v === 'number' && !Number.isFinite(v));
    if (nullish(a) && nullish(b)) return true;
    // Top-level undefined, functions and symbols serialize to nothing: equal to each other only.
    return skipped(a) && skipped(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(inArray(a[i]), inArray(b[i]))) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  const bk = Object.keys(bo);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < ak.length && skipped(ao[ak[i]])) i++;
    while (j < bk.length && skipped(bo[bk[j]])) j++;
    if (i === ak.length || j === bk.length) return i === ak.length && j === bk.length;
    if (ak[i] !== bk[j] || !jsonEqual(ao[ak[i]], bo[bk[j]])) return false;
    i++;
    j++;
  }
}

/**
 * Whether two JSON documents hold the same data, the order of object keys aside (otherwise as
 * `jsonEqual`): what a controller compares before writing a status it recomputed, since the stored
 * one may list the same fields in another order (a Job's completion fields are appended when it
 * finishes, and come first when its status is computed again) and that is no change worth a write.
 */
export function jsonEqualIgnoringKeyOrder(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (notPlain(a) || notPlain(b)) return jsonEqualIgnoringKeyOrder(asData(a), asData(b));
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return jsonEqual(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++)
      if (!jsonEqualIgnoringKeyOrder(inArray(a[i]), inArray(b[i]))) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let keys = 0;
  for (const key of Object.keys(ao)) {
    if (skipped(ao[key])) continue;
    keys++;
    if (!Object.hasOwn(bo, key) || !jsonEqualIgnoringKeyOrder(ao[key], bo[key])) return false;
  }
  for (const key of Object.keys(bo)) if (!skipped(bo[key])) keys--;
  return keys === 0;
}

/** What a value serializes to, read back: plain objects and arrays (a Date becomes its string). */
function asData(v: unknown): unknown {
  const text = JSON.stringify(v);
  return text === undefined ? undefined : JSON.parse(text);
}
