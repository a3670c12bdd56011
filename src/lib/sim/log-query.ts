/**
 * The query of `GET .../pods/NAME/log` read as the apiserver reads it: parameters that do not parse
 * are a 400 (the decoder's BadRequest), values the API forbids a 422 (ValidatePodLogOptions), both
 * before the pod is looked up.
 */
import { ApiError } from '../kube/types';
import { parseRfc3339, type LogOptions } from './logs';

export interface LogQuery extends LogOptions {
  container?: string;
  follow: boolean;
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/** An int64 parameter, as strconv.ParseInt takes it. */
function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v))
    throw new ApiError(400, 'BadRequest', `strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

/** A metav1.Time parameter: RFC 3339 (a fraction of a second allowed), as time.Parse(time.RFC3339) takes it. */
function timeParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!parseRfc3339(v))
    throw new ApiError(
      400,
      'BadRequest',
      `parsing time "${v}" as "2006-01-02T15:04:05Z07:00": cannot parse "${v}" as RFC 3339`
    );
  return v;
}

interface FieldProblem {
  field: string;
  reason: 'FieldValueInvalid' | 'FieldValueForbidden';
  message: string;
}

const invalid = (field: string, value: number, detail: string): FieldProblem => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${value}: ${detail}`
});

/** The log options of a request, or the ApiError the apiserver answers it with. */
export function logQuery(podName: string, q: URLSearchParams): LogQuery {
  const query: LogQuery = {
    container: q.get('container') ?? undefined,
    follow: boolParam(q, 'follow'),
    previous: boolParam(q, 'previous'),
    timestamps: boolParam(q, 'timestamps'),
    tailLines: intParam(q, 'tailLines'),
    sinceSeconds: intParam(q, 'sinceSeconds'),
    sinceTime: timeParam(q, 'sinceTime'),
    limitBytes: intParam(q, 'limitBytes')
  };
  const problems: FieldProblem[] = [];
  if (query.tailLines !== undefined && query.tailLines < 0)
    problems.push(invalid('tailLines', query.tailLines, 'must be greater than or equal to 0'));
  if (query.limitBytes !== undefined && query.limitBytes < 1)
    problems.push(invalid('limitBytes', query.limitBytes, 'must be greater than 0'));
  if (query.sinceSeconds !== undefined && query.sinceTime !== undefined) {
    problems.push({
      field: '',
      reason: 'FieldValueForbidden',
      message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'
    });
  } else if (query.sinceSeconds !== undefined && query.sinceSeconds < 1) {
    problems.push(invalid('sinceSeconds', query.sinceSeconds, 'must be greater than 0'));
  }
  if (problems.length === 0) return query;
  const text = problems.map((p) => `${p.field}: ${p.message}`);
  throw new ApiError(
    422,
    'Invalid',
    `PodLogOptions "${podName}" is invalid: ${text.length === 1 ? text[0] : `[${text.join(', ')}]`}`,
    {
      name: podName,
      kind: 'PodLogOptions',
      causes: problems.map((p) => ({
        reason: p.reason,
        message: p.message,
        ...(p.field ? { field: p.field } : {})
      }))
    }
  );
}
