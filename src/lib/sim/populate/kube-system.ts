/**
 * The kube-system add-ons, most essential first: kube-proxy on every node, CoreDNS, the control
 * plane's static pods and metrics-server.
 */
import * as k from '../objects';
import type { WorldBuilder } from './builder';
import { staticPods } from './control-plane';
import { daemonSetWithPods, systemDeployment, type SystemComponent } from './system-workloads';
import { simpleTemplate } from './templates';

export function kubeSystemComponents(w: WorldBuilder, controlPlanes: number): SystemComponent[] {
  const n = w.nodes.length;
  const allTolerations = [{ operator: 'Exists' }];
  return [
    {
      key: 'kube-proxy',
      cost: n,
      build: () => {
        const labels = { 'k8s-app': 'kube-proxy' };
        daemonSetWithPods(
          w,
          'kube-system',
          'kube-proxy',
          labels,
          k.podTemplate({
            labels,
            containers: [
              {
                name: 'kube-proxy',
                image: `registry.k8s.io/kube-proxy:${k.KUBE_VERSION}`,
                command: [
                  '/usr/local/bin/kube-proxy',
                  '--config=/var/lib/kube-proxy/config.conf',
                  '--hostname-override=$(NODE_NAME)'
                ],
                env: [
                  {
                    name: 'NODE_NAME',
                    valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } }
                  }
                ],
                securityContext: { privileged: true },
                volumeMounts: [
                  { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
                  { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
                  { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true }
                ]
              }
            ],
            hostNetwork: true,
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'kube-proxy',
            tolerations: allTolerations,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            volumes: [
              { configMap: { defaultMode: 420, name: 'kube-proxy' }, name: 'kube-proxy' },
              { hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' }, name: 'xtables-lock' },
              { hostPath: { path: '/lib/modules', type: '' }, name: 'lib-modules' }
            ]
          }),
          true
        );
        w.create(k.serviceAccount({ name: 'kube-proxy', namespace: 'kube-system', created: w.born }), w.born);
        w.create(
          k.configMap(
            { name: 'kube-proxy', namespace: 'kube-system', created: w.born, labels: { app: 'kube-proxy' } },
            {
              'config.conf':
                'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.64.0.0/10\nmode: iptables\n'
            }
          ),
          w.born
        );
      }
    },
    {
      key: 'coredns',
      cost: 2,
      build: () => {
        const labels = { 'k8s-app': 'kube-dns' };
        w.create(
          k.configMap(
            { name: 'coredns', namespace: 'kube-system', created: w.born },
            {
              Corefile:
                '.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n'
            }
          ),
          w.born
        );
        w.create(k.serviceAccount({ name: 'coredns', namespace: 'kube-system', created: w.born }), w.born);
        systemDeployment(
          w,
          'kube-system',
          'coredns',
          2,
          labels,
          (v) =>
            simpleTemplate('coredns', `registry.k8s.io/coredns/coredns:${v}`, {
              labels,
              args: ['-conf', '/etc/coredns/Corefile'],
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53 },
                { name: 'metrics', containerPort: 9153 }
              ],
              memory: '70Mi',
              serviceAccount: 'coredns',
              priorityClassName: 'system-cluster-critical',
              tolerations: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }],
              probePath: '/health',
              probePort: 8080,
              volumes: [
                {
                  configMap: {
                    defaultMode: 420,
                    items: [{ key: 'Corefile', path: 'Corefile' }],
                    name: 'coredns'
                  },
                  name: 'config-volume'
                }
              ],
              mounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }]
            }),
          ['v1.11.1', 'v1.11.3'],
          {
            name: 'kube-dns',
            clusterIP: '10.96.0.10',
            ports: [
              { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
              { name: 'dns-tcp', port: 53, targetPort: 53 },
              { name: 'metrics', port: 9153, targetPort: 9153 }
            ]
          }
        );
      }
    },
    {
      key: 'control-plane',
      cost: 4 * controlPlanes,
      build: () => staticPods(w)
    },
    {
      key: 'metrics-server',
      cost: 1,
      build: () => {
        const labels = { 'k8s-app': 'metrics-server' };
        systemDeployment(
          w,
          'kube-system',
          'metrics-server',
          1,
          labels,
          (v) =>
            simpleTemplate('metrics-server', `registry.k8s.io/metrics-server/metrics-server:${v}`, {
              labels,
              args: [
                '--cert-dir=/tmp',
                '--secure-port=10250',
                '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
                '--kubelet-use-node-status-port',
                '--metric-resolution=15s'
              ],
              ports: [{ name: 'https', containerPort: 10250 }],
              memory: '200Mi',
              priorityClassName: 'system-cluster-critical',
              probePath: '/readyz',
              probePort: 'https'
            }),
          ['v0.7.1', 'v0.7.2'],
          { name: 'metrics-server', ports: [{ name: 'https', port: 443, targetPort: 'https' }] }
        );
      }
    }
  ];
}
