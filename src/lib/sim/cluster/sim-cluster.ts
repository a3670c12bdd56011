/**
 * SimCluster: an in-memory kube-apiserver model. One resourceVersion counter per cluster, a bounded
 * history of changes (what a watch can resume from; older resourceVersions answer 410), paged lists
 * that stay consistent at the first page's resourceVersion, selectors that turn into ADDED/DELETED
 * on watch, and the write verbs (create, update, patch, apply, delete with propagation, scale, evict).
 *
 * One object, built in layers, one file each: storage and history (store.ts), reads and watches
 * (reads.ts), writes (writes.ts), and here the subresources with verbs of their own.
 */
import { ApiError, type DeleteOptions, type KubeObject, type ResourceType } from '../../kube/types';
import { matchesSelectorObject } from '../selectors';
import { notFound } from './errors';
import { objKey } from './types';
import { ClusterWrites, scaleOf } from './writes';

export class SimCluster extends ClusterWrites {
  /** autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet. */
  scale(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.bucket(rt).get(objKey(namespace, name));
    if (!o) throw notFound(rt, name);
    return scaleOf(rt, o);
  }

  /** policy/v1 Eviction: refused with 429 while a PodDisruptionBudget allows no disruption. */
  evict(namespace: string, name: string, opts: DeleteOptions = {}): void {
    const pods = this.type('v1', 'Pod');
    const pod = this.get(pods, namespace, name);
    const pdbs = this.type('policy/v1', 'PodDisruptionBudget');
    for (const pdb of this.objects(pdbs, namespace)) {
      if (!matchesSelectorObject(pdb.spec?.selector, pod.metadata.labels)) continue;
      if ((pdb.status?.disruptionsAllowed ?? 0) < 1) {
        throw new ApiError(
          429,
          'TooManyRequests',
          "Cannot evict pod as it would violate the pod's disruption budget.",
          {
            causes: [
              {
                reason: 'DisruptionBudget',
                message: `The disruption budget ${pdb.metadata.name} needs ${pdb.status?.desiredHealthy ?? 0} healthy pods and has ${pdb.status?.currentHealthy ?? 0} currently`
              }
            ]
          }
        );
      }
      if (!opts.dryRun) {
        this.mutate(pdbs, namespace, pdb.metadata.name, (o) => {
          o.status = {
            ...o.status,
            disruptionsAllowed: Math.max(0, (o.status?.disruptionsAllowed ?? 1) - 1)
          };
        });
      }
    }
    this.delete(pods, namespace, name, opts);
  }
}
