/**
 * Server-side printing: the `Table` (meta.k8s.io/v1) and `PartialObjectMetadata` answers kube-apiserver
 * gives when a client asks for them in its Accept header. Columns and cells follow kubectl's printers
 * (k8s.io/kubernetes pkg/printers/internalversion/printers.go), which the API server runs with
 * `Wide: true`: every column is present and the wide-only ones carry `priority: 1`.
 * Custom resources print their CRD's additionalPrinterColumns (see jsonPath below).
 */
import type { KubeObject, ObjectMeta, PrinterColumn, ResourceType } from './types';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: string;
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: unknown[];
  /** PartialObjectMetadata (includeObject=Metadata), the object (Object), or null (None). */
  object: PartialObjectMetadata | KubeObject | null;
  conditions?: TableRowCondition[];
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  /** null when headers are suppressed (every watch event after the first), as the server sends it. */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export interface PartialObjectMetadataList {
  kind: 'PartialObjectMetadataList';
  apiVersion: string;
  metadata: ListMeta;
  items: PartialObjectMetadata[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** Default Metadata, like the server. */
  includeObject?: IncludeObject;
  /** Include columnDefinitions (false for watch events after the first). Default true. */
  withColumns?: boolean;
  /** ms since epoch: ages are computed against it. */
  now: number;
  listMeta?: ListMeta;
  /** meta.k8s.io version the client asked for. Default v1. */
  version?: 'v1' | 'v1beta1';
}

// ---- durations and timestamps ---------------------------------------------------------------------

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration, from milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

function timeOf(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** translateTimestampSince: "<unknown>" for a missing time. */
function since(ts: unknown, now: number): string {
  const t = timeOf(ts);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

function rfc3339(ts: unknown): string {
  const t = timeOf(ts);
  return t === undefined ? '0001-01-01T00:00:00Z' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- formatting helpers shared by printers ---------------------------------------------------------

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** labels.FormatLabels: sorted `k=v` pairs, "<none>" when empty. */
function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key; "" for nil or empty. */
function selectorToString(selector: Obj | undefined | null): string {
  if (!selector) return '';
  const reqs: [string, string][] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...new Set<string>(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') reqs.push([e.key, `${e.key} in (${values})`]);
    else if (e.operator === 'NotIn') reqs.push([e.key, `${e.key} notin (${values})`]);
    else if (e.operator === 'Exists') reqs.push([e.key, e.key]);
    else if (e.operator === 'DoesNotExist') reqs.push([e.key, `!${e.key}`]);
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((r) => r[1])
    .join(',');
}

/** metav1.FormatLabelSelector: like selectorToString, "<none>" when it prints empty. */
function formatLabelSelector(selector: Obj | undefined | null): string {
  return selectorToString(selector) || '<none>';
}

function containerCells(containers: Obj[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** `a,b,c + N more...` with at most `max` shown; `empty` when there is nothing. */
function listWithMore(items: string[], max: number, empty: string): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

function accessModes(modes: string[] | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

function intOrString(v: unknown): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

function boolPtr(v: unknown): string {
  return v === undefined || v === null ? '<unset>' : v ? 'True' : 'False';
}

/** LoadBalancer ingress points: sorted unique IPs or hostnames, comma separated. */
function loadBalancerString(status: Obj | undefined): string {
  const set = new Set<string>();
  for (const i of status?.ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}

// ---- column definitions ----------------------------------------------------------------------------

const DOC_NAME =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const DOC_AGE =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

function col(name: string, description: string, type = 'string', priority = 0): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}
const NAME_COL: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: DOC_NAME,
  priority: 0
};
const AGE_COL = col('Age', DOC_AGE);
const CONTAINERS_COL = col('Containers', 'Names of each container in the template.', 'string', 1);
const IMAGES_COL = col('Images', 'Images referenced by each container in the template.', 'string', 1);
const selectorCol = (what: string) =>
  col(
    'Selector',
    `A label query over ${what}. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors`,
    'string',
    1
  );

interface Printer {
  columns: TableColumnDefinition[];
  cells(o: Obj, now: number): unknown[];
  conditions?(o: Obj): TableRowCondition[] | undefined;
}

// ---- pods ------------------------------------------------------------------------------------------

const POD_SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }
];
const POD_FAILED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }
];

function hasCondition(conditions: Obj[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** The STATUS, READY and RESTARTS of a pod, computed exactly as printPod does. */
export function podSummary(
  pod: Obj,
  now: number
): { reason: string; ready: string; restarts: string; restartCount: number } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initContainers: Obj[] = spec.initContainers ?? [];
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  const phase: string = status.phase ?? '';
  let reason: string = status.reason || phase;

  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, Obj>(initContainers.map((c) => [c.name, c]));
  const restartable = (name: string) => initByName.get(name)?.restartPolicy === 'Always';
  for (const c of initContainers) if (c.restartPolicy === 'Always') totalContainers++;

  let initializing = false;
  const initStatuses: Obj[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs.restartCount ?? 0;
    const finished = timeOf(cs.lastState?.terminated?.finishedAt);
    if (finished !== undefined && finished > lastRestart) lastRestart = finished;
    if (restartable(cs.name)) {
      restartableInitRestarts += cs.restartCount ?? 0;
      if (finished !== undefined && finished > lastRestartableInitRestart)
        lastRestartableInitRestart = finished;
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (restartable(cs.name) && cs.started === true) {
      if (cs.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      if (!terminated.reason) {
        reason = terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else reason = `Init:${terminated.reason}`;
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status.conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses: Obj[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      const finished = timeOf(cs.lastState?.terminated?.finishedAt);
      if (finished !== undefined && finished > lastRestart) lastRestart = finished;
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting && waiting.reason) reason = waiting.reason;
      else if (terminated && terminated.reason) reason = terminated.reason;
      else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      } else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = hasCondition(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsText =
    restarts !== 0 && lastRestart !== 0
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);
  return {
    reason,
    ready: `${readyContainers}/${totalContainers}`,
    restarts: restartsText,
    restartCount: restarts
  };
}

const podPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'
    ),
    AGE_COL,
    col(
      'IP',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      'string',
      1
    ),
    col('Node', 'NodeName indicates in which node this pod is scheduled.', 'string', 1),
    col(
      'Nominated Node',
      'nominatedNodeName is set only when this pod preempts other pods on the node.',
      'string',
      1
    ),
    col(
      'Readiness Gates',
      'If specified, all readiness gates will be evaluated for pod readiness.',
      'string',
      1
    )
  ],
  cells(pod, now) {
    const s = podSummary(pod, now);
    const status = pod.status ?? {};
    const podIP = status.podIPs?.[0]?.ip || status.podIP || '<none>';
    let gates = '<none>';
    const readinessGates: Obj[] = pod.spec?.readinessGates ?? [];
    if (readinessGates.length > 0) {
      let trueConditions = 0;
      for (const g of readinessGates) {
        const c = (status.conditions ?? []).find((x: Obj) => x.type === g.conditionType);
        if (c && c.status === 'True') trueConditions++;
      }
      gates = `${trueConditions}/${readinessGates.length}`;
    }
    return [
      pod.metadata.name,
      s.ready,
      s.reason,
      s.restarts,
      since(pod.metadata.creationTimestamp, now),
      podIP,
      pod.spec?.nodeName || '<none>',
      status.nominatedNodeName || '<none>',
      gates
    ];
  },
  conditions(pod) {
    if (pod.status?.phase === 'Succeeded') return POD_SUCCEEDED;
    if (pod.status?.phase === 'Failed') return POD_FAILED;
    return undefined;
  }
};

// ---- nodes, namespaces -----------------------------------------------------------------------------

function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

/** The node STATUS column: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: Obj): string {
  const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: Obj, type: string): string {
  return (node.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';
}

const nodePrinter: Printer = {
  columns: [
    NAME_COL,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    AGE_COL,
    col('Version', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'List of addresses reachable to the node.', 'string', 1),
    col('External-IP', 'List of addresses reachable to the node.', 'string', 1),
    col(
      'OS-Image',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      'string',
      1
    ),
    col(
      'Kernel-Version',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      'string',
      1
    ),
    col(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      'string',
      1
    )
  ],
  cells(node, now) {
    const info = node.status?.nodeInfo ?? {};
    return [
      node.metadata.name,
      nodeStatus(node),
      nodeRoles(node.metadata.labels),
      since(node.metadata.creationTimestamp, now),
      info.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>'
    ];
  }
};

const namespacePrinter: Printer = {
  columns: [NAME_COL, col('Status', 'The status of the namespace'), AGE_COL],
  cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', since(o.metadata.creationTimestamp, now)]
};

// ---- workloads -------------------------------------------------------------------------------------

const deploymentPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Ready', 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'
    ),
    col(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'
    ),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      selectorToString(o.spec?.selector)
    ];
  }
};

const replicaSetPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Desired', 'Replicas is the number of desired pods.', 'integer'),
    col('Current', 'Replicas is the most recently observed number of replicas.', 'integer'),
    col('Ready', 'The number of ready replicas for this replica set.', 'integer'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return [
      o.metadata.name,
      o.spec?.replicas ?? 1,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(o.spec?.selector)
    ];
  }
};

const statefulSetPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Ready', 'Number of the pod with ready state'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL
  ],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      since(o.metadata.creationTimestamp, now),
      names,
      images
    ];
  }
};

const daemonSetPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Desired', 'The total number of nodes that should be running the daemon pod.', 'integer'),
    col(
      'Current',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      'integer'
    ),
    col(
      'Ready',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      'integer'
    ),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', 'integer'),
    col(
      'Available',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
      'integer'
    ),
    col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const s = o.status ?? {};
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return [
      o.metadata.name,
      s.desiredNumberScheduled ?? 0,
      s.currentNumberScheduled ?? 0,
      s.numberReady ?? 0,
      s.updatedNumberScheduled ?? 0,
      s.numberAvailable ?? 0,
      formatLabels(o.spec?.template?.spec?.nodeSelector),
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(o.spec?.selector)
    ];
  }
};

function jobCondition(o: Obj, type: string): boolean {
  const c = (o.status?.conditions ?? []).find((x: Obj) => x.type === type);
  return !!c && c.status === 'True';
}

const jobPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Status', 'Status of the job.'),
    col('Completions', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'Time required to complete the job.'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const spec = o.spec ?? {};
    const st = o.status ?? {};
    const succeeded = st.succeeded ?? 0;
    let completions: string;
    if (spec.completions !== undefined && spec.completions !== null)
      completions = `${succeeded}/${spec.completions}`;
    else if ((spec.parallelism ?? 0) > 1) completions = `${succeeded}/1 of ${spec.parallelism}`;
    else completions = `${succeeded}/1`;
    const start = timeOf(st.startTime);
    const end = timeOf(st.completionTime);
    const duration = start === undefined ? '' : humanDuration((end ?? now) - start);
    let status = 'Running';
    if (jobCondition(o, 'Complete')) status = 'Complete';
    else if (jobCondition(o, 'Failed')) status = 'Failed';
    else if (o.metadata.deletionTimestamp) status = 'Terminating';
    else if (jobCondition(o, 'Suspended')) status = 'Suspended';
    else if (jobCondition(o, 'FailureTarget')) status = 'FailureTarget';
    const [names, images] = containerCells(spec.template?.spec?.containers);
    return [
      o.metadata.name,
      status,
      completions,
      duration,
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(spec.selector)
    ];
  }
};

const cronJobPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'The time zone name for the given schedule.'),
    col('Suspend', 'This flag tells the controller to suspend subsequent executions.', 'boolean'),
    col('Active', 'A list of pointers to currently running jobs.', 'integer'),
    col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const spec = o.spec ?? {};
    const jobSpec = spec.jobTemplate?.spec ?? {};
    const [names, images] = containerCells(jobSpec.template?.spec?.containers);
    const last = o.status?.lastScheduleTime;
    return [
      o.metadata.name,
      spec.schedule ?? '',
      spec.timeZone ?? '<none>',
      boolPtr(spec.suspend),
      (o.status?.active ?? []).length,
      last ? since(last, now) : '<none>',
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(jobSpec.selector)
    ];
  }
};

const hpaPrinter: Printer = {
  columns: [
    NAME_COL,
    col(
      'Reference',
      'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'
    ),
    col(
      'Targets',
      'metrics contains the specifications for which to use to calculate the desired replica count.'
    ),
    col(
      'MinPods',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'
    ),
    col(
      'MaxPods',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'
    ),
    col('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    AGE_COL
  ],
  cells(o, now) {
    const spec = o.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    return [
      o.metadata.name,
      `${ref.kind ?? ''}/${ref.name ?? ''}`,
      formatHpaMetrics(spec.metrics ?? [], o.status?.currentMetrics ?? []),
      spec.minReplicas !== undefined && spec.minReplicas !== null ? String(spec.minReplicas) : '<unset>',
      spec.maxReplicas ?? 0,
      o.status?.currentReplicas ?? 0,
      since(o.metadata.creationTimestamp, now)
    ];
  }
};

/** formatHPAMetrics: at most two targets shown, then "+ N more...". */
function formatHpaMetrics(specs: Obj[], statuses: Obj[]): string {
  if (specs.length === 0) return '<none>';
  const list: string[] = [];
  specs.forEach((spec, i) => {
    const st = statuses[i];
    // External and Object metrics: an average value prints with "(avg)", a plain value without
    const valueOrAverage = (target: Obj | undefined, current: Obj | undefined) =>
      target?.averageValue !== undefined
        ? `${current?.current?.averageValue ?? '<unknown>'}/${target.averageValue} (avg)`
        : `${current?.current?.value ?? '<unknown>'}/${target?.value ?? ''}`;
    switch (spec.type) {
      case 'External':
        list.push(valueOrAverage(spec.external?.target, st?.external));
        break;
      case 'Object':
        list.push(valueOrAverage(spec.object?.target, st?.object));
        break;
      case 'Pods':
        list.push(
          `${st?.pods?.current?.averageValue ?? '<unknown>'}/${spec.pods?.target?.averageValue ?? ''}`
        );
        break;
      case 'Resource':
      case 'ContainerResource': {
        const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const cur = spec.type === 'Resource' ? st?.resource : st?.containerResource;
        if (src?.target?.averageValue !== undefined) {
          list.push(`${src.name}: ${cur?.current?.averageValue ?? '<unknown>'}/${src.target.averageValue}`);
        } else {
          const current =
            cur?.current?.averageUtilization !== undefined
              ? `${cur.current.averageUtilization}%`
              : '<unknown>';
          const target =
            src?.target?.averageUtilization !== undefined ? `${src.target.averageUtilization}%` : '<auto>';
          list.push(`${src?.name ?? ''}: ${current}/${target}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  });
  const shown = list.slice(0, 2).join(', ');
  return list.length > 2 ? `${shown} + ${list.length - 2} more...` : shown;
}

const pdbPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Min Available', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', 'integer'),
    AGE_COL
  ],
  cells: (o, now) => [
    o.metadata.name,
    intOrString(o.spec?.minAvailable),
    intOrString(o.spec?.maxUnavailable),
    o.status?.disruptionsAllowed ?? 0,
    since(o.metadata.creationTimestamp, now)
  ]
};

// ---- network ---------------------------------------------------------------------------------------

function serviceExternalIP(svc: Obj): string {
  const spec = svc.spec ?? {};
  const externalIPs: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerString(svc.status?.loadBalancer);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

const servicePrinter: Printer = {
  columns: [
    NAME_COL,
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col(
      'External-IP',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'
    ),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE_COL,
    col(
      'Selector',
      'Route service traffic to pods with label keys and values matching this selector.',
      'string',
      1
    )
  ],
  cells(o, now) {
    const spec = o.spec ?? {};
    const clusterIP = spec.clusterIPs?.[0] ?? spec.clusterIP ?? '<none>';
    const ports = (spec.ports ?? [])
      .map((p: Obj) =>
        p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`
      )
      .join(',');
    return [
      o.metadata.name,
      spec.type ?? 'ClusterIP',
      clusterIP || '<none>',
      serviceExternalIP(o),
      ports || '<none>',
      since(o.metadata.creationTimestamp, now),
      formatLabels(spec.selector)
    ];
  }
};

const endpointSlicePrinter: Printer = {
  columns: [
    NAME_COL,
    col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    AGE_COL
  ],
  cells(o, now) {
    const ports = (o.ports ?? []).map((p: Obj) =>
      p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? '*')
    );
    const addresses = (o.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
    return [
      o.metadata.name,
      o.addressType ?? '',
      listWithMore(ports, 3, '<unset>'),
      listWithMore(addresses, 3, '<unset>'),
      since(o.metadata.creationTimestamp, now)
    ];
  }
};

const ingressPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'Ports of TLS configurations that open'),
    AGE_COL
  ],
  cells(o, now) {
    const rules: Obj[] = o.spec?.rules ?? [];
    // formatHosts: up to three hosts; once three are listed any further rule means "+ N more..."
    const hosts: string[] = [];
    let more = false;
    for (const r of rules) {
      if (hosts.length === 3) more = true;
      if (!more && r.host) hosts.push(r.host);
    }
    let hostText = hosts.length === 0 ? '*' : hosts.join(',');
    if (more) hostText = `${hostText} + ${rules.length - 3} more...`;
    return [
      o.metadata.name,
      o.spec?.ingressClassName ?? '<none>',
      hostText,
      loadBalancerString(o.status?.loadBalancer),
      (o.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      since(o.metadata.creationTimestamp, now)
    ];
  }
};

const ingressClassPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Controller', 'Controller that is responsible for handling this class'),
    col('Parameters', 'A reference to a resource with additional parameters'),
    AGE_COL
  ],
  cells(o, now) {
    const p = o.spec?.parameters;
    const params = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}` : '<none>';
    return [o.metadata.name, o.spec?.controller ?? '', params, since(o.metadata.creationTimestamp, now)];
  }
};

const networkPolicyPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'),
    AGE_COL
  ],
  cells: (o, now) => [
    o.metadata.name,
    formatLabelSelector(o.spec?.podSelector ?? {}),
    since(o.metadata.creationTimestamp, now)
  ]
};

// ---- config and storage ----------------------------------------------------------------------------

const configMapPrinter: Printer = {
  columns: [NAME_COL, col('Data', 'Data contains the configuration data.'), AGE_COL],
  cells: (o, now) => [
    o.metadata.name,
    Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
    since(o.metadata.creationTimestamp, now)
  ]
};

const secretPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Type', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'Data contains the secret data.'),
    AGE_COL
  ],
  cells: (o, now) => [
    o.metadata.name,
    o.type ?? 'Opaque',
    Object.keys(o.data ?? {}).length,
    since(o.metadata.creationTimestamp, now)
  ]
};

const serviceAccountPrinter: Printer = {
  columns: [
    NAME_COL,
    col(
      'Secrets',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'
    ),
    AGE_COL
  ],
  cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, since(o.metadata.creationTimestamp, now)]
};

const pvPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Capacity', "capacity is the description of the persistent volume's resources and capacity."),
    col('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    col(
      'Reclaim Policy',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'
    ),
    col('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col(
      'Claim',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'
    ),
    col('StorageClass', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    col(
      'Reason',
      'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'
    ),
    AGE_COL,
    col(
      'VolumeMode',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      'string',
      1
    )
  ],
  cells(o, now) {
    const spec = o.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const storageClass =
      o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? spec.storageClassName ?? '';
    return [
      o.metadata.name,
      spec.capacity?.storage ?? '0',
      accessModes(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      claim,
      storageClass,
      spec.volumeAttributesClassName ?? '<unset>',
      o.status?.reason ?? '',
      since(o.metadata.creationTimestamp, now),
      spec.volumeMode ?? '<unset>'
    ];
  }
};

const pvcPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    AGE_COL,
    col('VolumeMode', 'volumeMode defines what type of volume is required by the claim.', 'string', 1)
  ],
  cells(o, now) {
    const spec = o.spec ?? {};
    const bound = !!spec.volumeName;
    const storageClass =
      o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? spec.storageClassName ?? '';
    return [
      o.metadata.name,
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      spec.volumeName ?? '',
      bound ? (o.status?.capacity?.storage ?? '0') : '',
      bound ? accessModes(o.status?.accessModes) : '',
      storageClass,
      spec.volumeAttributesClassName ?? '<unset>',
      since(o.metadata.creationTimestamp, now),
      spec.volumeMode ?? '<unset>'
    ];
  }
};

/** storageutil.IsDefaultAnnotation. */
export function isDefaultStorageClass(o: Obj): boolean {
  const a = o.metadata?.annotations ?? {};
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

const storageClassPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Provisioner', 'provisioner indicates the type of the provisioner.'),
    col(
      'ReclaimPolicy',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'
    ),
    col(
      'VolumeBindingMode',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'
    ),
    col('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    AGE_COL
  ],
  cells: (o, now) => [
    isDefaultStorageClass(o) ? `${o.metadata.name} (default)` : o.metadata.name,
    o.provisioner ?? '',
    o.reclaimPolicy ?? 'Delete',
    o.volumeBindingMode ?? 'Immediate',
    o.allowVolumeExpansion ?? false,
    since(o.metadata.creationTimestamp, now)
  ]
};

const resourceQuotaPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col(
      'Limit',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'
    ),
    AGE_COL
  ],
  cells(o, now) {
    const hard: Record<string, string> = o.status?.hard ?? {};
    const used: Record<string, string> = o.status?.used ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const name of Object.keys(hard).sort()) {
      const text = `${name}: ${used[name] ?? '0'}/${hard[name]}`;
      const pieces = name.split('.');
      (pieces.length > 1 && pieces[0] === 'limits' ? limits : requests).push(text);
    }
    return [
      o.metadata.name,
      requests.join(', '),
      limits.join(', '),
      since(o.metadata.creationTimestamp, now)
    ];
  }
};

// ---- rbac, scheduling, admission -------------------------------------------------------------------

function bindingPrinter(what: string): Printer {
  return {
    columns: [
      NAME_COL,
      col(
        'Role',
        'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'
      ),
      AGE_COL,
      col('Users', `Users in the ${what}`, 'string', 1),
      col('Groups', `Groups in the ${what}`, 'string', 1),
      col('ServiceAccounts', `ServiceAccounts in the ${what}`, 'string', 1)
    ],
    cells(o, now) {
      const users: string[] = [];
      const groups: string[] = [];
      const sas: string[] = [];
      for (const s of o.subjects ?? []) {
        if (s.kind === 'User') users.push(s.name);
        else if (s.kind === 'Group') groups.push(s.name);
        else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
      }
      return [
        o.metadata.name,
        `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`,
        since(o.metadata.creationTimestamp, now),
        users.join(', '),
        groups.join(', '),
        sas.join(', ')
      ];
    }
  };
}

const priorityClassPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Value', 'value represents the integer value of this priority class.', 'integer'),
    col(
      'Global-Default',
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
      'boolean'
    ),
    AGE_COL,
    col('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.')
  ],
  cells: (o, now) => [
    o.metadata.name,
    o.value ?? 0,
    o.globalDefault ?? false,
    since(o.metadata.creationTimestamp, now),
    o.preemptionPolicy ?? ''
  ]
};

const webhookPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Webhooks', 'Webhooks indicates the number of webhooks registered in this configuration', 'integer'),
    AGE_COL
  ],
  cells: (o, now) => [o.metadata.name, (o.webhooks ?? []).length, since(o.metadata.creationTimestamp, now)]
};

// ---- events ----------------------------------------------------------------------------------------

const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."
    ),
    col('Object', 'The object that this event is about.'),
    col(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
      'string',
      1
    ),
    col(
      'Source',
      'The component reporting this event. Should be a short machine understandable string.',
      'string',
      1
    ),
    col('Message', 'A human-readable description of the status of this operation.'),
    col(
      'First Seen',
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      'string',
      1
    ),
    col('Count', 'The number of times this event has occurred.', 'string', 1),
    { ...NAME_COL, priority: 1 }
  ],
  cells(o, now) {
    // core/v1 and events.k8s.io/v1 name the same fields differently
    const involved = o.involvedObject ?? o.regarding ?? {};
    const firstTs = o.firstTimestamp ?? o.deprecatedFirstTimestamp;
    const lastTs = o.lastTimestamp ?? o.deprecatedLastTimestamp;
    const source = o.source ?? o.deprecatedSource ?? {};
    const first = timeOf(firstTs) !== undefined ? since(firstTs, now) : since(o.eventTime, now);
    let last = timeOf(lastTs) !== undefined ? since(lastTs, now) : first;
    let count: number = o.count ?? o.deprecatedCount ?? 0;
    if (o.series) {
      last = since(o.series.lastObservedTime, now);
      count = o.series.count ?? count;
    } else if (count === 0) count = 1;
    const kind = String(involved.kind ?? '').toLowerCase();
    const target = involved.name ? `${kind}/${involved.name}` : kind;
    const component = source.component || o.reportingController || '';
    const instance = source.host || o.reportingInstance || '';
    return [
      last,
      o.type ?? '',
      o.reason ?? '',
      target,
      involved.fieldPath ?? '',
      instance ? `${component}, ${instance}` : component,
      String(o.message ?? o.note ?? '').trim(),
      first,
      count,
      o.metadata.name
    ];
  }
};

const PRINTERS: Record<string, Printer> = {
  '/pods': podPrinter,
  '/nodes': nodePrinter,
  '/namespaces': namespacePrinter,
  '/services': servicePrinter,
  '/configmaps': configMapPrinter,
  '/secrets': secretPrinter,
  '/serviceaccounts': serviceAccountPrinter,
  '/persistentvolumeclaims': pvcPrinter,
  '/persistentvolumes': pvPrinter,
  '/resourcequotas': resourceQuotaPrinter,
  '/events': eventPrinter,
  'events.k8s.io/events': eventPrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  'networking.k8s.io/ingresses': ingressPrinter,
  'networking.k8s.io/ingressclasses': ingressClassPrinter,
  'networking.k8s.io/networkpolicies': networkPolicyPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  'rbac.authorization.k8s.io/rolebindings': bindingPrinter('roleBinding'),
  'rbac.authorization.k8s.io/clusterrolebindings': bindingPrinter('clusterRoleBinding'),
  'autoscaling/horizontalpodautoscalers': hpaPrinter,
  'policy/poddisruptionbudgets': pdbPrinter,
  'scheduling.k8s.io/priorityclasses': priorityClassPrinter,
  'admissionregistration.k8s.io/validatingwebhookconfigurations': webhookPrinter,
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': webhookPrinter
};

/**
 * rest.DefaultTableConvertor: what the server prints for kinds without a printer (Roles, ClusterRoles,
 * LimitRanges, CustomResourceDefinitions…): NAME and CREATED AT (an RFC3339 date, not an age).
 */
const defaultPrinter: Printer = {
  columns: [NAME_COL, { name: 'Created At', type: 'date', format: '', description: DOC_AGE, priority: 0 }],
  cells: (o) => [o.metadata.name, rfc3339(o.metadata.creationTimestamp)]
};

// ---- custom resources: JSONPath --------------------------------------------------------------------

type Step =
  | { kind: 'field'; names: string[] }
  | { kind: 'recursive'; name: string | undefined }
  | { kind: 'wildcard' }
  | { kind: 'index'; indices: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; path: Step[]; op?: string; value?: unknown };

function jsonPathError(path: string, why: string): Error {
  return new Error(`invalid JSONPath ${JSON.stringify(path)}: ${why}`);
}

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null' || t === 'nil') return null;
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return n;
  return t;
}

/** Index of the `]` closing the bracket opened at `open`, skipping quoted text and nested brackets. */
function closingBracket(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

function parseBracket(inner: string, path: string): Step {
  const body = inner.trim();
  if (body === '*') return { kind: 'wildcard' };
  if (body.startsWith('?')) {
    const m = /^\?\s*\((.*)\)$/s.exec(body);
    if (!m) throw jsonPathError(path, `bad filter ${body}`);
    const expr = m[1].trim();
    const cmp = /^(@[^=!<>\s]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/s.exec(expr);
    if (cmp) {
      return {
        kind: 'filter',
        path: parseSteps(cmp[1].slice(1), path),
        op: cmp[2],
        value: parseLiteral(cmp[3])
      };
    }
    if (!expr.startsWith('@')) throw jsonPathError(path, `bad filter ${body}`);
    return { kind: 'filter', path: parseSteps(expr.slice(1), path) };
  }
  if (body.includes(':')) {
    const [a, b, c] = body.split(':').map((x) => x.trim());
    const num = (x: string | undefined) => (x === undefined || x === '' ? undefined : Number(x));
    return { kind: 'slice', start: num(a), end: num(b), step: num(c) };
  }
  const parts = body.split(',').map((p) => p.trim());
  if (parts.every((p) => /^-?\d+$/.test(p))) return { kind: 'index', indices: parts.map(Number) };
  return { kind: 'field', names: parts.map((p) => String(parseLiteral(p))) };
}

function parseSteps(expr: string, path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '.') {
      const recursive = expr[i + 1] === '.';
      i += recursive ? 2 : 1;
      let j = i;
      while (j < expr.length && expr[j] !== '.' && expr[j] !== '[') j++;
      const name = expr.slice(i, j);
      i = j;
      if (recursive) steps.push({ kind: 'recursive', name: name === '' || name === '*' ? undefined : name });
      else if (name === '*') steps.push({ kind: 'wildcard' });
      else if (name !== '') steps.push({ kind: 'field', names: [name] });
    } else if (c === '[') {
      const end = closingBracket(expr, i);
      if (end < 0) throw jsonPathError(path, 'unclosed [');
      steps.push(parseBracket(expr.slice(i + 1, end), path));
      i = end + 1;
    } else if (c === '$' && i === 0) {
      i++;
    } else {
      let j = i;
      while (j < expr.length && expr[j] !== '.' && expr[j] !== '[') j++;
      steps.push({ kind: 'field', names: [expr.slice(i, j)] });
      i = j;
    }
  }
  return steps;
}

const stepCache = new Map<string, Step[]>();

function compile(path: string): Step[] {
  let steps = stepCache.get(path);
  if (!steps) {
    let expr = path.trim();
    if (expr.startsWith('{') && expr.endsWith('}')) expr = expr.slice(1, -1).trim();
    steps = parseSteps(expr, path);
    stepCache.set(path, steps);
  }
  return steps;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function descendants(v: unknown, out: unknown[]) {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) descendants(x, out);
  else if (isObject(v)) for (const x of Object.values(v)) descendants(x, out);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
    }
  }
  if (op === '==') return String(a) === String(b);
  if (op === '!=') return String(a) !== String(b);
  if (typeof a === 'string' && typeof b === 'string') {
    return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  }
  return false;
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.kind) {
      case 'field':
        if (isObject(v)) for (const n of step.names) if (n in v) out.push(v[n]);
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) out.push(...Object.values(v));
        break;
      case 'recursive': {
        const all: unknown[] = [];
        descendants(v, all);
        for (const d of all) {
          if (step.name === undefined) out.push(d);
          else if (isObject(d) && step.name in d) out.push(d[step.name]);
        }
        break;
      }
      case 'index':
        if (Array.isArray(v)) {
          for (const i of step.indices) {
            const k = i < 0 ? v.length + i : i;
            if (k >= 0 && k < v.length) out.push(v[k]);
          }
        }
        break;
      case 'slice':
        if (Array.isArray(v)) {
          const norm = (x: number | undefined, dflt: number) =>
            x === undefined ? dflt : x < 0 ? Math.max(0, v.length + x) : Math.min(x, v.length);
          const stepBy = step.step && step.step > 0 ? step.step : 1;
          for (let k = norm(step.start, 0); k < norm(step.end, v.length); k += stepBy) out.push(v[k]);
        }
        break;
      case 'filter': {
        const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
        for (const item of items) {
          const found = evaluate([item], step.path);
          if (step.op === undefined) {
            if (found.length > 0 && found[0] !== false && found[0] !== null) out.push(item);
          } else if (found.some((f) => compare(f, step.op!, step.value))) out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

function evaluate(values: unknown[], steps: Step[]): unknown[] {
  let cur = values;
  for (const s of steps) cur = applyStep(cur, s);
  return cur;
}

/**
 * Evaluate a JSONPath as CRD printer columns use it (`.status.replicas`, `.spec.items[0]`,
 * `.items[*].name`, `.status.conditions[?(@.type=="Ready")].status`). Missing keys give no result.
 */
export function jsonPath(obj: unknown, path: string): unknown[] {
  return evaluate([obj], compile(path));
}

/** Go's fmt.Sprint of a decoded JSON value, which is how string columns print non-strings. */
function goText(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goText).join(' ')}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goText(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** apiextensions cellForJSONValue; string columns print whatever the path found. */
function customCell(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return goText(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = timeOf(value);
      return t === undefined ? '<invalid>' : humanDuration(now - t);
    }
  }
  return null;
}

const DEFAULT_CR_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', description: DOC_AGE, jsonPath: '.metadata.creationTimestamp' }
];

function customResourcePrinter(columns: PrinterColumn[]): Printer {
  const extra = columns.length > 0 ? columns : DEFAULT_CR_COLUMNS;
  return {
    columns: [
      NAME_COL,
      ...extra.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0
      }))
    ],
    cells: (o, now) => [
      o.metadata.name,
      ...extra.map((c) => {
        let results: unknown[];
        try {
          results = jsonPath(o, c.jsonPath);
        } catch {
          results = [];
        }
        return customCell(c.type, results[0], now);
      })
    ]
  };
}

function printerFor(rt: ResourceType): Printer {
  if (rt.printerColumns !== undefined) return customResourcePrinter(rt.printerColumns);
  return PRINTERS[`${rt.group}/${rt.plural}`] ?? defaultPrinter;
}

// ---- public API ------------------------------------------------------------------------------------

/** The columns the server prints for a resource type. */
export function columnDefinitions(rt: ResourceType): TableColumnDefinition[] {
  return printerFor(rt).columns;
}

export function toPartialObjectMetadata(
  obj: KubeObject,
  version: 'v1' | 'v1beta1' = 'v1'
): PartialObjectMetadata {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

export function toPartialObjectMetadataList(
  objects: KubeObject[],
  listMeta: ListMeta = {},
  version: 'v1' | 'v1beta1' = 'v1'
): PartialObjectMetadataList {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: cleanListMeta(listMeta),
    items: objects.map((o) => toPartialObjectMetadata(o, version))
  };
}

function cleanListMeta(m: ListMeta): ListMeta {
  const out: ListMeta = {};
  if (m.resourceVersion !== undefined) out.resourceVersion = m.resourceVersion;
  if (m.continue) out.continue = m.continue;
  if (m.remainingItemCount !== undefined) out.remainingItemCount = m.remainingItemCount;
  return out;
}

/** Objects as a server-side Table, one row per object, cells as the server computes them at `now`. */
export function toTable(rt: ResourceType, objects: KubeObject[], options: TableOptions): Table {
  const printer = printerFor(rt);
  const include = options.includeObject ?? 'Metadata';
  const version = options.version ?? 'v1';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: cleanListMeta(options.listMeta ?? {}),
    columnDefinitions: options.withColumns === false ? null : printer.columns,
    rows: objects.map((o) => {
      const row: TableRow = {
        cells: printer.cells(o, options.now),
        object: include === 'None' ? null : include === 'Object' ? o : toPartialObjectMetadata(o, version)
      };
      const conditions = printer.conditions?.(o);
      if (conditions) row.conditions = conditions;
      return row;
    })
  };
}

// ---- Accept header ---------------------------------------------------------------------------------

export type AcceptAs = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface AcceptChoice {
  /** The transformed kind the client asked for; undefined means the object or list itself. */
  as: AcceptAs | undefined;
  /** Only protobuf is acceptable: the simulator cannot answer (406). */
  protobufOnly: boolean;
  /** Some media type we can produce is acceptable. */
  acceptable: boolean;
  /** meta.k8s.io version for `as` answers. */
  version: 'v1' | 'v1beta1';
  mediaType: 'application/json' | 'application/yaml' | undefined;
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseMediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.split(';').map((p) => p.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0)
          params[p.slice(0, eq).trim().toLowerCase()] = p
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      delete params.q;
      return { type: type.toLowerCase(), params, q: Number.isNaN(q) ? 1 : q };
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.q - a.r.q || a.i - b.i)
    .map(({ r }) => r);
}

const AS_KINDS = new Set<string>(['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList']);

/**
 * Choose the answer for an Accept header the way the API server negotiates: the first acceptable
 * media range wins; `as=Table;g=meta.k8s.io;v=v1` asks for a Table, a range naming something we
 * cannot produce (another group, APIGroupDiscoveryList, protobuf) is skipped.
 */
export function parseAccept(acceptHeader: string | null | undefined): AcceptChoice {
  const header = (acceptHeader ?? '').trim();
  const none: AcceptChoice = {
    as: undefined,
    protobufOnly: false,
    acceptable: true,
    version: 'v1',
    mediaType: 'application/json'
  };
  if (header === '') return none;
  let sawProtobuf = false;
  for (const r of parseMediaRanges(header)) {
    let mediaType: AcceptChoice['mediaType'];
    if (r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*')
      mediaType = 'application/json';
    else if (r.type === 'application/yaml') mediaType = 'application/yaml';
    else {
      if (r.type === 'application/vnd.kubernetes.protobuf') sawProtobuf = true;
      continue;
    }
    const as = r.params.as;
    if (as === undefined) return { ...none, mediaType };
    if (!AS_KINDS.has(as) || r.params.g !== 'meta.k8s.io') continue;
    if (r.params.v !== 'v1' && r.params.v !== 'v1beta1') continue;
    return { as: as as AcceptAs, protobufOnly: false, acceptable: true, version: r.params.v, mediaType };
  }
  return { as: undefined, protobufOnly: sawProtobuf, acceptable: false, version: 'v1', mediaType: undefined };
}
