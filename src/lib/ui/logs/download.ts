/** The buffered lines as a `.log` file the browser downloads (text from a Blob, never markup). */
import type { BufferedLine } from '$lib/store/logs';

export interface TextOptions {
  timestamps: boolean;
  /** Prefix each line with its pod (and container), as the merged view shows it. */
  prefix: 'none' | 'pod' | 'pod/container' | 'container';
}

export function prefixOf(line: BufferedLine, prefix: TextOptions['prefix']): string {
  if (prefix === 'pod') return line.pod;
  if (prefix === 'container') return line.container;
  if (prefix === 'pod/container') return `${line.pod}/${line.container}`;
  return '';
}

export function logFileText(lines: readonly BufferedLine[], options: TextOptions): string {
  const out: string[] = [];
  for (const l of lines) {
    const prefix = prefixOf(l, options.prefix);
    out.push(`${options.timestamps && l.ts ? `${l.ts} ` : ''}${prefix ? `[${prefix}] ` : ''}${l.text}\n`);
  }
  return out.join('');
}

/** Saves `text` as `filename` through a temporary object URL. */
export function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
