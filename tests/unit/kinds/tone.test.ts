/** Status colours. */
import { describe, expect, it } from 'vitest';
import { statusTone } from '$lib/kinds/tone';

describe('statusTone', () => {
  it('colours healthy states green', () => {
    for (const v of [
      'Running',
      'Ready',
      'Bound',
      'Active',
      'Complete',
      'Completed',
      'Available',
      'True',
      'deployed'
    ])
      expect(statusTone(v), v).toBe('ok');
  });

  it('colours states on their way amber', () => {
    for (const v of [
      'Pending',
      'ContainerCreating',
      'Terminating',
      'Progressing',
      'Unknown',
      'Suspended',
      'Released'
    ])
      expect(statusTone(v), v).toBe('warn');
  });

  it('colours failures red', () => {
    for (const v of [
      'CrashLoopBackOff',
      'Error',
      'Failed',
      'NotReady',
      'ImagePullBackOff',
      'ErrImagePull',
      'Lost',
      'Evicted',
      'OOMKilled',
      'Warning',
      'False',
      'ExitCode:137',
      'Signal:9'
    ])
      expect(statusTone(v), v).toBe('bad');
  });

  it('takes the worst part of a compound status', () => {
    expect(statusTone('Ready,SchedulingDisabled')).toBe('warn');
    expect(statusTone('NotReady,SchedulingDisabled')).toBe('bad');
    expect(statusTone('Init:CrashLoopBackOff')).toBe('bad');
    expect(statusTone('Init:0/2')).toBe('warn');
    expect(statusTone('MemoryPressure,DiskPressure')).toBe('warn');
  });

  it('leaves other values alone, greys out superseded ones, reads booleans', () => {
    expect(statusTone('superseded')).toBe('muted');
    expect(statusTone('nginx')).toBeUndefined();
    expect(statusTone('')).toBeUndefined();
    expect(statusTone(null)).toBeUndefined();
    expect(statusTone(3)).toBeUndefined();
    expect(statusTone(true)).toBe('ok');
    expect(statusTone(false)).toBe('bad');
    expect(statusTone('running')).toBe('ok');
  });
});
