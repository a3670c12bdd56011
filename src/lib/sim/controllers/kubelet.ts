/**
 * The kubelet of the simulated cluster: walks each pod through its timed steps (bind, via the
 * scheduler; ContainerCreating; Running with an IP from the node's pod CIDR; Succeeded or Failed for
 * Job pods), with delays drawn from the controller options.
 */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { ControllerContext, PodStep } from './context';
import { controllerOf, splitKey } from './keys';
import { bindPod } from './scheduling';

/** What the scheduler or kubelet does next for a pod, if anything. */
export function nextStepFor(p: KubeObject): PodStep['step'] | undefined {
  if (p.metadata.deletionTimestamp) return undefined;
  const phase = p.status?.phase;
  if (phase === 'Running') {
    if (controllerOf(p)?.kind === 'Job' && p.status?.containerStatuses?.[0]?.state?.running) return 'finish';
    return undefined;
  }
  if (phase && phase !== 'Pending') return undefined;
  const conditions = (p.status?.conditions ?? []) as { type: string; status: string; reason?: string }[];
  if (!p.spec?.nodeName) {
    // Pods the scheduler already found no room for stay Pending (as populated), until something changes.
    if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')) return undefined;
    return 'bind';
  }
  const waiting = p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
  if (waiting && waiting !== 'ContainerCreating') return undefined; // ImagePullBackOff and friends
  return waiting === 'ContainerCreating' ? 'start' : 'create';
}

/** Runs the pod steps that fell due by controller time. */
export function runLifecycle(ctx: ControllerContext) {
  // A few rounds, so steps that fall due at once (bind, then container creation) happen in one tick.
  for (let round = 0; round < 3 && ctx.lifecycle.size > 0; round++) {
    const due: [string, PodStep][] = [];
    for (const entry of ctx.lifecycle) if (entry[1].due <= ctx.elapsed) due.push(entry);
    if (due.length === 0) return;
    for (const [pk, step] of due) {
      ctx.lifecycle.delete(pk);
      const [ns, name] = splitKey(pk);
      const pod = ctx.cluster.find(ctx.rt.pod, ns, name);
      if (!pod) continue;
      const next = advance(ctx, pod, step.step);
      if (next) ctx.lifecycle.set(pk, next);
    }
  }
}

/** One step of a pod's life; returns the following step, if any. */
function advance(ctx: ControllerContext, pod: KubeObject, step: PodStep['step']): PodStep | undefined {
  const now = ctx.now();
  const [minStart, maxStart] = ctx.opts.podStartMs;
  switch (step) {
    case 'bind':
      return bindPod(ctx, pod);
    case 'create': {
      const hostIP = hostIPOf(ctx, pod.spec.nodeName);
      ctx.mutate(ctx.rt.pod, pod, (c) => {
        c.status = k.podStatus(c, {
          state: 'creating',
          rand: ctx.rand,
          scheduledAt: scheduledAt(c, now),
          hostIP
        });
      });
      return { step: 'start', due: ctx.elapsed + ctx.rand.int(minStart, maxStart) };
    }
    case 'start': {
      const node = pod.spec.nodeName as string;
      const hostIP = hostIPOf(ctx, node);
      const podIP = pod.spec.hostNetwork ? hostIP : allocateIP(ctx, node);
      const started = ctx.mutate(ctx.rt.pod, pod, (c) => {
        c.status = k.podStatus(c, {
          state: 'running',
          rand: ctx.rand,
          scheduledAt: scheduledAt(c, now),
          startedAt: now,
          hostIP,
          podIP
        });
        // The kubelet's managedFields entry now covers the whole running status.
        c.metadata.managedFields = [
          ...(c.metadata.managedFields ?? []).filter((m) => m.manager !== 'kubelet'),
          ...k.podManagedFields(c, {}, now, now).slice(1)
        ];
      });
      if (started) {
        const c0 = started.spec.containers?.[0];
        ctx.event({
          involved: started,
          reason: 'Started',
          message: `Started container ${c0?.name}`,
          type: 'Normal',
          component: 'kubelet',
          host: node,
          fieldPath: `spec.containers{${c0?.name}}`
        });
      }
      if (started && controllerOf(started)?.kind === 'Job') {
        const [a, b] = ctx.opts.jobRunMs;
        return { step: 'finish', due: ctx.elapsed + ctx.rand.int(a, b) };
      }
      return undefined;
    }
    case 'finish': {
      const failed = ctx.rand.chance(ctx.opts.jobFailureRate);
      ctx.mutate(ctx.rt.pod, pod, (c) => {
        const startedAt =
          Date.parse(c.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? '') || now;
        c.status = k.podStatus(c, {
          state: failed ? 'failed' : 'succeeded',
          rand: ctx.rand,
          scheduledAt: scheduledAt(c, now),
          startedAt,
          finishedAt: now,
          hostIP: c.status?.hostIP,
          podIP: c.status?.podIP,
          exitCode: failed ? 1 : 0
        });
      });
      return undefined;
    }
  }
}

function scheduledAt(pod: KubeObject, fallback: number): number {
  const c = (pod.status?.conditions ?? []).find((x: { type: string }) => x.type === 'PodScheduled');
  return (c && Date.parse(c.lastTransitionTime)) || fallback;
}

function hostIPOf(ctx: ControllerContext, nodeName: string | undefined): string | undefined {
  const n = nodeName ? ctx.nodes.get(nodeName) : undefined;
  return n?.status?.addresses?.find((a: { type: string }) => a.type === 'InternalIP')?.address;
}

/** The lowest free address of the node's pod CIDR. */
function allocateIP(ctx: ControllerContext, nodeName: string): string | undefined {
  const cidr = (ctx.nodes.get(nodeName)?.spec?.podCIDR as string | undefined) ?? '10.244.0.0/24';
  let used = ctx.ipsPerNode.get(nodeName);
  if (!used) ctx.ipsPerNode.set(nodeName, (used = new Set()));
  const size = k.cidrSize(cidr);
  for (let i = 2; i < size - 1; i++) {
    const ip = k.ipInCidr(cidr, i);
    if (!used.has(ip)) {
      used.add(ip);
      return ip;
    }
  }
  return k.ipInCidr(cidr, ctx.rand.int(2, size - 2));
}
