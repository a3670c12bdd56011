/**
 * The daemonset controller: one pod on each node the template fits (selector and taints, with the
 * tolerations every DaemonSet pod gets), none elsewhere, and rolling updates within maxUnavailable.
 */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { ControllerContext } from './context';
import { daemonPodFits } from './scheduling';

export function reconcileDaemonSet(ctx: ControllerContext, ns: string | undefined, name: string) {
  const ds = ctx.cluster.find(ctx.rt.daemonset, ns, name);
  if (!ds || ds.metadata.deletionTimestamp) return;
  const template = ds.spec.template as k.PodTemplateSpec;
  const eligible = [...ctx.nodes.values()].filter((n) => daemonPodFits(template, n));
  const eligibleNames = new Set(eligible.map((n) => n.metadata.name));
  const hash = k.templateHash(template);
  const byNode = new Map<string, KubeObject[]>();
  for (const p of ctx.podsOf(ds)) {
    if (!k.podIsActive(p)) continue;
    const node =
      p.spec.nodeName ??
      p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]
        ?.matchFields?.[0]?.values?.[0];
    const list = byNode.get(node) ?? [];
    list.push(p);
    byNode.set(node, list);
  }
  let created = 0;
  for (const n of eligible) {
    if (byNode.has(n.metadata.name) || created >= ctx.opts.burst) continue;
    const prefix = `${ds.metadata.name}-`;
    ctx.createPod(
      ds,
      template,
      ctx.podName(ns!, prefix),
      {
        daemonSetNode: n.metadata.name,
        extraLabels: {
          'controller-revision-hash': hash,
          'pod-template-generation': String(ds.metadata.generation ?? 1)
        }
      },
      prefix
    );
    created++;
  }
  let unavailable = 0;
  for (const [node, pods] of byNode) {
    if (!eligibleNames.has(node)) {
      for (const p of pods) ctx.remove(ctx.rt.pod, p);
      continue;
    }
    for (const p of pods.slice(1)) ctx.remove(ctx.rt.pod, p);
    if (!k.podIsReady(pods[0])) unavailable++;
  }
  // Rolling update, one node at a time (maxUnavailable 1).
  const maxUnavailable =
    k.intOrPercent(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, eligible.length, true) || 1;
  if (ds.spec.updateStrategy?.type !== 'OnDelete' && unavailable < maxUnavailable) {
    for (const [node, pods] of byNode) {
      if (unavailable >= maxUnavailable) break;
      if (eligibleNames.has(node) && pods[0].metadata.labels?.['controller-revision-hash'] !== hash) {
        ctx.remove(ctx.rt.pod, pods[0]);
        unavailable++;
      }
    }
  }
  const fresh = ctx.cluster.find(ctx.rt.daemonset, ns, name);
  if (fresh)
    ctx.setStatus(ctx.rt.daemonset, fresh, k.daemonSetStatus(fresh, ctx.podsOf(fresh), eligible.length));
}
