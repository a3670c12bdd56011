/**
 * The add-ons installed in namespaces of their own (most by Helm), most essential first:
 * node-exporter, Fluent Bit, ingress-nginx, cert-manager and the monitoring stack.
 */
import * as k from '../objects';
import type { WorldBuilder } from './builder';
import { DAY } from './catalog';
import { helmAnnotations, helmLabels } from './helm';
import { statefulSetWithPods } from './statefulsets';
import { daemonSetWithPods, systemDeployment, type SystemComponent } from './system-workloads';
import { simpleTemplate } from './templates';

export function addOnComponents(w: WorldBuilder): SystemComponent[] {
  const n = w.nodes.length;
  return [
    {
      key: 'node-exporter',
      cost: n,
      build: () => {
        const labels = helmLabels(
          'kube-prometheus-stack',
          'prometheus-node-exporter',
          '4.42.0',
          '1.8.2',
          'metrics'
        );
        daemonSetWithPods(
          w,
          'monitoring',
          'kube-prometheus-stack-prometheus-node-exporter',
          labels,
          simpleTemplate('node-exporter', 'quay.io/prometheus/node-exporter:v1.8.2', {
            labels: { ...labels, 'app.kubernetes.io/name': 'prometheus-node-exporter' },
            args: [
              '--path.procfs=/host/proc',
              '--path.sysfs=/host/sys',
              '--path.rootfs=/host/root',
              '--web.listen-address=[$(HOST_IP)]:9100'
            ],
            ports: [{ name: 'http-metrics', containerPort: 9100 }],
            cpu: '50m',
            memory: '32Mi',
            hostNetwork: true,
            tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }],
            probePath: '/',
            probePort: 9100,
            volumes: [
              { hostPath: { path: '/proc', type: '' }, name: 'proc' },
              { hostPath: { path: '/sys', type: '' }, name: 'sys' },
              { hostPath: { path: '/', type: '' }, name: 'root' }
            ],
            mounts: [
              { mountPath: '/host/proc', name: 'proc', readOnly: true },
              { mountPath: '/host/sys', name: 'sys', readOnly: true },
              { mountPath: '/host/root', name: 'root', readOnly: true }
            ]
          }),
          true,
          helmAnnotations('kube-prometheus-stack', 'monitoring')
        );
      }
    },
    {
      key: 'fluent-bit',
      cost: n,
      build: () => {
        const labels = { 'app.kubernetes.io/instance': 'fluent-bit', 'app.kubernetes.io/name': 'fluent-bit' };
        w.create(
          k.configMap(
            { name: 'fluent-bit', namespace: 'logging', created: w.born + DAY, labels },
            {
              'fluent-bit.conf':
                '[SERVICE]\n    Flush 1\n    Daemon Off\n    Log_Level info\n    Parsers_File parsers.conf\n    HTTP_Server On\n    HTTP_Listen 0.0.0.0\n    HTTP_Port 2020\n\n[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n    multiline.parser docker, cri\n    Tag kube.*\n    Mem_Buf_Limit 5MB\n    Skip_Long_Lines On\n\n[OUTPUT]\n    Name loki\n    Match kube.*\n    Host loki.logging.svc\n    Port 3100\n'
            }
          ),
          w.born + DAY
        );
        daemonSetWithPods(
          w,
          'logging',
          'fluent-bit',
          labels,
          simpleTemplate('fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:3.2.2', {
            labels,
            ports: [{ name: 'http', containerPort: 2020 }],
            cpu: '50m',
            memory: '64Mi',
            tolerations: [
              { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }
            ],
            probePath: '/',
            probePort: 'http',
            volumes: [
              { configMap: { defaultMode: 420, name: 'fluent-bit' }, name: 'config' },
              { hostPath: { path: '/var/log', type: '' }, name: 'varlog' }
            ],
            mounts: [
              { mountPath: '/fluent-bit/etc/conf', name: 'config' },
              { mountPath: '/var/log', name: 'varlog' }
            ]
          }),
          false
        );
      }
    },
    {
      key: 'ingress-nginx',
      cost: 2,
      build: () => {
        const ns = 'ingress-nginx';
        const labels = helmLabels('ingress-nginx', 'ingress-nginx', '4.11.3', '1.11.3', 'controller');
        const { svc } = systemDeployment(
          w,
          ns,
          'ingress-nginx-controller',
          2,
          labels,
          (v) =>
            simpleTemplate('controller', `registry.k8s.io/ingress-nginx/controller:${v}`, {
              labels: { ...labels, 'app.kubernetes.io/name': 'ingress-nginx' },
              args: [
                '/nginx-ingress-controller',
                '--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller',
                '--election-id=ingress-nginx-leader',
                '--controller-class=k8s.io/ingress-nginx',
                '--ingress-class=nginx',
                '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller',
                '--validating-webhook=:8443'
              ],
              ports: [
                { name: 'http', containerPort: 80 },
                { name: 'https', containerPort: 443 },
                { name: 'webhook', containerPort: 8443 }
              ],
              memory: '90Mi',
              serviceAccount: 'ingress-nginx',
              probePath: '/healthz',
              probePort: 10254
            }),
          ['v1.10.1', 'v1.11.2', 'v1.11.3'],
          {
            name: 'ingress-nginx-controller',
            type: 'LoadBalancer',
            ports: [
              { name: 'http', port: 80, targetPort: 'http' },
              { name: 'https', port: 443, targetPort: 'https' }
            ]
          },
          helmAnnotations('ingress-nginx', ns)
        );
        w.ingressLbIp = svc?.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
      }
    },
    {
      key: 'cert-manager',
      cost: 3,
      build: () => {
        const ns = 'cert-manager';
        for (const [name, image, port] of [
          ['cert-manager', 'quay.io/jetstack/cert-manager-controller', 9402],
          ['cert-manager-cainjector', 'quay.io/jetstack/cert-manager-cainjector', 9402],
          ['cert-manager-webhook', 'quay.io/jetstack/cert-manager-webhook', 10250]
        ] as const) {
          const labels = {
            ...helmLabels(
              'cert-manager',
              name,
              'v1.16.2',
              'v1.16.2',
              name.replace('cert-manager-', '') || 'controller'
            ),
            app: name
          };
          systemDeployment(
            w,
            ns,
            name,
            1,
            labels,
            (v) =>
              simpleTemplate(
                name.replace('cert-manager-', '') || 'cert-manager-controller',
                `${image}:${v}`,
                {
                  labels: { ...labels, 'app.kubernetes.io/version': v },
                  args: [
                    '--v=2',
                    `--cluster-resource-namespace=$(POD_NAMESPACE)`,
                    '--leader-election-namespace=kube-system'
                  ],
                  ports: [{ name: port === 9402 ? 'http-metrics' : 'https', containerPort: port }],
                  cpu: '10m',
                  memory: '32Mi',
                  serviceAccount: name
                }
              ),
            ['v1.15.3', 'v1.16.1', 'v1.16.2'],
            name === 'cert-manager-webhook'
              ? { name, ports: [{ name: 'https', port: 443, targetPort: 'https' }] }
              : undefined,
            helmAnnotations('cert-manager', ns)
          );
        }
      }
    },
    {
      key: 'monitoring',
      cost: 5,
      build: () => {
        const ns = 'monitoring';
        for (const [name, image, port, versions] of [
          [
            'kube-prometheus-stack-grafana',
            'docker.io/grafana/grafana',
            3000,
            ['11.2.2', '11.3.1', '11.4.0']
          ],
          [
            'kube-prometheus-stack-kube-state-metrics',
            'registry.k8s.io/kube-state-metrics/kube-state-metrics',
            8080,
            ['v2.13.0', 'v2.14.0']
          ],
          [
            'kube-prometheus-stack-operator',
            'quay.io/prometheus-operator/prometheus-operator',
            10250,
            ['v0.77.2', 'v0.78.2']
          ]
        ] as const) {
          const labels = helmLabels(
            'kube-prometheus-stack',
            name.replace('kube-prometheus-stack-', ''),
            '66.3.1',
            versions[versions.length - 1]
          );
          systemDeployment(
            w,
            ns,
            name,
            1,
            labels,
            (v) =>
              simpleTemplate(name.replace('kube-prometheus-stack-', ''), `${image}:${v}`, {
                labels: { ...labels, 'app.kubernetes.io/version': v },
                ports: [{ name: 'http', containerPort: port }],
                memory: '256Mi',
                probePath: '/api/health',
                probePort: 'http'
              }),
            [...versions],
            { name, ports: [{ name: 'http-web', port: port === 3000 ? 80 : port, targetPort: 'http' }] },
            helmAnnotations('kube-prometheus-stack', ns)
          );
        }
        statefulSetWithPods(w, {
          namespace: ns,
          name: 'prometheus-kube-prometheus-stack-prometheus',
          image: 'quay.io/prometheus/prometheus:v3.0.1',
          port: 9090,
          replicas: 1,
          storage: '100Gi',
          labels: helmLabels('kube-prometheus-stack', 'prometheus', '66.3.1', 'v3.0.1'),
          memory: '2Gi'
        });
        statefulSetWithPods(w, {
          namespace: ns,
          name: 'alertmanager-kube-prometheus-stack-alertmanager',
          image: 'quay.io/prometheus/alertmanager:v0.27.0',
          port: 9093,
          replicas: 1,
          storage: '10Gi',
          labels: helmLabels('kube-prometheus-stack', 'alertmanager', '66.3.1', 'v0.27.0'),
          memory: '128Mi'
        });
      }
    }
  ];
}
