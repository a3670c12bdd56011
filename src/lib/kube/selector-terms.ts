/**
 * The terms of a label or field selector: split on commas outside parentheses, so
 * `a in (x,y),b` gives [`a in (x,y)`, `b`]. Undefined when the parentheses do not balance
 * (or nest: selector values never contain parentheses). Each parser reports that in its own words.
 */
export function selectorTerms(selector: string): string[] | undefined {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
    if (depth < 0 || depth > 1) return undefined;
  }
  if (depth !== 0) return undefined;
  terms.push(selector.slice(start));
  return terms.map((t) => t.trim());
}
