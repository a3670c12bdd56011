/**
 * Pods of the populated world: placed on a node with room (or given one), an IP from the node's pod
 * CIDR, a state with believable timestamps and restarts, managedFields, and their requests and limits
 * added to the namespace's usage.
 */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { NodeSlot, WorldBuilder } from './builder';
import { DAY } from './catalog';

/** A pod for `makePod`: what `podFromTemplate` takes from the owner, and how the pod should be placed and doing. */
export interface PodPlan extends Pick<
  k.PodInit,
  | 'name'
  | 'namespace'
  | 'template'
  | 'owner'
  | 'generateName'
  | 'extraLabels'
  | 'hostname'
  | 'subdomain'
  | 'extraVolumes'
  | 'priority'
> {
  ownerCreated: number;
  controllerFields: Record<string, unknown>;
  state?: k.PodState;
  node?: NodeSlot;
  daemonSet?: boolean;
  hostNetwork?: boolean;
  /** Default: shortly after the owner, sometimes weeks later (a replaced pod). */
  created?: number;
  finishedAt?: number;
  staticAnnotations?: Record<string, string>;
}

/**
 * Creates one pod of an owner: picks the node (unless given), its IP, a state, timestamps and
 * managedFields, and accounts for it in the namespace usage (the builder counts it).
 */
export function makePod(b: WorldBuilder, p: PodPlan): KubeObject {
  const rand = b.rand;
  const state = p.state ?? 'running';
  const node = state === 'unschedulable' ? undefined : (p.node ?? b.pickWorker());
  if (node) node.pods++;
  const created =
    p.created ?? b.between(p.ownerCreated + 2000, p.ownerCreated + (rand.chance(0.25) ? 20 * DAY : 90_000));
  const base = k.podFromTemplate({
    name: p.name,
    namespace: p.namespace,
    template: p.template,
    owner: p.owner,
    generateName: p.generateName,
    nodeName: node?.name,
    created,
    tokenVolumeSuffix: rand.suffix(5),
    extraLabels: p.extraLabels,
    hostname: p.hostname,
    subdomain: p.subdomain,
    extraVolumes: p.extraVolumes,
    daemonSetNode: p.daemonSet ? node?.name : undefined,
    priority: p.priority
  });
  if (p.staticAnnotations)
    base.metadata.annotations = { ...(base.metadata.annotations ?? {}), ...p.staticAnnotations };
  const scheduledAt = created + rand.int(200, 2500);
  let startedAt = scheduledAt + rand.int(2000, 20_000);
  let restartCount = 0;
  let finishedAt: number | undefined;
  let exitCode: number | undefined;
  if (state === 'running' && rand.chance(0.18)) {
    restartCount = rand.int(1, 6);
    finishedAt = b.between(startedAt + 60_000, b.now - 60_000);
    startedAt = Math.min(b.now - 30_000, finishedAt + rand.int(10_000, 40_000));
    exitCode = rand.pick([1, 1, 2, 137, 143]);
  } else if (state === 'crashloop') {
    restartCount = rand.int(4, 180);
    finishedAt = b.now - rand.int(5_000, 290_000);
    startedAt = finishedAt - rand.int(3_000, 60_000);
    exitCode = rand.pick([1, 1, 2, 137]);
  } else if (state === 'succeeded' || state === 'failed') {
    finishedAt = p.finishedAt ?? Math.min(b.now, startedAt + rand.int(5_000, 600_000));
    exitCode = state === 'failed' ? rand.pick([1, 2, 137]) : 0;
  }
  const hostIP = node?.ip;
  const podIP = !node
    ? undefined
    : p.hostNetwork
      ? node.ip
      : state === 'creating'
        ? undefined
        : b.podIP(node);
  base.status = k.podStatus(base as { metadata: KubeObject['metadata']; spec: Record<string, unknown> }, {
    state,
    rand,
    scheduledAt,
    startedAt,
    finishedAt,
    hostIP,
    podIP,
    restartCount,
    exitCode,
    message:
      state === 'unschedulable'
        ? `0/${b.nodes.length} nodes are available: ${b.nodes.filter((n) => n.controlPlane).length} node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, ${b.nodes.filter((n) => !n.controlPlane).length} Insufficient memory. preemption: 0/${b.nodes.length} nodes are available: ${b.nodes.filter((n) => n.controlPlane).length} Preemption is not helpful for scheduling, ${b.nodes.filter((n) => !n.controlPlane).length} No preemption victims found for incoming pod.`
        : undefined
  });
  const statusTime = Math.min(b.now, Math.max(finishedAt ?? 0, startedAt + 5000));
  base.metadata.managedFields = k.podManagedFields(
    base,
    p.controllerFields,
    created,
    statusTime,
    p.owner ? 'kube-controller-manager' : 'kubelet'
  );
  let pod = b.create(base, created);
  if (state === 'crashloop') {
    // The kubelet's back-off message names the pod's uid, known only once the pod exists.
    pod = b.mutate(pod, (o) => {
      const w = o.status.containerStatuses[0].state.waiting;
      w.message = w.message.replace(/\(\)$/, `(${o.metadata.uid})`);
    });
  }
  if (state !== 'succeeded' && state !== 'failed') {
    const u = b.usageOf(p.namespace);
    u.pods++;
    for (const c of (base.spec.containers as Record<
      string,
      { requests?: Record<string, string>; limits?: Record<string, string> }
    >[]) ?? []) {
      const r = c.resources as { requests?: Record<string, string>; limits?: Record<string, string> };
      u.cpuReq += k.parseQuantity(r?.requests?.cpu) * 1000;
      u.memReq += k.parseQuantity(r?.requests?.memory);
      u.cpuLim += k.parseQuantity(r?.limits?.cpu ?? r?.requests?.cpu) * 1000;
      u.memLim += k.parseQuantity(r?.limits?.memory ?? r?.requests?.memory);
    }
  }
  if (state === 'crashloop') b.noteEventSource(pod, 'crash');
  else if (state === 'notready') b.noteEventSource(pod, 'unready');
  else if (state === 'unschedulable') b.noteEventSource(pod, 'pending');
  else if (b.rand.chance(0.05)) b.noteEventSource(pod, 'pod');
  return pod;
}
