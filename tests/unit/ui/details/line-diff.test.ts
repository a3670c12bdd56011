import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineChanges, type TextChange } from '$lib/ui/details/line-diff';

/** The model: apply changes (offsets into the old text, sorted) the way CodeMirror does. */
function apply(text: string, changes: TextChange[]): string {
  let out = '';
  let at = 0;
  for (const c of changes) {
    expect(c.from).toBeGreaterThanOrEqual(at);
    expect(c.to).toBeGreaterThanOrEqual(c.from);
    out += text.slice(at, c.from) + c.insert;
    at = c.to;
  }
  return out + text.slice(at);
}

const line = fc.constantFrom('a: 1', 'b: 2', '  c: x', '- d', '', 'status:', '  ready: true');
const text = fc
  .tuple(fc.array(line, { maxLength: 30 }), fc.boolean())
  .map(([lines, trailing]) => lines.join('\n') + (trailing && lines.length ? '\n' : ''));

describe('lineChanges', () => {
  it('turns any text into any other', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(apply(before, lineChanges(before, after))).toBe(after);
      })
    );
  });

  it('still turns one into the other when the edit budget is exceeded', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(apply(before, lineChanges(before, after, 1))).toBe(after);
      })
    );
  });

  it('leaves equal texts alone', () => {
    expect(lineChanges('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('replaces only the lines that changed, wherever they are', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `key${i}: ${i}`);
    const before = lines.join('\n') + '\n';
    const edited = [...lines];
    edited[3] = 'key3: changed';
    edited[150] = 'key150: changed';
    const after = edited.join('\n') + '\n';
    const changes = lineChanges(before, after);
    expect(changes.map((c) => before.slice(c.from, c.to))).toEqual(['key3: 3\n', 'key150: 150\n']);
    expect(changes.map((c) => c.insert)).toEqual(['key3: changed\n', 'key150: changed\n']);
  });

  it('inserts and deletes lines without touching their neighbours', () => {
    const changes = lineChanges('a\nb\nc\n', 'a\nx\nb\n');
    expect(apply('a\nb\nc\n', changes)).toBe('a\nx\nb\n');
    expect(changes).toEqual([
      { from: 2, to: 2, insert: 'x\n' },
      { from: 4, to: 6, insert: '' }
    ]);
  });
});
