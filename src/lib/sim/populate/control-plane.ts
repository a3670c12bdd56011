/** The control plane's static pods. */
import * as k from '../objects';
import type { OwnerReference } from '../../kube/types';
import type { WorldBuilder } from './builder';
import { DAY } from './catalog';

/** Mirror pods of the control plane's static pods: owned by their Node, host network, node-critical. */
export function staticPods(w: WorldBuilder) {
  const components: [string, string, string[], number][] = [
    [
      'etcd',
      'registry.k8s.io/etcd:3.5.16-0',
      [
        'etcd',
        '--advertise-client-urls=https://$(IP):2379',
        '--data-dir=/var/lib/etcd',
        '--listen-metrics-urls=http://127.0.0.1:2381'
      ],
      2381
    ],
    [
      'kube-apiserver',
      `registry.k8s.io/kube-apiserver:${k.KUBE_VERSION}`,
      [
        'kube-apiserver',
        '--advertise-address=$(IP)',
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        '--service-cluster-ip-range=10.96.0.0/12'
      ],
      6443
    ],
    [
      'kube-controller-manager',
      `registry.k8s.io/kube-controller-manager:${k.KUBE_VERSION}`,
      [
        'kube-controller-manager',
        '--allocate-node-cidrs=true',
        '--cluster-cidr=10.64.0.0/10',
        '--leader-elect=true',
        '--use-service-account-credentials=true'
      ],
      10257
    ],
    [
      'kube-scheduler',
      `registry.k8s.io/kube-scheduler:${k.KUBE_VERSION}`,
      ['kube-scheduler', '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true'],
      10259
    ]
  ];
  for (const n of w.nodes.filter((x) => x.controlPlane)) {
    for (const [component, image, command, port] of components) {
      const labels = { component, tier: 'control-plane' };
      const template = k.podTemplate({
        labels,
        containers: [
          {
            name: component,
            image,
            command: command.map((c) => c.replace('$(IP)', n.ip)),
            requests: {
              cpu: component === 'kube-apiserver' ? '250m' : '100m',
              ...(component === 'etcd' ? { memory: '100Mi' } : {})
            },
            liveness: { path: component === 'etcd' ? '/livez' : '/livez', port, initialDelaySeconds: 10 },
            startup: { path: '/livez', port, initialDelaySeconds: 10 },
            volumeMounts: [{ mountPath: '/etc/kubernetes/pki', name: 'k8s-certs', readOnly: true }]
          }
        ],
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        tolerations: [{ effect: 'NoExecute', operator: 'Exists' }],
        volumes: [{ hostPath: { path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate' }, name: 'k8s-certs' }]
      });
      const owner: OwnerReference = {
        apiVersion: 'v1',
        controller: true,
        kind: 'Node',
        name: n.name,
        uid: n.obj.metadata.uid
      };
      const hash = w.rand.hex(32);
      w.makePod({
        name: `${component}-${n.name}`,
        namespace: 'kube-system',
        template,
        owner,
        ownerCreated: Date.parse(n.obj.metadata.creationTimestamp),
        controllerFields: k.podControllerFields(template, owner),
        node: n,
        hostNetwork: true,
        priority: 2000001000,
        staticAnnotations: {
          'kubernetes.io/config.hash': hash,
          'kubernetes.io/config.mirror': hash,
          'kubernetes.io/config.seen': k.isoTime(w.now - w.rand.int(1, 30) * DAY),
          'kubernetes.io/config.source': 'file'
        }
      });
    }
  }
}
