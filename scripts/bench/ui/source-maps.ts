/**
 * Minified position → source position, from the `.map` file next to a served script (the build has
 * them when built with `--sourcemap`, as the UI benchmark's build is). A small decoder of source map
 * v3 "mappings", so the benchmark needs no extra dependency.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface RawMap {
  sources: string[];
  names: string[];
  mappings: string;
}

/** Per generated line: segments [column, source, line, column, name?], by column. */
type Decoded = { sources: string[]; names: string[]; lines: number[][][] };

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...B64].map((c, i) => [c, i]));

function decodeSegment(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = DIGIT.get(c) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function decode(raw: RawMap): Decoded {
  // Every field but the generated column is relative to the previous segment in the whole file.
  const state = [0, 0, 0, 0, 0];
  const lines = raw.mappings.split(';').map((line) => {
    state[0] = 0;
    return line
      .split(',')
      .filter(Boolean)
      .map((segment) => {
        const v = decodeSegment(segment);
        v.forEach((d, i) => (state[i] += d));
        return state.slice(0, v.length);
      });
  });
  return { sources: raw.sources, names: raw.names, lines };
}

const maps = new Map<string, Promise<Decoded | undefined>>();

function mapFor(wwwDir: string, url: string): Promise<Decoded | undefined> {
  let path: string;
  try {
    path = join(wwwDir, new URL(url).pathname);
  } catch {
    return Promise.resolve(undefined);
  }
  let map = maps.get(path);
  if (!map) {
    map = readFile(`${path}.map`, 'utf8').then(
      (text) => decode(JSON.parse(text) as RawMap),
      () => undefined
    );
    maps.set(path, map);
  }
  return map;
}

/** The source position (0-based line and column in, 1-based line out) of a generated one. */
export async function resolvePosition(
  wwwDir: string,
  url: string,
  line: number,
  column: number
): Promise<{ source: string; line: number; name?: string } | undefined> {
  const map = await mapFor(wwwDir, url);
  const segments = map?.lines[line];
  if (!map || !segments) return undefined;
  let found: number[] | undefined;
  for (const s of segments) {
    if (s[0] > column) break;
    if (s.length >= 4) found = s;
  }
  if (!found) return undefined;
  const source = map.sources[found[1]].replace(/^(\.\.\/)+/, '');
  return { source, line: found[2] + 1, name: found.length >= 5 ? map.names[found[4]] : undefined };
}
