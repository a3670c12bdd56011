/** JSONPath as CRD printer columns use it, with kubectl's grammar: fields, wildcards, slices, filters. */

type Step =
  | { kind: 'field'; names: string[] }
  | { kind: 'recursive'; name: string | undefined }
  | { kind: 'wildcard' }
  | { kind: 'index'; indices: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; path: Step[]; op?: string; value?: unknown };

function jsonPathError(path: string, why: string): Error {
  return new Error(`invalid JSONPath ${JSON.stringify(path)}: ${why}`);
}

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null' || t === 'nil') return null;
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return n;
  return t;
}

/** Index of the `]` closing the bracket opened at `open`, skipping quoted text and nested brackets. */
function closingBracket(s: string, open: number): number {
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

function parseBracket(inner: string, path: string): Step {
  const body = inner.trim();
  if (body === '*') return { kind: 'wildcard' };
  if (body.startsWith('?')) {
    const m = /^\?\s*\((.*)\)$/s.exec(body);
    if (!m) throw jsonPathError(path, `bad filter ${body}`);
    const expr = m[1].trim();
    const cmp = /^(@[^=!<>\s]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/s.exec(expr);
    if (cmp) {
      return {
        kind: 'filter',
        path: parseSteps(cmp[1].slice(1), path),
        op: cmp[2],
        value: parseLiteral(cmp[3])
      };
    }
    if (!expr.startsWith('@')) throw jsonPathError(path, `bad filter ${body}`);
    return { kind: 'filter', path: parseSteps(expr.slice(1), path) };
  }
  if (body.includes(':')) {
    const [a, b, c] = body.split(':').map((x) => x.trim());
    const num = (x: string | undefined) => (x === undefined || x === '' ? undefined : Number(x));
    return { kind: 'slice', start: num(a), end: num(b), step: num(c) };
  }
  const parts = body.split(',').map((p) => p.trim());
  if (parts.every((p) => /^-?\d+$/.test(p))) return { kind: 'index', indices: parts.map(Number) };
  return { kind: 'field', names: parts.map((p) => String(parseLiteral(p))) };
}

function parseSteps(expr: string, path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '.') {
      const recursive = expr[i + 1] === '.';
      i += recursive ? 2 : 1;
      let j = i;
      while (j < expr.length && expr[j] !== '.' && expr[j] !== '[') j++;
      const name = expr.slice(i, j);
      i = j;
      if (recursive) steps.push({ kind: 'recursive', name: name === '' || name === '*' ? undefined : name });
      else if (name === '*') steps.push({ kind: 'wildcard' });
      else if (name !== '') steps.push({ kind: 'field', names: [name] });
    } else if (c === '[') {
      const end = closingBracket(expr, i);
      if (end < 0) throw jsonPathError(path, 'unclosed [');
      steps.push(parseBracket(expr.slice(i + 1, end), path));
      i = end + 1;
    } else if (c === '$' && i === 0) {
      i++;
    } else {
      let j = i;
      while (j < expr.length && expr[j] !== '.' && expr[j] !== '[') j++;
      steps.push({ kind: 'field', names: [expr.slice(i, j)] });
      i = j;
    }
  }
  return steps;
}

const stepCache = new Map<string, Step[]>();

function compile(path: string): Step[] {
  let steps = stepCache.get(path);
  if (!steps) {
    let expr = path.trim();
    if (expr.startsWith('{') && expr.endsWith('}')) expr = expr.slice(1, -1).trim();
    steps = parseSteps(expr, path);
    stepCache.set(path, steps);
  }
  return steps;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function descendants(v: unknown, out: unknown[]) {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) descendants(x, out);
  else if (isObject(v)) for (const x of Object.values(v)) descendants(x, out);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
    }
  }
  if (op === '==') return String(a) === String(b);
  if (op === '!=') return String(a) !== String(b);
  if (typeof a === 'string' && typeof b === 'string') {
    return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  }
  return false;
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.kind) {
      case 'field':
        if (isObject(v)) for (const n of step.names) if (n in v) out.push(v[n]);
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) out.push(...Object.values(v));
        break;
      case 'recursive': {
        const all: unknown[] = [];
        descendants(v, all);
        for (const d of all) {
          if (step.name === undefined) out.push(d);
          else if (isObject(d) && step.name in d) out.push(d[step.name]);
        }
        break;
      }
      case 'index':
        if (Array.isArray(v)) {
          for (const i of step.indices) {
            const k = i < 0 ? v.length + i : i;
            if (k >= 0 && k < v.length) out.push(v[k]);
          }
        }
        break;
      case 'slice':
        if (Array.isArray(v)) {
          const norm = (x: number | undefined, dflt: number) =>
            x === undefined ? dflt : x < 0 ? Math.max(0, v.length + x) : Math.min(x, v.length);
          const stepBy = step.step && step.step > 0 ? step.step : 1;
          for (let k = norm(step.start, 0); k < norm(step.end, v.length); k += stepBy) out.push(v[k]);
        }
        break;
      case 'filter': {
        const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
        for (const item of items) {
          const found = evaluate([item], step.path);
          if (step.op === undefined) {
            if (found.length > 0 && found[0] !== false && found[0] !== null) out.push(item);
          } else if (found.some((f) => compare(f, step.op!, step.value))) out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

function evaluate(values: unknown[], steps: Step[]): unknown[] {
  let cur = values;
  for (const s of steps) cur = applyStep(cur, s);
  return cur;
}

/**
 * Evaluate a JSONPath as CRD printer columns use it (`.status.replicas`, `.spec.items[0]`,
 * `.items[*].name`, `.status.conditions[?(@.type=="Ready")].status`). Missing keys give no result.
 */
export function jsonPath(obj: unknown, path: string): unknown[] {
  return evaluate([obj], compile(path));
}
