/**
 * What every reconciler of the simulated controller manager shares: the cluster, the seeded random
 * source, controller time, the indexes kept current from change events, the dirty sets that say what
 * needs a pass, and the write helpers (each write is counted, for diagnostics and tests).
 *
 * The reconcilers are plain functions of this context, so each family lives in its own module. The
 * context is a plain object (its collections are data, reachable like the controllers' own fields,
 * which is how the soak test checks that none of them grows without bound).
 */
import type { SimCluster } from '../cluster';
import { jsonEqualIgnoringKeyOrder } from '../json';
import * as k from '../objects';
import { Random } from '../random';
import type { KubeObject, NewObject, ResourceType } from '../../kube/types';
import { EventLog, type EventInput } from './events';

export interface ControllerOptions {
  /** Seeds generated pod names, IPs and lifecycle delays. */
  seed?: number;
  /** Delay from a pod being bound to its containers running and ready (ms, min and max). */
  podStartMs?: [number, number];
  /** How long a Job's pod runs before it completes (ms, min and max). */
  jobRunMs?: [number, number];
  /** Share of Job pods that fail (exit 1) instead of completing. */
  jobFailureRate?: number;
  /** Record Events (ScalingReplicaSet, Scheduled, Started…) for what the controllers do. */
  events?: boolean;
  /** Most pods a ReplicaSet, DaemonSet or Job creates in one pass (the rest follow next pass). */
  burst?: number;
}

/** The next thing the scheduler or kubelet does for a pod, and when (controller time, ms). */
export interface PodStep {
  due: number;
  step: 'bind' | 'create' | 'start' | 'finish';
}

/** The families of objects that are reconciled when marked dirty. */
export type Dirty =
  'deployments' | 'replicasets' | 'statefulsets' | 'daemonsets' | 'jobs' | 'cronjobs' | 'services' | 'pdbs';

type Kind =
  | 'pod'
  | 'node'
  | 'namespace'
  | 'service'
  | 'slice'
  | 'deployment'
  | 'replicaset'
  | 'statefulset'
  | 'daemonset'
  | 'job'
  | 'cronjob'
  | 'pdb'
  | 'pvc'
  | 'pv';

type Index = Map<string, Map<string, KubeObject>>;

export interface ControllerContext {
  readonly cluster: SimCluster;
  readonly rand: Random;
  readonly opts: Required<ControllerOptions>;
  readonly rt: Record<Kind, ResourceType>;
  /** Writes made by the controllers (creates, updates, deletes). */
  writes: number;
  /** Controller time (ms): what lifecycle steps and Job TTLs are due against. */
  elapsed: number;

  readonly dirty: Record<Dirty, Set<string>>;
  /** Pods changed since the last pass, per namespace: their services and budgets may need work. */
  readonly changedPods: Map<string, KubeObject[]>;

  // Indexes kept current from onChange (see tracking.ts).
  readonly podsByOwner: Index;
  readonly podsByNamespace: Index;
  /** ReplicaSets by Deployment, Jobs by CronJob (owner uid → key → object). */
  readonly childrenByOwner: Index;
  readonly servicesByNamespace: Index;
  readonly pdbsByNamespace: Index;
  readonly slicesByService: Index;
  readonly cronJobs: Map<string, { next?: number; schedule: string }>;
  readonly podsPerNode: Map<string, number>;
  readonly ipsPerNode: Map<string, Set<string>>;
  readonly nodes: Map<string, KubeObject>;
  /** The next scheduler or kubelet step of each pod that has one. */
  readonly lifecycle: Map<string, PodStep>;
  /** Job key → controller time it may be deleted. */
  readonly finishedJobs: Map<string, number>;

  now(): number;
  mutate(rt: ResourceType, o: KubeObject, fn: (copy: KubeObject) => void): KubeObject | undefined;
  /**
   * Writes `status` only when it differs from the stored one. Key order is ignored: a recomputed
   * status may list the stored fields in another order, and that is no change worth a write.
   */
  setStatus(rt: ResourceType, o: KubeObject, status: Record<string, unknown>): void;
  create(rt: ResourceType, obj: NewObject): KubeObject;
  remove(rt: ResourceType, o: KubeObject): void;
  /** Records an Event, unless the options turned events off. */
  event(e: EventInput): void;
  /** `prefix` + a random suffix no pod of the namespace has. */
  podName(ns: string, prefix: string): string;
  podsOf(owner: KubeObject): KubeObject[];
  /** The objects an owner controls (ReplicaSets of a Deployment, Jobs of a CronJob). */
  childrenOf(owner: KubeObject): KubeObject[];
  /** Creates a pod from an owner's template (Pending, unscheduled unless `nodeName`). */
  createPod(
    owner: KubeObject,
    template: k.PodTemplateSpec,
    name: string,
    extra?: Partial<
      Pick<
        k.PodInit,
        'extraLabels' | 'hostname' | 'subdomain' | 'extraVolumes' | 'daemonSetNode' | 'nodeName'
      >
    >,
    generateName?: string
  ): KubeObject;
}

export function createControllerContext(cluster: SimCluster, options: ControllerOptions): ControllerContext {
  const opts: Required<ControllerOptions> = {
    seed: 1,
    podStartMs: [700, 1800],
    jobRunMs: [3000, 15000],
    jobFailureRate: 0.05,
    events: true,
    burst: 500,
    ...options
  };
  const rand = new Random(opts.seed ^ 0xc0ffee);
  const t = (apiVersion: string, kind: string) => cluster.type(apiVersion, kind);
  const rt: Record<Kind, ResourceType> = {
    pod: t('v1', 'Pod'),
    node: t('v1', 'Node'),
    namespace: t('v1', 'Namespace'),
    service: t('v1', 'Service'),
    slice: t('discovery.k8s.io/v1', 'EndpointSlice'),
    deployment: t('apps/v1', 'Deployment'),
    replicaset: t('apps/v1', 'ReplicaSet'),
    statefulset: t('apps/v1', 'StatefulSet'),
    daemonset: t('apps/v1', 'DaemonSet'),
    job: t('batch/v1', 'Job'),
    cronjob: t('batch/v1', 'CronJob'),
    pdb: t('policy/v1', 'PodDisruptionBudget'),
    pvc: t('v1', 'PersistentVolumeClaim'),
    pv: t('v1', 'PersistentVolume')
  };
  const events = EventLog.for(cluster);

  const ctx: ControllerContext = {
    cluster,
    rand,
    opts,
    rt,
    writes: 0,
    elapsed: 0,
    dirty: {
      deployments: new Set(),
      replicasets: new Set(),
      statefulsets: new Set(),
      daemonsets: new Set(),
      jobs: new Set(),
      cronjobs: new Set(),
      services: new Set(),
      pdbs: new Set()
    },
    changedPods: new Map(),
    podsByOwner: new Map(),
    podsByNamespace: new Map(),
    childrenByOwner: new Map(),
    servicesByNamespace: new Map(),
    pdbsByNamespace: new Map(),
    slicesByService: new Map(),
    cronJobs: new Map(),
    podsPerNode: new Map(),
    ipsPerNode: new Map(),
    nodes: new Map(),
    lifecycle: new Map(),
    finishedJobs: new Map(),

    now: () => cluster.clock.now(),

    mutate(type, o, fn) {
      ctx.writes++;
      return cluster.mutate(type, o.metadata.namespace, o.metadata.name, fn);
    },

    setStatus(type, o, status) {
      if (jsonEqualIgnoringKeyOrder(o.status, status)) return;
      ctx.mutate(type, o, (c) => {
        c.status = status;
      });
    },

    create(type, obj) {
      ctx.writes++;
      return cluster.create(type, obj.metadata.namespace, obj, { fieldManager: 'kube-controller-manager' });
    },

    remove(type, o) {
      if (!cluster.find(type, o.metadata.namespace, o.metadata.name)) return;
      ctx.writes++;
      cluster.delete(type, o.metadata.namespace, o.metadata.name, { propagationPolicy: 'Background' });
    },

    event(e) {
      if (!opts.events) return;
      ctx.writes += events.record(e);
    },

    podName(ns, prefix) {
      for (;;) {
        const name = prefix + rand.suffix(5);
        if (!ctx.podsByNamespace.get(ns)?.has(name)) return name;
      }
    },

    podsOf(owner) {
      const m = ctx.podsByOwner.get(owner.metadata.uid);
      return m ? [...m.values()] : [];
    },

    childrenOf(owner) {
      return [...(ctx.childrenByOwner.get(owner.metadata.uid)?.values() ?? [])];
    },

    createPod(owner, template, name, extra = {}, generateName) {
      const now = ctx.now();
      const ref = k.ownerRef(owner);
      const pod = k.podFromTemplate({
        name,
        namespace: owner.metadata.namespace!,
        template,
        owner: ref,
        generateName,
        created: now,
        tokenVolumeSuffix: rand.suffix(5),
        ...extra,
        nodeName: extra.nodeName ?? extra.daemonSetNode
      });
      pod.metadata.managedFields = [
        k.managedEntry(
          'kube-controller-manager',
          'v1',
          now,
          k.podControllerFields(template, ref, generateName, extra.extraLabels)
        )
      ];
      return ctx.create(rt.pod, pod);
    }
  };
  return ctx;
}
