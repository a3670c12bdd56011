/** StatefulSets with their claims, bound volumes, pods, Services and budgets. */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { WorldBuilder } from './builder';
import { DAY, SUBJECTS } from './catalog';
import { pdb } from './policy';
import { appLabels } from './templates';

export function statefulSetWithPods(
  w: WorldBuilder,
  s: {
    namespace: string;
    name: string;
    image: string;
    port: number;
    replicas: number;
    storage: string;
    labels: Record<string, string>;
    memory: string;
    env?: Record<string, unknown>[];
  }
) {
  const { rand } = w;
  const created = w.between(w.born + 3 * DAY, w.now - 10 * DAY);
  const selector = {
    'app.kubernetes.io/instance': s.labels['app.kubernetes.io/instance'] ?? s.name,
    'app.kubernetes.io/name': s.name
  };
  const labels = { ...s.labels, ...selector };
  const template = k.podTemplate({
    labels,
    containers: [
      {
        name: s.name.split('-')[0],
        image: s.image,
        ports: [{ name: 'tcp', containerPort: s.port }],
        env: s.env,
        requests: { cpu: '250m', memory: s.memory },
        limits: { memory: s.memory },
        readiness: { port: 'tcp', periodSeconds: 5 },
        liveness: { port: 'tcp', initialDelaySeconds: 30 },
        volumeMounts: [{ mountPath: '/data', name: 'data' }]
      }
    ],
    securityContext: { fsGroup: 1001, runAsUser: 1001 },
    terminationGracePeriodSeconds: 60
  });
  const headless = `${s.name}-headless`;
  const draft = k.statefulSet({
    name: s.name,
    namespace: s.namespace,
    created,
    labels,
    replicas: s.replicas,
    selector,
    serviceName: headless,
    template,
    storage: s.storage,
    storageClassName: 'standard'
  });
  k.withManagedFields(
    draft,
    s.labels['app.kubernetes.io/managed-by'] === 'Helm' ? 'helm' : 'kubectl-client-side-apply',
    created
  );
  const sts = w.create(draft, created);
  const owner = k.ownerRef(sts);
  const revision = k.revisionName(sts, sts.spec.template);
  const pods: KubeObject[] = [];
  for (let i = 0; i < s.replicas; i++) {
    const podName = `${s.name}-${i}`;
    const claimName = `data-${podName}`;
    const node = w.pickWorker();
    const pvcCreated = created + i * 40_000;
    let pvc = w.create(
      k.persistentVolumeClaim({
        name: claimName,
        namespace: s.namespace,
        created: pvcCreated,
        labels: selector,
        storage: s.storage,
        storageClassName: 'standard',
        provisioner: 'rbd.csi.ceph.com',
        nodeName: node.name
      }),
      pvcCreated
    );
    const pv = w.create(
      k.persistentVolume(pvc, 'rbd.csi.ceph.com', pvcCreated + 3000, rand),
      pvcCreated + 3000
    );
    // Binding names the volume, which is named after the claim's uid: a second write, as the binder does.
    pvc = w.mutate(pvc, (o) => {
      o.spec.volumeName = pv.metadata.name;
      o.metadata.annotations = {
        ...o.metadata.annotations,
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes'
      };
      o.status = { accessModes: ['ReadWriteOnce'], capacity: { storage: s.storage }, phase: 'Bound' };
    });
    w.usageOf(s.namespace).pvcs++;
    const extraLabels = {
      'apps.kubernetes.io/pod-index': String(i),
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': podName
    };
    pods.push(
      w.makePod({
        name: podName,
        namespace: s.namespace,
        template: sts.spec.template,
        owner,
        ownerCreated: created,
        controllerFields: k.podControllerFields(sts.spec.template, owner, undefined, extraLabels),
        node,
        extraLabels,
        hostname: podName,
        subdomain: headless,
        extraVolumes: [{ name: 'data', persistentVolumeClaim: { claimName } }]
      })
    );
  }
  const withStatus = w.mutate(sts, (o) => {
    o.status = k.statefulSetStatus(o, pods);
    o.metadata.managedFields = [
      ...(o.metadata.managedFields ?? []),
      k.managedEntry(
        'kube-controller-manager',
        'apps/v1',
        w.now - rand.int(0, DAY),
        k.fieldsV1Of({ status: o.status }),
        'status'
      )
    ];
  });
  const ports = [{ name: 'tcp', port: s.port, targetPort: 'tcp' }];
  w.serviceFor({
    namespace: s.namespace,
    name: headless,
    labels,
    selector,
    ports,
    pods,
    created,
    headless: true
  });
  w.serviceFor({ namespace: s.namespace, name: s.name, labels, selector, ports, pods, created });
  if (s.replicas > 1) pdb(w, s.namespace, s.name, selector, { maxUnavailable: 1 }, pods, created);
  return withStatus;
}

export function statefulSets(w: WorldBuilder, budget: number, namespaces: string[]): number {
  const { rand } = w;
  const catalog = [
    {
      name: 'postgres',
      image: 'docker.io/bitnami/postgresql:16.6.0',
      port: 5432,
      storage: '50Gi',
      memory: '1Gi'
    },
    { name: 'redis', image: 'docker.io/bitnami/redis:7.4.1', port: 6379, storage: '8Gi', memory: '512Mi' },
    { name: 'kafka', image: 'docker.io/bitnami/kafka:3.9.0', port: 9092, storage: '100Gi', memory: '2Gi' },
    {
      name: 'elasticsearch',
      image: 'docker.elastic.co/elasticsearch/elasticsearch:8.16.1',
      port: 9200,
      storage: '200Gi',
      memory: '4Gi'
    },
    {
      name: 'rabbitmq',
      image: 'docker.io/bitnami/rabbitmq:4.0.4',
      port: 5672,
      storage: '20Gi',
      memory: '1Gi'
    }
  ];
  let used = 0;
  let i = 0;
  while (used < budget && i < 400) {
    const c = catalog[i % catalog.length];
    const ns = i < catalog.length ? 'data' : rand.pick(namespaces);
    const replicas = Math.min(budget - used, i < catalog.length ? 3 : rand.pick([1, 1, 2, 3]));
    const name = w.appName(ns, i < catalog.length ? c.name : `${rand.pick(SUBJECTS)}-${c.name}`);
    const version = /:(.+)$/.exec(c.image)![1];
    statefulSetWithPods(w, {
      namespace: ns,
      name,
      image: c.image,
      port: c.port,
      replicas,
      storage: c.storage,
      memory: c.memory,
      labels: appLabels(name, ns, version, 'database', ns)
    });
    used += replicas;
    i++;
  }
  return used;
}
