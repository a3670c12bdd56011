/** Policy, autoscaling, scheduling and admission: HPAs, quotas, limits, budgets, priorities, webhooks. */
import type { KubeObject, NewObject } from '../../kube/types';
import { isoTime } from './format';
import { meta, type MetaInit } from './meta';

export interface HpaInit extends MetaInit {
  target: KubeObject | NewObject;
  minReplicas: number;
  maxReplicas: number;
  cpuTarget: number;
  cpuCurrent: number;
  memoryTarget?: number;
  memoryCurrent?: number;
  currentReplicas: number;
  lastScale?: number;
}

export function horizontalPodAutoscaler(h: HpaInit): NewObject {
  const t = isoTime(h.lastScale ?? h.created);
  const limited = h.currentReplicas >= h.maxReplicas || h.currentReplicas <= h.minReplicas;
  const metrics: Record<string, unknown>[] = [
    {
      resource: { name: 'cpu', target: { averageUtilization: h.cpuTarget, type: 'Utilization' } },
      type: 'Resource'
    }
  ];
  const current: Record<string, unknown>[] = [
    {
      resource: {
        current: { averageUtilization: h.cpuCurrent, averageValue: `${h.cpuCurrent * 2}m` },
        name: 'cpu'
      },
      type: 'Resource'
    }
  ];
  if (h.memoryTarget !== undefined) {
    metrics.push({
      resource: { name: 'memory', target: { averageUtilization: h.memoryTarget, type: 'Utilization' } },
      type: 'Resource'
    });
    current.push({
      resource: {
        current: {
          averageUtilization: h.memoryCurrent ?? 50,
          averageValue: `${(h.memoryCurrent ?? 50) * 2 + 17}Mi`
        },
        name: 'memory'
      },
      type: 'Resource'
    });
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(h),
    spec: {
      maxReplicas: h.maxReplicas,
      metrics,
      minReplicas: h.minReplicas,
      scaleTargetRef: { apiVersion: h.target.apiVersion, kind: h.target.kind, name: h.target.metadata.name }
    },
    status: {
      conditions: [
        {
          lastTransitionTime: t,
          message: 'recommended size matches current size',
          reason: 'ReadyForNewScale',
          status: 'True',
          type: 'AbleToScale'
        },
        {
          lastTransitionTime: t,
          message:
            'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
          reason: 'ValidMetricFound',
          status: 'True',
          type: 'ScalingActive'
        },
        limited
          ? {
              lastTransitionTime: t,
              message: 'the desired replica count is less than the minimum replica count',
              reason: 'TooFewReplicas',
              status: 'True',
              type: 'ScalingLimited'
            }
          : {
              lastTransitionTime: t,
              message: 'the desired count is within the acceptable range',
              reason: 'DesiredWithinRange',
              status: 'False',
              type: 'ScalingLimited'
            }
      ],
      currentMetrics: current,
      currentReplicas: h.currentReplicas,
      desiredReplicas: h.currentReplicas,
      ...(h.lastScale ? { lastScaleTime: t } : {})
    }
  };
}

export function resourceQuota(
  m: MetaInit,
  hard: Record<string, string>,
  used: Record<string, string>
): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta(m),
    spec: { hard },
    status: { hard, used }
  };
}

export function limitRange(m: MetaInit): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta(m),
    spec: {
      limits: [
        {
          default: { cpu: '500m', memory: '512Mi' },
          defaultRequest: { cpu: '100m', memory: '128Mi' },
          max: { cpu: '4', memory: '8Gi' },
          maxLimitRequestRatio: { cpu: '10' },
          type: 'Container'
        },
        { max: { storage: '200Gi' }, min: { storage: '1Gi' }, type: 'PersistentVolumeClaim' }
      ]
    }
  };
}

export function podDisruptionBudget(
  m: MetaInit,
  selector: Record<string, string>,
  budget: { minAvailable?: number | string; maxUnavailable?: number | string }
): NewObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(m),
    spec: { ...budget, selector: { matchLabels: selector } },
    status: {}
  };
}

export function priorityClass(
  name: string,
  value: number,
  created: number,
  description: string,
  globalDefault = false
): NewObject {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name, creationTimestamp: isoTime(created) },
    description,
    globalDefault,
    preemptionPolicy: 'PreemptLowerPriority',
    value
  };
}

export interface WebhookInit {
  name: string;
  service: { name: string; namespace: string; path: string };
  rules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
  caBundle: string;
  failurePolicy?: 'Fail' | 'Ignore';
  namespaceSelector?: Record<string, unknown>;
}

export function webhookConfiguration(
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration',
  name: string,
  created: number,
  webhooks: WebhookInit[],
  labels?: Record<string, string>
): NewObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name, creationTimestamp: isoTime(created), ...(labels ? { labels } : {}) },
    webhooks: webhooks.map((w) => ({
      admissionReviewVersions: ['v1'],
      clientConfig: {
        caBundle: w.caBundle,
        service: { name: w.service.name, namespace: w.service.namespace, path: w.service.path, port: 443 }
      },
      failurePolicy: w.failurePolicy ?? 'Fail',
      matchPolicy: 'Equivalent',
      name: w.name,
      namespaceSelector: w.namespaceSelector ?? {},
      objectSelector: {},
      ...(kind === 'MutatingWebhookConfiguration' ? { reinvocationPolicy: 'Never' } : {}),
      rules: w.rules.map((r) => ({ ...r, scope: '*' })),
      sideEffects: 'None',
      timeoutSeconds: 10
    }))
  };
}
