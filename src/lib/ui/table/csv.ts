/**
 * CSV export of a table: RFC 4180 (CRLF line ends, fields quoted when they hold a comma, a quote
 * or a line break, quotes doubled), and cells that a spreadsheet would run as a formula
 * (starting with = + - @, or a tab or carriage return) prefixed with a single quote: cluster data is
 * untrusted, and a label value like `=HYPERLINK(…)` must stay text.
 */
import type { ColumnDef } from '$lib/kinds/types';
import type { Row } from '$lib/watch/row';
import { cellValue } from './format';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, neutralised and quoted as needed. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A header line and one line per record, each line ending in CRLF. */
export function toCsv(header: string[], records: string[][]): string {
  return [header, ...records].map((fields) => fields.map(csvField).join(',') + '\r\n').join('');
}

/**
 * What a cell exports as: the text the table shows, except ages, which export their timestamp (a
 * relative age is wrong as soon as the file is saved).
 */
export function exportText(column: ColumnDef, row: Row): string {
  const value = cellValue(row, column.id);
  if (value === null || value === undefined) return '';
  return String(value);
}

function exportLabel(column: ColumnDef): string {
  return column.format === 'age' ? `${column.label} (timestamp)` : column.label;
}

/** The CSV of `rows` in these columns, in this order. */
export function rowsToCsv(columns: ColumnDef[], rows: Row[]): string {
  return toCsv(
    columns.map(exportLabel),
    rows.map((row) => columns.map((c) => exportText(c, row)))
  );
}

/** `pods-2025-01-31.csv` (the local date). */
export function csvFileName(kindId: string, date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${kindId.replace(/[^A-Za-z0-9._-]+/g, '_')}-${day}.csv`;
}
