/**
 * The log query: the lines a request selects (previous, sinceSeconds or sinceTime, tailLines),
 * rendered with or without timestamps and cut to limitBytes.
 */
import type { KubeObject } from '../../kube/types';
import { parseRfc3339, rfc3339Nano } from './formats';
import { collect, instanceFor, resolveLogContainer, rotationStart } from './instance';
import type { Instance, Line, LogOptions } from './types';

/** The first moment whose lines are served (kubelet: lines at or after it), `nanos` below the ms. */
export function sinceOf(opts: LogOptions, now: number): { ms: number; nanos: number } {
  if (opts.sinceSeconds !== undefined && opts.sinceSeconds > 0)
    return { ms: now - opts.sinceSeconds * 1000, nanos: 0 };
  const t = opts.sinceTime ? parseRfc3339(opts.sinceTime) : undefined;
  return t ?? { ms: -Infinity, nanos: 0 };
}

export function render(line: Line, timestamps: boolean | undefined): string {
  return timestamps ? `${rfc3339Nano(line.t, line.nanos)} ${line.text}` : line.text;
}

export const encoder = new TextEncoder();

/** Cut text to at most `limit` UTF-8 bytes. */
export function limitText(text: string, limit: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= limit) return text;
  return new TextDecoder().decode(bytes.subarray(0, Math.max(0, limit)));
}

export function initialLines(inst: Instance, opts: LogOptions, now: number): Line[] {
  const since = sinceOf(opts, now);
  const from = Math.max(rotationStart(inst, now), since.ms);
  const tail = opts.tailLines !== undefined && opts.tailLines >= 0 ? opts.tailLines : Infinity;
  const lines = collect(inst, from, now, tail);
  // Lines within the millisecond of a sub-millisecond sinceTime: only those at or after it.
  return since.nanos > 0 ? lines.filter((l) => l.t > since.ms || l.nanos >= since.nanos) : lines;
}

/** The log as the API returns it: each line ends in "\n", the whole cut to limitBytes. */
export function logText(
  pod: KubeObject,
  container: string | undefined,
  opts: LogOptions,
  now: number
): string {
  const name = resolveLogContainer(pod, container);
  const inst = instanceFor(pod, name, !!opts.previous);
  if (!inst) return '';
  const text = initialLines(inst, opts, now)
    .map((l) => `${render(l, opts.timestamps)}\n`)
    .join('');
  return opts.limitBytes !== undefined && opts.limitBytes > 0 ? limitText(text, opts.limitBytes) : text;
}

/** The log's lines (without "\n"); with limitBytes the last one may be cut short. */
export function logLines(
  pod: KubeObject,
  container: string | undefined,
  opts: LogOptions,
  now: number
): string[] {
  const text = logText(pod, container, opts, now);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
