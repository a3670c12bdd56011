/**
 * The colour of a condition's status. Most condition types say something good when True (Ready,
 * Available, Complete); some say something bad (MemoryPressure, ReplicaFailure, Degraded), and for
 * those False is the healthy answer.
 */
import type { Tone } from '$lib/kinds/tone';

const ABNORMAL =
  /(Pressure|Unavailable|Failure|Failed|Degraded|Stalled|Error|Errors|DisruptionTarget|Terminating|Conflict)$/;

/** Whether True means trouble for this condition type. */
export function isAbnormalWhenTrue(type: string): boolean {
  return ABNORMAL.test(type);
}

export function conditionTone(type: string, status: string | undefined): Tone | undefined {
  if (status !== 'True' && status !== 'False') return status ? 'warn' : undefined;
  const good = (status === 'True') !== isAbnormalWhenTrue(type);
  return good ? 'ok' : 'bad';
}
