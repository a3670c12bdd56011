/**
 * Search in log lines: case-insensitive matches of the query, and the runs a line is drawn as:
 * its ANSI segments split where matches begin and end. Text only, never markup.
 */
import type { AnsiStyle, Segment } from './ansi';

export interface Run extends AnsiStyle {
  text: string;
  /** Part of a match of the search. */
  match?: boolean;
}

const SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** A matcher for `query` (plain text, any case); undefined for an empty query. */
export function matcher(query: string): RegExp | undefined {
  return query ? new RegExp(query.replace(SPECIAL, '\\$&'), 'giu') : undefined;
}

/** [start, end) of every match of `re` in `text`. */
export function matchRanges(text: string, re: RegExp | undefined): [number, number][] {
  if (!re) return [];
  const out: [number, number][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

/** The runs of one line: its segments (or the plain text) cut at match boundaries. */
export function lineRuns(text: string, segments: Segment[] | undefined, ranges: [number, number][]): Run[] {
  const base: Segment[] = segments ?? (text ? [{ text }] : []);
  if (ranges.length === 0) return base;
  const runs: Run[] = [];
  let offset = 0;
  let r = 0;
  for (const seg of base) {
    const end = offset + seg.text.length;
    let pos = offset;
    while (pos < end) {
      while (r < ranges.length && ranges[r][1] <= pos) r++;
      const range = ranges[r];
      const inMatch = !!range && range[0] <= pos;
      const stop = Math.min(end, range ? (inMatch ? range[1] : range[0]) : end);
      const { text: _text, ...style } = seg;
      runs.push({
        ...style,
        text: seg.text.slice(pos - offset, stop - offset),
        ...(inMatch ? { match: true } : {})
      });
      pos = stop;
    }
    offset = end;
  }
  return runs;
}
