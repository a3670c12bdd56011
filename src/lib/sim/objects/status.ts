/**
 * The status computations populate and the controllers share (ReplicaSet, Deployment, StatefulSet,
 * DaemonSet, Job, PodDisruptionBudget), so a freshly populated world is already reconciled.
 */
import type { KubeObject } from '../../kube/types';
import { isoTime, templateHash } from './format';
import { podIsActive, podIsReady } from './pods';
import { revisionName } from './workloads';

type Condition = Record<string, unknown> & { type: string; status: string };

/** Keeps the previous condition's times when nothing about it changed, as controllers do. */
function carryCondition(prev: Condition[] | undefined, next: Condition): Condition {
  const old = prev?.find((c) => c.type === next.type);
  if (!old) return next;
  const same = old.status === next.status;
  const out = { ...next };
  if (same && 'lastTransitionTime' in old) out.lastTransitionTime = old.lastTransitionTime;
  if ('lastUpdateTime' in next && same && old.reason === next.reason && old.message === next.message) {
    out.lastUpdateTime = old.lastUpdateTime;
  }
  return out;
}

/** Counts of the active pods (not terminating, not finished): all, ready, and those `matching`. */
function countActivePods(
  pods: Iterable<KubeObject>,
  matching?: (pod: KubeObject) => boolean
): { active: number; ready: number; matched: number } {
  let active = 0;
  let ready = 0;
  let matched = 0;
  for (const p of pods) {
    if (!podIsActive(p)) continue;
    active++;
    if (podIsReady(p)) ready++;
    if (matching?.(p)) matched++;
  }
  return { active, ready, matched };
}

/** Pods of the given `controller-revision-hash`. */
const ofRevision = (revision: string) => (p: KubeObject) =>
  p.metadata.labels?.['controller-revision-hash'] === revision;

export function replicaSetStatus(rs: KubeObject, pods: Iterable<KubeObject>): Record<string, unknown> {
  const templateLabels = (rs.spec.template?.metadata?.labels ?? {}) as Record<string, string>;
  const {
    active: replicas,
    ready,
    matched: labeled
  } = countActivePods(pods, (p) =>
    Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)
  );
  return {
    ...(ready ? { availableReplicas: ready } : {}),
    ...(labeled ? { fullyLabeledReplicas: labeled } : {}),
    observedGeneration: rs.metadata.generation ?? 1,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas
  };
}

/** `25%` of 7 rounded up (surge) or down (unavailable), or an integer as is. */
export function intOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) {
    const v = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(v) : Math.floor(v);
  }
  return Number(value) || 0;
}

export function deploymentStatus(
  d: KubeObject,
  replicaSets: KubeObject[],
  newRs: KubeObject | undefined,
  now: number
): Record<string, unknown> {
  let replicas = 0;
  let ready = 0;
  for (const rs of replicaSets) {
    replicas += rs.status?.replicas ?? 0;
    ready += rs.status?.readyReplicas ?? 0;
  }
  const desired = d.spec.replicas ?? 1;
  const updated = newRs?.status?.replicas ?? 0;
  const maxUnavailable =
    d.spec.strategy?.type === 'Recreate'
      ? 0
      : intOrPercent(d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desired, false);
  const available = ready;
  const unavailable = Math.max(0, replicas - available, desired - available);
  const t = isoTime(now);
  const prev = d.status?.conditions as Condition[] | undefined;
  const isAvailable = available >= desired - maxUnavailable;
  const complete = newRs && updated === desired && replicas === desired && available === desired;
  const conditions = [
    carryCondition(prev, {
      lastTransitionTime: t,
      lastUpdateTime: t,
      message: isAvailable
        ? 'Deployment has minimum availability.'
        : 'Deployment does not have minimum availability.',
      reason: isAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      status: isAvailable ? 'True' : 'False',
      type: 'Available'
    }),
    carryCondition(prev, {
      lastTransitionTime: t,
      lastUpdateTime: t,
      message: newRs
        ? complete
          ? `ReplicaSet "${newRs.metadata.name}" has successfully progressed.`
          : `ReplicaSet "${newRs.metadata.name}" is progressing.`
        : 'Created new replica set.',
      reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
      status: 'True',
      type: 'Progressing'
    })
  ];
  return {
    ...(available ? { availableReplicas: available } : {}),
    conditions,
    observedGeneration: d.metadata.generation ?? 1,
    ...(ready ? { readyReplicas: ready } : {}),
    ...(replicas ? { replicas } : {}),
    ...(unavailable ? { unavailableReplicas: unavailable } : {}),
    ...(updated ? { updatedReplicas: updated } : {})
  };
}

export function statefulSetStatus(s: KubeObject, pods: Iterable<KubeObject>): Record<string, unknown> {
  const updateRevision = revisionName(s, s.spec.template);
  const { active: replicas, ready, matched: updated } = countActivePods(pods, ofRevision(updateRevision));
  const current = replicas - updated;
  const rolled = current === 0;
  return {
    availableReplicas: ready,
    collisionCount: 0,
    currentReplicas: rolled ? updated : current,
    currentRevision: rolled ? updateRevision : (s.status?.currentRevision ?? updateRevision),
    observedGeneration: s.metadata.generation ?? 1,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas,
    updateRevision,
    ...(updated ? { updatedReplicas: updated } : {})
  };
}

export function daemonSetStatus(
  ds: KubeObject,
  pods: Iterable<KubeObject>,
  desired: number
): Record<string, unknown> {
  const {
    active: scheduled,
    ready,
    matched: updated
  } = countActivePods(pods, ofRevision(templateHash(ds.spec.template)));
  return {
    currentNumberScheduled: scheduled,
    desiredNumberScheduled: desired,
    numberAvailable: ready,
    numberMisscheduled: 0,
    numberReady: ready,
    ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: updated
  };
}

export function jobStatus(j: KubeObject, pods: Iterable<KubeObject>, now: number): Record<string, unknown> {
  let active = 0;
  let ready = 0;
  let succeeded = 0;
  let failed = 0;
  let lastFinish = 0;
  for (const p of pods) {
    const phase = p.status?.phase;
    if (phase === 'Succeeded') succeeded++;
    else if (phase === 'Failed') failed++;
    else if (!p.metadata.deletionTimestamp) {
      active++;
      if (podIsReady(p)) ready++;
    }
    if (phase === 'Succeeded' || phase === 'Failed') {
      const finished = p.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt;
      if (finished) lastFinish = Math.max(lastFinish, Date.parse(finished));
    }
  }
  const prev = j.status ?? {};
  const completions = j.spec.completions ?? 1;
  const t = isoTime(now);
  const startTime = prev.startTime ?? isoTime(Date.parse(j.metadata.creationTimestamp ?? t) || now);
  const status: Record<string, unknown> = {
    ...(active ? { active } : {}),
    ...(prev.completionTime ? { completionTime: prev.completionTime } : {}),
    ...(prev.conditions ? { conditions: prev.conditions } : {}),
    ...(failed ? { failed } : {}),
    ready,
    startTime,
    ...(succeeded ? { succeeded } : {}),
    terminating: 0,
    uncountedTerminatedPods: {}
  };
  if (!prev.conditions && succeeded >= completions) {
    const done = lastFinish ? isoTime(lastFinish) : t;
    status.completionTime = done;
    status.conditions = [
      {
        lastProbeTime: done,
        lastTransitionTime: done,
        message: 'Reached expected number of succeeded pods',
        reason: 'CompletionsReached',
        status: 'True',
        type: 'SuccessCriteriaMet'
      },
      {
        lastProbeTime: done,
        lastTransitionTime: done,
        message: 'Reached expected number of succeeded pods',
        reason: 'CompletionsReached',
        status: 'True',
        type: 'Complete'
      }
    ];
  } else if (!prev.conditions && failed > (j.spec.backoffLimit ?? 6)) {
    status.conditions = [
      {
        lastProbeTime: t,
        lastTransitionTime: t,
        message: 'Job has reached the specified backoff limit',
        reason: 'BackoffLimitExceeded',
        status: 'True',
        type: 'FailureTarget'
      },
      {
        lastProbeTime: t,
        lastTransitionTime: t,
        message: 'Job has reached the specified backoff limit',
        reason: 'BackoffLimitExceeded',
        status: 'True',
        type: 'Failed'
      }
    ];
  }
  return status;
}

export function jobIsFinished(j: KubeObject): boolean {
  return ((j.status?.conditions ?? []) as Condition[]).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True'
  );
}

export function pdbStatus(pdb: KubeObject, pods: Iterable<KubeObject>, now: number): Record<string, unknown> {
  const { active: expected, ready: healthy } = countActivePods(pods);
  let desired: number;
  if (pdb.spec.minAvailable !== undefined) desired = intOrPercent(pdb.spec.minAvailable, expected, true);
  else desired = Math.max(0, expected - intOrPercent(pdb.spec.maxUnavailable ?? 0, expected, true));
  const allowed = Math.max(0, healthy - desired);
  const prev = pdb.status?.conditions as Condition[] | undefined;
  return {
    conditions: [
      carryCondition(prev, {
        lastTransitionTime: isoTime(now),
        message: '',
        observedGeneration: pdb.metadata.generation ?? 1,
        reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
        status: allowed > 0 ? 'True' : 'False',
        type: 'DisruptionAllowed'
      })
    ],
    currentHealthy: healthy,
    desiredHealthy: desired,
    disruptionsAllowed: allowed,
    expectedPods: expected,
    observedGeneration: pdb.metadata.generation ?? 1
  };
}
