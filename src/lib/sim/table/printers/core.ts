/** Pods, Nodes and Namespaces. */
import { humanDuration, since, timeOf } from '../time';
import type { TableRowCondition } from '../types';
import { AGE_COL, NAME_COL, col, type Obj, type Printer } from './common';

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

export const podPrinter: Printer = {
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

export const nodePrinter: Printer = {
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

export const namespacePrinter: Printer = {
  columns: [NAME_COL, col('Status', 'The status of the namespace'), AGE_COL],
  cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', since(o.metadata.creationTimestamp, now)]
};
