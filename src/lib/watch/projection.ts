/**
 * Projection: the full object of a watch event becomes a Row as soon as it is parsed, so the
 * engine keeps (and caches, and posts) a few small fields per object, never whole objects.
 * Kinds without a projection of their own keep the common metadata only.
 */
import { nodeRoles, nodeStatus } from '../kube/node-status';
import { podSummary } from '../kube/pod-status';
import type { KubeObject } from '../kube/types';
import { rowKey, type Cell, type Row } from './row';

type Cells = (obj: KubeObject) => Record<string, Cell>;

const podCells: Cells = (pod) => {
  // `now` only shapes the "(2m ago)" text, which rows do not keep: the UI ages from timestamps.
  const s = podSummary(pod, 0);
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  return {
    status: s.reason,
    ready: s.ready,
    restarts: s.restartCount,
    node: pod.spec?.nodeName ?? null,
    ip: pod.status?.podIP ?? null,
    qos: pod.status?.qosClass ?? null,
    owner: owner ? `${owner.kind}/${owner.name}` : null,
    phase: pod.status?.phase ?? null
  };
};

const nodeCells: Cells = (node) => ({
  status: nodeStatus(node),
  roles: nodeRoles(node.metadata.labels),
  version: node.status?.nodeInfo?.kubeletVersion ?? null,
  cpu: node.status?.allocatable?.cpu ?? null,
  memory: node.status?.allocatable?.memory ?? null,
  pods: node.status?.allocatable?.pods ?? null
});

const replicated: Cells = (o) => ({
  ready: `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
  upToDate: o.status?.updatedReplicas ?? 0,
  available: o.status?.availableReplicas ?? 0
});

const CELLS: Record<string, Cells> = {
  Pod: podCells,
  Node: nodeCells,
  Deployment: replicated,
  StatefulSet: replicated,
  ReplicaSet: replicated,
  Namespace: (ns) => ({ status: ns.status?.phase ?? null })
};

/** The Row of `obj` in `cluster`. */
export function project(cluster: string, obj: KubeObject): Row {
  const m = obj.metadata;
  return {
    key: rowKey(cluster, m.namespace, m.name),
    uid: m.uid,
    cluster,
    namespace: m.namespace ?? '',
    name: m.name,
    resourceVersion: m.resourceVersion,
    creationTimestamp: m.creationTimestamp,
    labels: m.labels ?? {},
    owners: (m.ownerReferences ?? []).map((o) => ({ kind: o.kind, name: o.name, uid: o.uid })),
    cells: CELLS[obj.kind]?.(obj) ?? {}
  };
}
