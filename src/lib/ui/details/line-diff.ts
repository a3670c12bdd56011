/**
 * The smallest set of whole-line replacements that turns one text into another, as CodeMirror
 * changes (offsets into the old text). A live YAML view applies these instead of replacing the
 * document, so folds and the scroll position outside the changed lines survive an update.
 */

export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/** Lines with their line break kept, so the lengths add up to offsets. */
function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/**
 * Myers' O((N+M)·D) diff: the pairs (i, j) of lines kept, in order, or undefined when the texts
 * differ in more than `maxEdits` lines (then one replacement is as good and cheaper to find).
 */
function commonLines(a: string[], b: string[], maxEdits: number): [number, number][] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m, off);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], n: number, m: number, off: number): [number, number][] {
  const kept: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? k + 1 : k - 1;
    const prevX = v[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      kept.push([--x, --y]);
    }
    if (d > 0) {
      x = prevX;
      y = prevY;
    }
  }
  return kept.reverse();
}

export function lineChanges(before: string, after: string, maxEdits = 400): TextChange[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const offsets = [0];
  for (const line of a) offsets.push(offsets[offsets.length - 1] + line.length);

  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  const kept = commonLines(middleA, middleB, maxEdits) ?? [];
  // A sentinel pair closes the last gap.
  kept.push([middleA.length, middleB.length]);
  const changes: TextChange[] = [];
  let i = 0;
  let j = 0;
  for (const [ki, kj] of kept) {
    if (ki > i || kj > j) {
      changes.push({
        from: offsets[start + i],
        to: offsets[start + ki],
        insert: middleB.slice(j, kj).join('')
      });
    }
    i = ki + 1;
    j = kj + 1;
  }
  return changes;
}
