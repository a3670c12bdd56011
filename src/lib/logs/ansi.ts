/**
 * ANSI escape sequences in log lines. SGR sequences (`ESC[…m`: colours, bold, italic, underline,
 * reset) become styled segments the page renders as styles; every other escape sequence (cursor
 * movement, OSC titles and hyperlinks, charset switches) and every other control character is
 * removed, so no ESC ever reaches the page and nothing is ever interpreted as HTML.
 *
 * Written here rather than taken from a library: the parsers on npm either emit HTML, or leave
 * non-SGR sequences (OSC, DCS) in the text; this one is small, total (never throws, whatever the
 * input) and property-tested.
 */

/** A palette index (0–15 the theme's colours, 16–255 the xterm cube and greys) or `#rrggbb`. */
export type AnsiColor = number | string;

export interface AnsiStyle {
  fg?: AnsiColor;
  bg?: AnsiColor;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
  strike?: boolean;
}

export interface Segment extends AnsiStyle {
  text: string;
}

export interface ParsedLine {
  /** The line without any escape sequence or control character. */
  text: string;
  /** Styled runs covering `text` exactly; absent when the line has no style at all. */
  segments?: Segment[];
}

const ESC = '\x1b';
const CSI_C1 = '\x9b';
// Any escape or control character other than tab: the fast path skips lines without one.
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

/** Parses one log line (no newline in it). */
export function parseAnsi(line: string): ParsedLine {
  if (!SPECIAL.test(line)) return { text: line };
  const segments: Segment[] = [];
  let style: AnsiStyle = {};
  let run = '';
  const flush = () => {
    if (!run) return;
    const last = segments[segments.length - 1];
    if (last && sameStyle(last, style)) last.text += run;
    else segments.push({ ...style, text: run });
    run = '';
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ESC || c === CSI_C1) {
      const csiStart = c === CSI_C1 ? i + 1 : line[i + 1] === '[' ? i + 2 : -1;
      if (csiStart >= 0) {
        const csi = readCsi(line, csiStart);
        if (csi.final === 'm') {
          flush();
          style = applySgr(style, csi.params);
        }
        i = csi.end;
      } else {
        i = skipEscape(line, i);
      }
      continue;
    }
    const code = c.charCodeAt(0);
    if (code === 9 || (code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code <= 0x9f))) run += c;
    i++;
  }
  flush();
  const text = segments.map((s) => s.text).join('');
  return segments.some(hasStyle) ? { text, segments } : { text };
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return (
    a.fg === b.fg &&
    a.bg === b.bg &&
    !a.bold === !b.bold &&
    !a.dim === !b.dim &&
    !a.italic === !b.italic &&
    !a.underline === !b.underline &&
    !a.inverse === !b.inverse &&
    !a.strike === !b.strike
  );
}

function hasStyle(s: Segment): boolean {
  return !sameStyle(s, {});
}

/**
 * A control sequence from `start` (just after `ESC[`): parameter bytes 0x30–0x3F, intermediate
 * bytes 0x20–0x2F, one final byte 0x40–0x7E. A byte out of place ends it without a final (the
 * sequence is dropped and that byte is read as text again); so does the end of the line.
 */
function readCsi(line: string, start: number): { params: string; final?: string; end: number } {
  let i = start;
  while (i < line.length && line.charCodeAt(i) >= 0x30 && line.charCodeAt(i) <= 0x3f) i++;
  const params = line.slice(start, i);
  while (i < line.length && line.charCodeAt(i) >= 0x20 && line.charCodeAt(i) <= 0x2f) i++;
  const code = line.charCodeAt(i);
  if (i < line.length && code >= 0x40 && code <= 0x7e) return { params, final: line[i], end: i + 1 };
  return { params, end: i };
}

/** The index after a non-CSI escape sequence starting at `i` (which holds ESC). */
function skipEscape(line: string, i: number): number {
  const next = line[i + 1];
  if (next === undefined) return i + 1;
  // OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \); unterminated, it runs to the end.
  if (']PX^_'.includes(next)) {
    for (let j = i + 2; j < line.length; j++) {
      if (line[j] === '\x07') return j + 1;
      if (line[j] === ESC) return line[j + 1] === '\\' ? j + 2 : j;
    }
    return line.length;
  }
  // nF sequences (ESC, intermediates, a final byte), e.g. `ESC ( B` for a charset.
  let j = i + 1;
  while (j < line.length && line.charCodeAt(j) >= 0x20 && line.charCodeAt(j) <= 0x2f) j++;
  const code = line.charCodeAt(j);
  if (j < line.length && code >= 0x30 && code <= 0x7e) return j + 1;
  return j; // a lone ESC: drop it, read on from the next character
}

/** The style after an SGR sequence with parameters `params` (`1;38;5;208`, `38:2::255:0:0`, ``). */
export function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const style: AnsiStyle = { ...current };
  // Private sequences (`ESC[?…m`, `ESC[>…m`) are not SGR: ignore.
  if (/[<=>?]/.test(params)) return style;
  const groups = params === '' ? [''] : params.split(';');
  for (let g = 0; g < groups.length; g++) {
    const sub = groups[g].split(':');
    const n = sub[0] === '' ? 0 : Number(sub[0]);
    if (!Number.isInteger(n)) continue;
    if (n === 38 || n === 48) {
      // Colon form carries its arguments in `sub`; the semicolon form takes the following groups.
      const args = sub.length > 1 ? sub.slice(1) : groups.slice(g + 1, g + 1 + extendedLength(groups[g + 1]));
      if (sub.length === 1) g += args.length;
      const color = extendedColor(args, sub.length > 1);
      if (color !== undefined) style[n === 38 ? 'fg' : 'bg'] = color;
      continue;
    }
    applyCode(style, n, sub);
  }
  return style;
}

/** How many groups follow `38`/`48` in the semicolon form: `5;n` or `2;r;g;b`. */
function extendedLength(mode: string | undefined): number {
  return mode === '5' ? 2 : mode === '2' ? 4 : mode === undefined ? 0 : 1;
}

function byte(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,3}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 255 ? n : undefined;
}

function extendedColor(args: string[], colon: boolean): AnsiColor | undefined {
  if (args[0] === '5') return byte(args[1]);
  if (args[0] !== '2') return undefined;
  // ITU form `2:colourspace:r:g:b` has an extra (often empty) field before the components.
  const rgb = colon && args.length >= 5 ? args.slice(2, 5) : args.slice(1, 4);
  const [r, g, b] = rgb.map(byte);
  if (r === undefined || g === undefined || b === undefined) return undefined;
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function applyCode(style: AnsiStyle, n: number, sub: string[]): void {
  if (n === 0) {
    for (const k of Object.keys(style)) delete style[k as keyof AnsiStyle];
  } else if (n === 1) style.bold = true;
  else if (n === 2) style.dim = true;
  else if (n === 3) style.italic = true;
  else if (n === 4) style.underline = sub[1] !== '0';
  else if (n === 7) style.inverse = true;
  else if (n === 9) style.strike = true;
  else if (n === 21) style.underline = true;
  else if (n === 22) style.bold = style.dim = false;
  else if (n === 23) style.italic = false;
  else if (n === 24) style.underline = false;
  else if (n === 27) style.inverse = false;
  else if (n === 29) style.strike = false;
  else if (n >= 30 && n <= 37) style.fg = n - 30;
  else if (n === 39) delete style.fg;
  else if (n >= 40 && n <= 47) style.bg = n - 40;
  else if (n === 49) delete style.bg;
  else if (n >= 90 && n <= 97) style.fg = n - 90 + 8;
  else if (n >= 100 && n <= 107) style.bg = n - 100 + 8;
  for (const k of ['bold', 'dim', 'italic', 'underline', 'inverse', 'strike'] as const) {
    if (style[k] === false) delete style[k];
  }
}

const CUBE = [0, 95, 135, 175, 215, 255];

/** `#rrggbb` of xterm palette entries 16–255 (0–15 are the theme's, see the log view's CSS). */
export function paletteHex(index: number): string {
  let r: number, g: number, b: number;
  if (index >= 232) r = g = b = 8 + (index - 232) * 10;
  else {
    const i = index - 16;
    r = CUBE[Math.floor(i / 36) % 6];
    g = CUBE[Math.floor(i / 6) % 6];
    b = CUBE[i % 6];
  }
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
