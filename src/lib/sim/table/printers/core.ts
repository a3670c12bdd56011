/** Pods, Nodes and Namespaces. */
import { nodeRoles, nodeStatus } from '../../../kube/node-status';
import { podSummary } from '../../../kube/pod-status';
import type { TableRowCondition } from '../types';
import { col, namedRowPrinter, type Printer } from './common';
import type { Obj } from '../../../kube/types';

const POD_SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }
];
const POD_FAILED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }
];

export const podPrinter: Printer = namedRowPrinter({
  columns: [
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'
    )
  ],
  afterAge: [
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
      s.ready,
      s.reason,
      s.restarts,
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
});

function nodeAddress(node: Obj, type: string): string {
  return (node.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter: Printer = namedRowPrinter({
  columns: [col('Status', 'The status of the node'), col('Roles', 'The roles of the node')],
  afterAge: [
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
  cells(node) {
    const info = node.status?.nodeInfo ?? {};
    return [
      nodeStatus(node),
      nodeRoles(node.metadata.labels),
      info.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>'
    ];
  }
});

export const namespacePrinter: Printer = namedRowPrinter({
  columns: [col('Status', 'The status of the namespace')],
  cells: (o) => [o.status?.phase ?? '']
});
