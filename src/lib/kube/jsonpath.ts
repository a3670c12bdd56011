/**
 * JSONPath with kubectl's grammar, as CRD printer columns use it (`additionalPrinterColumns[].jsonPath`,
 * evaluated by the API server and by Skiff for cells it computes itself): fields `.a.b` (also
 * `['a.b']` and `a\.b` for keys with dots), indices `[0]` and `[-1]`, slices `[0:2]` and `[::2]`,
 * unions `[0,2]` and `['a','b']`, wildcards `[*]` and `.*`, recursive descent `..name`, and filters
 * `[?(@.type=="Ready")]` (==, !=, <, <=, >, >= against a string, number, boolean or null literal, or
 * `[?(@.x)]` for presence). Paths compile once and are cached, since cells are evaluated for every
 * watch event.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'union'; choices: Step[] }
  | { kind: 'wildcard' }
  | { kind: 'descend' }
  | { kind: 'filter'; path: Step[]; op?: Comparison; value?: unknown };

type Comparison = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface CompiledPath {
  readonly source: string;
  readonly steps: readonly Step[];
}

export class JsonPathError extends Error {}

const COMPARISONS: Comparison[] = ['==', '!=', '<=', '>=', '<', '>'];

function fail(path: string, why: string): never {
  throw new JsonPathError(`invalid JSONPath ${JSON.stringify(path)}: ${why}`);
}

function literal(text: string, path: string): unknown {
  const t = text.trim();
  const q = t[0];
  if ((q === '"' || q === "'") && t.length >= 2 && t[t.length - 1] === q) return t.slice(1, -1);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null' || t === 'nil') return null;
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return n;
  return fail(path, `bad literal ${t}`);
}

/** Index of the `]` closing the bracket at `open`, skipping quoted text and nested brackets. */
function closing(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

/** `body` cut at each comma outside quotes (a union's choices). */
function splitChoices(body: string): string[] {
  const parts: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** Where the comparison operator of a filter body starts (outside quotes), and which it is. */
function findComparison(body: string): [number, Comparison] | undefined {
  let quote = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '=' || c === '!' || c === '<' || c === '>')
      for (const op of COMPARISONS) if (body.startsWith(op, i)) return [i, op];
  }
  return undefined;
}

function filter(body: string, path: string): Step {
  const open = body.indexOf('(');
  if (open < 0 || body[body.length - 1] !== ')') fail(path, `bad filter ${body}`);
  const expr = body.slice(open + 1, -1).trim();
  if (expr[0] !== '@') fail(path, `a filter starts with @: ${body}`);
  const cmp = findComparison(expr);
  if (!cmp) return { kind: 'filter', path: parse(expr.slice(1), path) };
  const [at, op] = cmp;
  return {
    kind: 'filter',
    path: parse(expr.slice(1, at).trim(), path),
    op,
    value: literal(expr.slice(at + op.length), path)
  };
}

function slice(body: string, path: string): Step {
  const parts = body.split(':').map((p) => p.trim());
  if (parts.length > 3 || parts.some((p) => p !== '' && !/^-?\d+$/.test(p)))
    fail(path, `unsupported slice [${body}]`);
  const bound = (p: string | undefined) => (p === undefined || p === '' ? undefined : Number(p));
  return { kind: 'slice', start: bound(parts[0]), end: bound(parts[1]), step: bound(parts[2]) };
}

function bracket(inner: string, path: string): Step {
  const body = inner.trim();
  if (body === '*') return { kind: 'wildcard' };
  if (body[0] === '?') return filter(body, path);
  const choices = splitChoices(body);
  if (choices.length > 1) return { kind: 'union', choices: choices.map((c) => bracket(c, path)) };
  const q = body[0];
  if ((q === '"' || q === "'") && body.length >= 2 && body[body.length - 1] === q)
    return { kind: 'field', name: body.slice(1, -1) };
  if (body.includes(':')) return slice(body, path);
  const n = Number(body);
  if (body === '' || !Number.isInteger(n)) fail(path, `unsupported subscript [${body}]`);
  return { kind: 'index', index: n };
}

function parse(text: string, path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  // kubectl accepts the path wrapped in `{…}` and with or without a leading `$`.
  let s = text.trim();
  if (s[0] === '{' && s[s.length - 1] === '}') s = s.slice(1, -1).trim();
  if (s[0] === '$') i = 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '[') {
      const end = closing(s, i);
      if (end < 0) fail(path, 'unclosed [');
      steps.push(bracket(s.slice(i + 1, end), path));
      i = end + 1;
    } else if (c === '.') {
      i++;
      // `..name`: the value and everything below it, then `name` wherever it is a field.
      const descend = s[i] === '.';
      if (descend) {
        steps.push({ kind: 'descend' });
        i++;
      }
      let name = '';
      while (i < s.length && s[i] !== '.' && s[i] !== '[') {
        // `a\.b`: a key with a dot in it (labels and annotations).
        if (s[i] === '\\' && i + 1 < s.length) i++;
        name += s[i++];
      }
      if (name === '*') {
        if (!descend) steps.push({ kind: 'wildcard' });
      } else if (name !== '') steps.push({ kind: 'field', name });
    } else if (steps.length === 0 && i === (s[0] === '$' ? 1 : 0)) {
      // A path without its leading dot: `status.phase`.
      s = `${s.slice(0, i)}.${s.slice(i)}`;
    } else fail(path, `unexpected ${c}`);
  }
  return steps;
}

const cache = new Map<string, CompiledPath>();

/** `path` compiled (cached: printer columns are few and evaluated for every event). Throws JsonPathError. */
export function compileJsonPath(path: string): CompiledPath {
  let compiled = cache.get(path);
  if (!compiled) {
    compiled = { source: path, steps: parse(path, path) };
    if (cache.size > 1000) cache.clear();
    cache.set(path, compiled);
  }
  return compiled;
}

function compare(a: unknown, op: Comparison, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  const x = a as number | string;
  const y = b as number | string;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

const hasOwn = Object.prototype.hasOwnProperty;

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return Object.values(value);
  return [];
}

/** Positions a slice selects in an array of `length`: bounds clamped, negative ones from the end. */
function slicePositions(step: { start?: number; end?: number; step?: number }, length: number): number[] {
  const bound = (x: number | undefined, dflt: number) =>
    x === undefined ? dflt : x < 0 ? Math.max(0, length + x) : Math.min(x, length);
  const by = step.step && step.step > 0 ? step.step : 1;
  const out: number[] = [];
  for (let k = bound(step.start, 0); k < bound(step.end, length); k += by) out.push(k);
  return out;
}

function run(steps: readonly Step[], from: number, value: unknown, out: unknown[]): void {
  if (value === undefined) return;
  if (from === steps.length) {
    out.push(value);
    return;
  }
  const step = steps[from];
  switch (step.kind) {
    case 'field':
      // Own fields only: `.constructor` of an object without one is not Object's constructor.
      if (
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        hasOwn.call(value, step.name)
      )
        run(steps, from + 1, (value as Record<string, unknown>)[step.name], out);
      return;
    case 'index':
      if (Array.isArray(value)) {
        const i = step.index < 0 ? value.length + step.index : step.index;
        if (i >= 0 && i < value.length) run(steps, from + 1, value[i], out);
      }
      return;
    case 'slice':
      if (Array.isArray(value))
        for (const i of slicePositions(step, value.length)) run(steps, from + 1, value[i], out);
      return;
    case 'union':
      for (const choice of step.choices) run([choice, ...steps.slice(from + 1)], 0, value, out);
      return;
    case 'wildcard':
      for (const v of children(value)) run(steps, from + 1, v, out);
      return;
    case 'descend':
      // Document order: the value itself, then each child's subtree.
      run(steps, from + 1, value, out);
      for (const v of children(value)) run(steps, from, v, out);
      return;
    case 'filter':
      for (const v of children(value)) {
        const found: unknown[] = [];
        run(step.path, 0, v, found);
        const keep = step.op ? found.some((f) => compare(f, step.op!, step.value)) : found.length > 0;
        if (keep) run(steps, from + 1, v, out);
      }
      return;
  }
}

/** Every value `path` selects in `obj`, in document order (empty when nothing matches). */
export function evaluateJsonPath(path: string | CompiledPath, obj: unknown): unknown[] {
  const compiled = typeof path === 'string' ? compileJsonPath(path) : path;
  const out: unknown[] = [];
  run(compiled.steps, 0, obj, out);
  return out;
}
