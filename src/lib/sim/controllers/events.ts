/**
 * Events, shared by the controllers and the churn generator: an EventLog records core/v1 Events the
 * way client-go's recorder does and keeps their number in the cluster bounded.
 */
import type { SimCluster } from '../cluster';
import * as k from '../objects';
import { Random } from '../random';
import type { KubeObject, ResourceType } from '../../kube/types';
import { key, splitKey } from './keys';

export interface EventInput {
  involved: KubeObject;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  component: string;
  host?: string;
  fieldPath?: string;
}

const eventLogs = new WeakMap<SimCluster, EventLog>();

/**
 * Records core/v1 Events the way client-go's recorder does (a repeat of the same event within ten
 * minutes bumps `count` and `lastTimestamp`), and keeps the number of Events in the cluster bounded
 * by deleting the oldest. One per cluster: `EventLog.for(cluster)`.
 */
export class EventLog {
  /** Most Events kept in the cluster. */
  max: number;
  private order: string[] = []; // event keys, oldest first (lazily compacted)
  private head = 0;
  private live = new Set<string>();
  private recent = new Map<string, string>(); // aggregation key → event key
  private rand: Random;
  private rt: ResourceType;
  private stopListening: () => void;

  static for(cluster: SimCluster, max?: number): EventLog {
    let log = eventLogs.get(cluster);
    if (!log) eventLogs.set(cluster, (log = new EventLog(cluster)));
    if (max !== undefined) log.max = max;
    return log;
  }

  private constructor(private cluster: SimCluster) {
    this.rt = cluster.type('v1', 'Event');
    const existing = cluster
      .objects(this.rt)
      .slice()
      .sort((a, b) => (a.lastTimestamp ?? '').localeCompare(b.lastTimestamp ?? ''));
    for (const e of existing) this.track(key(e));
    this.max = Math.max(1000, this.live.size);
    this.rand = new Random(0x5eed ^ existing.length);
    this.stopListening = cluster.onChange((e) => {
      if (e.resource.kind !== 'Event' || e.resource.group !== '') return;
      const k2 = key(e.object);
      if (e.type === 'ADDED') this.track(k2);
      else if (e.type === 'DELETED') this.live.delete(k2);
    });
  }

  get size(): number {
    return this.live.size;
  }

  private track(k2: string) {
    if (this.live.has(k2)) return;
    this.live.add(k2);
    this.order.push(k2);
  }

  /** Records an event; returns the number of writes made (the event, and any deletions). */
  record(e: EventInput): number {
    const now = this.cluster.clock.now();
    const o = e.involved;
    const aggregate = `${o.metadata.uid}|${e.reason}|${e.message}`;
    let writes = 0;
    const existingKey = this.recent.get(aggregate);
    if (existingKey && this.live.has(existingKey)) {
      const [ns, name] = splitKey(existingKey);
      const current = this.cluster.find(this.rt, ns, name);
      if (current && now - Date.parse(current.lastTimestamp) < 10 * 60_000) {
        this.cluster.mutate(this.rt, ns, name, (c) => {
          c.count = (c.count ?? 1) + 1;
          c.lastTimestamp = k.isoTime(now);
        });
        return 1;
      }
    }
    const ev = k.event({
      name: k.eventName(o.metadata.name, now, this.rand),
      involved: {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion
      },
      fieldPath: e.fieldPath,
      reason: e.reason,
      message: e.message,
      type: e.type,
      component: e.component,
      host: e.host,
      first: now,
      last: now
    });
    const ns = ev.metadata.namespace!;
    if (!this.cluster.find(this.cluster.type('v1', 'Namespace'), undefined, ns)) return 0;
    const created = this.cluster.create(this.rt, ns, ev);
    writes++;
    this.recent.set(aggregate, key(created));
    if (this.recent.size > 5000) this.recent.delete(this.recent.keys().next().value as string);
    writes += this.trim();
    return writes;
  }

  /** Deletes the oldest events above `max`; returns how many were deleted. */
  trim(): number {
    let deleted = 0;
    while (this.live.size > this.max && this.head < this.order.length) {
      const k2 = this.order[this.head++];
      if (!this.live.has(k2)) continue;
      const [ns, name] = splitKey(k2);
      if (this.cluster.find(this.rt, ns, name)) {
        this.cluster.delete(this.rt, ns, name);
        deleted++;
      }
      this.live.delete(k2);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    return deleted;
  }

  stop() {
    this.stopListening();
    eventLogs.delete(this.cluster);
  }
}
