/**
 * A few objects real clusters have and the rest of populate does not make, so every column of the
 * dashboard has something to show: a Released volume kept by its Retain policy, an aggregated
 * ClusterRole, a NetworkPolicy with egress rules and an expression selector. Its own Random, so
 * the rest of a seeded world stays as it was.
 */
import * as k from '../objects';
import { Random } from '../random';
import type { WorldBuilder } from './builder';
import { DAY } from './catalog';

export function showcase(w: WorldBuilder) {
  const rand = new Random(w.opts.seed ^ 0x5c0e);
  const t = w.between(w.born + 30 * DAY, w.now - 20 * DAY);

  // A claim deleted long ago; its volume stays (Retain) with the data until someone reclaims it.
  const pv = k.persistentVolume(
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data-legacy-mysql-0',
        namespace: 'data',
        uid: rand.uid(),
        resourceVersion: '1',
        creationTimestamp: new Date(t).toISOString()
      },
      spec: { resources: { requests: { storage: '50Gi' } }, storageClassName: 'fast-ssd' }
    },
    'rbd.csi.ceph.com',
    t,
    rand
  );
  pv.spec.persistentVolumeReclaimPolicy = 'Retain';
  pv.status = { lastPhaseTransitionTime: new Date(t + 5 * DAY).toISOString(), phase: 'Released' };
  w.create(pv, t);

  const readGateways = [
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['*'], verbs: ['get', 'list', 'watch'] }
  ];
  w.create(
    k.clusterRole('platform-reader', t, [], { 'app.kubernetes.io/part-of': 'platform' }, [
      { 'acme.io/aggregate-to-platform-reader': 'true' }
    ]),
    t
  );
  w.create(
    k.clusterRole('platform-reader-gateways', t, readGateways, {
      'acme.io/aggregate-to-platform-reader': 'true'
    }),
    t
  );
  w.create(
    k.clusterRoleBinding('platform-readers', t, 'platform-reader', [
      { kind: 'Group', name: 'acme:platform' },
      { kind: 'ServiceAccount', name: 'platform-audit', namespace: 'monitoring' }
    ]),
    t
  );

  w.create(
    k.withManagedFields(
      k.networkPolicy(
        { name: 'restrict-egress', namespace: 'web', created: t },
        {
          podSelector: {
            matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['api', 'web'] }]
          },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: {} }] }],
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
              ports: [{ port: 53, protocol: 'UDP' }]
            },
            { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }] }
          ]
        }
      ),
      'kubectl-client-side-apply',
      t
    ),
    t
  );
}
