/**
 * Pods as their controllers create them and admission completes them (service account token volume,
 * default tolerations, priority), and the predicates controllers count pods by. The templates they
 * come from (pod-template.ts) and the statuses the kubelet writes (pod-status.ts) are re-exported
 * here, so `./pods` stays the one place to import pods from.
 */
import type { KubeObject, NewObject, OwnerReference } from '../../kube/types';
import { isoTime } from './format';
import { qosClass } from './pod-status';

export * from './pod-template';
export * from './pod-status';

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

/** Whether the pod's Ready condition is True (what Services and budgets count). */
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
