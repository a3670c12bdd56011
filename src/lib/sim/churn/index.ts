/**
 * Churn: the background noise of a live cluster, at a chosen rate of changes per second.
 *
 * Containers crash and come back (restart counts grow, CrashLoopBackOff flips), readiness probes
 * flap, Deployments roll out and scale, Jobs come and go, a node now and then goes NotReady and
 * recovers (its pods' Ready conditions follow), and Events stream in while the oldest are deleted.
 *
 * Seeded and driven by `step(dtMs)` (the caller owns the timer): the same seed, cluster and steps give
 * the same sequence of changes. Each action's writes count against the rate, so over time the cluster
 * sees `rate` churn writes per simulated second (work the controllers do in response comes on top).
 * What each change writes (Events, crashes, one-off Jobs) is built in changes.ts.
 */
import type { ChangeEvent, SimCluster } from '../cluster';
import { EventLog, labelJob } from '../controllers';
import * as k from '../objects';
import { Random } from '../random';
import type { KubeObject, ResourceType } from '../../kube/types';
import { crashOrRestart, oneOffJob, podEvent } from './changes';
import { PickSet } from './pick-set';

export type ChurnAction = 'readiness' | 'crash' | 'event' | 'scale' | 'rollout' | 'job' | 'node';

export interface ChurnOptions {
  seed: number;
  /** Changes per second; 0 is idle. */
  rate: number;
  /** Relative weights of the actions. */
  weights?: Partial<Record<ChurnAction, number>>;
  /** Most Events kept in the cluster (the oldest are deleted). */
  maxEvents?: number;
  /** How long a node stays NotReady (simulated ms, min and max). */
  nodeDownMs?: [number, number];
}

const DEFAULT_WEIGHTS: Record<ChurnAction, number> = {
  readiness: 30,
  crash: 18,
  event: 35,
  scale: 6,
  rollout: 2,
  job: 6,
  node: 1
};

/** Least simulated time between two of these actions. */
const MIN_GAP_MS: Partial<Record<ChurnAction, number>> = {
  scale: 2_000,
  rollout: 10_000,
  job: 3_000,
  node: 60_000
};
const CHEAP: ChurnAction[] = ['readiness', 'crash', 'event'];

const objectKey = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

interface DownNode {
  name: string;
  until: number;
  pods: string[]; // pods whose readiness the outage took away
}

export class Churn {
  /** Changes per second; may be changed at any time. */
  rate: number;
  /** Writes made so far, in all and per action. */
  writes = 0;
  readonly counts: Record<ChurnAction, number> = {
    readiness: 0,
    crash: 0,
    event: 0,
    scale: 0,
    rollout: 0,
    job: 0,
    node: 0
  };
  private rand: Random;
  private carry = 0;
  private elapsed = 0;
  private weights: [ChurnAction, number][];
  private events: EventLog;
  private stopListening: () => void;
  private rt: Record<'pod' | 'node' | 'deployment' | 'job' | 'namespace', ResourceType>;

  private pods = new PickSet<KubeObject>(); // running pods
  private deployments = new PickSet<KubeObject>();
  private nodes = new PickSet<KubeObject>();
  private namespaces: string[] = [];
  private crashing = new PickSet<string>(); // pods this churn made crash-loop
  private unready = new PickSet<string>(); // pods whose readiness probe this churn made fail
  private baseReplicas = new Map<string, number>();
  private jobs: string[] = []; // jobs this churn started, oldest first
  private down: DownNode | undefined;
  private lastRun = new Map<ChurnAction, number>();

  constructor(
    readonly cluster: SimCluster,
    opts: ChurnOptions
  ) {
    this.rate = opts.rate;
    this.rand = new Random(opts.seed ^ 0x6a09e667);
    const weights = { ...DEFAULT_WEIGHTS, ...(opts.weights ?? {}) };
    this.weights = (Object.keys(weights) as ChurnAction[]).map((a) => [a, weights[a]]);
    this.nodeDownMs = opts.nodeDownMs ?? [20_000, 90_000];
    this.events = EventLog.for(cluster, opts.maxEvents);
    const t = (apiVersion: string, kind: string) => cluster.type(apiVersion, kind);
    this.rt = {
      pod: t('v1', 'Pod'),
      node: t('v1', 'Node'),
      deployment: t('apps/v1', 'Deployment'),
      job: t('batch/v1', 'Job'),
      namespace: t('v1', 'Namespace')
    };
    // Deliberate changes (crashes, scaling, rollouts) stay in the application namespaces that exist
    // when churn starts: namespaces created later, by a user or a test that needs calm, are left
    // alone. A node outage still hits every pod on the node.
    this.namespaces = cluster
      .objects(this.rt.namespace)
      .map((n) => n.metadata.name)
      .filter((n) => !n.startsWith('kube-') && n !== 'default');
    this.churned = new Set(this.namespaces);
    for (const p of cluster.objects(this.rt.pod)) this.trackPod(p);
    for (const d of cluster.objects(this.rt.deployment)) this.trackDeployment(d);
    for (const n of cluster.objects(this.rt.node)) this.nodes.set(n.metadata.name, n);
    this.stopListening = cluster.onChange((e) => this.observe(e));
  }

  private nodeDownMs: [number, number];
  private churned: Set<string>;

  stop() {
    this.stopListening();
  }

  private observe(e: ChangeEvent) {
    const o = e.object;
    if (e.resource.group === '' && e.resource.kind === 'Pod') {
      const pk = objectKey(o);
      if (e.type === 'DELETED') {
        this.pods.delete(pk);
        this.crashing.delete(pk);
        this.unready.delete(pk);
      } else this.trackPod(o);
    } else if (e.resource.kind === 'Deployment') {
      if (e.type === 'DELETED') this.deployments.delete(objectKey(o));
      else this.trackDeployment(o);
    } else if (e.resource.kind === 'Node') {
      if (e.type === 'DELETED') this.nodes.delete(o.metadata.name);
      else this.nodes.set(o.metadata.name, o);
    } else if (e.resource.kind === 'Namespace' && e.type !== 'MODIFIED') {
      const name = o.metadata.name;
      this.namespaces = this.namespaces.filter((n) => n !== name);
      if (e.type === 'ADDED' && !name.startsWith('kube-') && name !== 'default') this.namespaces.push(name);
    }
  }

  private trackPod(p: KubeObject) {
    const pk = objectKey(p);
    if (p.status?.phase === 'Running' && !p.metadata.deletionTimestamp && p.status?.containerStatuses?.length)
      this.pods.set(pk, p);
    else this.pods.delete(pk);
  }

  private trackDeployment(d: KubeObject) {
    const dk = objectKey(d);
    this.deployments.set(dk, d);
    if (!this.baseReplicas.has(dk)) this.baseReplicas.set(dk, d.spec?.replicas ?? 1);
  }

  /** Advances by `dtMs` of simulated time; returns the writes made. */
  step(dtMs: number): number {
    this.elapsed += Math.max(0, dtMs);
    let writes = 0;
    if (this.down && this.down.until <= this.elapsed) writes += this.recoverNode();
    if (this.rate <= 0) {
      this.carry = 0;
      this.writes += writes;
      return writes;
    }
    this.carry += (this.rate * dtMs) / 1000 - writes;
    // Bounded so a long pause (a background tab) does not release a flood of changes at once.
    this.carry = Math.min(this.carry, Math.max(10, this.rate * 5));
    let stuck = 0;
    while (this.carry >= 1) {
      const done = this.act(this.rand.weighted(this.weights));
      if (done === 0) {
        if (++stuck > 20) break; // nothing left to churn (an empty cluster)
        continue;
      }
      stuck = 0;
      this.carry -= done;
      writes += done;
    }
    this.writes += writes;
    return writes;
  }

  /** What each action does; each returns the writes it made. */
  private readonly actions: Record<ChurnAction, () => number> = {
    readiness: () => this.readinessFlap(),
    crash: () => this.crash(),
    event: () => this.randomEvent(),
    scale: () => this.scale(),
    rollout: () => this.rollout(),
    job: () => this.job(),
    node: () => this.nodeOutage()
  };

  private act(action: ChurnAction): number {
    // Actions that make the controllers replace pods are paced in simulated time, not by the rate:
    // at thousands of changes per second the extra changes are status flips and events.
    const gap = MIN_GAP_MS[action];
    if (gap !== undefined && this.elapsed - (this.lastRun.get(action) ?? -Infinity) < gap) {
      action = this.rand.pick(CHEAP);
    }
    const done = this.actions[action]();
    this.counts[action] += done;
    if (done > 0 && MIN_GAP_MS[action] !== undefined) this.lastRun.set(action, this.elapsed);
    return done;
  }

  private now() {
    return this.cluster.clock.now();
  }

  private mutatePod(pk: string, fn: (copy: KubeObject) => void): KubeObject | undefined {
    const p = this.pods.get(pk);
    if (!p) return undefined;
    return this.cluster.mutate(this.rt.pod, p.metadata.namespace, p.metadata.name, fn);
  }

  /** A readiness probe starts failing on a running pod, or one that failed recovers. */
  private readinessFlap(): number {
    if (
      this.unready.size > 0 &&
      (this.rand.chance(0.5) || this.unready.size > Math.max(3, this.pods.size / 50))
    ) {
      const pk = this.unready.pick(this.rand)!;
      this.unready.delete(pk);
      return this.mutatePod(pk, (c) => k.setPodReady(c, true, this.now())) ? 1 : 0;
    }
    const pod = this.pickChurned(this.pods);
    if (!pod || !k.podIsReady(pod)) return 0;
    const pk = objectKey(pod);
    this.unready.set(pk, pk);
    const updated = this.mutatePod(pk, (c) => k.setPodReady(c, false, this.now()));
    if (!updated) return 0;
    const c0 = updated.spec.containers?.[0];
    const status = this.rand.pick([500, 503, 503, 502]);
    return (
      1 +
      this.events.record({
        involved: updated,
        reason: 'Unhealthy',
        message: `Readiness probe failed: HTTP probe failed with statuscode: ${status}`,
        type: 'Warning',
        component: 'kubelet',
        host: updated.spec.nodeName,
        fieldPath: `spec.containers{${c0?.name}}`
      })
    );
  }

  /** A container exits: restartCount grows and the pod flips between CrashLoopBackOff and Running. */
  private crash(): number {
    let pk: string | undefined;
    const limit = Math.max(2, Math.ceil(this.pods.size / 40));
    if (this.crashing.size > 0 && (this.crashing.size >= limit || this.rand.chance(0.7)))
      pk = this.crashing.pick(this.rand);
    else {
      const pod = this.pickChurned(this.pods);
      if (pod && k.controllerOfKind(pod) !== 'Job') pk = objectKey(pod);
    }
    if (!pk || !this.pods.has(pk)) {
      if (pk) this.crashing.delete(pk);
      return 0;
    }
    const now = this.now();
    const pod = this.pods.get(pk)!;
    const status0 = pod.status?.containerStatuses?.[0];
    if (!status0) return 0;
    const waiting = status0.state?.waiting?.reason === 'CrashLoopBackOff';
    const exitCode = this.rand.pick([1, 1, 2, 137, 143]);
    const updated = this.mutatePod(pk, (c) => {
      crashOrRestart(c, waiting, exitCode, now, this.rand);
      k.setPodReady(c, false, now);
    });
    if (!updated) return 0;
    let writes = 1;
    if (waiting) {
      // Some pods recover for good; the rest will crash again.
      if (this.rand.chance(0.3)) {
        this.crashing.delete(pk);
        this.unready.set(pk, pk); // the readiness flap path makes it Ready again later
      }
    } else {
      this.crashing.set(pk, pk);
      const name = updated.status.containerStatuses[0].name;
      writes += this.events.record({
        involved: updated,
        reason: 'BackOff',
        message: `Back-off restarting failed container ${name} in pod ${updated.metadata.name}_${updated.metadata.namespace}(${updated.metadata.uid})`,
        type: 'Warning',
        component: 'kubelet',
        host: updated.spec.nodeName,
        fieldPath: `spec.containers{${name}}`
      });
    }
    return writes;
  }

  /** An Event about a pod or a node, from the components that usually speak. */
  private randomEvent(): number {
    const pod = this.pods.pick(this.rand);
    if (!pod) {
      const node = this.nodes.pick(this.rand);
      if (!node) return 0;
      return this.events.record({
        involved: node,
        reason: 'NodeHasSufficientMemory',
        message: `Node ${node.metadata.name} status is now: NodeHasSufficientMemory`,
        type: 'Normal',
        component: 'kubelet',
        host: node.metadata.name
      });
    }
    return this.events.record(podEvent(pod, this.nodes.size, this.rand));
  }

  /** `kubectl scale`: a Deployment grows or shrinks by one or two, staying near its original size. */
  private scale(): number {
    const d = this.pickChurned(this.deployments);
    if (!d || d.metadata.deletionTimestamp) return 0;
    const dk = objectKey(d);
    const base = this.baseReplicas.get(dk) ?? 1;
    const current = d.spec?.replicas ?? 1;
    const lo = Math.max(1, Math.floor(base / 2));
    const hi = Math.max(base + 2, base * 2);
    let next = current + (this.rand.chance(0.5) ? 1 : -1) * this.rand.int(1, 2);
    next = Math.min(hi, Math.max(lo, next));
    if (next === current) next = current < hi ? current + 1 : current - 1;
    if (next < 0 || next === current) return 0;
    this.cluster.patch(
      this.rt.deployment,
      d.metadata.namespace,
      d.metadata.name,
      'merge',
      { spec: { replicas: next } },
      { fieldManager: 'kubectl' }
    );
    return 1;
  }

  /** `kubectl rollout restart`: a new template annotation, so the controllers replace every pod. */
  private rollout(): number {
    const d = this.pickChurned(this.deployments);
    if (!d || d.metadata.deletionTimestamp) return 0;
    this.cluster.patch(
      this.rt.deployment,
      d.metadata.namespace,
      d.metadata.name,
      'strategic',
      {
        spec: {
          template: {
            metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': k.isoTime(this.now()) } }
          }
        }
      },
      { fieldManager: 'kubectl-rollout' }
    );
    return 1;
  }

  /** A one-off Job starts (the controllers run it; its TTL removes it); old ones are cleaned up. */
  private job(): number {
    if (this.namespaces.length === 0) return 0;
    let writes = 0;
    while (this.jobs.length >= 12) {
      const oldest = this.jobs.shift()!;
      const [ns, name] = oldest.split('/');
      if (this.cluster.find(this.rt.job, ns, name)) {
        this.cluster.delete(this.rt.job, ns, name, { propagationPolicy: 'Background' });
        writes++;
      }
    }
    const ns = this.rand.pick(this.namespaces);
    const { name, draft } = oneOffJob(ns, this.now(), this.rand);
    const created = this.cluster.create(this.rt.job, ns, draft, { fieldManager: 'kubectl-create' });
    labelJob(this.cluster, this.rt.job, created);
    this.jobs.push(`${ns}/${name}`);
    return writes + 2;
  }

  /** A worker node stops reporting: NotReady, unreachable taints, its pods not Ready; it comes back later. */
  private nodeOutage(): number {
    if (this.down || this.nodes.size < 2) return 0;
    let node: KubeObject | undefined;
    for (let tries = 0; tries < 10 && !node; tries++) {
      const n = this.nodes.pick(this.rand);
      const worker = n && n.metadata.labels?.['node-role.kubernetes.io/control-plane'] === undefined;
      if (worker && k.nodeIsReady(n)) node = n;
    }
    if (!node) return 0;
    const now = this.now();
    const name = node.metadata.name;
    const updated = this.cluster.mutate(this.rt.node, undefined, name, (c) => k.setNodeReady(c, false, now));
    if (!updated) return 0;
    let writes = 1;
    const affected: string[] = [];
    for (const pk of this.podsOnNode(name)) {
      const p = this.pods.get(pk)!;
      if (!k.podIsReady(p)) continue;
      this.mutatePod(pk, (c) => k.setPodReady(c, false, now));
      affected.push(pk);
      writes++;
    }
    writes += this.events.record({
      involved: updated,
      reason: 'NodeNotReady',
      message: `Node ${name} status is now: NodeNotReady`,
      type: 'Normal',
      component: 'node-controller'
    });
    const [a, b] = this.nodeDownMs;
    this.down = { name, until: this.elapsed + this.rand.int(a, b), pods: affected };
    return writes;
  }

  private recoverNode(): number {
    const down = this.down!;
    this.down = undefined;
    const now = this.now();
    const updated = this.cluster.mutate(this.rt.node, undefined, down.name, (c) =>
      k.setNodeReady(c, true, now)
    );
    if (!updated) return 0;
    let writes = 1;
    for (const pk of down.pods) {
      if (!this.pods.has(pk) || this.crashing.has(pk) || this.unready.has(pk)) continue;
      if (this.mutatePod(pk, (c) => k.setPodReady(c, true, now))) writes++;
    }
    writes += this.events.record({
      involved: updated,
      reason: 'NodeReady',
      message: `Node ${down.name} status is now: NodeReady`,
      type: 'Normal',
      component: 'kubelet',
      host: down.name
    });
    return writes;
  }

  /** A random tracked object in a churned namespace (a few tries, then none). */
  private pickChurned<T extends KubeObject>(set: { pick(rand: Random): T | undefined }): T | undefined {
    for (let i = 0; i < 5; i++) {
      const o = set.pick(this.rand);
      if (!o || this.churned.has(o.metadata.namespace!)) return o;
    }
    return undefined;
  }

  private podsOnNode(name: string): string[] {
    const out: string[] = [];
    for (const p of this.cluster.objects(this.rt.pod)) {
      if (p.spec?.nodeName === name && this.pods.has(objectKey(p))) out.push(objectKey(p));
    }
    return out;
  }
}
