/**
 * The scheduler of the simulated cluster: which nodes a pod fits (node selector, taints and
 * tolerations, room for pods), binding a pending pod to the fitting node with the fewest pods, and
 * which nodes a DaemonSet's pods belong on.
 */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { ControllerContext, PodStep } from './context';

/** Binds a pending pod to a node, or marks it Unschedulable; returns the kubelet's next step. */
export function bindPod(ctx: ControllerContext, pod: KubeObject): PodStep | undefined {
  const now = ctx.now();
  if (pod.spec.nodeName) return { step: 'create', due: ctx.elapsed };
  const node = pickNode(ctx, pod);
  if (!node) {
    const total = ctx.nodes.size;
    ctx.mutate(ctx.rt.pod, pod, (c) => {
      c.status = k.podStatus(c, {
        state: 'unschedulable',
        rand: ctx.rand,
        scheduledAt: now,
        message: `0/${total} nodes are available: ${total} node(s) didn't match Pod's node affinity/selector or had untolerated taints. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`
      });
    });
    ctx.event({
      involved: pod,
      reason: 'FailedScheduling',
      message: `0/${total} nodes are available.`,
      type: 'Warning',
      component: 'default-scheduler'
    });
    return undefined;
  }
  const bound = ctx.mutate(ctx.rt.pod, pod, (c) => {
    c.spec.nodeName = node.metadata.name;
    c.status = k.podStatus(c, { state: 'scheduled', rand: ctx.rand, scheduledAt: now });
  });
  if (bound) {
    ctx.event({
      involved: bound,
      reason: 'Scheduled',
      message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`,
      type: 'Normal',
      component: 'default-scheduler'
    });
  }
  return { step: 'create', due: ctx.elapsed };
}

/** The ready, schedulable node with the fewest pods that the pod tolerates and selects. */
function pickNode(ctx: ControllerContext, pod: KubeObject): KubeObject | undefined {
  let best: KubeObject | undefined;
  let bestCount = Infinity;
  for (const n of ctx.nodes.values()) {
    if (!k.nodeIsReady(n) || n.spec?.unschedulable) continue;
    if (
      !nodeSelectorMatches(pod.spec.nodeSelector, n) ||
      !toleratesNode(pod.spec.tolerations, n, ['NoSchedule', 'NoExecute'])
    )
      continue;
    const count = ctx.podsPerNode.get(n.metadata.name) ?? 0;
    const max = Number(n.status?.allocatable?.pods ?? 110);
    if (count >= max) continue;
    if (count < bestCount) {
      best = n;
      bestCount = count;
    }
  }
  return best;
}

function nodeSelectorMatches(selector: Record<string, string> | undefined, node: KubeObject): boolean {
  if (!selector) return true;
  const labels = node.metadata.labels ?? {};
  for (const key2 in selector) if (labels[key2] !== selector[key2]) return false;
  return true;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** Does the pod tolerate every taint of the node with one of these effects? */
function toleratesNode(tolerations: Toleration[] | undefined, node: KubeObject, effects: string[]): boolean {
  for (const taint of (node.spec?.taints ?? []) as { key: string; value?: string; effect: string }[]) {
    if (!effects.includes(taint.effect)) continue;
    const ok = (tolerations ?? []).some(
      (t) =>
        (!t.effect || t.effect === taint.effect) &&
        (t.operator === 'Exists'
          ? !t.key || t.key === taint.key
          : t.key === taint.key && (t.value ?? '') === (taint.value ?? ''))
    );
    if (!ok) return false;
  }
  return true;
}

/** Whether a DaemonSet's pod belongs on a node (selector, affinity-free, taints with the DS's own tolerations). */
export function daemonPodFits(template: k.PodTemplateSpec, node: KubeObject): boolean {
  const spec = template.spec as { nodeSelector?: Record<string, string>; tolerations?: Toleration[] };
  if (!nodeSelectorMatches(spec.nodeSelector, node)) return false;
  return toleratesNode([...(spec.tolerations ?? []), ...k.DAEMONSET_TOLERATIONS], node, [
    'NoSchedule',
    'NoExecute'
  ]);
}
