/** Custom resources: the CRD's additionalPrinterColumns, evaluated with JSONPath. */
import type { PrinterColumn } from '../../../kube/types';
import { evaluateJsonPath } from '../../../kube/jsonpath';
import { humanDuration, timeOf } from '../../../kube/time';
import { DOC_AGE, NAME_COL, type Printer } from './common';

/** Go's fmt.Sprint of a decoded JSON value, which is how string columns print non-strings. */
function goText(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goText).join(' ')}]`;
  if (typeof v === 'object') {
    const map = v as Record<string, unknown>;
    return `map[${Object.keys(map)
      .sort()
      .map((k) => `${k}:${goText(map[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** apiextensions cellForJSONValue; string columns print whatever the path found. */
function customCell(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return goText(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = timeOf(value);
      return t === undefined ? '<invalid>' : humanDuration(now - t);
    }
  }
  return null;
}

const DEFAULT_CR_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', description: DOC_AGE, jsonPath: '.metadata.creationTimestamp' }
];

export function customResourcePrinter(columns: PrinterColumn[]): Printer {
  const extra = columns.length > 0 ? columns : DEFAULT_CR_COLUMNS;
  return {
    columns: [
      NAME_COL,
      ...extra.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0
      }))
    ],
    cells: (o, now) => [
      o.metadata.name,
      ...extra.map((c) => {
        let results: unknown[];
        try {
          results = evaluateJsonPath(c.jsonPath, o);
        } catch {
          results = [];
        }
        return customCell(c.type, results[0], now);
      })
    ]
  };
}
