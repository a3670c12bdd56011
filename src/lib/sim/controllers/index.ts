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
 *
 * This module is the facade; each reconciler family has its own module and they share a
 * `ControllerContext` (context.ts).
 */
import type { SimCluster } from '../cluster';
import { matchesSelectorMap, matchesSelectorObject } from '../selectors';
import type { ResourceType } from '../../kube/types';
import {
  createControllerContext,
  type ControllerContext,
  type ControllerOptions,
  type Dirty
} from './context';
import { reconcileDaemonSet } from './daemonsets';
import { reconcileDeployment, reconcileReplicaSet } from './deployments';
import { reconcilePdb } from './disruption-budgets';
import { reconcileService } from './endpointslices';
import { reconcileCronJobStatus, reconcileJob, runCronJobs, runTtl } from './jobs';
import { key, splitKey } from './keys';
import { runLifecycle } from './kubelet';
import { reconcileStatefulSet } from './statefulsets';
import { indexExisting, observe } from './tracking';

export type { ControllerOptions } from './context';
export { EventLog, type EventInput } from './events';
export { nextCronTime, parseCron, previousCronTime } from './cron';
export { sameTemplateIgnoringHash } from './deployments';
export { labelJob } from './jobs';

export class Controllers {
  private readonly ctx: ControllerContext;
  private lastReconcile: number;
  private stopListening: () => void;

  constructor(
    readonly cluster: SimCluster,
    options: ControllerOptions = {}
  ) {
    this.ctx = createControllerContext(cluster, options);
    this.lastReconcile = cluster.clock.now();
    indexExisting(this.ctx);
    this.stopListening = cluster.onChange((e) => observe(this.ctx, e));
  }

  /** Writes made by the controllers (creates, updates, deletes), for diagnostics and tests. */
  get writes(): number {
    return this.ctx.writes;
  }

  set writes(n: number) {
    this.ctx.writes = n;
  }

  /** Marks every workload, service and budget dirty: the next tick reconciles the whole cluster. */
  resync() {
    const { rt } = this.ctx;
    const all = (type: ResourceType, d: Dirty) => {
      for (const o of this.cluster.objects(type)) this.ctx.dirty[d].add(key(o));
    };
    all(rt.deployment, 'deployments');
    all(rt.replicaset, 'replicasets');
    all(rt.statefulset, 'statefulsets');
    all(rt.daemonset, 'daemonsets');
    all(rt.job, 'jobs');
    all(rt.cronjob, 'cronjobs');
    all(rt.service, 'services');
    all(rt.pdb, 'pdbs');
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
    this.ctx.elapsed += Math.max(0, dtMs);
    this.runPasses();
    runLifecycle(this.ctx);
    runCronJobs(this.ctx);
    runTtl(this.ctx);
    this.runPasses();
  }

  /** True when nothing is waiting: no dirty objects and no pod in a timed transition. */
  get idle(): boolean {
    const { ctx } = this;
    return (
      ctx.lifecycle.size === 0 &&
      Object.values(ctx.dirty).every((s) => s.size === 0) &&
      ctx.changedPods.size === 0
    );
  }

  private runPasses() {
    const ctx = this.ctx;
    for (let pass = 0; pass < 6; pass++) {
      this.routeChangedPods();
      let work = 0;
      work += this.drain('deployments', (ns, name) => reconcileDeployment(ctx, ns, name));
      work += this.drain('replicasets', (ns, name) => reconcileReplicaSet(ctx, ns, name));
      work += this.drain('statefulsets', (ns, name) => reconcileStatefulSet(ctx, ns, name));
      work += this.drain('daemonsets', (ns, name) => reconcileDaemonSet(ctx, ns, name));
      work += this.drain('jobs', (ns, name) => reconcileJob(ctx, ns, name));
      work += this.drain('cronjobs', (ns, name) => reconcileCronJobStatus(ctx, ns, name));
      this.routeChangedPods();
      work += this.drain('services', (ns, name) => reconcileService(ctx, ns, name));
      work += this.drain('pdbs', (ns, name) => reconcilePdb(ctx, ns, name));
      if (work === 0) break;
    }
  }

  private drain(which: Dirty, fn: (ns: string | undefined, name: string) => void): number {
    const set = this.ctx.dirty[which];
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
    const { ctx } = this;
    if (ctx.changedPods.size === 0) return;
    for (const [ns, pods] of ctx.changedPods) {
      for (const svc of ctx.servicesByNamespace.get(ns)?.values() ?? []) {
        const sel = svc.spec?.selector;
        if (pods.some((p) => matchesSelectorMap(sel, p.metadata.labels))) ctx.dirty.services.add(key(svc));
      }
      for (const pdb of ctx.pdbsByNamespace.get(ns)?.values() ?? []) {
        if (pods.some((p) => matchesSelectorObject(pdb.spec?.selector, p.metadata.labels)))
          ctx.dirty.pdbs.add(key(pdb));
      }
    }
    ctx.changedPods.clear();
  }
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
