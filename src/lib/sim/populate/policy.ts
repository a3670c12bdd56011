/** PodDisruptionBudgets, and ResourceQuotas sized from what each namespace's pods request. */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { WorldBuilder } from './builder';
import { DAY, HOUR } from './catalog';

export function pdb(
  w: WorldBuilder,
  ns: string,
  name: string,
  selector: Record<string, string>,
  budget: { minAvailable?: number | string; maxUnavailable?: number | string },
  pods: KubeObject[],
  created: number
) {
  const draft = k.podDisruptionBudget({ name, namespace: ns, created }, selector, budget);
  draft.metadata.generation = 1;
  draft.status = k.pdbStatus(draft as KubeObject, pods, created);
  k.withManagedFields(draft, 'kubectl-client-side-apply', created, {
    manager: 'kube-controller-manager',
    timeMs: w.now - w.rand.int(0, HOUR)
  });
  w.create(draft, created);
}

export function quotas(w: WorldBuilder, namespaces: string[]) {
  const { rand } = w;
  namespaces.forEach((ns, i) => {
    if (i % 3 !== 1) return;
    const u = w.usageOf(ns);
    const created = w.between(w.born + 10 * DAY, w.now - DAY);
    const roundUp = (x: number, step: number) =>
      Math.max(step, Math.ceil((x * rand.int(15, 30)) / 10 / step) * step);
    const hard = {
      'limits.cpu': k.formatCpu(roundUp(u.cpuLim, 1000)),
      'limits.memory': k.formatMemory(roundUp(u.memLim, 1024 ** 3)),
      persistentvolumeclaims: String(Math.max(10, u.pvcs * 2)),
      pods: String(Math.max(20, Math.ceil((u.pods * 1.5) / 10) * 10)),
      'requests.cpu': k.formatCpu(roundUp(u.cpuReq, 1000)),
      'requests.memory': k.formatMemory(roundUp(u.memReq, 1024 ** 3)),
      services: String(Math.max(10, Math.ceil((u.services * 1.5) / 5) * 5))
    };
    const used = {
      'limits.cpu': k.formatCpu(u.cpuLim),
      'limits.memory': k.formatMemory(u.memLim),
      persistentvolumeclaims: String(u.pvcs),
      pods: String(u.pods),
      'requests.cpu': k.formatCpu(u.cpuReq),
      'requests.memory': k.formatMemory(u.memReq),
      services: String(u.services)
    };
    w.create(
      k.withManagedFields(
        k.resourceQuota({ name: `${ns}-quota`, namespace: ns, created }, hard, used),
        'kubectl-client-side-apply',
        created,
        { manager: 'kube-controller-manager', timeMs: w.now - rand.int(0, 600_000) }
      ),
      created
    );
    w.create(
      k.withManagedFields(
        k.limitRange({ name: `${ns}-limits`, namespace: ns, created }),
        'kubectl-client-side-apply',
        created
      ),
      created
    );
  });
}
