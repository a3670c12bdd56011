/** Discovery of two simulated clusters as demo mode has them, for the kinds and discovery tests. */
import { discoverCluster } from '../../src/lib/engine/discovery';
import type { ClusterDiscovery } from '../../src/lib/kube/discovery';
import { SimWorld } from '../../src/lib/sim/world';
import { simTransport } from '../../src/lib/watch/transport';

// Two clusters as demo mode has them: an admin, and a viewer who may not read the CRDs here.
export async function twoClusters(): Promise<ClusterDiscovery[]> {
  const dev = new SimWorld({ name: 'dev', seed: 7, pods: 10, churn: 0 });
  const prod = new SimWorld({
    name: 'prod',
    seed: 8,
    pods: 10,
    churn: 0,
    user: { name: 'v', role: 'viewer' }
  });
  const roles = prod.cluster.type('rbac.authorization.k8s.io/v1', 'ClusterRole');
  prod.cluster.mutate(roles, undefined, 'skiff-viewer', (role) => {
    role.rules = (role.rules as { apiGroups: string[] }[]).filter(
      (rule) => !rule.apiGroups.includes('apiextensions.k8s.io')
    );
  });
  return Promise.all([
    discoverCluster('dev', simTransport(dev.handler)),
    discoverCluster('prod', simTransport(prod.handler))
  ]);
}
