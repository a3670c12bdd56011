/**
 * The colour of a status cell: ok (green), warn (amber), bad (red), muted (grey). Cells holding
 * several words (`Ready,SchedulingDisabled`, `Init:CrashLoopBackOff`) take their worst part.
 */
import type { Cell } from '../watch/row';

export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

const TONES: Record<string, Tone> = {};
function set(tone: Tone, words: string[]) {
  for (const w of words) TONES[w.toLowerCase()] = tone;
}
set('ok', [
  'Running',
  'Ready',
  'Bound',
  'Active',
  'Complete',
  'Completed',
  'Succeeded',
  'Available',
  'True',
  'Normal',
  'Programmed',
  'Accepted',
  'Established',
  'Healthy',
  'deployed'
]);
set('warn', [
  'Pending',
  'ContainerCreating',
  'PodInitializing',
  'Terminating',
  'Progressing',
  'Unknown',
  'SchedulingDisabled',
  'Suspended',
  'Released',
  'Waiting',
  'Init',
  'SchedulingGated',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
  'uninstalling',
  'MemoryPressure',
  'DiskPressure',
  'PIDPressure'
]);
set('bad', [
  'CrashLoopBackOff',
  'Error',
  'Failed',
  'NotReady',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'Lost',
  'Evicted',
  'OOMKilled',
  'Warning',
  'False',
  'Unschedulable',
  'NodeLost',
  'DeadlineExceeded',
  'BackoffLimitExceeded',
  'ContainerStatusUnknown',
  'NetworkUnavailable',
  'failed'
]);
set('muted', ['Superseded', 'Uninstalled', 'Inactive', '<none>', 'None']);

/** Separators of the parts of a compound status. */
const PARTS = /[,:\s]+/;

const RANK: Record<Tone, number> = { muted: 1, ok: 2, warn: 3, bad: 4 };

function toneOfWord(word: string): Tone | undefined {
  const t = TONES[word.toLowerCase()];
  if (t) return t;
  // Exit codes and signals of a terminated container: `ExitCode:1`, `Signal:9`.
  if (word.startsWith('ExitCode') || word.startsWith('Signal')) return 'bad';
  return undefined;
}

/** The tone of a status cell, or undefined when it carries no status meaning. */
export function statusTone(value: Cell): Tone | undefined {
  if (value === null) return undefined;
  if (typeof value === 'boolean') return value ? 'ok' : 'bad';
  if (typeof value === 'number') return undefined;
  const whole = toneOfWord(value);
  if (whole) return whole;
  let best: Tone | undefined;
  // `Ready,SchedulingDisabled`, `Init:CrashLoopBackOff`, `Init:0/2`: the worst recognised part.
  for (const part of value.split(PARTS)) {
    const t = part ? toneOfWord(part) : undefined;
    if (t && (!best || RANK[t] > RANK[best])) best = t;
  }
  return best;
}
