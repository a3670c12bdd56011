/**
 * A minimal kube-controller-manager, scheduler and kubelet for the simulated cluster.
 *
 * Reconciles Deployments → ReplicaSets (rolling updates, revision history), ReplicaSets → pods,
 * StatefulSets (ordered pods, claims, rolling updates), DaemonSets (one pod per eligible node),
 * Jobs and CronJobs, EndpointSlices of Services and PodDisruptionBudget status; schedules new pods
 * and walks them through Pending → ContainerCreating → Running (and Succeeded for Job pods).
 *
 * Work is driven by `cluster.onChange`: a change marks the objects it affects dirty, and `tick`
 * reconciles only those, so a tick costs what changed, not the size of the cluster. The caller owns
 * the timer: call `tick(dtMs)` (tests, SimWorld) or `reconcile()` from an interval.
 */
import type { ChangeEvent, SimCluster } from './cluster';
import * as k from './objects';
import { Random } from './random';
import { matchesSelectorMap, matchesSelectorObject } from './selectors';
import type { KubeObject, NewObject, OwnerReference, ResourceType } from '../kube/types';

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

interface PodStep {
  due: number; // controller time (ms)
  step: 'bind' | 'create' | 'start' | 'finish';
}

const key = (o: { metadata: { namespace?: string; name?: string } }) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const splitKey = (k2: string): [string | undefined, string] => {
  const i = k2.indexOf('/');
  return [i > 0 ? k2.slice(0, i) : undefined, k2.slice(i + 1)];
};

/** Structural equality of JSON values (status comparisons before writing). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const k2 in ao) {
    if (ao[k2] === undefined) continue;
    count++;
    if (!jsonEqual(ao[k2], bo[k2])) return false;
  }
  for (const k2 in bo) if (bo[k2] !== undefined) count--;
  return count === 0;
}

/**
 * Whether a ReplicaSet's template is the Deployment's, the pod-template-hash label aside: how the
 * deployment controller finds the ReplicaSet of a template (its EqualIgnoreHash). The hash is only a
 * name: a ReplicaSet whose hash is not what this template hashes to now (the populated world hashes
 * templates as of a fixed time) still belongs to the template.
 */
export function sameTemplateIgnoringHash(rsTemplate: unknown, template: unknown): boolean {
  return jsonEqual(withoutHashLabel(rsTemplate), withoutHashLabel(template));
}

function withoutHashLabel(template: unknown): unknown {
  const t = (template ?? {}) as Record<string, unknown>;
  const tm = (t.metadata ?? {}) as Record<string, unknown>;
  const labels: Record<string, string> = { ...((tm.labels as Record<string, string>) ?? {}) };
  delete labels['pod-template-hash'];
  return { ...t, metadata: { ...tm, labels: Object.keys(labels).length ? labels : undefined } };
}

/** Which controller owns an object (its ownerReference with `controller: true`). */
function controllerOf(o: KubeObject): OwnerReference | undefined {
  const refs = o.metadata.ownerReferences;
  if (!refs) return undefined;
  for (const r of refs) if (r.controller) return r;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Events, shared by the controllers and the churn generator
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Cron schedules
// ---------------------------------------------------------------------------------------------

type CronField = (v: number) => boolean;

function cronField(spec: string, min: number, max: number): CronField {
  if (spec === '*' || spec === '?') return () => true;
  const allowed = new Set<number>();
  for (const part of spec.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let lo = min;
    let hi = max;
    if (range !== '*') {
      const [a, b] = range.split('-');
      lo = Number(a);
      hi = b !== undefined ? Number(b) : stepText ? max : lo;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || step <= 0) throw new Error(`bad cron field ${spec}`);
    for (let v = lo; v <= hi; v += step) allowed.add(v === 7 && max === 7 ? 0 : v);
  }
  return (v) => allowed.has(v);
}

const CRON_MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *'
};

/** A matcher for a five-field cron schedule (UTC), or undefined if it cannot be parsed. */
export function parseCron(schedule: string): ((ms: number) => boolean) | undefined {
  const fields = (CRON_MACROS[schedule.trim()] ?? schedule).trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  try {
    const [minute, hour, dom, month, dow] = [
      cronField(fields[0], 0, 59),
      cronField(fields[1], 0, 23),
      cronField(fields[2], 1, 31),
      cronField(fields[3], 1, 12),
      cronField(fields[4], 0, 7)
    ];
    return (ms) => {
      const d = new Date(ms);
      return (
        minute(d.getUTCMinutes()) &&
        hour(d.getUTCHours()) &&
        dom(d.getUTCDate()) &&
        month(d.getUTCMonth() + 1) &&
        dow(d.getUTCDay())
      );
    };
  } catch {
    return undefined;
  }
}

/** The last scheduled minute at or before `at`, searching at most `horizonMs` back. */
export function previousCronTime(matches: (ms: number) => boolean, at: number, horizonMs = 32 * 86_400_000) {
  const end = at - horizonMs;
  for (let t = Math.floor(at / 60_000) * 60_000; t >= end; t -= 60_000) if (matches(t)) return t;
  return undefined;
}

/** The first scheduled minute strictly after `after`, searching at most `horizonMs` ahead. */
export function nextCronTime(matches: (ms: number) => boolean, after: number, horizonMs = 32 * 86_400_000) {
  let t = Math.floor(after / 60_000) * 60_000 + 60_000;
  const end = after + horizonMs;
  for (; t <= end; t += 60_000) if (matches(t)) return t;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The controller manager
// ---------------------------------------------------------------------------------------------

type Dirty =
  'deployments' | 'replicasets' | 'statefulsets' | 'daemonsets' | 'jobs' | 'cronjobs' | 'services' | 'pdbs';

export class Controllers {
  /** Writes made by the controllers (creates, updates, deletes), for diagnostics and tests. */
  writes = 0;
  private rand: Random;
  private elapsed = 0;
  private lastReconcile: number;
  private opts: Required<ControllerOptions>;
  private stopListening: () => void;
  private events: EventLog;

  private rt: Record<
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
    | 'pv',
    ResourceType
  >;

  private dirty: Record<Dirty, Set<string>> = {
    deployments: new Set(),
    replicasets: new Set(),
    statefulsets: new Set(),
    daemonsets: new Set(),
    jobs: new Set(),
    cronjobs: new Set(),
    services: new Set(),
    pdbs: new Set()
  };
  /** Pods changed since the last pass, per namespace: their services and budgets may need work. */
  private changedPods = new Map<string, KubeObject[]>();

  // Indexes kept current from onChange.
  private podsByOwner = new Map<string, Map<string, KubeObject>>();
  private podsByNamespace = new Map<string, Map<string, KubeObject>>();
  private childrenByOwner = new Map<string, Map<string, KubeObject>>(); // RS by Deployment, Job by CronJob
  private servicesByNamespace = new Map<string, Map<string, KubeObject>>();
  private pdbsByNamespace = new Map<string, Map<string, KubeObject>>();
  private slicesByService = new Map<string, Map<string, KubeObject>>();
  private cronJobs = new Map<string, { next?: number; schedule: string }>();
  private podsPerNode = new Map<string, number>();
  private ipsPerNode = new Map<string, Set<string>>();
  private nodes = new Map<string, KubeObject>();
  private lifecycle = new Map<string, PodStep>();
  private finishedJobs = new Map<string, number>(); // job key → controller time it may be deleted

  constructor(
    readonly cluster: SimCluster,
    options: ControllerOptions = {}
  ) {
    this.opts = {
      seed: 1,
      podStartMs: [700, 1800],
      jobRunMs: [3000, 15000],
      jobFailureRate: 0.05,
      events: true,
      burst: 500,
      ...options
    };
    this.rand = new Random(this.opts.seed ^ 0xc0ffee);
    const t = (apiVersion: string, kind: string) => cluster.type(apiVersion, kind);
    this.rt = {
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
    this.events = EventLog.for(cluster);
    this.lastReconcile = cluster.clock.now();
    for (const n of cluster.objects(this.rt.node)) this.nodes.set(n.metadata.name, n);
    for (const p of cluster.objects(this.rt.pod)) this.indexPod(undefined, p, false);
    for (const rs of cluster.objects(this.rt.replicaset)) this.indexChild(undefined, rs);
    for (const j of cluster.objects(this.rt.job)) {
      this.indexChild(undefined, j);
      if (k.jobIsFinished(j) && j.spec.ttlSecondsAfterFinished !== undefined) this.noteFinished(j);
    }
    for (const s of cluster.objects(this.rt.service)) this.indexIn(this.servicesByNamespace, undefined, s);
    for (const p of cluster.objects(this.rt.pdb)) this.indexIn(this.pdbsByNamespace, undefined, p);
    for (const s of cluster.objects(this.rt.slice)) this.indexSlice(undefined, s);
    for (const c of cluster.objects(this.rt.cronjob))
      this.cronJobs.set(key(c), { schedule: c.spec.schedule });
    this.stopListening = cluster.onChange((e) => this.observe(e));
  }

  /** Marks every workload, service and budget dirty: the next tick reconciles the whole cluster. */
  resync() {
    const all = (rt: ResourceType, d: Dirty) => {
      for (const o of this.cluster.objects(rt)) this.dirty[d].add(key(o));
    };
    all(this.rt.deployment, 'deployments');
    all(this.rt.replicaset, 'replicasets');
    all(this.rt.statefulset, 'statefulsets');
    all(this.rt.daemonset, 'daemonsets');
    all(this.rt.job, 'jobs');
    all(this.rt.cronjob, 'cronjobs');
    all(this.rt.service, 'services');
    all(this.rt.pdb, 'pdbs');
  }

  stop() {
    this.stopListening();
  }

  /** Called from a timer: advances by the time since the previous call on the cluster's clock. */
  reconcile() {
    const now = this.cluster.clock.now();
    const dt = Math.max(0, now - this.lastReconcile);
    this.lastReconcile = now;
    this.tick(dt);
  }

  /** Advances controller time by `dtMs` and reconciles what changed and what fell due. */
  tick(dtMs: number) {
    this.elapsed += Math.max(0, dtMs);
    this.runPasses();
    this.runLifecycle();
    this.runCronJobs();
    this.runTtl();
    this.runPasses();
  }

  /** True when nothing is waiting: no dirty objects and no pod in a timed transition. */
  get idle(): boolean {
    return (
      this.lifecycle.size === 0 &&
      Object.values(this.dirty).every((s) => s.size === 0) &&
      this.changedPods.size === 0
    );
  }

  // ---- change tracking -----------------------------------------------------------------------

  private observe(e: ChangeEvent) {
    const o = e.object;
    switch (e.resource.kind) {
      case 'Pod':
        if (e.resource.group !== '') return;
        this.indexPod(e.prev, e.type === 'DELETED' ? undefined : o, true);
        return;
      case 'ReplicaSet': {
        this.indexChild(e.prev, e.type === 'DELETED' ? undefined : o);
        if (e.type !== 'DELETED') this.dirty.replicasets.add(key(o));
        const owner = controllerOf(o);
        if (owner?.kind === 'Deployment') this.dirty.deployments.add(`${o.metadata.namespace}/${owner.name}`);
        return;
      }
      case 'Deployment':
        if (e.type !== 'DELETED') this.dirty.deployments.add(key(o));
        return;
      case 'StatefulSet':
        if (e.type !== 'DELETED') this.dirty.statefulsets.add(key(o));
        return;
      case 'DaemonSet':
        if (e.type !== 'DELETED') this.dirty.daemonsets.add(key(o));
        return;
      case 'Job': {
        this.indexChild(e.prev, e.type === 'DELETED' ? undefined : o);
        if (e.type === 'DELETED') this.finishedJobs.delete(key(o));
        else this.dirty.jobs.add(key(o));
        const owner = controllerOf(o);
        if (owner?.kind === 'CronJob') this.dirty.cronjobs.add(`${o.metadata.namespace}/${owner.name}`);
        return;
      }
      case 'CronJob':
        if (e.type === 'DELETED') this.cronJobs.delete(key(o));
        else {
          const known = this.cronJobs.get(key(o));
          if (!known || known.schedule !== o.spec.schedule)
            this.cronJobs.set(key(o), { schedule: o.spec.schedule });
          this.dirty.cronjobs.add(key(o));
        }
        return;
      case 'Service':
        this.indexIn(this.servicesByNamespace, e.prev, e.type === 'DELETED' ? undefined : o);
        if (e.type !== 'DELETED') this.dirty.services.add(key(o));
        return;
      case 'EndpointSlice':
        this.indexSlice(e.prev, e.type === 'DELETED' ? undefined : o);
        return;
      case 'PodDisruptionBudget':
        this.indexIn(this.pdbsByNamespace, e.prev, e.type === 'DELETED' ? undefined : o);
        if (e.type !== 'DELETED') this.dirty.pdbs.add(key(o));
        return;
      case 'Node': {
        const name = o.metadata.name;
        if (e.type === 'DELETED') this.nodes.delete(name);
        else this.nodes.set(name, o);
        const relevant =
          e.type !== 'MODIFIED' ||
          k.nodeIsReady(o) !== (e.prev ? k.nodeIsReady(e.prev) : false) ||
          !jsonEqual(o.spec?.taints, e.prev?.spec?.taints) ||
          !jsonEqual(o.metadata.labels, e.prev?.metadata.labels);
        if (relevant)
          for (const ds of this.cluster.objects(this.rt.daemonset)) this.dirty.daemonsets.add(key(ds));
        return;
      }
    }
  }

  private indexIn(
    map: Map<string, Map<string, KubeObject>>,
    prev: KubeObject | undefined,
    next: KubeObject | undefined
  ) {
    const o = next ?? prev;
    if (!o) return;
    const ns = o.metadata.namespace ?? '';
    let m = map.get(ns);
    if (!m) map.set(ns, (m = new Map()));
    if (next) m.set(o.metadata.name, next);
    else m.delete(o.metadata.name);
  }

  private indexChild(prev: KubeObject | undefined, next: KubeObject | undefined) {
    const prevOwner = prev && controllerOf(prev);
    if (prevOwner) removeFrom(this.childrenByOwner, prevOwner.uid, key(prev!));
    const owner = next && controllerOf(next);
    if (!owner) return;
    let m = this.childrenByOwner.get(owner.uid);
    if (!m) this.childrenByOwner.set(owner.uid, (m = new Map()));
    m.set(key(next!), next!);
  }

  private indexSlice(prev: KubeObject | undefined, next: KubeObject | undefined) {
    const o = next ?? prev!;
    const svc = o.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) return;
    const sk = `${o.metadata.namespace}/${svc}`;
    let m = this.slicesByService.get(sk);
    if (!m) this.slicesByService.set(sk, (m = new Map()));
    if (next) m.set(o.metadata.name, next);
    else m.delete(o.metadata.name);
  }

  private indexPod(prev: KubeObject | undefined, next: KubeObject | undefined, live: boolean) {
    const o = (next ?? prev)!;
    const pk = key(o);
    const ns = o.metadata.namespace ?? '';
    const prevOwner = prev && controllerOf(prev);
    const owner = next && controllerOf(next);
    if (prevOwner && (!owner || owner.uid !== prevOwner.uid)) removeFrom(this.podsByOwner, prevOwner.uid, pk);
    if (owner) {
      let m = this.podsByOwner.get(owner.uid);
      if (!m) this.podsByOwner.set(owner.uid, (m = new Map()));
      m.set(pk, next!);
    }
    let byNs = this.podsByNamespace.get(ns);
    if (!byNs) this.podsByNamespace.set(ns, (byNs = new Map()));
    if (next) byNs.set(o.metadata.name, next);
    else byNs.delete(o.metadata.name);

    const prevNode = prev?.spec?.nodeName as string | undefined;
    const nextNode = next?.spec?.nodeName as string | undefined;
    if (prevNode !== nextNode || !prev || !next) {
      if (prev && prevNode) this.podsPerNode.set(prevNode, (this.podsPerNode.get(prevNode) ?? 1) - 1);
      if (next && nextNode) this.podsPerNode.set(nextNode, (this.podsPerNode.get(nextNode) ?? 0) + 1);
    }
    const prevIp = prev?.status?.podIP as string | undefined;
    const nextIp = next?.status?.podIP as string | undefined;
    if (prevIp && prevNode && (prevIp !== nextIp || !next)) this.ipsPerNode.get(prevNode)?.delete(prevIp);
    if (nextIp && nextNode && !next?.spec?.hostNetwork) {
      let ips = this.ipsPerNode.get(nextNode);
      if (!ips) this.ipsPerNode.set(nextNode, (ips = new Set()));
      ips.add(nextIp);
    }

    if (!next) this.lifecycle.delete(pk);
    else if (!this.lifecycle.has(pk)) {
      const step = this.nextStepFor(next);
      if (step) this.lifecycle.set(pk, { step, due: this.elapsed });
    }
    if (!live) return;
    const ref = owner ?? prevOwner;
    if (ref) {
      const ownerKey = `${ns}/${ref.name}`;
      if (ref.kind === 'ReplicaSet') this.dirty.replicasets.add(ownerKey);
      else if (ref.kind === 'StatefulSet') this.dirty.statefulsets.add(ownerKey);
      else if (ref.kind === 'DaemonSet') this.dirty.daemonsets.add(ownerKey);
      else if (ref.kind === 'Job') this.dirty.jobs.add(ownerKey);
    }
    let changed = this.changedPods.get(ns);
    if (!changed) this.changedPods.set(ns, (changed = []));
    if (prev) changed.push(prev);
    if (next) changed.push(next);
  }

  /** What the scheduler or kubelet does next for a pod, if anything. */
  private nextStepFor(p: KubeObject): PodStep['step'] | undefined {
    if (p.metadata.deletionTimestamp) return undefined;
    const phase = p.status?.phase;
    if (phase === 'Running') {
      if (controllerOf(p)?.kind === 'Job' && p.status?.containerStatuses?.[0]?.state?.running)
        return 'finish';
      return undefined;
    }
    if (phase && phase !== 'Pending') return undefined;
    const conditions = (p.status?.conditions ?? []) as { type: string; status: string; reason?: string }[];
    if (!p.spec?.nodeName) {
      // Pods the scheduler already found no room for stay Pending (as populated), until something changes.
      if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')) return undefined;
      return 'bind';
    }
    const waiting = p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    if (waiting && waiting !== 'ContainerCreating') return undefined; // ImagePullBackOff and friends
    return waiting === 'ContainerCreating' ? 'start' : 'create';
  }

  // ---- passes --------------------------------------------------------------------------------

  private runPasses() {
    for (let pass = 0; pass < 6; pass++) {
      this.routeChangedPods();
      let work = 0;
      work += this.drain('deployments', (ns, name) => this.reconcileDeployment(ns, name));
      work += this.drain('replicasets', (ns, name) => this.reconcileReplicaSet(ns, name));
      work += this.drain('statefulsets', (ns, name) => this.reconcileStatefulSet(ns, name));
      work += this.drain('daemonsets', (ns, name) => this.reconcileDaemonSet(ns, name));
      work += this.drain('jobs', (ns, name) => this.reconcileJob(ns, name));
      work += this.drain('cronjobs', (ns, name) => this.reconcileCronJobStatus(ns, name));
      this.routeChangedPods();
      work += this.drain('services', (ns, name) => this.reconcileService(ns, name));
      work += this.drain('pdbs', (ns, name) => this.reconcilePdb(ns, name));
      if (work === 0) break;
    }
  }

  private drain(which: Dirty, fn: (ns: string | undefined, name: string) => void): number {
    const set = this.dirty[which];
    if (set.size === 0) return 0;
    const keys = [...set];
    set.clear();
    for (const k2 of keys) {
      const [ns, name] = splitKey(k2);
      fn(ns, name);
    }
    return keys.length;
  }

  /** Services and budgets whose selectors match a changed pod (before or after the change). */
  private routeChangedPods() {
    if (this.changedPods.size === 0) return;
    for (const [ns, pods] of this.changedPods) {
      for (const svc of this.servicesByNamespace.get(ns)?.values() ?? []) {
        const sel = svc.spec?.selector;
        if (pods.some((p) => matchesSelectorMap(sel, p.metadata.labels))) this.dirty.services.add(key(svc));
      }
      for (const pdb of this.pdbsByNamespace.get(ns)?.values() ?? []) {
        if (pods.some((p) => matchesSelectorObject(pdb.spec?.selector, p.metadata.labels)))
          this.dirty.pdbs.add(key(pdb));
      }
    }
    this.changedPods.clear();
  }

  // ---- writes --------------------------------------------------------------------------------

  private now(): number {
    return this.cluster.clock.now();
  }

  private mutate(rt: ResourceType, o: KubeObject, fn: (copy: KubeObject) => void): KubeObject | undefined {
    this.writes++;
    return this.cluster.mutate(rt, o.metadata.namespace, o.metadata.name, fn);
  }

  /** Writes `status` only when it differs from the stored one. */
  private setStatus(rt: ResourceType, o: KubeObject, status: Record<string, unknown>) {
    if (jsonEqual(o.status, status)) return;
    this.mutate(rt, o, (c) => {
      c.status = status;
    });
  }

  private create(rt: ResourceType, obj: NewObject): KubeObject {
    this.writes++;
    return this.cluster.create(rt, obj.metadata.namespace, obj, { fieldManager: 'kube-controller-manager' });
  }

  private remove(rt: ResourceType, o: KubeObject) {
    if (!this.cluster.find(rt, o.metadata.namespace, o.metadata.name)) return;
    this.writes++;
    this.cluster.delete(rt, o.metadata.namespace, o.metadata.name, { propagationPolicy: 'Background' });
  }

  private event(e: EventInput) {
    if (!this.opts.events) return;
    this.writes += this.events.record(e);
  }

  private podName(ns: string, prefix: string): string {
    for (;;) {
      const name = prefix + this.rand.suffix(5);
      if (!this.podsByNamespace.get(ns)?.has(name)) return name;
    }
  }

  private podsOf(owner: KubeObject): KubeObject[] {
    const m = this.podsByOwner.get(owner.metadata.uid);
    return m ? [...m.values()] : [];
  }

  /** Creates a pod from an owner's template (Pending, unscheduled unless `nodeName`). */
  private createPod(
    owner: KubeObject,
    template: k.PodTemplateSpec,
    name: string,
    extra: Partial<
      Pick<
        k.PodInit,
        'extraLabels' | 'hostname' | 'subdomain' | 'extraVolumes' | 'daemonSetNode' | 'nodeName'
      >
    > = {},
    generateName?: string
  ): KubeObject {
    const now = this.now();
    const ref = k.ownerRef(owner);
    const pod = k.podFromTemplate({
      name,
      namespace: owner.metadata.namespace!,
      template,
      owner: ref,
      generateName,
      created: now,
      tokenVolumeSuffix: this.rand.suffix(5),
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
    return this.create(this.rt.pod, pod);
  }

  // ---- Deployments ---------------------------------------------------------------------------

  private reconcileDeployment(ns: string | undefined, name: string) {
    const d = this.cluster.find(this.rt.deployment, ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const owned = () =>
      [...(this.childrenByOwner.get(d.metadata.uid)?.values() ?? [])].filter(
        (rs) => rs.kind === 'ReplicaSet' && !rs.metadata.deletionTimestamp
      );
    let replicaSets = owned();
    const ofTemplate = (rs: KubeObject) => sameTemplateIgnoringHash(rs.spec.template, d.spec.template);
    const revisionOf = (rs: KubeObject) =>
      Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
    const maxRevision = replicaSets.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    let newRs = replicaSets.find(ofTemplate);
    const desired = d.spec.replicas ?? 1;

    if (!d.spec.paused) {
      if (!newRs) {
        const oldPods = replicaSets.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
        const recreate = d.spec.strategy?.type === 'Recreate';
        const initial = oldPods === 0 ? desired : recreate ? 0 : 0;
        const draft = k.replicaSet({
          name: '',
          namespace: ns!,
          created: this.now(),
          deployment: d,
          template: d.spec.template,
          replicas: initial,
          revision: maxRevision + 1
        });
        if (this.cluster.find(this.rt.replicaset, ns, draft.metadata.name!)) return; // a hash collision: leave it
        newRs = this.create(this.rt.replicaset, draft);
        this.event({
          involved: d,
          reason: 'ScalingReplicaSet',
          message: `Scaled up replica set ${newRs.metadata.name} from 0 to ${initial}`,
          type: 'Normal',
          component: 'deployment-controller'
        });
        replicaSets = owned();
      } else if (revisionOf(newRs) < maxRevision) {
        // Rolling back to an older template makes its ReplicaSet the newest revision again.
        newRs = this.mutate(this.rt.replicaset, newRs, (c) => {
          c.metadata.annotations = {
            ...c.metadata.annotations,
            'deployment.kubernetes.io/revision': String(maxRevision + 1)
          };
        })!;
        replicaSets = owned();
      }
      const revision = newRs.metadata.annotations?.['deployment.kubernetes.io/revision'];
      if (revision && d.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
        this.mutate(this.rt.deployment, d, (c) => {
          c.metadata.annotations = {
            ...c.metadata.annotations,
            'deployment.kubernetes.io/revision': revision
          };
        });
      }
      const olds = replicaSets.filter((rs) => rs !== newRs && rs.metadata.uid !== newRs!.metadata.uid);
      if (d.spec.strategy?.type === 'Recreate') this.recreate(d, newRs, olds, desired);
      else this.rollingUpdate(d, newRs, olds, desired);
      this.cleanupHistory(d, owned(), newRs);
    }
    const fresh = this.cluster.find(this.rt.deployment, ns, name);
    if (!fresh) return;
    const current = owned();
    const currentNew = current.find(ofTemplate);
    this.setStatus(this.rt.deployment, fresh, k.deploymentStatus(fresh, current, currentNew, this.now()));
  }

  private scaleReplicaSet(d: KubeObject, rs: KubeObject, replicas: number): KubeObject {
    if ((rs.spec.replicas ?? 0) === replicas) return rs;
    const from = rs.spec.replicas ?? 0;
    const desired = d.spec.replicas ?? 1;
    const updated = this.mutate(this.rt.replicaset, rs, (c) => {
      c.spec.replicas = replicas;
      c.metadata.annotations = {
        ...c.metadata.annotations,
        'deployment.kubernetes.io/desired-replicas': String(desired),
        'deployment.kubernetes.io/max-replicas': String(
          desired + k.intOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', desired, true)
        )
      };
    })!;
    this.event({
      involved: d,
      reason: 'ScalingReplicaSet',
      message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      type: 'Normal',
      component: 'deployment-controller'
    });
    return updated;
  }

  /** The deployment controller's rolling update: surge the new ReplicaSet, drain old ones within budget. */
  private rollingUpdate(d: KubeObject, newRs: KubeObject, olds: KubeObject[], desired: number) {
    let maxSurge = k.intOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', desired, true);
    let maxUnavailable = k.intOrPercent(
      d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
      desired,
      false
    );
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    if (olds.every((rs) => (rs.spec.replicas ?? 0) === 0)) maxSurge = Math.max(maxSurge, desired);
    const specOf = (rs: KubeObject) => rs.spec.replicas ?? 0;
    const total = specOf(newRs) + olds.reduce((n, rs) => n + specOf(rs), 0);
    let newReplicas = specOf(newRs);
    if (newReplicas > desired) newReplicas = desired;
    else if (newReplicas < desired) {
      const room = desired + maxSurge - total;
      if (room > 0) newReplicas = Math.min(desired, newReplicas + room);
    }
    newRs = this.scaleReplicaSet(d, newRs, newReplicas);

    const liveOlds = olds
      .filter((rs) => specOf(rs) > 0)
      .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp));
    if (liveOlds.length === 0) return;
    const minAvailable = desired - maxUnavailable;
    const available = (rs: KubeObject) => rs.status?.availableReplicas ?? 0;
    const allPods = newReplicas + liveOlds.reduce((n, rs) => n + specOf(rs), 0);
    const newUnavailable = Math.max(0, newReplicas - available(newRs));
    let budget = allPods - minAvailable - newUnavailable;
    // Old pods that are not available can go first: removing them costs no availability.
    for (const rs of liveOlds) {
      const unhealthy = Math.max(0, specOf(rs) - available(rs));
      const down = Math.min(unhealthy, Math.max(0, budget));
      if (down > 0) {
        this.scaleReplicaSet(d, rs, specOf(rs) - down);
        budget -= down;
      }
    }
    const totalAvailable = available(newRs) + liveOlds.reduce((n, rs) => n + available(rs), 0);
    let canRemove = Math.min(budget, totalAvailable - minAvailable);
    for (const rs of liveOlds) {
      if (canRemove <= 0) break;
      const fresh = this.cluster.find(this.rt.replicaset, rs.metadata.namespace, rs.metadata.name);
      if (!fresh) continue;
      const down = Math.min(specOf(fresh), canRemove);
      if (down > 0) {
        this.scaleReplicaSet(d, fresh, specOf(fresh) - down);
        canRemove -= down;
      }
    }
  }

  private recreate(d: KubeObject, newRs: KubeObject, olds: KubeObject[], desired: number) {
    let oldPods = 0;
    for (const rs of olds) {
      if ((rs.spec.replicas ?? 0) > 0) this.scaleReplicaSet(d, rs, 0);
      oldPods += this.podsOf(rs).filter(k.podIsActive).length;
    }
    if (oldPods === 0) this.scaleReplicaSet(d, newRs, desired);
  }

  /** Deletes the oldest empty ReplicaSets beyond `revisionHistoryLimit`. */
  private cleanupHistory(d: KubeObject, replicaSets: KubeObject[], newRs: KubeObject) {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const empty = replicaSets
      .filter(
        (rs) =>
          rs.metadata.uid !== newRs.metadata.uid &&
          (rs.spec.replicas ?? 0) === 0 &&
          (rs.status?.replicas ?? 0) === 0
      )
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
          Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)
      );
    for (let i = 0; i < empty.length - limit; i++) this.remove(this.rt.replicaset, empty[i]);
  }

  // ---- ReplicaSets ---------------------------------------------------------------------------

  private reconcileReplicaSet(ns: string | undefined, name: string) {
    const rs = this.cluster.find(this.rt.replicaset, ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const active = this.podsOf(rs).filter(k.podIsActive);
    const want = rs.spec.replicas ?? 1;
    if (active.length < want) {
      const n = Math.min(want - active.length, this.opts.burst);
      const prefix = `${rs.metadata.name}-`;
      let last = '';
      for (let i = 0; i < n; i++)
        last = this.createPod(rs, rs.spec.template, this.podName(ns!, prefix), {}, prefix).metadata.name;
      // One event per pass (the recorder would aggregate a burst anyway), naming the last pod.
      this.event({
        involved: rs,
        reason: 'SuccessfulCreate',
        message: `Created pod: ${last}`,
        type: 'Normal',
        component: 'replicaset-controller'
      });
    } else if (active.length > want) {
      for (const p of rankForDeletion(active).slice(0, active.length - want)) {
        this.remove(this.rt.pod, p);
        this.event({
          involved: rs,
          reason: 'SuccessfulDelete',
          message: `Deleted pod: ${p.metadata.name}`,
          type: 'Normal',
          component: 'replicaset-controller'
        });
      }
    }
    const fresh = this.cluster.find(this.rt.replicaset, ns, name);
    if (fresh) this.setStatus(this.rt.replicaset, fresh, k.replicaSetStatus(fresh, this.podsOf(fresh)));
  }

  // ---- StatefulSets --------------------------------------------------------------------------

  private reconcileStatefulSet(ns: string | undefined, name: string) {
    const sts = this.cluster.find(this.rt.statefulset, ns, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const want = sts.spec.replicas ?? 1;
    const revision = k.revisionName(sts, sts.spec.template);
    const parallel = sts.spec.podManagementPolicy === 'Parallel';
    const byOrdinal = new Map<number, KubeObject>();
    for (const p of this.podsOf(sts)) {
      const m = /-(\d+)$/.exec(p.metadata.name);
      if (m && !p.metadata.deletionTimestamp) byOrdinal.set(Number(m[1]), p);
    }
    let blocked = false;
    for (let i = 0; i < want && !blocked; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        this.createStatefulPod(sts, i, revision);
        blocked = !parallel;
      } else if (!k.podIsReady(pod)) blocked = !parallel;
    }
    if (!blocked) {
      // Scale down from the highest ordinal, one at a time.
      const extra = [...byOrdinal.keys()].filter((i) => i >= want).sort((a, b) => b - a);
      if (extra.length) this.remove(this.rt.pod, byOrdinal.get(extra[0])!);
      else {
        // Rolling update: replace the highest ordinal still on the old revision.
        const stale = [...byOrdinal.entries()]
          .filter(([, p]) => p.metadata.labels?.['controller-revision-hash'] !== revision)
          .sort((a, b) => b[0] - a[0]);
        const allReady = [...byOrdinal.values()].every(k.podIsReady);
        if (stale.length && allReady && sts.spec.updateStrategy?.type !== 'OnDelete')
          this.remove(this.rt.pod, stale[0][1]);
      }
    }
    const fresh = this.cluster.find(this.rt.statefulset, ns, name);
    if (fresh) this.setStatus(this.rt.statefulset, fresh, k.statefulSetStatus(fresh, this.podsOf(fresh)));
  }

  private createStatefulPod(sts: KubeObject, ordinal: number, revision: string) {
    const ns = sts.metadata.namespace!;
    const podName = `${sts.metadata.name}-${ordinal}`;
    const volumes: Record<string, unknown>[] = [];
    for (const tpl of sts.spec.volumeClaimTemplates ?? []) {
      const claimName = `${tpl.metadata.name}-${podName}`;
      volumes.push({ name: tpl.metadata.name, persistentVolumeClaim: { claimName } });
      if (this.cluster.find(this.rt.pvc, ns, claimName)) continue;
      const storage = tpl.spec?.resources?.requests?.storage ?? '1Gi';
      const storageClassName = tpl.spec?.storageClassName ?? 'standard';
      const pvc = this.create(
        this.rt.pvc,
        k.persistentVolumeClaim({
          name: claimName,
          namespace: ns,
          created: this.now(),
          labels: sts.spec.selector?.matchLabels,
          storage,
          storageClassName,
          provisioner: 'rbd.csi.ceph.com'
        })
      );
      const pv = this.create(this.rt.pv, k.persistentVolume(pvc, 'rbd.csi.ceph.com', this.now(), this.rand));
      this.mutate(this.rt.pvc, pvc, (c) => {
        c.spec.volumeName = pv.metadata.name;
        c.metadata.annotations = {
          ...c.metadata.annotations,
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes'
        };
        c.status = { accessModes: ['ReadWriteOnce'], capacity: { storage }, phase: 'Bound' };
      });
    }
    const extraLabels = {
      'apps.kubernetes.io/pod-index': String(ordinal),
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': podName
    };
    this.createPod(sts, sts.spec.template, podName, {
      extraLabels,
      hostname: podName,
      subdomain: sts.spec.serviceName,
      extraVolumes: volumes
    });
    this.event({
      involved: sts,
      reason: 'SuccessfulCreate',
      message: `create Pod ${podName} in StatefulSet ${sts.metadata.name} successful`,
      type: 'Normal',
      component: 'statefulset-controller'
    });
  }

  // ---- DaemonSets ----------------------------------------------------------------------------

  private reconcileDaemonSet(ns: string | undefined, name: string) {
    const ds = this.cluster.find(this.rt.daemonset, ns, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const template = ds.spec.template as k.PodTemplateSpec;
    const eligible = [...this.nodes.values()].filter((n) => daemonPodFits(template, n));
    const eligibleNames = new Set(eligible.map((n) => n.metadata.name));
    const hash = k.templateHash(template);
    const byNode = new Map<string, KubeObject[]>();
    for (const p of this.podsOf(ds)) {
      if (!k.podIsActive(p)) continue;
      const node =
        p.spec.nodeName ??
        p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]
          ?.matchFields?.[0]?.values?.[0];
      const list = byNode.get(node) ?? [];
      list.push(p);
      byNode.set(node, list);
    }
    let created = 0;
    for (const n of eligible) {
      if (byNode.has(n.metadata.name) || created >= this.opts.burst) continue;
      const prefix = `${ds.metadata.name}-`;
      this.createPod(
        ds,
        template,
        this.podName(ns!, prefix),
        {
          daemonSetNode: n.metadata.name,
          extraLabels: {
            'controller-revision-hash': hash,
            'pod-template-generation': String(ds.metadata.generation ?? 1)
          }
        },
        prefix
      );
      created++;
    }
    let unavailable = 0;
    for (const [node, pods] of byNode) {
      if (!eligibleNames.has(node)) {
        for (const p of pods) this.remove(this.rt.pod, p);
        continue;
      }
      for (const p of pods.slice(1)) this.remove(this.rt.pod, p);
      if (!k.podIsReady(pods[0])) unavailable++;
    }
    // Rolling update, one node at a time (maxUnavailable 1).
    const maxUnavailable =
      k.intOrPercent(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, eligible.length, true) || 1;
    if (ds.spec.updateStrategy?.type !== 'OnDelete' && unavailable < maxUnavailable) {
      for (const [node, pods] of byNode) {
        if (unavailable >= maxUnavailable) break;
        if (eligibleNames.has(node) && pods[0].metadata.labels?.['controller-revision-hash'] !== hash) {
          this.remove(this.rt.pod, pods[0]);
          unavailable++;
        }
      }
    }
    const fresh = this.cluster.find(this.rt.daemonset, ns, name);
    if (fresh)
      this.setStatus(this.rt.daemonset, fresh, k.daemonSetStatus(fresh, this.podsOf(fresh), eligible.length));
  }

  // ---- Jobs and CronJobs ---------------------------------------------------------------------

  private reconcileJob(ns: string | undefined, name: string) {
    const job = this.cluster.find(this.rt.job, ns, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const pods = this.podsOf(job);
    const finished = k.jobIsFinished(job);
    if (!finished && !job.spec.suspend) {
      const completions = job.spec.completions ?? 1;
      const parallelism = job.spec.parallelism ?? 1;
      let succeeded = 0;
      let failed = 0;
      let active = 0;
      for (const p of pods) {
        if (p.status?.phase === 'Succeeded') succeeded++;
        else if (p.status?.phase === 'Failed') failed++;
        else if (!p.metadata.deletionTimestamp) active++;
      }
      if (failed <= (job.spec.backoffLimit ?? 6)) {
        const want = Math.min(parallelism, completions - succeeded) - active;
        for (let i = 0; i < Math.min(want, this.opts.burst); i++) {
          const prefix = `${job.metadata.name}-`;
          const pod = this.createPod(job, job.spec.template, this.podName(ns!, prefix), {}, prefix);
          this.event({
            involved: job,
            reason: 'SuccessfulCreate',
            message: `Created pod: ${pod.metadata.name}`,
            type: 'Normal',
            component: 'job-controller'
          });
        }
      } else {
        for (const p of pods) if (k.podIsActive(p)) this.remove(this.rt.pod, p);
      }
    }
    const fresh = this.cluster.find(this.rt.job, ns, name);
    if (!fresh) return;
    const status = k.jobStatus(fresh, this.podsOf(fresh), this.now());
    this.setStatus(this.rt.job, fresh, status);
    if (!finished && status.conditions) {
      const done = (status.conditions as { type: string }[]).some((c) => c.type === 'Complete');
      this.event({
        involved: fresh,
        reason: done ? 'Completed' : 'BackoffLimitExceeded',
        message: done ? 'Job completed' : 'Job has reached the specified backoff limit',
        type: done ? 'Normal' : 'Warning',
        component: 'job-controller'
      });
      const after = this.cluster.find(this.rt.job, ns, name);
      if (after && after.spec.ttlSecondsAfterFinished !== undefined) this.noteFinished(after);
    }
  }

  private noteFinished(job: KubeObject) {
    this.finishedJobs.set(key(job), this.elapsed + (job.spec.ttlSecondsAfterFinished ?? 0) * 1000);
  }

  /** The TTL-after-finished controller. */
  private runTtl() {
    for (const [k2, due] of this.finishedJobs) {
      if (due > this.elapsed) continue;
      this.finishedJobs.delete(k2);
      const [ns, name] = splitKey(k2);
      const job = this.cluster.find(this.rt.job, ns, name);
      if (job) this.remove(this.rt.job, job);
    }
  }

  /** Starts the Jobs of CronJobs whose schedule came due on the cluster's clock. */
  private runCronJobs() {
    const now = this.now();
    for (const [k2, state] of this.cronJobs) {
      if (state.next !== undefined && state.next > now) continue;
      const [ns, name] = splitKey(k2);
      const cj = this.cluster.find(this.rt.cronjob, ns, name);
      if (!cj) continue;
      const matches = parseCron(cj.spec.schedule);
      if (!matches) {
        state.next = Number.MAX_SAFE_INTEGER;
        continue;
      }
      const last = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp);
      const next = nextCronTime(matches, last);
      if (next === undefined) {
        state.next = now + 86_400_000;
        continue;
      }
      if (next > now) {
        state.next = next;
        continue;
      }
      // Missed runs are not replayed: only the most recent due time starts a Job.
      let due = next;
      for (let t = nextCronTime(matches, due); t !== undefined && t <= now; t = nextCronTime(matches, t))
        due = t;
      state.next = nextCronTime(matches, due);
      if (cj.spec.suspend) continue;
      const active = [...(this.childrenByOwner.get(cj.metadata.uid)?.values() ?? [])].filter(
        (j) => !k.jobIsFinished(j)
      );
      if (active.length && cj.spec.concurrencyPolicy === 'Forbid') {
        this.mutate(this.rt.cronjob, cj, (c) => {
          c.status = { ...c.status, lastScheduleTime: k.isoTime(due) };
        });
        continue;
      }
      if (active.length && cj.spec.concurrencyPolicy === 'Replace')
        for (const j of active) this.remove(this.rt.job, j);
      const jobName = `${cj.metadata.name}-${Math.floor(due / 60_000)}`;
      if (!this.cluster.find(this.rt.job, ns, jobName)) {
        const job = this.startJob(cj, jobName, due);
        this.event({
          involved: cj,
          reason: 'SuccessfulCreate',
          message: `Created job ${job.metadata.name}`,
          type: 'Normal',
          component: 'cronjob-controller'
        });
      }
      const fresh = this.cluster.find(this.rt.cronjob, ns, name);
      if (fresh) {
        this.mutate(this.rt.cronjob, fresh, (c) => {
          c.status = { ...c.status, lastScheduleTime: k.isoTime(due) };
        });
      }
    }
  }

  /** A Job of a CronJob: created, then labelled with its uid (the server-assigned selector). */
  private startJob(cj: KubeObject, name: string, scheduled: number): KubeObject {
    const tpl = cj.spec.jobTemplate ?? { spec: {} };
    const draft = k.job({
      name,
      namespace: cj.metadata.namespace!,
      created: this.now(),
      labels: tpl.metadata?.labels,
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': k.isoTime(scheduled) },
      owner: k.ownerRef(cj),
      template: tpl.spec.template,
      backoffLimit: tpl.spec.backoffLimit,
      completions: tpl.spec.completions,
      parallelism: tpl.spec.parallelism,
      ttlSecondsAfterFinished: tpl.spec.ttlSecondsAfterFinished,
      uid: ''
    });
    return labelJob(this.cluster, this.rt.job, this.create(this.rt.job, draft), () => this.writes++);
  }

  /** CronJob status (active Jobs, last success) and history limits, when one of its Jobs changed. */
  private reconcileCronJobStatus(ns: string | undefined, name: string) {
    const cj = this.cluster.find(this.rt.cronjob, ns, name);
    if (!cj) return;
    const jobs = [...(this.childrenByOwner.get(cj.metadata.uid)?.values() ?? [])].sort((a, b) =>
      a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp)
    );
    const active = jobs.filter((j) => !k.jobIsFinished(j));
    const succeeded = jobs.filter((j) =>
      (j.status?.conditions ?? []).some((c: { type: string }) => c.type === 'Complete')
    );
    const failed = jobs.filter((j) =>
      (j.status?.conditions ?? []).some((c: { type: string }) => c.type === 'Failed')
    );
    for (const j of succeeded.slice(
      0,
      Math.max(0, succeeded.length - (cj.spec.successfulJobsHistoryLimit ?? 3))
    ))
      this.remove(this.rt.job, j);
    for (const j of failed.slice(0, Math.max(0, failed.length - (cj.spec.failedJobsHistoryLimit ?? 1))))
      this.remove(this.rt.job, j);
    const lastSuccess = succeeded[succeeded.length - 1]?.status?.completionTime;
    const status: Record<string, unknown> = { ...(cj.status ?? {}) };
    if (active.length) {
      status.active = active.map((j) => ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: j.metadata.name,
        namespace: j.metadata.namespace,
        resourceVersion: j.metadata.resourceVersion,
        uid: j.metadata.uid
      }));
    } else delete status.active;
    if (lastSuccess && (!status.lastSuccessfulTime || lastSuccess > (status.lastSuccessfulTime as string)))
      status.lastSuccessfulTime = lastSuccess;
    const fresh = this.cluster.find(this.rt.cronjob, ns, name);
    if (fresh) this.setStatus(this.rt.cronjob, fresh, status);
  }

  // ---- Services and budgets ------------------------------------------------------------------

  private reconcileService(ns: string | undefined, name: string) {
    const svc = this.cluster.find(this.rt.service, ns, name);
    if (!svc) return;
    const selector = svc.spec?.selector as Record<string, string> | undefined;
    if (!selector || Object.keys(selector).length === 0 || svc.spec.type === 'ExternalName') return;
    const pods: KubeObject[] = [];
    let sample: KubeObject | undefined; // resolves named target ports, even before any pod has an IP
    for (const p of this.podsByNamespace.get(ns ?? '')?.values() ?? []) {
      if (!k.podIsActive(p) || !matchesSelectorMap(selector, p.metadata.labels)) continue;
      sample ??= p;
      if (p.status?.podIP) pods.push(p);
    }
    pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const ports = k.endpointPorts(svc, pods[0] ?? sample);
    const existing = [...(this.slicesByService.get(`${ns}/${name}`)?.values() ?? [])]
      .filter(
        (s) =>
          s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io'
      )
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const chunks = Math.max(1, Math.ceil(pods.length / 100));
    const now = this.now();
    for (let c = 0; c < chunks; c++) {
      const endpoints = k.endpointsOf(
        pods.slice(c * 100, c * 100 + 100).map((pod) => ({ pod, zone: this.zoneOf(pod.spec.nodeName) }))
      );
      const slice = existing[c];
      if (!slice) {
        this.create(
          this.rt.slice,
          k.endpointSlice({ name: this.sliceName(ns!, name), service: svc, endpoints, ports, created: now })
        );
      } else if (!jsonEqual(slice.endpoints, endpoints) || !jsonEqual(slice.ports, ports)) {
        this.mutate(this.rt.slice, slice, (s) => {
          s.endpoints = endpoints;
          s.ports = ports;
          s.metadata.annotations = {
            ...s.metadata.annotations,
            'endpoints.kubernetes.io/last-change-trigger-time': k.isoTime(now)
          };
        });
      }
    }
    for (const slice of existing.slice(chunks)) this.remove(this.rt.slice, slice);
  }

  private sliceName(ns: string, svc: string): string {
    for (;;) {
      const name = `${svc}-${this.rand.suffix(5)}`;
      if (!this.cluster.find(this.rt.slice, ns, name)) return name;
    }
  }

  private zoneOf(nodeName: string | undefined): string | undefined {
    return nodeName ? this.nodes.get(nodeName)?.metadata.labels?.['topology.kubernetes.io/zone'] : undefined;
  }

  private reconcilePdb(ns: string | undefined, name: string) {
    const pdb = this.cluster.find(this.rt.pdb, ns, name);
    if (!pdb) return;
    const pods: KubeObject[] = [];
    for (const p of this.podsByNamespace.get(ns ?? '')?.values() ?? []) {
      if (matchesSelectorObject(pdb.spec?.selector, p.metadata.labels)) pods.push(p);
    }
    const status = k.pdbStatus(pdb, pods, this.now());
    // Keep the condition's time when only the counts moved.
    this.setStatus(this.rt.pdb, pdb, status);
  }

  // ---- scheduler and kubelet -----------------------------------------------------------------

  private runLifecycle() {
    // A few rounds, so steps that fall due at once (bind, then container creation) happen in one tick.
    for (let round = 0; round < 3 && this.lifecycle.size > 0; round++) {
      const due: [string, PodStep][] = [];
      for (const entry of this.lifecycle) if (entry[1].due <= this.elapsed) due.push(entry);
      if (due.length === 0) return;
      for (const [pk, step] of due) {
        this.lifecycle.delete(pk);
        const [ns, name] = splitKey(pk);
        const pod = this.cluster.find(this.rt.pod, ns, name);
        if (!pod) continue;
        const next = this.advance(pod, step.step);
        if (next) this.lifecycle.set(pk, next);
      }
    }
  }

  /** One step of a pod's life; returns the following step, if any. */
  private advance(pod: KubeObject, step: PodStep['step']): PodStep | undefined {
    const now = this.now();
    const [minStart, maxStart] = this.opts.podStartMs;
    switch (step) {
      case 'bind': {
        if (pod.spec.nodeName) return { step: 'create', due: this.elapsed };
        const node = this.pickNode(pod);
        if (!node) {
          const total = this.nodes.size;
          this.mutate(this.rt.pod, pod, (c) => {
            c.status = k.podStatus(c, {
              state: 'unschedulable',
              rand: this.rand,
              scheduledAt: now,
              message: `0/${total} nodes are available: ${total} node(s) didn't match Pod's node affinity/selector or had untolerated taints. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`
            });
          });
          this.event({
            involved: pod,
            reason: 'FailedScheduling',
            message: `0/${total} nodes are available.`,
            type: 'Warning',
            component: 'default-scheduler'
          });
          return undefined;
        }
        const bound = this.mutate(this.rt.pod, pod, (c) => {
          c.spec.nodeName = node.metadata.name;
          c.status = k.podStatus(c, { state: 'scheduled', rand: this.rand, scheduledAt: now });
        });
        if (bound) {
          this.event({
            involved: bound,
            reason: 'Scheduled',
            message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`,
            type: 'Normal',
            component: 'default-scheduler'
          });
        }
        return { step: 'create', due: this.elapsed };
      }
      case 'create': {
        const hostIP = this.hostIP(pod.spec.nodeName);
        this.mutate(this.rt.pod, pod, (c) => {
          c.status = k.podStatus(c, {
            state: 'creating',
            rand: this.rand,
            scheduledAt: scheduledAt(c, now),
            hostIP
          });
        });
        return { step: 'start', due: this.elapsed + this.rand.int(minStart, maxStart) };
      }
      case 'start': {
        const node = pod.spec.nodeName as string;
        const hostIP = this.hostIP(node);
        const podIP = pod.spec.hostNetwork ? hostIP : this.allocateIP(node);
        const started = this.mutate(this.rt.pod, pod, (c) => {
          c.status = k.podStatus(c, {
            state: 'running',
            rand: this.rand,
            scheduledAt: scheduledAt(c, now),
            startedAt: now,
            hostIP,
            podIP
          });
          // The kubelet's managedFields entry now covers the whole running status.
          c.metadata.managedFields = [
            ...(c.metadata.managedFields ?? []).filter((m) => m.manager !== 'kubelet'),
            ...k.podManagedFields(c, {}, now, now).slice(1)
          ];
        });
        if (started) {
          const c0 = started.spec.containers?.[0];
          this.event({
            involved: started,
            reason: 'Started',
            message: `Started container ${c0?.name}`,
            type: 'Normal',
            component: 'kubelet',
            host: node,
            fieldPath: `spec.containers{${c0?.name}}`
          });
        }
        if (started && controllerOf(started)?.kind === 'Job') {
          const [a, b] = this.opts.jobRunMs;
          return { step: 'finish', due: this.elapsed + this.rand.int(a, b) };
        }
        return undefined;
      }
      case 'finish': {
        const failed = this.rand.chance(this.opts.jobFailureRate);
        this.mutate(this.rt.pod, pod, (c) => {
          const startedAt =
            Date.parse(c.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? '') || now;
          c.status = k.podStatus(c, {
            state: failed ? 'failed' : 'succeeded',
            rand: this.rand,
            scheduledAt: scheduledAt(c, now),
            startedAt,
            finishedAt: now,
            hostIP: c.status?.hostIP,
            podIP: c.status?.podIP,
            exitCode: failed ? 1 : 0
          });
        });
        return undefined;
      }
    }
  }

  /** The ready, schedulable node with the fewest pods that the pod tolerates and selects. */
  private pickNode(pod: KubeObject): KubeObject | undefined {
    let best: KubeObject | undefined;
    let bestCount = Infinity;
    for (const n of this.nodes.values()) {
      if (!k.nodeIsReady(n) || n.spec?.unschedulable) continue;
      if (
        !nodeSelectorMatches(pod.spec.nodeSelector, n) ||
        !toleratesNode(pod.spec.tolerations, n, ['NoSchedule', 'NoExecute'])
      )
        continue;
      const count = this.podsPerNode.get(n.metadata.name) ?? 0;
      const max = Number(n.status?.allocatable?.pods ?? 110);
      if (count >= max) continue;
      if (count < bestCount) {
        best = n;
        bestCount = count;
      }
    }
    return best;
  }

  private hostIP(nodeName: string | undefined): string | undefined {
    const n = nodeName ? this.nodes.get(nodeName) : undefined;
    return n?.status?.addresses?.find((a: { type: string }) => a.type === 'InternalIP')?.address;
  }

  /** The lowest free address of the node's pod CIDR. */
  private allocateIP(nodeName: string): string | undefined {
    const cidr = (this.nodes.get(nodeName)?.spec?.podCIDR as string | undefined) ?? '10.244.0.0/24';
    let used = this.ipsPerNode.get(nodeName);
    if (!used) this.ipsPerNode.set(nodeName, (used = new Set()));
    const size = k.cidrSize(cidr);
    for (let i = 2; i < size - 1; i++) {
      const ip = k.ipInCidr(cidr, i);
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
    return k.ipInCidr(cidr, this.rand.int(2, size - 2));
  }
}

/** Removes an entry from an index of maps, and the map once it is empty (owners come and go for hours). */
function removeFrom(index: Map<string, Map<string, KubeObject>>, outer: string, inner: string) {
  const m = index.get(outer);
  if (!m) return;
  m.delete(inner);
  if (m.size === 0) index.delete(outer);
}

function scheduledAt(pod: KubeObject, fallback: number): number {
  const c = (pod.status?.conditions ?? []).find((x: { type: string }) => x.type === 'PodScheduled');
  return (c && Date.parse(c.lastTransitionTime)) || fallback;
}

/** Which pods a ReplicaSet deletes first when scaling down (as the controller ranks them). */
function rankForDeletion(pods: KubeObject[]): KubeObject[] {
  const rank = (p: KubeObject) => {
    if (!p.spec.nodeName) return 0;
    if (p.status?.phase === 'Pending') return 1;
    if (!k.podIsReady(p)) return 2;
    return 3;
  };
  return [...pods].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) ||
      (a.metadata.name < b.metadata.name ? -1 : 1)
  );
}

function nodeSelectorMatches(selector: Record<string, string> | undefined, node: KubeObject): boolean {
  if (!selector) return true;
  const labels = node.metadata.labels ?? {};
  for (const key2 in selector) if (labels[key2] !== selector[key2]) return false;
  return true;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** Does the pod tolerate every taint of the node with one of these effects? */
function toleratesNode(tolerations: Toleration[] | undefined, node: KubeObject, effects: string[]): boolean {
  for (const taint of (node.spec?.taints ?? []) as { key: string; value?: string; effect: string }[]) {
    if (!effects.includes(taint.effect)) continue;
    const ok = (tolerations ?? []).some(
      (t) =>
        (!t.effect || t.effect === taint.effect) &&
        (t.operator === 'Exists'
          ? !t.key || t.key === taint.key
          : t.key === taint.key && (t.value ?? '') === (taint.value ?? ''))
    );
    if (!ok) return false;
  }
  return true;
}

/** Whether a DaemonSet's pod belongs on a node (selector, affinity-free, taints with the DS's own tolerations). */
function daemonPodFits(template: k.PodTemplateSpec, node: KubeObject): boolean {
  const spec = template.spec as { nodeSelector?: Record<string, string>; tolerations?: Toleration[] };
  if (!nodeSelectorMatches(spec.nodeSelector, node)) return false;
  return toleratesNode([...(spec.tolerations ?? []), ...k.DAEMONSET_TOLERATIONS], node, [
    'NoSchedule',
    'NoExecute'
  ]);
}

/** Sets a new Job's selector and pod labels from its server-assigned uid (what the apiserver defaults). */
export function labelJob(
  cluster: SimCluster,
  rt: ResourceType,
  job: KubeObject,
  onWrite?: () => void
): KubeObject {
  const uid = job.metadata.uid;
  onWrite?.();
  return (
    cluster.mutate(rt, job.metadata.namespace, job.metadata.name, (o) => {
      const labels = k.jobPodLabels(o.metadata.name, uid);
      o.metadata.labels = {
        ...(o.metadata.labels ?? {}),
        'batch.kubernetes.io/job-name': o.metadata.name,
        'job-name': o.metadata.name
      };
      o.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      o.spec.template = {
        ...o.spec.template,
        metadata: {
          ...(o.spec.template.metadata ?? {}),
          labels: { ...(o.spec.template.metadata?.labels ?? {}), ...labels }
        }
      };
    }) ?? job
  );
}

/** Something that runs a callback every `intervalMs` until cancelled (setInterval, a test clock…). */
export type Scheduler = (fn: () => void, intervalMs: number) => () => void;

export const intervalScheduler: Scheduler = (fn, ms) => {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
};

/** Starts controllers on a timer the caller provides; `stop()` cancels the timer and the subscription. */
export function startControllers(
  cluster: SimCluster,
  opts: ControllerOptions & { scheduler?: Scheduler; intervalMs?: number } = {}
): { controllers: Controllers; stop: () => void } {
  const controllers = new Controllers(cluster, opts);
  const cancel = (opts.scheduler ?? intervalScheduler)(() => controllers.reconcile(), opts.intervalMs ?? 250);
  return {
    controllers,
    stop: () => {
      cancel();
      controllers.stop();
    }
  };
}
