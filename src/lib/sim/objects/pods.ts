/**
 * Pod templates as workloads store them, pods as their controllers create them and admission
 * completes them, and pod statuses for each state a pod passes through, as the kubelet writes them.
 */
import type { Random } from '../random';
import type { KubeObject, NewObject, OwnerReference } from '../../kube/types';
import { imageId, isoTime, normalizeImage, parseQuantity } from './format';

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

/** Tolerations the DefaultTolerationSeconds admission plugin adds to every pod. */
export const DEFAULT_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 }
];

/** Tolerations the DaemonSet controller adds to its pods. */
export const DAEMONSET_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }
];

export interface PodInit {
  name: string;
  namespace: string;
  /** The owner's `spec.template` (labels, annotations, spec). */
  template: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: Record<string, unknown>;
  };
  owner?: OwnerReference;
  generateName?: string;
  nodeName?: string;
  created: number;
  /** The random `xxxxx` of the `kube-api-access-xxxxx` volume. */
  tokenVolumeSuffix: string;
  extraLabels?: Record<string, string>;
  hostname?: string;
  subdomain?: string;
  /** Extra volumes (a StatefulSet's claims). */
  extraVolumes?: Record<string, unknown>[];
  daemonSetNode?: string;
  priority?: number;
  uid?: string;
}

/** A pod as its controller creates it and admission completes it (service account volume, tolerations…). */
export function podFromTemplate(init: PodInit): NewObject {
  const tplSpec = init.template.spec;
  const tokenVolume = `kube-api-access-${init.tokenVolumeSuffix}`;
  const saMount = {
    mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    name: tokenVolume,
    readOnly: true
  };
  const withMount = (c: Record<string, unknown>) => ({
    ...c,
    volumeMounts: [...((c.volumeMounts as unknown[]) ?? []), saMount]
  });
  const volumes = [
    ...((tplSpec.volumes as unknown[]) ?? []),
    ...(init.extraVolumes ?? []),
    {
      name: tokenVolume,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
          {
            downwardAPI: {
              items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }]
            }
          }
        ]
      }
    }
  ];
  const tolerations = init.daemonSetNode
    ? [...((tplSpec.tolerations as unknown[]) ?? []), ...DAEMONSET_TOLERATIONS]
    : [...((tplSpec.tolerations as unknown[]) ?? []), ...DEFAULT_TOLERATIONS];
  const sa = (tplSpec.serviceAccountName as string) ?? 'default';
  const spec: Record<string, unknown> = {
    ...tplSpec,
    ...(init.daemonSetNode
      ? {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchFields: [{ key: 'metadata.name', operator: 'In', values: [init.daemonSetNode] }] }
                ]
              }
            }
          }
        }
      : {}),
    containers: (tplSpec.containers as Record<string, unknown>[]).map(withMount),
    enableServiceLinks: true,
    ...(init.hostname ? { hostname: init.hostname } : {}),
    ...(tplSpec.initContainers
      ? { initContainers: (tplSpec.initContainers as Record<string, unknown>[]).map(withMount) }
      : {}),
    ...(init.nodeName ? { nodeName: init.nodeName } : {}),
    preemptionPolicy: 'PreemptLowerPriority',
    priority: init.priority ?? 0,
    serviceAccount: sa,
    serviceAccountName: sa,
    ...(init.subdomain ? { subdomain: init.subdomain } : {}),
    tolerations,
    volumes
  };
  const labels = { ...(init.template.metadata?.labels ?? {}), ...(init.extraLabels ?? {}) };
  const annotations = init.template.metadata?.annotations;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: init.name,
      ...(init.generateName ? { generateName: init.generateName } : {}),
      namespace: init.namespace,
      ...(init.uid ? { uid: init.uid } : {}),
      creationTimestamp: isoTime(init.created),
      labels,
      ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
      ...(init.owner ? { ownerReferences: [init.owner] } : {})
    },
    spec,
    status: { phase: 'Pending', qosClass: qosClass(spec) }
  };
}

/** The pod's QoS class from its containers' requests and limits. */
export function qosClass(spec: Record<string, unknown>): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [
    ...((spec.containers as Record<string, unknown>[]) ?? []),
    ...((spec.initContainers as Record<string, unknown>[]) ?? [])
  ];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const r = (c.resources ?? {}) as { requests?: Record<string, string>; limits?: Record<string, string> };
    const req = r.requests ?? {};
    const lim = r.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const res of ['cpu', 'memory']) {
      if (!lim[res]) guaranteed = false;
      else if (req[res] && parseQuantity(req[res]) !== parseQuantity(lim[res])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export type PodState =
  | 'unschedulable'
  | 'scheduled'
  | 'creating'
  | 'running'
  | 'notready'
  | 'crashloop'
  | 'imagepull'
  | 'succeeded'
  | 'failed';

export interface PodStatusInit {
  state: PodState;
  rand: Random;
  /** When the pod was bound to its node (PodScheduled). */
  scheduledAt: number;
  /** When its containers (last) started. */
  startedAt?: number;
  /** When it finished (succeeded/failed) or last crashed. */
  finishedAt?: number;
  hostIP?: string;
  podIP?: string;
  restartCount?: number;
  /** The scheduler's message for an unschedulable pod. */
  message?: string;
  exitCode?: number;
  podUid?: string;
}

function condition(
  type: string,
  status: boolean | 'False' | 'True',
  time: string,
  reason?: string,
  message?: string
) {
  return {
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(message ? { message } : {}),
    ...(reason ? { reason } : {}),
    status: typeof status === 'boolean' ? (status ? 'True' : 'False') : status,
    type
  };
}

function containerStatus(
  c: Record<string, unknown>,
  init: PodStatusInit,
  index: number,
  podName: string,
  namespaceName: string
): Record<string, unknown> {
  const image = normalizeImage(c.image as string);
  const mounts = ((c.volumeMounts as Record<string, unknown>[]) ?? []).map((m) => ({
    mountPath: m.mountPath,
    name: m.name,
    ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {})
  }));
  const started = isoTime(init.startedAt ?? init.scheduledAt);
  const base = { image, imageID: imageId(c.image as string), name: c.name as string };
  const restartCount = index === 0 ? (init.restartCount ?? 0) : 0;
  const lastTerminated =
    restartCount > 0
      ? {
          terminated: {
            containerID: `containerd://${init.rand.hex(64)}`,
            exitCode: init.exitCode ?? 1,
            finishedAt: isoTime(init.finishedAt ?? init.startedAt ?? init.scheduledAt),
            reason: (init.exitCode ?? 1) === 137 ? 'OOMKilled' : 'Error',
            startedAt: isoTime((init.finishedAt ?? init.startedAt ?? init.scheduledAt) - 45_000)
          }
        }
      : {};
  switch (init.state) {
    case 'creating':
      return {
        ...base,
        image,
        imageID: '',
        lastState: {},
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ContainerCreating' } },
        volumeMounts: mounts
      };
    case 'imagepull':
      return {
        ...base,
        imageID: '',
        lastState: {},
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          waiting: {
            message: `Back-off pulling image "${c.image as string}"`,
            reason: 'ImagePullBackOff'
          }
        },
        volumeMounts: mounts
      };
    case 'crashloop':
      if (index === 0) {
        return {
          containerID: `containerd://${init.rand.hex(64)}`,
          ...base,
          lastState: lastTerminated,
          ready: false,
          restartCount,
          started: false,
          state: {
            waiting: {
              message: `back-off ${backoffText(restartCount)} restarting failed container=${base.name} pod=${podName}_${namespaceName}(${init.podUid ?? ''})`,
              reason: 'CrashLoopBackOff'
            }
          },
          volumeMounts: mounts
        };
      }
      break;
    case 'succeeded':
    case 'failed': {
      const exitCode = init.state === 'succeeded' ? 0 : (init.exitCode ?? 1);
      return {
        containerID: `containerd://${init.rand.hex(64)}`,
        ...base,
        lastState: {},
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          terminated: {
            containerID: `containerd://${init.rand.hex(64)}`,
            exitCode,
            finishedAt: isoTime(init.finishedAt ?? init.scheduledAt),
            reason: exitCode === 0 ? 'Completed' : 'Error',
            startedAt: started
          }
        },
        volumeMounts: mounts
      };
    }
  }
  const ready = init.state === 'running' || (init.state === 'crashloop' && index > 0);
  return {
    containerID: `containerd://${init.rand.hex(64)}`,
    ...base,
    lastState: lastTerminated,
    ready,
    restartCount,
    started: true,
    state: { running: { startedAt: started } },
    volumeMounts: mounts
  };
}

/** kubelet's CrashLoopBackOff delay for a restart count: 10s doubling to 5m. */
export function backoffText(restarts: number): string {
  const seconds = Math.min(300, 10 * 2 ** Math.max(0, restarts - 1));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
}

/** A complete pod status for one of the states a pod passes through. */
export function podStatus(
  pod: { metadata: Partial<KubeObject['metadata']>; spec?: Record<string, unknown> },
  init: PodStatusInit
): KubeObject['status'] {
  const spec = pod.spec ?? {};
  const qos = qosClass(spec);
  const sched = isoTime(init.scheduledAt);
  if (init.state === 'unschedulable') {
    return {
      conditions: [
        condition(
          'PodScheduled',
          false,
          sched,
          'Unschedulable',
          init.message ?? '0/3 nodes are available: 3 Insufficient cpu.'
        )
      ],
      phase: 'Pending',
      qosClass: qos
    };
  }
  if (init.state === 'scheduled') {
    return { conditions: [condition('PodScheduled', true, sched)], phase: 'Pending', qosClass: qos };
  }
  const containers = (spec.containers as Record<string, unknown>[]) ?? [];
  const names = containers.map((c) => c.name as string);
  const name = pod.metadata.name ?? '';
  const ns = pod.metadata.namespace ?? '';
  const statuses = containers.map((c, i) => containerStatus(c, init, i, name, ns));
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const hostFields = init.hostIP ? { hostIP: init.hostIP, hostIPs: [{ ip: init.hostIP }] } : {};
  const ipFields = init.podIP ? { podIP: init.podIP, podIPs: [{ ip: init.podIP }] } : {};
  const sandboxAt = isoTime(init.scheduledAt + 2000);
  let phase = 'Running';
  let ready = unready.length === 0;
  let readyReason: string | undefined = ready ? undefined : 'ContainersNotReady';
  let readyMessage: string | undefined = ready
    ? undefined
    : `containers with unready status: [${unready.join(' ')}]`;
  let sandboxReady = true;
  if (init.state === 'creating') {
    phase = 'Pending';
    sandboxReady = false;
  } else if (init.state === 'imagepull') {
    phase = 'Pending';
  } else if (init.state === 'succeeded' || init.state === 'failed') {
    phase = init.state === 'succeeded' ? 'Succeeded' : 'Failed';
    ready = false;
    sandboxReady = false;
    readyReason = init.state === 'succeeded' ? 'PodCompleted' : 'PodFailed';
    readyMessage = undefined;
  } else if (init.state === 'notready') {
    ready = false;
    readyReason = 'ContainersNotReady';
    readyMessage = `containers with unready status: [${names[0]}]`;
    for (const s of statuses.slice(0, 1)) s.ready = false;
  }
  const readyTime = isoTime(
    ready
      ? (init.startedAt ?? init.scheduledAt) + 5000
      : (init.finishedAt ?? init.startedAt ?? init.scheduledAt)
  );
  const initContainers = (spec.initContainers as Record<string, unknown>[]) ?? [];
  return {
    conditions: [
      condition('PodReadyToStartContainers', sandboxReady, sandboxAt),
      condition('Initialized', true, sandboxAt),
      condition('Ready', ready, readyTime, readyReason, readyMessage),
      condition('ContainersReady', ready, readyTime, readyReason, readyMessage),
      condition('PodScheduled', true, sched)
    ],
    containerStatuses: statuses,
    ...hostFields,
    ...(initContainers.length
      ? {
          initContainerStatuses: initContainers.map((c) => ({
            containerID: `containerd://${init.rand.hex(64)}`,
            image: normalizeImage(c.image as string),
            imageID: imageId(c.image as string),
            lastState: {},
            name: c.name,
            ready: true,
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID: `containerd://${init.rand.hex(64)}`,
                exitCode: 0,
                finishedAt: isoTime(init.scheduledAt + 4000),
                reason: 'Completed',
                startedAt: isoTime(init.scheduledAt + 3000)
              }
            }
          }))
        }
      : {}),
    phase,
    ...ipFields,
    qosClass: qos,
    startTime: sched
  };
}

/** Flips a running pod's readiness (a failing readiness probe), keeping container ids. */
export function setPodReady(pod: KubeObject, ready: boolean, now: number) {
  const t = isoTime(now);
  const statuses = (pod.status?.containerStatuses ?? []) as Record<string, unknown>[];
  if (statuses[0]) statuses[0].ready = ready;
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = unready.length === 0;
  for (const c of (pod.status?.conditions ?? []) as Record<string, unknown>[]) {
    if (c.type !== 'Ready' && c.type !== 'ContainersReady') continue;
    const status = allReady ? 'True' : 'False';
    if (c.status !== status) c.lastTransitionTime = t;
    c.status = status;
    if (allReady) {
      delete c.reason;
      delete c.message;
    } else {
      c.reason = 'ContainersNotReady';
      c.message = `containers with unready status: [${unready.join(' ')}]`;
    }
  }
}

export function podIsReady(pod: KubeObject): boolean {
  const conditions = pod.status?.conditions as { type: string; status: string }[] | undefined;
  if (!conditions) return false;
  for (const c of conditions) if (c.type === 'Ready') return c.status === 'True';
  return false;
}

/** Counted by controllers: not terminating and not finished. */
export function podIsActive(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}
