/** core/v1 Events as components record them. */
import type { Random } from '../random';
import type { NewObject } from '../../kube/types';
import { isoTime } from './format';

export interface EventInit {
  name: string;
  involved: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion?: string;
  };
  fieldPath?: string;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  component: string;
  host?: string;
  count?: number;
  first: number;
  last: number;
}

export function event(e: EventInit): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: e.name,
      namespace: e.involved.namespace ?? 'default',
      creationTimestamp: isoTime(e.first)
    },
    count: e.count ?? 1,
    eventTime: null,
    firstTimestamp: isoTime(e.first),
    involvedObject: {
      apiVersion: e.involved.apiVersion,
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
      kind: e.involved.kind,
      name: e.involved.name,
      ...(e.involved.namespace ? { namespace: e.involved.namespace } : {}),
      ...(e.involved.resourceVersion ? { resourceVersion: e.involved.resourceVersion } : {}),
      uid: e.involved.uid
    },
    lastTimestamp: isoTime(e.last),
    message: e.message,
    reason: e.reason,
    reportingComponent: e.component,
    reportingInstance: e.host ?? '',
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
    type: e.type
  };
}

/** Event names are `<involved name>.<16 hex digits>` (the client's timestamp in nanoseconds, in hex). */
export function eventName(involvedName: string, timeMs: number, rand: Random): string {
  const nanos = BigInt(Math.floor(timeMs)) * 1_000_000n + BigInt(rand.int(0, 999_999));
  return `${involvedName}.${nanos.toString(16).padStart(16, '0')}`;
}
