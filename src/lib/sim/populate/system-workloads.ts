/**
 * The building blocks of the system add-ons: what an add-on is (a SystemComponent with its pod cost),
 * and the two shapes most of them take: a Deployment with its pods and Service, or a DaemonSet with
 * one pod on every node.
 */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { WorldBuilder } from './builder';
import { DAY, HOUR } from './catalog';

/** One add-on: built only while its pods (`cost`) fit in the system's share of the world. */
export interface SystemComponent {
  key: string;
  cost: number;
  build: () => void;
}

export function systemDeployment(
  w: WorldBuilder,
  ns: string,
  name: string,
  replicas: number,
  labels: Record<string, string>,
  templateFor: (v: string) => Record<string, unknown>,
  versions: string[],
  service?: {
    name: string;
    ports: k.ServicePortInit[];
    type?: 'ClusterIP' | 'LoadBalancer';
    clusterIP?: string;
  },
  annotations?: Record<string, string>
) {
  const created = w.between(w.born + DAY, w.born + 3 * DAY);
  const { deployment, pods } = w.deploymentWithPods({
    namespace: ns,
    name,
    labels,
    annotations,
    replicas,
    templateFor,
    versions,
    created
  });
  let svc: KubeObject | undefined;
  if (service) {
    svc = w.serviceFor({
      namespace: ns,
      name: service.name,
      labels,
      annotations,
      selector: deployment.spec.selector.matchLabels,
      ports: service.ports,
      pods,
      created,
      type: service.type,
      clusterIP: service.clusterIP
    });
  }
  return { deployment, pods, svc };
}

export function daemonSetWithPods(
  w: WorldBuilder,
  ns: string,
  name: string,
  labels: Record<string, string>,
  template: Record<string, unknown>,
  hostNetwork: boolean,
  annotations?: Record<string, string>
): KubeObject[] {
  const created = w.between(w.born, w.born + 2 * DAY);
  const selector = { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'] ?? name };
  const tpl = {
    ...template,
    metadata: {
      ...(template.metadata as object),
      labels: { ...((template.metadata as { labels: Record<string, string> }).labels ?? {}), ...selector }
    }
  };
  const draft = k.daemonSet({ name, namespace: ns, created, labels, annotations, selector, template: tpl });
  k.withManagedFields(draft, labels['app.kubernetes.io/managed-by'] === 'Helm' ? 'helm' : 'kubeadm', created);
  const ds = w.create(draft, created);
  const owner = k.ownerRef(ds);
  const hash = k.templateHash(ds.spec.template);
  const extraLabels = { 'controller-revision-hash': hash, 'pod-template-generation': '1' };
  const fields = k.podControllerFields(ds.spec.template, owner, `${name}-`, extraLabels);
  const pods: KubeObject[] = [];
  for (const n of w.nodes) {
    pods.push(
      w.makePod({
        name: w.generateName(ns, `${name}-`),
        generateName: `${name}-`,
        namespace: ns,
        template: ds.spec.template,
        owner,
        ownerCreated: Math.max(created, Date.parse(n.obj.metadata.creationTimestamp)),
        controllerFields: fields,
        node: n,
        extraLabels,
        daemonSet: true,
        hostNetwork,
        priority: ds.spec.template.spec.priorityClassName === 'system-node-critical' ? 2000001000 : 0
      })
    );
  }
  w.mutate(ds, (o) => {
    o.status = k.daemonSetStatus(o, pods, w.nodes.length);
    o.metadata.managedFields = [
      ...(o.metadata.managedFields ?? []),
      k.managedEntry(
        'kube-controller-manager',
        'apps/v1',
        w.now - HOUR,
        k.fieldsV1Of({ status: o.status }),
        'status'
      )
    ];
  });
  return pods;
}
