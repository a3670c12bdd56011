/**
 * A populated Deployment: its ReplicaSet history (the last few revisions, rolled out over time) and
 * the pods of its current ReplicaSet, with statuses computed from the pods' intended states before
 * anything is created, so each object is written once.
 */
import * as k from '../objects';
import type { KubeObject, NewObject } from '../../kube/types';
import type { WorldBuilder } from './builder';
import { HOUR, NAMING_EPOCH } from './catalog';

/** What `deploymentWithPods` builds. */
export interface DeploymentPlan {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  replicas: number;
  /** The pod template of a version; `now` is the time its time-derived values are relative to. */
  templateFor: (version: string, now: number) => Record<string, unknown>;
  versions: string[]; // oldest first; the last is current
  created: number;
  states?: k.PodState[];
}

/** Creates the Deployment, its ReplicaSets and pods; returns them and the current ReplicaSet's name. */
export function deploymentWithPods(
  b: WorldBuilder,
  d: DeploymentPlan
): { deployment: KubeObject; pods: KubeObject[]; currentReplicaSet?: string } {
  const rand = b.rand;
  const revisions = d.versions.length;
  const templates = new Map<string, Record<string, unknown>>();
  const templateFor = (version: string) => {
    let t = templates.get(version);
    if (!t) {
      templates.set(version, (t = d.templateFor(version, b.now)));
      // Revisions differ only in image tags and labels: one managedFields tree serves them all.
      const first = templates.values().next().value as { spec: object };
      k.sameSpecShape(first.spec, (t as { spec: object }).spec);
    }
    return t;
  };
  const rolloutTimes = d.versions.map(() => d.created);
  for (let i = 1; i < revisions; i++) {
    rolloutTimes[i] = b.between(rolloutTimes[i - 1] + HOUR, b.now - (revisions - i) * HOUR);
  }
  const rolledOut = rolloutTimes[revisions - 1];
  const selector = selectorFor(
    (templateFor(d.versions[revisions - 1]) as k.PodTemplateSpec).metadata?.labels ?? {}
  );
  const draft = k.deployment({
    name: d.name,
    namespace: d.namespace,
    created: d.created,
    labels: d.labels,
    annotations: d.annotations,
    replicas: d.replicas,
    selector,
    template: templateFor(d.versions[revisions - 1]),
    revision: revisions
  });
  const states = Array.from({ length: d.replicas }, (_, r) => d.states?.[r] ?? 'running');
  // Keep the last 3 old revisions (a realistic history, fewer objects than the default 10).
  const firstKept = Math.max(0, revisions - 4);
  const rsDrafts: NewObject[] = [];
  for (let i = firstKept; i < revisions; i++) {
    const isCurrent = i === revisions - 1;
    const rs = k.replicaSet({
      name: '',
      namespace: d.namespace,
      created: rolloutTimes[i],
      deployment: draft as KubeObject,
      template: templateFor(d.versions[i]),
      // The hash of the template as of NAMING_EPOCH: a restartedAt annotation must not rename the
      // ReplicaSet and its pods on every load (the controller finds it by template, not by hash).
      hash: k.templateHash(d.templateFor(d.versions[i], NAMING_EPOCH)),
      replicas: isCurrent ? d.replicas : 0,
      revision: i + 1
    });
    rs.status = k.replicaSetStatus(rs as KubeObject, isCurrent ? intendedPods(states, rs.spec.template) : []);
    rsDrafts.push(rs);
  }
  const statusTime = rolledOut + 60_000;
  draft.status = k.deploymentStatus(
    draft as KubeObject,
    rsDrafts as KubeObject[],
    rsDrafts[rsDrafts.length - 1] as KubeObject,
    statusTime
  );
  const manager = d.labels['app.kubernetes.io/managed-by'] === 'Helm' ? 'helm' : 'kubectl-client-side-apply';
  k.withManagedFields(draft, manager, rolledOut, {
    manager: 'kube-controller-manager',
    timeMs: statusTime
  });
  const deployment = b.create(draft, d.created);
  const owner = k.ownerRef(deployment);
  let pods: KubeObject[] = [];
  let currentReplicaSet: string | undefined;
  rsDrafts.forEach((rs, j) => {
    const i = firstKept + j;
    const isCurrent = i === revisions - 1;
    rs.metadata.ownerReferences = [owner];
    k.withManagedFields(rs, 'kube-controller-manager', rolloutTimes[i], {
      manager: 'kube-controller-manager',
      timeMs: isCurrent ? b.now - rand.int(0, HOUR) : rolloutTimes[i + 1]
    });
    const rsObj = b.create(rs, rolloutTimes[i]);
    if (!isCurrent) return;
    currentReplicaSet = rsObj.metadata.name;
    const rsOwner = k.ownerRef(rsObj);
    const tpl = rsObj.spec.template;
    const fields = k.podControllerFields(tpl, rsOwner, `${rsObj.metadata.name}-`);
    pods = states.map((state) =>
      b.makePod({
        name: b.generateName(d.namespace, `${rsObj.metadata.name}-`),
        generateName: `${rsObj.metadata.name}-`,
        namespace: d.namespace,
        template: tpl,
        owner: rsOwner,
        ownerCreated: rolloutTimes[i],
        controllerFields: fields,
        state
      })
    );
  });
  if (rand.chance(0.1)) b.noteEventSource(deployment, 'deploy');
  return { deployment, pods, currentReplicaSet };
}

/** The labels a workload selects its pods by: the stable identifying subset of its template's labels. */
function selectorFor(labels: Record<string, string>): Record<string, string> {
  const preferred = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component'];
  const legacy = ['k8s-app', 'app', 'component'];
  for (const keys of [preferred, legacy]) {
    const out: Record<string, string> = {};
    for (const key of keys) if (labels[key] !== undefined) out[key] = labels[key];
    if (Object.keys(out).length) return out;
  }
  const out = { ...labels };
  delete out['app.kubernetes.io/version'];
  delete out['helm.sh/chart'];
  return out;
}

/** Stand-ins for pods about to be created in these states: enough for the status computations. */
function intendedPods(
  states: k.PodState[],
  template: { metadata?: { labels?: Record<string, string> } }
): KubeObject[] {
  return states.map(
    (state) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { labels: template.metadata?.labels ?? {} },
        status: {
          phase: state === 'running' || state === 'notready' || state === 'crashloop' ? 'Running' : 'Pending',
          conditions: [{ type: 'Ready', status: state === 'running' ? 'True' : 'False' }]
        }
      }) as unknown as KubeObject
  );
}
