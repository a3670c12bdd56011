/** Workloads: Pods and the controllers that run them. */
import { podSummary } from '../kube/pod-status';
import { humanDuration, timeOf } from '../kube/time';
import type { Cell } from '../watch/row';
import { col, conditionStatus, joinList, kind, labelSelector, mapSelector, podImages } from './cells';
import type { KindDef } from './types';
import { usageColumns } from './usage-columns';
import { podResourceCells } from '../metrics/pod-resources';
import type { Obj } from '../kube/types';

const SELECTOR = col('selector', 'Selector', 'text', {
  hidden: true,
  description: 'The label selector of the pods it manages'
});
const IMAGES = col('images', 'Images', 'list', { hidden: true });
/** Live usage, joined in by the engine's metrics join (src/lib/metrics). */
const POD_USAGE = usageColumns('pod');
const WORKLOAD_USAGE = usageColumns('workload');

/** The controlling owner as `Kind/name`. */
function ownerText(obj: Obj): string | null {
  const refs: Obj[] | undefined = obj.metadata.ownerReferences;
  if (!refs || refs.length === 0) return null;
  const owner = refs.find((o) => o.controller) ?? refs[0];
  return `${owner.kind}/${owner.name}`;
}

function podUnhealthy(status: Obj, spec: Obj): boolean {
  if (status.phase === 'Succeeded') return false;
  if (status.phase !== 'Running') return true;
  const statuses = (status.containerStatuses ?? []) as Obj[];
  let ready = 0;
  for (const cs of statuses) if (cs.ready) ready++;
  return ready < ((spec.containers ?? []) as Obj[]).length;
}

function podCells(pod: Obj): Record<string, Cell> {
  // `now` only shapes the "(2m ago)" restarts text, which rows do not keep: the UI ages from timestamps.
  const s = podSummary(pod, 0);
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let unschedulable = false;
  for (const c of (status.conditions ?? []) as Obj[])
    if (c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')
      unschedulable = true;
  let lastRestart = 0;
  for (const cs of (status.containerStatuses ?? []) as Obj[]) {
    const t = timeOf(cs.lastState?.terminated?.finishedAt);
    if (t !== undefined && t > lastRestart) lastRestart = t;
  }
  return {
    status: s.reason,
    ready: s.ready,
    restarts: s.restartCount,
    lastRestart: lastRestart ? new Date(lastRestart).toISOString() : null,
    node: spec.nodeName ?? null,
    ip: status.podIP ?? null,
    qos: status.qosClass ?? null,
    owner: ownerText(pod),
    phase: status.phase ?? null,
    // 1 or 0, so a Tally can sum it per namespace: not finished, and not running with every container ready.
    unhealthy: podUnhealthy(status, spec) ? 1 : 0,
    unschedulable,
    containers: joinList(((spec.containers ?? []) as Obj[]).map((c) => c.name)),
    images: podImages(spec),
    // Requests and limits (millicores, bytes): the metrics join's "% of request" and workload sums.
    ...podResourceCells(spec)
  };
}

/** Cells every replicated controller has: desired/ready counts for the overview, images, selector. */
function replicaCells(o: Obj, desired: number, readyCount: number): Record<string, Cell> {
  return {
    ready: `${readyCount}/${desired}`,
    desired,
    readyCount,
    mismatch: readyCount < desired,
    images: podImages(o.spec?.template?.spec),
    selector: labelSelector(o.spec?.selector)
  };
}

function deploymentCells(d: Obj): Record<string, Cell> {
  const desired = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  return {
    ...replicaCells(d, desired, st.readyReplicas ?? 0),
    upToDate: st.updatedReplicas ?? 0,
    available: st.availableReplicas ?? 0,
    strategy: d.spec?.strategy?.type ?? 'RollingUpdate',
    paused: d.spec?.paused === true
  };
}

function statefulSetCells(s: Obj): Record<string, Cell> {
  const desired = s.spec?.replicas ?? 1;
  const st = s.status ?? {};
  return {
    ...replicaCells(s, desired, st.readyReplicas ?? 0),
    upToDate: st.updatedReplicas ?? 0,
    available: st.availableReplicas ?? 0,
    serviceName: s.spec?.serviceName ?? null
  };
}

function replicaSetCells(r: Obj): Record<string, Cell> {
  const desired = r.spec?.replicas ?? 1;
  const st = r.status ?? {};
  return {
    ...replicaCells(r, desired, st.readyReplicas ?? 0),
    current: st.replicas ?? 0,
    available: st.availableReplicas ?? 0,
    owner: ownerText(r)
  };
}

function daemonSetCells(d: Obj): Record<string, Cell> {
  const st = d.status ?? {};
  const desired = st.desiredNumberScheduled ?? 0;
  return {
    ...replicaCells(d, desired, st.numberReady ?? 0),
    current: st.currentNumberScheduled ?? 0,
    upToDate: st.updatedNumberScheduled ?? 0,
    available: st.numberAvailable ?? 0,
    nodeSelector: mapSelector(d.spec?.template?.spec?.nodeSelector) || null
  };
}

function jobStatus(j: Obj): string {
  const conditions: Obj[] = j.status?.conditions ?? [];
  if (conditionStatus(conditions, 'Complete') === 'True') return 'Complete';
  if (conditionStatus(conditions, 'Failed') === 'True') return 'Failed';
  if (conditionStatus(conditions, 'FailureTarget') === 'True') return 'Failing';
  if (j.spec?.suspend === true || conditionStatus(conditions, 'Suspended') === 'True') return 'Suspended';
  return 'Running';
}

function jobCells(j: Obj): Record<string, Cell> {
  const st = j.status ?? {};
  // Without `completions` a job is done at its first success, or (parallel, work queue) when all finish.
  const completions: number | null = j.spec?.completions ?? ((j.spec?.parallelism ?? 1) > 1 ? null : 1);
  const succeeded = st.succeeded ?? 0;
  const status = jobStatus(j);
  const start = timeOf(st.startTime);
  const end = timeOf(st.completionTime);
  return {
    completions: completions === null ? `${succeeded}` : `${succeeded}/${completions}`,
    status,
    failed: status === 'Failed',
    succeeded,
    active: st.active ?? 0,
    // A finished job's duration is fixed; a running one's grows, so the UI ages it from `started`.
    duration: start !== undefined && end !== undefined ? humanDuration(end - start) : null,
    started: st.startTime ?? null,
    images: podImages(j.spec?.template?.spec),
    selector: labelSelector(j.spec?.selector),
    owner: ownerText(j)
  };
}

function cronJobCells(c: Obj): Record<string, Cell> {
  return {
    schedule: c.spec?.schedule ?? null,
    timeZone: c.spec?.timeZone ?? null,
    suspend: c.spec?.suspend === true,
    active: (c.status?.active ?? []).length,
    lastSchedule: c.status?.lastScheduleTime ?? null,
    lastSuccess: c.status?.lastSuccessfulTime ?? null,
    images: podImages(c.spec?.jobTemplate?.spec?.template?.spec)
  };
}

const READY = col('ready', 'Ready', 'status', { description: 'Ready pods / desired pods' });
const UP_TO_DATE = col('upToDate', 'Up-to-date', 'number', {
  description: 'Pods running the current template'
});
const AVAILABLE = col('available', 'Available', 'number', {
  description: 'Pods ready for at least minReadySeconds'
});

export const WORKLOAD_KINDS: KindDef[] = [
  kind(
    'Workloads',
    '',
    'v1',
    'pods',
    'Pod',
    'Pods',
    true,
    [
      col('status', 'Status', 'status'),
      col('ready', 'Ready', 'text', { description: 'Ready containers / containers' }),
      col('restarts', 'Restarts', 'number'),
      ...POD_USAGE,
      col('lastRestart', 'Last restart', 'age', { hidden: true }),
      col('node', 'Node', 'text', { link: 'node' }),
      col('ip', 'IP', 'text'),
      col('qos', 'QoS', 'text', { hidden: true }),
      col('owner', 'Owner', 'text', { link: 'owner', hidden: true }),
      col('containers', 'Containers', 'list', { hidden: true }),
      IMAGES
    ],
    podCells
  ),
  kind(
    'Workloads',
    'apps',
    'v1',
    'deployments',
    'Deployment',
    'Deployments',
    true,
    [
      READY,
      UP_TO_DATE,
      AVAILABLE,
      col('strategy', 'Strategy', 'text', { hidden: true }),
      IMAGES,
      SELECTOR,
      ...WORKLOAD_USAGE
    ],
    deploymentCells
  ),
  kind(
    'Workloads',
    'apps',
    'v1',
    'statefulsets',
    'StatefulSet',
    'StatefulSets',
    true,
    [
      READY,
      UP_TO_DATE,
      AVAILABLE,
      col('serviceName', 'Service', 'text', { hidden: true }),
      IMAGES,
      SELECTOR,
      ...WORKLOAD_USAGE
    ],
    statefulSetCells
  ),
  kind(
    'Workloads',
    'apps',
    'v1',
    'daemonsets',
    'DaemonSet',
    'DaemonSets',
    true,
    [
      col('desired', 'Desired', 'number'),
      col('current', 'Current', 'number'),
      col('readyCount', 'Ready', 'number'),
      UP_TO_DATE,
      AVAILABLE,
      col('nodeSelector', 'Node selector', 'text'),
      IMAGES,
      SELECTOR,
      ...WORKLOAD_USAGE
    ],
    daemonSetCells
  ),
  kind(
    'Workloads',
    'apps',
    'v1',
    'replicasets',
    'ReplicaSet',
    'ReplicaSets',
    true,
    [
      col('desired', 'Desired', 'number'),
      col('current', 'Current', 'number'),
      col('readyCount', 'Ready', 'number'),
      col('owner', 'Owner', 'text', { link: 'owner' }),
      IMAGES,
      SELECTOR,
      ...WORKLOAD_USAGE
    ],
    replicaSetCells
  ),
  kind(
    'Workloads',
    'batch',
    'v1',
    'jobs',
    'Job',
    'Jobs',
    true,
    [
      col('status', 'Status', 'status'),
      col('completions', 'Completions', 'text'),
      col('duration', 'Duration', 'text'),
      col('started', 'Started', 'age', { hidden: true }),
      col('owner', 'Owner', 'text', { link: 'owner', hidden: true }),
      IMAGES,
      SELECTOR,
      ...WORKLOAD_USAGE
    ],
    jobCells
  ),
  kind(
    'Workloads',
    'batch',
    'v1',
    'cronjobs',
    'CronJob',
    'CronJobs',
    true,
    [
      col('schedule', 'Schedule', 'text'),
      col('timeZone', 'Time zone', 'text', { hidden: true }),
      col('suspend', 'Suspend', 'bool'),
      col('active', 'Active', 'number'),
      col('lastSchedule', 'Last schedule', 'age'),
      col('lastSuccess', 'Last success', 'age', { hidden: true }),
      IMAGES
    ],
    cronJobCells
  )
];
