/** Helm: the labels charts put on what they install, and the release history Secrets. */
import { stringify as toYaml } from 'yaml';
import * as k from '../objects';
import type { WorldBuilder } from './builder';
import { DAY } from './catalog';

export function helmLabels(
  release: string,
  chart: string,
  version: string,
  appVersion: string,
  component?: string
): Record<string, string> {
  return {
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': chart,
    'app.kubernetes.io/part-of': chart,
    'app.kubernetes.io/version': appVersion,
    ...(component ? { 'app.kubernetes.io/component': component } : {}),
    'helm.sh/chart': `${chart}-${version}`
  };
}

export function helmAnnotations(release: string, ns: string) {
  return { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': ns };
}

export function helmReleases(w: WorldBuilder) {
  const { rand } = w;
  const releases = [
    {
      name: 'ingress-nginx',
      namespace: 'ingress-nginx',
      chart: 'ingress-nginx',
      versions: [
        ['4.10.1', '1.10.1'],
        ['4.11.0', '1.11.0'],
        ['4.11.2', '1.11.2'],
        ['4.11.3', '1.11.3']
      ],
      values: {
        controller: {
          replicaCount: 1,
          service: { type: 'LoadBalancer' },
          metrics: { enabled: false },
          admissionWebhooks: { enabled: true }
        }
      },
      config: {
        controller: {
          replicaCount: 2,
          metrics: { enabled: true },
          config: { 'use-forwarded-headers': 'true' }
        }
      }
    },
    {
      name: 'cert-manager',
      namespace: 'cert-manager',
      chart: 'cert-manager',
      versions: [
        ['v1.15.3', 'v1.15.3'],
        ['v1.16.1', 'v1.16.1'],
        ['v1.16.2', 'v1.16.2']
      ],
      values: {
        installCRDs: false,
        crds: { enabled: false, keep: true },
        replicaCount: 1,
        prometheus: { enabled: true }
      },
      config: { crds: { enabled: true }, global: { leaderElection: { namespace: 'kube-system' } } }
    },
    {
      name: 'kube-prometheus-stack',
      namespace: 'monitoring',
      chart: 'kube-prometheus-stack',
      versions: [
        ['61.9.0', 'v0.75.2'],
        ['62.7.0', 'v0.76.1'],
        ['65.1.0', 'v0.77.1'],
        ['65.1.1', 'v0.77.1'],
        ['66.3.1', 'v0.78.2']
      ],
      values: {
        alertmanager: { enabled: true },
        grafana: { enabled: true, adminPassword: 'prom-operator' },
        prometheus: { prometheusSpec: { retention: '10d' } }
      },
      config: {
        grafana: { adminPassword: rand.hex(16), ingress: { enabled: false } },
        prometheus: {
          prometheusSpec: {
            retention: '30d',
            storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '100Gi' } } } } }
          }
        }
      }
    }
  ];
  for (const r of releases) {
    const first = w.between(w.born + DAY, w.born + 3 * DAY);
    let deployedAt = first;
    r.versions.forEach(([chartVersion, appVersion], i) => {
      const last = i === r.versions.length - 1;
      // One upgrade in the middle of kube-prometheus-stack's history failed and was retried.
      const failed = r.name === 'kube-prometheus-stack' && i === 2;
      const labels = helmLabels(r.name, r.chart, chartVersion, appVersion, 'controller');
      const manifest = releaseManifest(r.name, r.namespace, r.chart, labels, appVersion);
      const secret = k.helmReleaseSecret({
        name: r.name,
        namespace: r.namespace,
        revision: i + 1,
        status: last ? 'deployed' : failed ? 'failed' : 'superseded',
        chart: { name: r.chart, version: chartVersion, appVersion },
        values: r.values,
        config: r.config,
        manifest,
        firstDeployed: first,
        lastDeployed: deployedAt,
        description: failed ? 'Upgrade "kube-prometheus-stack" failed: context deadline exceeded' : undefined,
        notes: `${r.chart} has been installed. Check its status by running:\n  kubectl --namespace ${r.namespace} get pods -l "release=${r.name}"\n`
      });
      w.create(secret, deployedAt);
      deployedAt = w.between(deployedAt + DAY, w.now - (r.versions.length - i) * DAY);
    });
  }
}

function releaseManifest(
  release: string,
  ns: string,
  chart: string,
  labels: Record<string, string>,
  appVersion: string
): string {
  const docs = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: release, namespace: ns, labels } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${release}-controller`, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        selector: { 'app.kubernetes.io/instance': release }
      }
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${release}-controller`, namespace: ns, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/instance': release } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: release,
            containers: [
              {
                name: 'controller',
                image: `registry.example/${chart}:${appVersion}`,
                ports: [{ name: 'http', containerPort: 80 }]
              }
            ]
          }
        }
      }
    }
  ];
  return docs
    .map((d) => `---\n# Source: ${chart}/templates/${d.kind.toLowerCase()}.yaml\n${toYaml(d)}`)
    .join('');
}
