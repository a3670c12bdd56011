/**
 * The deployment and replicaset controllers: a Deployment's ReplicaSet per template (revisions,
 * rollbacks, history limit), rolling and Recreate updates, and each ReplicaSet's pods.
 */
import { jsonEqualIgnoringKeyOrder } from '../json';
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { ControllerContext } from './context';

/**
 * Whether a ReplicaSet's template is the Deployment's, the pod-template-hash label aside: how the
 * deployment controller finds the ReplicaSet of a template (its EqualIgnoreHash). The hash is only a
 * name: a ReplicaSet whose hash is not what this template hashes to now (the populated world hashes
 * templates as of a fixed time) still belongs to the template.
 */
export function sameTemplateIgnoringHash(rsTemplate: unknown, template: unknown): boolean {
  return jsonEqualIgnoringKeyOrder(withoutHashLabel(rsTemplate), withoutHashLabel(template));
}

function withoutHashLabel(template: unknown): unknown {
  const t = (template ?? {}) as Record<string, unknown>;
  const tm = (t.metadata ?? {}) as Record<string, unknown>;
  const labels: Record<string, string> = { ...((tm.labels as Record<string, string>) ?? {}) };
  delete labels['pod-template-hash'];
  return { ...t, metadata: { ...tm, labels: Object.keys(labels).length ? labels : undefined } };
}

const revisionOf = (rs: KubeObject) =>
  Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);

export function reconcileDeployment(ctx: ControllerContext, ns: string | undefined, name: string) {
  const d = ctx.cluster.find(ctx.rt.deployment, ns, name);
  if (!d || d.metadata.deletionTimestamp) return;
  const owned = () =>
    ctx.childrenOf(d).filter((rs) => rs.kind === 'ReplicaSet' && !rs.metadata.deletionTimestamp);
  let replicaSets = owned();
  const ofTemplate = (rs: KubeObject) => sameTemplateIgnoringHash(rs.spec.template, d.spec.template);
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
        created: ctx.now(),
        deployment: d,
        template: d.spec.template,
        replicas: initial,
        revision: maxRevision + 1
      });
      if (ctx.cluster.find(ctx.rt.replicaset, ns, draft.metadata.name!)) return; // a hash collision: leave it
      newRs = ctx.create(ctx.rt.replicaset, draft);
      ctx.event({
        involved: d,
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${newRs.metadata.name} from 0 to ${initial}`,
        type: 'Normal',
        component: 'deployment-controller'
      });
      replicaSets = owned();
    } else if (revisionOf(newRs) < maxRevision) {
      // Rolling back to an older template makes its ReplicaSet the newest revision again.
      newRs = ctx.mutate(ctx.rt.replicaset, newRs, (c) => {
        c.metadata.annotations = {
          ...c.metadata.annotations,
          'deployment.kubernetes.io/revision': String(maxRevision + 1)
        };
      })!;
      replicaSets = owned();
    }
    const revision = newRs.metadata.annotations?.['deployment.kubernetes.io/revision'];
    if (revision && d.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
      ctx.mutate(ctx.rt.deployment, d, (c) => {
        c.metadata.annotations = {
          ...c.metadata.annotations,
          'deployment.kubernetes.io/revision': revision
        };
      });
    }
    const olds = replicaSets.filter((rs) => rs !== newRs && rs.metadata.uid !== newRs!.metadata.uid);
    if (d.spec.strategy?.type === 'Recreate') recreate(ctx, d, newRs, olds, desired);
    else rollingUpdate(ctx, d, newRs, olds, desired);
    cleanupHistory(ctx, d, owned(), newRs);
  }
  const fresh = ctx.cluster.find(ctx.rt.deployment, ns, name);
  if (!fresh) return;
  const current = owned();
  const currentNew = current.find(ofTemplate);
  ctx.setStatus(ctx.rt.deployment, fresh, k.deploymentStatus(fresh, current, currentNew, ctx.now()));
}

function scaleReplicaSet(
  ctx: ControllerContext,
  d: KubeObject,
  rs: KubeObject,
  replicas: number
): KubeObject {
  if ((rs.spec.replicas ?? 0) === replicas) return rs;
  const from = rs.spec.replicas ?? 0;
  const desired = d.spec.replicas ?? 1;
  const updated = ctx.mutate(ctx.rt.replicaset, rs, (c) => {
    c.spec.replicas = replicas;
    c.metadata.annotations = {
      ...c.metadata.annotations,
      'deployment.kubernetes.io/desired-replicas': String(desired),
      'deployment.kubernetes.io/max-replicas': String(
        desired + k.intOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', desired, true)
      )
    };
  })!;
  ctx.event({
    involved: d,
    reason: 'ScalingReplicaSet',
    message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
    type: 'Normal',
    component: 'deployment-controller'
  });
  return updated;
}

/** The deployment controller's rolling update: surge the new ReplicaSet, drain old ones within budget. */
function rollingUpdate(
  ctx: ControllerContext,
  d: KubeObject,
  newRs: KubeObject,
  olds: KubeObject[],
  desired: number
) {
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
  newRs = scaleReplicaSet(ctx, d, newRs, newReplicas);

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
      scaleReplicaSet(ctx, d, rs, specOf(rs) - down);
      budget -= down;
    }
  }
  const totalAvailable = available(newRs) + liveOlds.reduce((n, rs) => n + available(rs), 0);
  let canRemove = Math.min(budget, totalAvailable - minAvailable);
  for (const rs of liveOlds) {
    if (canRemove <= 0) break;
    const fresh = ctx.cluster.find(ctx.rt.replicaset, rs.metadata.namespace, rs.metadata.name);
    if (!fresh) continue;
    const down = Math.min(specOf(fresh), canRemove);
    if (down > 0) {
      scaleReplicaSet(ctx, d, fresh, specOf(fresh) - down);
      canRemove -= down;
    }
  }
}

function recreate(
  ctx: ControllerContext,
  d: KubeObject,
  newRs: KubeObject,
  olds: KubeObject[],
  desired: number
) {
  let oldPods = 0;
  for (const rs of olds) {
    if ((rs.spec.replicas ?? 0) > 0) scaleReplicaSet(ctx, d, rs, 0);
    oldPods += ctx.podsOf(rs).filter(k.podIsActive).length;
  }
  if (oldPods === 0) scaleReplicaSet(ctx, d, newRs, desired);
}

/** Deletes the oldest empty ReplicaSets beyond `revisionHistoryLimit`. */
function cleanupHistory(ctx: ControllerContext, d: KubeObject, replicaSets: KubeObject[], newRs: KubeObject) {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const empty = replicaSets
    .filter(
      (rs) =>
        rs.metadata.uid !== newRs.metadata.uid &&
        (rs.spec.replicas ?? 0) === 0 &&
        (rs.status?.replicas ?? 0) === 0
    )
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (let i = 0; i < empty.length - limit; i++) ctx.remove(ctx.rt.replicaset, empty[i]);
}

export function reconcileReplicaSet(ctx: ControllerContext, ns: string | undefined, name: string) {
  const rs = ctx.cluster.find(ctx.rt.replicaset, ns, name);
  if (!rs || rs.metadata.deletionTimestamp) return;
  const active = ctx.podsOf(rs).filter(k.podIsActive);
  const want = rs.spec.replicas ?? 1;
  if (active.length < want) {
    const n = Math.min(want - active.length, ctx.opts.burst);
    const prefix = `${rs.metadata.name}-`;
    let last = '';
    for (let i = 0; i < n; i++)
      last = ctx.createPod(rs, rs.spec.template, ctx.podName(ns!, prefix), {}, prefix).metadata.name;
    // One event per pass (the recorder would aggregate a burst anyway), naming the last pod.
    ctx.event({
      involved: rs,
      reason: 'SuccessfulCreate',
      message: `Created pod: ${last}`,
      type: 'Normal',
      component: 'replicaset-controller'
    });
  } else if (active.length > want) {
    for (const p of rankForDeletion(active).slice(0, active.length - want)) {
      ctx.remove(ctx.rt.pod, p);
      ctx.event({
        involved: rs,
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${p.metadata.name}`,
        type: 'Normal',
        component: 'replicaset-controller'
      });
    }
  }
  const fresh = ctx.cluster.find(ctx.rt.replicaset, ns, name);
  if (fresh) ctx.setStatus(ctx.rt.replicaset, fresh, k.replicaSetStatus(fresh, ctx.podsOf(fresh)));
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
