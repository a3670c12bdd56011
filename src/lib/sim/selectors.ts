/**
 * Label and field selectors with the grammar and the errors of kube-apiserver.
 * A parsed selector is a predicate; parsing happens once per request, matching once per object.
 */
import { ApiError, type KubeObject } from '../kube/types';
import { selectorTerms } from '../kube/selector-terms';

export type Predicate = (obj: KubeObject) => boolean;

const always: Predicate = () => true;

function splitTerms(selector: string): string[] {
  const terms = selectorTerms(selector);
  if (!terms)
    throw new ApiError(
      400,
      'BadRequest',
      `unable to parse requirement: unbalanced parentheses in "${selector}"`
    );
  return terms.filter((t) => t.length > 0);
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function badSelector(why: string): ApiError {
  return new ApiError(400, 'BadRequest', `unable to parse requirement: ${why}`, {
    causes: [{ reason: 'FieldValueInvalid', message: why, field: 'labelSelector' }]
  });
}

type LabelTest = (labels: Record<string, string>) => boolean;

function parseLabelTerm(term: string): LabelTest {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m;
    if (!KEY.test(key)) throw badSelector(`invalid label key "${key}"`);
    const values = new Set(
      list
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
    );
    return op === 'in' ? (l) => key in l && values.has(l[key]) : (l) => !(key in l) || !values.has(l[key]);
  }
  m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m;
    if (!KEY.test(key)) throw badSelector(`invalid label key "${key}"`);
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^(!?)\s*(\S+)$/.exec(term);
  if (m && KEY.test(m[2])) {
    const key = m[2];
    return m[1] ? (l) => !(key in l) : (l) => key in l;
  }
  throw badSelector(`found '${term}', expected: identifier, !, in, notin, =, ==, !=`);
}

/** Label selector as on `?labelSelector=`; throws ApiError 400 on bad syntax. */
export function parseLabelSelector(selector: string | undefined): Predicate {
  if (!selector) return always;
  const tests = splitTerms(selector).map(parseLabelTerm);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    for (const t of tests) if (!t(labels)) return false;
    return true;
  };
}

/** Label selector given as a LabelSelector object (Deployment.spec.selector, PDB, NetworkPolicy…). */
export function matchesSelectorObject(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: { key: string; operator: string; values?: string[] }[];
      }
    | undefined,
  labels: Record<string, string> | undefined
): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    // Own keys only: a label named like an Object.prototype member (`constructor`) is not implied.
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const inValues = has && (e.values ?? []).includes(l[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A Service's `spec.selector` (a plain map) matches when every pair is present; an empty one selects nothing. */
export function matchesSelectorMap(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  for (const k in selector) if (l[k] !== selector[k]) return false;
  return true;
}

/** The selector string form of a LabelSelector object (what Scale.status.selector carries). */
export function selectorString(selector: { matchLabels?: Record<string, string> } | undefined): string {
  return Object.entries(selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Field paths each kind can be selected by, beyond metadata.name and metadata.namespace. */
const FIELD_LABELS: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName'
  ],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
    // events.k8s.io/v1 names for the same fields
    'regarding.kind',
    'regarding.namespace',
    'regarding.name',
    'regarding.uid',
    'reportingController',
    'note'
  ],
  Node: ['spec.unschedulable'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
  ReplicationController: ['status.replicas'],
  Job: ['status.successful']
};

function fieldValue(obj: KubeObject, path: string): string {
  if (path === 'source' && obj.kind === 'Event') return obj.source?.component ?? '';
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (path === 'status.successful' && obj.kind === 'Job') cur = obj.status?.succeeded;
  return cur === undefined || cur === null ? (path === 'spec.hostNetwork' ? 'false' : '') : String(cur);
}

/** Field selector as on `?fieldSelector=`; unsupported fields answer 400 like the real server. */
export function parseFieldSelector(selector: string | undefined, kind: string): Predicate {
  if (!selector) return always;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[kind] ?? [])]);
  const tests = splitTerms(selector).map((term) => {
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(term);
    if (!m)
      throw new ApiError(400, 'BadRequest', `invalid selector: '${selector}'; can't understand '${term}'`);
    const [, path, op, value] = m;
    if (!allowed.has(path)) {
      throw new ApiError(
        400,
        'BadRequest',
        `"${path}" is not a known field selector: only "${[...allowed].join('", "')}"`
      );
    }
    return op === '!='
      ? (o: KubeObject) => fieldValue(o, path) !== value
      : (o: KubeObject) => fieldValue(o, path) === value;
  });
  return (obj) => {
    for (const t of tests) if (!t(obj)) return false;
    return true;
  };
}
