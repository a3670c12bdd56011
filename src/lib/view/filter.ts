/**
 * A view's filter compiled once into a row predicate. Label selectors are parsed here rather than
 * with the simulator's parser, which matches whole Kubernetes objects and throws API errors.
 */
import type { Cell, Row } from '../watch/row';
import { columnGetter, compareCells, isMissing } from './sort';
import type { FieldPredicate, ViewFilter } from './types';
import { selectorTerms } from '../kube/selector-terms';

export type RowPredicate = (row: Row) => boolean;
type LabelTest = (labels: Record<string, string>) => boolean;

/** A filter that cannot be compiled (a malformed label selector, an unknown operator). */
export class FilterError extends Error {
  override name = 'FilterError';
}

// Label keys and values as Kubernetes validates them: optional DNS-subdomain prefix, 63-char name.
const KEY = /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function splitTerms(selector: string): string[] {
  const terms = selectorTerms(selector);
  if (!terms) throw new FilterError(`unbalanced parentheses in "${selector}"`);
  return terms;
}

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new FilterError(`invalid label key "${key}"`);
}

function checkValue(value: string): void {
  if (!VALUE.test(value)) throw new FilterError(`invalid label value "${value}"`);
}

const has = (labels: Record<string, string>, key: string): boolean => Object.hasOwn(labels, key);

function parseTerm(term: string): LabelTest {
  if (term === '') throw new FilterError('empty requirement in label selector');
  let m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m;
    checkKey(key);
    const values = list.split(',').map((v) => v.trim());
    if (values.length === 1 && values[0] === '')
      throw new FilterError(`"${op}" needs at least one value in "${term}"`);
    values.forEach(checkValue);
    const set = new Set(values);
    // As in Kubernetes, `notin` also matches objects without the label.
    return op === 'in' ? (l) => has(l, key) && set.has(l[key]) : (l) => !has(l, key) || !set.has(l[key]);
  }
  m = /^([^\s!=(),]+)\s*(==|!=|=)\s*([^\s!=(),]*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m;
    checkKey(key);
    checkValue(value);
    // `a!=b` also matches objects without the label, as in Kubernetes.
    return op === '!=' ? (l) => !has(l, key) || l[key] !== value : (l) => has(l, key) && l[key] === value;
  }
  m = /^(!?)\s*([^\s!=(),]+)$/.exec(term);
  if (m) {
    const [, not, key] = m;
    checkKey(key);
    return not ? (l) => !has(l, key) : (l) => has(l, key);
  }
  throw new FilterError(`cannot parse "${term}": expected key, !key, key=value, key!=value, key in (…)`);
}

/** Compiles a label selector into a test of a row's labels; throws FilterError on bad syntax. */
export function parseLabelSelector(selector: string): (labels: Record<string, string>) => boolean {
  if (selector.trim() === '') return () => true;
  const tests = splitTerms(selector).map(parseTerm);
  return (labels) => {
    for (const test of tests) if (!test(labels)) return false;
    return true;
  };
}

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** A cell as a number when it is one or is a numeric string (filters typed in a URL are strings). */
function asNumber(value: string | number | boolean): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

/** Compare a present cell with a present filter value, numbers numerically even when one is a string. */
function looseCompare(a: string | number | boolean, b: string | number | boolean): number {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === typeof b) return compareCells(a, b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function compileField(field: FieldPredicate): RowPredicate {
  const get = columnGetter(field.column);
  const want = field.value;
  const equal = (cell: Cell): boolean => {
    if (isMissing(cell) || isMissing(want)) return isMissing(cell) && isMissing(want);
    return looseCompare(cell, want) === 0;
  };
  switch (field.op) {
    case '=':
      return (row) => equal(get(row));
    case '!=':
      return (row) => !equal(get(row));
    case '<':
    case '>': {
      const sign = field.op === '<' ? -1 : 1;
      if (isMissing(want)) return () => false;
      return (row) => {
        const cell = get(row);
        return !isMissing(cell) && Math.sign(looseCompare(cell, want)) === sign;
      };
    }
    case 'contains': {
      if (isMissing(want)) return () => false;
      const needle = String(want).toLowerCase();
      return (row) => {
        const cell = get(row);
        return !isMissing(cell) && String(cell).toLowerCase().includes(needle);
      };
    }
    default:
      throw new FilterError(`unknown field operator "${String((field as { op: unknown }).op)}"`);
  }
}

function textMatches(row: Row, needle: string): boolean {
  if (row.name.toLowerCase().includes(needle) || row.namespace.toLowerCase().includes(needle)) return true;
  for (const k in row.cells) {
    const cell = row.cells[k];
    if (cell !== null && String(cell).toLowerCase().includes(needle)) return true;
  }
  return false;
}

/** Compiles a filter into one predicate (cheapest tests first); throws FilterError when it cannot. */
export function compileFilter(filter: ViewFilter): RowPredicate {
  const tests: RowPredicate[] = [];
  if (filter.clusters && filter.clusters.length > 0) {
    const clusters = new Set(filter.clusters);
    tests.push((row) => clusters.has(row.cluster));
  }
  if (filter.namespaces && filter.namespaces.length > 0) {
    const namespaces = new Set(filter.namespaces);
    tests.push((row) => namespaces.has(row.namespace));
  }
  if (filter.labelSelector && filter.labelSelector.trim() !== '') {
    const labels = parseLabelSelector(filter.labelSelector);
    tests.push((row) => labels(row.labels));
  }
  if (filter.ownerUid) {
    const uid = filter.ownerUid;
    tests.push((row) => row.owners.some((o) => o.uid === uid));
  }
  for (const field of filter.fields ?? []) tests.push(compileField(field));
  const needle = filter.text?.trim().toLowerCase() ?? '';
  if (needle !== '') tests.push((row) => textMatches(row, needle));
  if (tests.length === 0) return () => true;
  return (row) => {
    for (const test of tests) if (!test(row)) return false;
    return true;
  };
}
