/** Pod templates of application Deployments and of system add-ons, their labels and version histories. */
import * as k from '../objects';
import type { Random } from '../random';
import type { SIDECARS } from './catalog';

export function appLabels(
  name: string,
  ns: string,
  version: string,
  component: string,
  partOf: string
): Record<string, string> {
  return {
    app: name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/version': version,
    team: ns
  };
}

export interface AppShape {
  name: string;
  namespace: string;
  image: string; // without tag
  withConfig: boolean;
  withSecret: boolean;
  sidecar?: (typeof SIDECARS)[number];
  cpu: string;
  memory: string;
  grpc: boolean;
  restartedAt?: string;
  serviceAccount: string;
  registrySecret: boolean;
  /** Restricted security contexts and zone spreading: what a platform team's chart template adds. */
  hardened: boolean;
}

export function appTemplate(a: AppShape, version: string): Record<string, unknown> {
  const selectorLabels = { 'app.kubernetes.io/instance': a.name, 'app.kubernetes.io/name': a.name };
  const env: Record<string, unknown>[] = [
    { name: 'APP_ENV', value: 'production' },
    ...(a.withConfig
      ? [
          {
            name: 'LOG_LEVEL',
            valueFrom: { configMapKeyRef: { key: 'log-level', name: `${a.name}-config` } }
          }
        ]
      : [{ name: 'LOG_LEVEL', value: 'info' }]),
    ...(a.withSecret
      ? [
          {
            name: 'DATABASE_URL',
            valueFrom: { secretKeyRef: { key: 'database-url', name: `${a.name}-secrets` } }
          }
        ]
      : []),
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.monitoring.svc.cluster.local:4317' }
  ];
  const mounts = [
    ...(a.withConfig ? [{ mountPath: '/etc/app', name: 'config', readOnly: true }] : []),
    ...(a.withSecret ? [{ mountPath: '/etc/app/secrets', name: 'secrets', readOnly: true }] : []),
    { mountPath: '/tmp', name: 'tmp' }
  ];
  const cpuLimit = k.formatCpu(k.parseQuantity(a.cpu) * 4000);
  const containers: k.ContainerInit[] = [
    {
      name: a.name.length <= 63 ? a.name : 'app',
      image: `${a.image}:${version}`,
      args: ['--config=/etc/app/config.yaml'],
      ports: [
        { name: 'http', containerPort: 8080 },
        { name: 'metrics', containerPort: 9090 },
        ...(a.grpc ? [{ name: 'grpc', containerPort: 9000 }] : [])
      ],
      env,
      requests: { cpu: a.cpu, memory: a.memory },
      limits: { cpu: cpuLimit, memory: k.formatMemory(k.parseQuantity(a.memory) * 2) },
      readiness: { path: '/healthz/ready', port: 'http', initialDelaySeconds: 5 },
      liveness: a.hardened
        ? { path: '/healthz/live', port: 'http', initialDelaySeconds: 15, periodSeconds: 20 }
        : undefined,
      volumeMounts: mounts,
      securityContext: a.hardened
        ? {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true
          }
        : undefined
    }
  ];
  if (a.sidecar) {
    containers.push({
      name: a.sidecar.name,
      image: a.sidecar.image,
      ports: [{ name: a.sidecar.portName, containerPort: a.sidecar.port }],
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { memory: '128Mi' }
    });
  }
  return k.podTemplate({
    labels: { ...selectorLabels, 'app.kubernetes.io/version': version },
    annotations: {
      'prometheus.io/port': '9090',
      'prometheus.io/scrape': 'true',
      ...(a.restartedAt ? { 'kubectl.kubernetes.io/restartedAt': a.restartedAt } : {})
    },
    containers,
    serviceAccountName: a.serviceAccount,
    imagePullSecrets: a.registrySecret ? [{ name: 'regcred' }] : undefined,
    securityContext: a.hardened
      ? { fsGroup: 10001, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } }
      : {},
    topologySpreadConstraints: a.hardened
      ? [
          {
            labelSelector: { matchLabels: selectorLabels },
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'ScheduleAnyway'
          }
        ]
      : undefined,
    volumes: [
      ...(a.withConfig
        ? [{ configMap: { defaultMode: 420, name: `${a.name}-config` }, name: 'config' }]
        : []),
      ...(a.withSecret
        ? [{ name: 'secrets', secret: { defaultMode: 420, secretName: `${a.name}-secrets` } }]
        : []),
      { emptyDir: {}, name: 'tmp' }
    ]
  });
}

export function semver(rand: Random): string[] {
  const major = rand.int(0, 4);
  let minor = rand.int(0, 30);
  let patch = rand.int(0, 9);
  const n = rand.weighted([
    [1, 3],
    [2, 3],
    [3, 2],
    [4, 2],
    [6, 1]
  ] as const);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`${major}.${minor}.${patch}`);
    if (rand.chance(0.6)) patch++;
    else {
      minor++;
      patch = 0;
    }
  }
  return out;
}

export function simpleTemplate(
  name: string,
  image: string,
  opts: {
    labels: Record<string, string>;
    ports?: { name: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
    cpu?: string;
    memory?: string;
    args?: string[];
    serviceAccount?: string;
    priorityClassName?: string;
    tolerations?: Record<string, unknown>[];
    hostNetwork?: boolean;
    volumes?: Record<string, unknown>[];
    mounts?: { name: string; mountPath: string; readOnly?: boolean }[];
    probePath?: string;
    probePort?: string | number;
    nodeSelector?: Record<string, string>;
    restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  }
) {
  return k.podTemplate({
    labels: opts.labels,
    containers: [
      {
        name,
        image,
        args: opts.args,
        ports: opts.ports,
        requests: { cpu: opts.cpu ?? '100m', memory: opts.memory ?? '128Mi' },
        limits: { memory: k.formatMemory(k.parseQuantity(opts.memory ?? '128Mi') * 2) },
        readiness: opts.probePort !== undefined ? { path: opts.probePath, port: opts.probePort } : undefined,
        liveness:
          opts.probePort !== undefined
            ? { path: opts.probePath, port: opts.probePort, initialDelaySeconds: 10 }
            : undefined,
        volumeMounts: opts.mounts
      }
    ],
    serviceAccountName: opts.serviceAccount,
    priorityClassName: opts.priorityClassName,
    tolerations: opts.tolerations,
    hostNetwork: opts.hostNetwork,
    volumes: opts.volumes,
    nodeSelector: opts.nodeSelector ?? { 'kubernetes.io/os': 'linux' },
    restartPolicy: opts.restartPolicy
  });
}
