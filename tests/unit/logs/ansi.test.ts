/**
 * ANSI in log lines: SGR sequences become styled segments, every other escape sequence and control
 * character disappears, and no input (however broken) makes the parser emit an ESC or throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paletteHex, parseAnsi, type Segment } from '$lib/logs/ansi';

const E = '\x1b';

/** The segments as [text, style] pairs, for short expectations. */
const runs = (line: string) =>
  (parseAnsi(line).segments ?? []).map(({ text, ...style }: Segment) => [text, style]);

describe('parseAnsi', () => {
  it('leaves a plain line alone, with no segments', () => {
    expect(parseAnsi('GET /healthz 200 0.3 ms\tok')).toEqual({ text: 'GET /healthz 200 0.3 ms\tok' });
  });

  it('turns the 8 colours, their bright variants and backgrounds into palette indexes', () => {
    expect(runs(`${E}[31merror${E}[0m: disk full`)).toEqual([
      ['error', { fg: 1 }],
      [': disk full', {}]
    ]);
    expect(runs(`${E}[92mok${E}[39m ${E}[44;97mblue${E}[49m!`)).toEqual([
      ['ok', { fg: 10 }],
      [' ', {}],
      ['blue', { fg: 15, bg: 4 }],
      ['!', { fg: 15 }]
    ]);
    expect(runs(`${E}[103mwarn`)).toEqual([['warn', { bg: 11 }]]);
  });

  it('reads 256-colour and truecolor, in the semicolon and the colon forms', () => {
    expect(runs(`${E}[38;5;208morange ${E}[48;5;21mon blue`)).toEqual([
      ['orange ', { fg: 208 }],
      ['on blue', { fg: 208, bg: 21 }]
    ]);
    expect(runs(`${E}[38;2;255;128;0mtrue${E}[38:2::1:2:3m colon${E}[48:5:9m bg`)).toEqual([
      ['true', { fg: '#ff8000' }],
      [' colon', { fg: '#010203' }],
      [' bg', { fg: '#010203', bg: 9 }]
    ]);
  });

  it('applies bold, dim, italic, underline, inverse, strike and turns each off again', () => {
    expect(runs(`${E}[1;3;4mall${E}[22mnot bold${E}[23;24m plain${E}[2;7;9m x${E}[27;29m y`)).toEqual([
      ['all', { bold: true, italic: true, underline: true }],
      ['not bold', { italic: true, underline: true }],
      [' plain', {}],
      [' x', { dim: true, inverse: true, strike: true }],
      [' y', { dim: true }]
    ]);
  });

  it('resets everything on ESC[0m and on the empty ESC[m', () => {
    expect(runs(`${E}[1;31;42mA${E}[mB${E}[4mC${E}[0mD`)).toEqual([
      ['A', { bold: true, fg: 1, bg: 2 }],
      ['B', {}],
      ['C', { underline: true }],
      ['D', {}]
    ]);
  });

  it('removes cursor movement, erase, OSC titles and hyperlinks, charset switches and controls', () => {
    expect(parseAnsi(`${E}[2K${E}[1A${E}]0;my title\x07progress${E}(B 100%\r`)).toEqual({
      text: 'progress 100%'
    });
    expect(parseAnsi(`see ${E}]8;;https://example.com${E}\\the docs${E}]8;;${E}\\ now`)).toEqual({
      text: 'see the docs now'
    });
    expect(parseAnsi(`bell\x07 back\x08space del\x7f`)).toEqual({ text: 'bell backspace del' });
  });

  it('survives malformed sequences: bad colours are ignored, broken sequences dropped', () => {
    expect(runs(`${E}[38;5;999mA${E}[38;2;1;2mB${E}[31mC`)).toEqual([
      ['AB', {}],
      ['C', { fg: 1 }]
    ]);
    expect(parseAnsi(`cut ${E}[31`)).toEqual({ text: 'cut ' });
    expect(parseAnsi(`lone ${E}`)).toEqual({ text: 'lone ' });
    expect(parseAnsi(`${E}[3\x01mX`)).toEqual({ text: 'mX' });
    expect(parseAnsi(`${E}]unterminated osc`)).toEqual({ text: '' });
    expect(parseAnsi(`${E}[?25hcursor shown`)).toEqual({ text: 'cursor shown' });
  });

  it('maps the xterm cube and greys to hex', () => {
    expect(paletteHex(16)).toBe('#000000');
    expect(paletteHex(196)).toBe('#ff0000');
    expect(paletteHex(231)).toBe('#ffffff');
    expect(paletteHex(232)).toBe('#080808');
    expect(paletteHex(255)).toBe('#eeeeee');
  });

  it('never emits an escape or a control character, and its segments spell the text', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom(
        E,
        '[',
        ']',
        ';',
        ':',
        'm',
        '\x07',
        '\\',
        '\x9b',
        '\r',
        '(',
        '38',
        '5',
        '2',
        '0',
        '255'
      ),
      fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c))
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const parsed = parseAnsi(pieces.join(''));
        // eslint-disable-next-line no-control-regex
        expect(parsed.text).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/);
        if (parsed.segments) {
          expect(parsed.segments.map((s) => s.text).join('')).toBe(parsed.text);
          for (const s of parsed.segments) {
            expect(s.text.length).toBeGreaterThan(0);
            for (const c of [s.fg, s.bg]) {
              if (typeof c === 'number') expect(c >= 0 && c <= 255).toBe(true);
              if (typeof c === 'string') expect(c).toMatch(/^#[0-9a-f]{6}$/);
            }
          }
        }
      })
    );
  });

  it('keeps every character of a line without escapes or controls', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        // eslint-disable-next-line no-control-regex
        const clean = s.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, '');
        expect(parseAnsi(clean).text).toBe(clean);
      })
    );
  });
});
