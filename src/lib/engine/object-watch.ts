/**
 * One full object, for a detail view: informers keep rows only, so the whole object is fetched on
 * demand and watched by name (`fieldSelector=metadata.name=…`) while the view is open. It takes a
 * foreground slot of its origin's budget; without one it re-reads the object every few seconds.
 */
import type { KubeObject } from '../kube/types';
import { BODY_LIMITS, readJsonLimited } from '../watch/body';
import { Reflector, stripHeavyFields, type ReflectorOptions, type ReflectorStatus } from '../watch/reflector';
import type { ConnectionBudget, Lease } from '../watch/budget';
import { collectionPath } from './informer';
import type { ResourceRef } from '../kube/types';
import type { Clock } from '../kube/clock';
import type { ClusterConnection } from '../watch/budget';

export interface ObjectRef {
  cluster: string;
  resource: ResourceRef;
  namespace?: string;
  name: string;
}

/**
 * What a detail view receives: the object (managedFields and kubectl's last-applied copy stripped,
 * whether watched or polled), or null when it is gone.
 */
export interface ObjectUpdate {
  object: KubeObject | null;
  state: ReflectorStatus['state'] | 'polling';
  error?: string;
}

export interface ObjectWatchOptions {
  ref: ObjectRef;
  connection: ClusterConnection;
  budget: ConnectionBudget;
  post: (update: ObjectUpdate) => void;
  pollMs?: number;
  clock?: Clock;
  reflector?: Partial<ReflectorOptions<KubeObject>>;
}

let nextId = 1;

export class ObjectWatch {
  private readonly id = `object-${nextId++}`;
  private reflector: Reflector<KubeObject> | undefined;
  private poller: ReturnType<typeof setInterval> | undefined;
  private object: KubeObject | null = null;

  constructor(readonly options: ObjectWatchOptions) {}

  start(): void {
    const { connection, budget } = this.options;
    if (connection.origin === undefined) return this.watch('direct');
    const lease = budget.request(this.id, connection.origin, 'foreground', () => this.startPolling());
    if (lease) this.watch(lease);
    else this.startPolling();
  }

  stop(): void {
    this.reflector?.stop();
    if (this.poller) clearInterval(this.poller);
    this.options.budget.release(this.id);
  }

  private watch(lease: Lease | 'direct') {
    const { ref, connection, post } = this.options;
    this.reflector = new Reflector<KubeObject>({
      cluster: ref.cluster,
      path: collectionPath({ cluster: ref.cluster, resource: ref.resource, namespace: ref.namespace }),
      fieldSelector: `metadata.name=${ref.name}`,
      transport: connection.transport(lease === 'direct' ? 'direct' : lease.kind),
      streamingList: false,
      ...this.options.reflector,
      onChange: (c) => {
        this.object = c.type === 'delete' ? null : c.item;
        post({ object: this.object, state: this.reflector?.state ?? 'live' });
      },
      onState: (s) => {
        if (s.state === 'live' || s.lastError)
          post({ object: this.object, state: s.state, error: s.lastError });
      }
    });
    void this.reflector.run();
  }

  private startPolling() {
    this.reflector?.stop();
    this.reflector = undefined;
    const { ref, connection, post } = this.options;
    const transport = connection.transport('chunked');
    const path = `${collectionPath({ cluster: ref.cluster, resource: ref.resource, namespace: ref.namespace })}/${encodeURIComponent(ref.name)}`;
    const read = async () => {
      try {
        const res = await transport.fetch(path, { headers: { accept: 'application/json' } });
        if (res.status === 404) this.object = null;
        else if (!res.ok) return post({ object: this.object, state: 'polling', error: `HTTP ${res.status}` });
        else {
          const obj = await readJsonLimited<KubeObject>(res, path, BODY_LIMITS.object);
          // As the watch does: the last-applied copy holds a Secret's values in clear.
          (this.options.reflector?.strip ?? stripHeavyFields)(obj);
          this.object = obj;
        }
        post({ object: this.object, state: 'polling' });
      } catch (e) {
        post({ object: this.object, state: 'polling', error: String(e) });
      }
    };
    void read();
    this.poller = setInterval(read, this.options.pollMs ?? 5000);
  }
}
