/** Cluster-scoped configuration: priority, storage and ingress classes, the cert-manager CRD, webhooks. */
import * as k from '../objects';
import type { WorldBuilder } from './builder';
import { DAY } from './catalog';

export function clusterScoped(w: WorldBuilder) {
  const t = w.born;
  w.create(
    k.priorityClass(
      'system-cluster-critical',
      2000000000,
      t,
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'
    ),
    t
  );
  w.create(
    k.priorityClass(
      'system-node-critical',
      2000001000,
      t,
      'Used for system critical pods that must not be moved from their current node.'
    ),
    t
  );
  w.create(k.priorityClass('high-priority', 100000, t + DAY, 'Customer-facing services.'), t + DAY);
  w.create(k.priorityClass('batch-low', -10, t + DAY, 'Preemptible batch work.'), t + DAY);
  w.create(
    k.storageClass('standard', 'rbd.csi.ceph.com', t, true, {
      clusterID: 'rook-ceph',
      imageFeatures: 'layering',
      pool: 'replicapool'
    }),
    t
  );
  w.create(
    k.storageClass('fast-ssd', 'rbd.csi.ceph.com', t + DAY, false, {
      clusterID: 'rook-ceph',
      imageFeatures: 'layering',
      pool: 'ssdpool'
    }),
    t + DAY
  );
  w.create(k.storageClass('local-path', 'rancher.io/local-path', t, false), t);
  w.create(k.ingressClass('nginx', 'k8s.io/ingress-nginx', t + 2 * DAY, true), t + 2 * DAY);
  w.create(k.certificateCrd(t + 2 * DAY), t + 2 * DAY);
  const ca = k.base64(w.ca);
  w.create(
    k.webhookConfiguration(
      'ValidatingWebhookConfiguration',
      'cert-manager-webhook',
      t + 2 * DAY,
      [
        {
          name: 'webhook.cert-manager.io',
          service: { name: 'cert-manager-webhook', namespace: 'cert-manager', path: '/validate' },
          rules: [
            {
              apiGroups: ['cert-manager.io', 'acme.cert-manager.io'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['*/*']
            }
          ],
          caBundle: ca,
          namespaceSelector: {
            matchExpressions: [
              { key: 'cert-manager.io/disable-validation', operator: 'NotIn', values: ['true'] }
            ]
          }
        }
      ],
      { app: 'webhook', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/managed-by': 'Helm' }
    ),
    t + 2 * DAY
  );
  w.create(
    k.webhookConfiguration(
      'MutatingWebhookConfiguration',
      'cert-manager-webhook',
      t + 2 * DAY,
      [
        {
          name: 'webhook.cert-manager.io',
          service: { name: 'cert-manager-webhook', namespace: 'cert-manager', path: '/mutate' },
          rules: [
            {
              apiGroups: ['cert-manager.io'],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: ['certificaterequests']
            }
          ],
          caBundle: ca
        }
      ],
      { app: 'webhook', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/managed-by': 'Helm' }
    ),
    t + 2 * DAY
  );
  w.create(
    k.webhookConfiguration(
      'ValidatingWebhookConfiguration',
      'ingress-nginx-admission',
      t + 2 * DAY,
      [
        {
          name: 'validate.nginx.ingress.kubernetes.io',
          service: {
            name: 'ingress-nginx-controller-admission',
            namespace: 'ingress-nginx',
            path: '/networking/v1/ingresses'
          },
          rules: [
            {
              apiGroups: ['networking.k8s.io'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['ingresses']
            }
          ],
          caBundle: ca
        }
      ],
      {
        'app.kubernetes.io/component': 'admission-webhook',
        'app.kubernetes.io/instance': 'ingress-nginx',
        'app.kubernetes.io/managed-by': 'Helm'
      }
    ),
    t + 2 * DAY
  );
}
