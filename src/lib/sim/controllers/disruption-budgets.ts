/** The disruption controller's status part: a PodDisruptionBudget's counts of the pods it selects. */
import * as k from '../objects';
import { matchesSelectorObject } from '../selectors';
import type { KubeObject } from '../../kube/types';
import type { ControllerContext } from './context';

export function reconcilePdb(ctx: ControllerContext, ns: string | undefined, name: string) {
  const pdb = ctx.cluster.find(ctx.rt.pdb, ns, name);
  if (!pdb) return;
  const pods: KubeObject[] = [];
  for (const p of ctx.podsByNamespace.get(ns ?? '')?.values() ?? []) {
    if (matchesSelectorObject(pdb.spec?.selector, p.metadata.labels)) pods.push(p);
  }
  const status = k.pdbStatus(pdb, pods, ctx.now());
  // Keep the condition's time when only the counts moved.
  ctx.setStatus(ctx.rt.pdb, pdb, status);
}
