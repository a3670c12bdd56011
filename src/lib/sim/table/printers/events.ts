/** core/v1 and events.k8s.io/v1 Events. */
import { since, timeOf } from '../../../kube/time';
import { NAME_COL, col, type Printer } from './common';

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."
    ),
    col('Object', 'The object that this event is about.'),
    col(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
      'string',
      1
    ),
    col(
      'Source',
      'The component reporting this event. Should be a short machine understandable string.',
      'string',
      1
    ),
    col('Message', 'A human-readable description of the status of this operation.'),
    col(
      'First Seen',
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      'string',
      1
    ),
    col('Count', 'The number of times this event has occurred.', 'string', 1),
    { ...NAME_COL, priority: 1 }
  ],
  cells(o, now) {
    // core/v1 and events.k8s.io/v1 name the same fields differently
    const involved = o.involvedObject ?? o.regarding ?? {};
    const firstTs = o.firstTimestamp ?? o.deprecatedFirstTimestamp;
    const lastTs = o.lastTimestamp ?? o.deprecatedLastTimestamp;
    const source = o.source ?? o.deprecatedSource ?? {};
    const first = timeOf(firstTs) !== undefined ? since(firstTs, now) : since(o.eventTime, now);
    let last = timeOf(lastTs) !== undefined ? since(lastTs, now) : first;
    let count: number = o.count ?? o.deprecatedCount ?? 0;
    if (o.series) {
      last = since(o.series.lastObservedTime, now);
      count = o.series.count ?? count;
    } else if (count === 0) count = 1;
    const kind = String(involved.kind ?? '').toLowerCase();
    const target = involved.name ? `${kind}/${involved.name}` : kind;
    const component = source.component || o.reportingController || '';
    const instance = source.host || o.reportingInstance || '';
    return [
      last,
      o.type ?? '',
      o.reason ?? '',
      target,
      involved.fieldPath ?? '',
      instance ? `${component}, ${instance}` : component,
      String(o.message ?? o.note ?? '').trim(),
      first,
      count,
      o.metadata.name
    ];
  }
};
