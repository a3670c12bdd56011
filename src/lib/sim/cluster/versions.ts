/**
 * Served versions: objects are stored in their storage version, and another served version converts
 * on the way in and out. Only Events differ in shape (core/v1 stored, events.k8s.io/v1 served too).
 */
import { apiVersionOf } from '../resources';
import type { KubeObject, ResourceType } from '../../kube/types';

/** A stored object as `rt`'s version serves it. */
export function present(rt: ResourceType, o: KubeObject): KubeObject {
  if (rt.storedAs && rt.group === 'events.k8s.io') return toEventsV1(o);
  const apiVersion = apiVersionOf(rt);
  return o.apiVersion === apiVersion ? o : { ...o, apiVersion };
}

/** An object written through `rt` as it is stored. */
export function toStored(rt: ResourceType, o: KubeObject): KubeObject {
  if (rt.storedAs && rt.group === 'events.k8s.io') return fromEventsV1(o);
  return { ...o, apiVersion: apiVersionOf(rt), kind: rt.kind };
}

/** core/v1 Event → events.k8s.io/v1 Event (same stored object, newer field names). */
function toEventsV1(e: KubeObject): KubeObject {
  return {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    ...(e.series ? { series: { count: e.series.count, lastObservedTime: e.series.lastObservedTime } } : {}),
    reportingController: e.reportingComponent || e.source?.component || '',
    reportingInstance: e.reportingInstance || e.source?.host || '',
    ...(e.action ? { action: e.action } : {}),
    reason: e.reason,
    regarding: e.involvedObject,
    ...(e.related ? { related: e.related } : {}),
    note: e.message,
    type: e.type,
    ...(e.source ? { deprecatedSource: e.source } : {}),
    ...(e.firstTimestamp ? { deprecatedFirstTimestamp: e.firstTimestamp } : {}),
    ...(e.lastTimestamp ? { deprecatedLastTimestamp: e.lastTimestamp } : {}),
    ...(e.count ? { deprecatedCount: e.count } : {})
  };
}

function fromEventsV1(e: KubeObject): KubeObject {
  if (e.apiVersion === 'v1') return e;
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: e.metadata,
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    type: e.type,
    eventTime: e.eventTime ?? null,
    reportingComponent: e.reportingController ?? '',
    reportingInstance: e.reportingInstance ?? '',
    source: e.deprecatedSource ?? { component: e.reportingController ?? '' },
    firstTimestamp: e.deprecatedFirstTimestamp ?? null,
    lastTimestamp: e.deprecatedLastTimestamp ?? null,
    count: e.deprecatedCount ?? e.series?.count ?? 1,
    ...(e.action ? { action: e.action } : {}),
    ...(e.related ? { related: e.related } : {}),
    ...(e.series ? { series: e.series } : {})
  };
}
