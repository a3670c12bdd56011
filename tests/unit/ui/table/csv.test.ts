import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnDef } from '$lib/kinds/types';
import { csvField, csvFileName, rowsToCsv, toCsv } from '$lib/ui/table/csv';
import { testRow } from '../../../support/rows';

/** A reference RFC 4180 reader: records of fields, CRLF-terminated. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
      i += 2;
    } else {
      if (ch === '"' || ch === '\r' || ch === '\n') throw new Error(`unquoted ${JSON.stringify(ch)} at ${i}`);
      field += ch;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) throw new Error('last record not terminated by CRLF');
  return records;
}

describe('csvField', () => {
  it('leaves plain text alone', () => {
    expect(csvField('web-7d9f-abc')).toBe('web-7d9f-abc');
    expect(csvField('')).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('turns cells a spreadsheet would evaluate into text', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('a=b')).toBe('a=b');
  });
});

describe('toCsv', () => {
  it('writes a header and one CRLF-terminated line per record', () => {
    expect(
      toCsv(
        ['Name', 'Ready'],
        [
          ['a', '1/1'],
          ['b, c', '0/1']
        ]
      )
    ).toBe('Name,Ready\r\na,1/1\r\n"b, c",0/1\r\n');
  });

  it('reads back as the fields written (neutralised), whatever they hold', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', ' ', 'é')
    });
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(text), { maxLength: 6 }),
        (header, body) => {
          const records = body.map((r) => header.map((_, i) => r[i] ?? ''));
          const neutral = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
          expect(parseCsv(toCsv(header, records))).toEqual([header, ...records].map((r) => r.map(neutral)));
        }
      )
    );
  });
});

describe('rowsToCsv', () => {
  const columns: ColumnDef[] = [
    { id: 'name', label: 'Name' },
    { id: 'namespace', label: 'Namespace', link: 'namespace' },
    { id: 'status', label: 'Status', format: 'status' },
    { id: 'restarts', label: 'Restarts', format: 'number' },
    { id: 'suspend', label: 'Suspend', format: 'bool' },
    { id: 'node', label: 'Node' },
    { id: 'creationTimestamp', label: 'Age', format: 'age' }
  ];

  it('exports the columns given, in order, with timestamps for ages and nothing for missing cells', () => {
    const rows = [
      testRow('web-1', { status: 'Running', restarts: 3, suspend: false, node: 'n1' }, { namespace: 'web' }),
      testRow(
        '=cmd|calc',
        { status: 'Pending', restarts: 0, suspend: true, node: null },
        { namespace: 'ops' }
      )
    ];
    expect(parseCsv(rowsToCsv(columns, rows))).toEqual([
      ['Name', 'Namespace', 'Status', 'Restarts', 'Suspend', 'Node', 'Age (timestamp)'],
      ['web-1', 'web', 'Running', '3', 'false', 'n1', '2024-01-01T00:00:00Z'],
      ["'=cmd|calc", 'ops', 'Pending', '0', 'true', '', '2024-01-01T00:00:00Z']
    ]);
  });

  it('exports only the header for no rows', () => {
    expect(rowsToCsv(columns.slice(0, 2), [])).toBe('Name,Namespace\r\n');
  });
});

describe('csvFileName', () => {
  it('names the file after the kind and the local date', () => {
    expect(csvFileName('pods', new Date(2025, 0, 31, 23, 59))).toBe('pods-2025-01-31.csv');
    expect(csvFileName('certificates.cert-manager.io', new Date(2024, 11, 5))).toBe(
      'certificates.cert-manager.io-2024-12-05.csv'
    );
    expect(csvFileName('a/b c', new Date(2024, 0, 1))).toBe('a_b_c-2024-01-01.csv');
  });
});
