/**
 * How a run of a log line looks: inline CSS built only from validated values (palette indexes and
 * `#rrggbb`), so nothing from the log can reach the style attribute but a colour.
 */
import { paletteHex, type AnsiColor } from '$lib/logs/ansi';
import type { Run } from '$lib/logs/search';

const HEX = /^#[0-9a-f]{6}$/;

/** A CSS colour for an ANSI colour: the theme's for 0–15 (see LogView's variables), hex beyond. */
function cssColor(c: AnsiColor | undefined): string | undefined {
  if (typeof c === 'number') return c < 16 ? `var(--ansi-${c})` : paletteHex(c);
  return c !== undefined && HEX.test(c) ? c : undefined;
}

export function runStyle(run: Run): string {
  let fg = cssColor(run.fg);
  let bg = cssColor(run.bg);
  if (run.inverse) [fg, bg] = [bg ?? 'var(--log-bg)', fg ?? 'var(--log-fg)'];
  const parts: string[] = [];
  if (fg) parts.push(`color:${fg}`);
  // A search match keeps the highlight's background.
  if (bg && !run.match) parts.push(`background:${bg}`);
  if (run.bold) parts.push('font-weight:700');
  if (run.dim) parts.push('opacity:0.7');
  if (run.italic) parts.push('font-style:italic');
  const decorations = [run.underline && 'underline', run.strike && 'line-through'].filter(Boolean);
  if (decorations.length) parts.push(`text-decoration:${decorations.join(' ')}`);
  return parts.join(';');
}

/** A timestamp as shown: RFC3339 to the millisecond, fixed width. */
export function shownTimestamp(ts: string): string {
  const m = /^(.{19})(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  return `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}${m[3]}`;
}
