/**
 * Pod templates as workloads store them (`spec.template`): containers, probes and resources with the
 * apiserver's defaults filled in, keys in the order the apiserver writes them.
 */

export interface ProbeInit {
  path?: string; // httpGet when set, tcpSocket otherwise
  port: string | number;
  initialDelaySeconds?: number;
  periodSeconds?: number;
}

export interface ContainerInit {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
  env?: Record<string, unknown>[];
  envFrom?: Record<string, unknown>[];
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
  readiness?: ProbeInit;
  liveness?: ProbeInit;
  startup?: ProbeInit;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
  securityContext?: Record<string, unknown>;
}

export interface PodTemplateInit {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  containers: ContainerInit[];
  initContainers?: ContainerInit[];
  volumes?: Record<string, unknown>[];
  serviceAccountName?: string;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  nodeSelector?: Record<string, string>;
  tolerations?: Record<string, unknown>[];
  affinity?: Record<string, unknown>;
  priorityClassName?: string;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: Record<string, unknown>[];
  imagePullSecrets?: { name: string }[];
}

function probe(p: ProbeInit): Record<string, unknown> {
  const handler = p.path
    ? { httpGet: { path: p.path, port: p.port, scheme: 'HTTP' } }
    : { tcpSocket: { port: p.port } };
  return {
    failureThreshold: 3,
    ...handler,
    ...(p.initialDelaySeconds ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    periodSeconds: p.periodSeconds ?? 10,
    successThreshold: 1,
    timeoutSeconds: 1
  };
}

/** A container as the apiserver stores it: defaults filled in, keys in the apiserver's (alphabetical) order. */
export function container(c: ContainerInit): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  if (c.limits) resources.limits = c.limits;
  if (c.requests) resources.requests = c.requests;
  const tag = c.image.includes(':') ? c.image.slice(c.image.lastIndexOf(':') + 1) : 'latest';
  return {
    ...(c.args ? { args: c.args } : {}),
    ...(c.command ? { command: c.command } : {}),
    ...(c.env?.length ? { env: c.env } : {}),
    ...(c.envFrom?.length ? { envFrom: c.envFrom } : {}),
    image: c.image,
    imagePullPolicy: tag === 'latest' ? 'Always' : 'IfNotPresent',
    ...(c.liveness ? { livenessProbe: probe(c.liveness) } : {}),
    name: c.name,
    ...(c.ports?.length
      ? {
          ports: c.ports.map((p) => ({
            containerPort: p.containerPort,
            ...(p.name ? { name: p.name } : {}),
            protocol: p.protocol ?? 'TCP'
          }))
        }
      : {}),
    ...(c.readiness ? { readinessProbe: probe(c.readiness) } : {}),
    resources,
    ...(c.securityContext ? { securityContext: c.securityContext } : {}),
    ...(c.startup ? { startupProbe: probe(c.startup) } : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...(c.volumeMounts?.length ? { volumeMounts: c.volumeMounts } : {})
  };
}

/** A pod template as stored in a workload's `spec.template`. */
export type PodTemplateSpec = {
  metadata?: {
    creationTimestamp?: null;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
};

/** A `spec.template` (PodTemplateSpec) with the apiserver's defaults. */
export function podTemplate(t: PodTemplateInit): PodTemplateSpec {
  return {
    metadata: {
      creationTimestamp: null,
      labels: t.labels,
      ...(t.annotations && Object.keys(t.annotations).length ? { annotations: t.annotations } : {})
    },
    spec: {
      ...(t.affinity ? { affinity: t.affinity } : {}),
      containers: t.containers.map(container),
      dnsPolicy: t.dnsPolicy ?? (t.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst'),
      ...(t.hostNetwork ? { hostNetwork: true } : {}),
      ...(t.imagePullSecrets ? { imagePullSecrets: t.imagePullSecrets } : {}),
      ...(t.initContainers?.length ? { initContainers: t.initContainers.map(container) } : {}),
      ...(t.nodeSelector ? { nodeSelector: t.nodeSelector } : {}),
      ...(t.priorityClassName ? { priorityClassName: t.priorityClassName } : {}),
      restartPolicy: t.restartPolicy ?? 'Always',
      schedulerName: 'default-scheduler',
      securityContext: t.securityContext ?? {},
      ...(t.serviceAccountName
        ? { serviceAccount: t.serviceAccountName, serviceAccountName: t.serviceAccountName }
        : {}),
      terminationGracePeriodSeconds: t.terminationGracePeriodSeconds ?? 30,
      ...(t.tolerations ? { tolerations: t.tolerations } : {}),
      ...(t.topologySpreadConstraints ? { topologySpreadConstraints: t.topologySpreadConstraints } : {}),
      ...(t.volumes?.length ? { volumes: t.volumes } : {})
    }
  };
}
