/** Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs with the apiserver's defaults. */
import type { KubeObject, NewObject } from '../../kube/types';
import { templateHash } from './format';
import { meta, ownerRef, type MetaInit } from './meta';

export interface DeploymentInit extends MetaInit {
  replicas: number;
  selector: Record<string, string>;
  template: Record<string, unknown>;
  revision: number;
  strategy?: 'RollingUpdate' | 'Recreate';
}

export function deployment(d: DeploymentInit): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta({
      ...d,
      annotations: { 'deployment.kubernetes.io/revision': String(d.revision), ...(d.annotations ?? {}) }
    }),
    spec: {
      progressDeadlineSeconds: 600,
      replicas: d.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: d.selector },
      strategy:
        d.strategy === 'Recreate'
          ? { type: 'Recreate' }
          : { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: d.template
    },
    status: {}
  };
}

/** The template a ReplicaSet of a Deployment carries: the Deployment's, plus the hash label. */
export function replicaSetTemplate(template: Record<string, unknown>, hash: string): Record<string, unknown> {
  const tm = (template.metadata ?? {}) as Record<string, unknown>;
  return {
    ...template,
    metadata: {
      ...tm,
      labels: { ...((tm.labels as Record<string, string>) ?? {}), 'pod-template-hash': hash }
    }
  };
}

export interface ReplicaSetInit extends MetaInit {
  deployment: KubeObject;
  template: Record<string, unknown>; // the Deployment's template this RS was made from
  replicas: number;
  revision: number;
  /** The pod-template-hash; default: the hash of `template`. */
  hash?: string;
}

export function replicaSet(r: ReplicaSetInit): NewObject {
  const hash = r.hash ?? templateHash(r.template);
  const d = r.deployment;
  const labels = {
    ...((r.template.metadata as { labels?: Record<string, string> }).labels ?? {}),
    'pod-template-hash': hash
  };
  const desired = d.spec.replicas ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta({
      ...r,
      name: `${d.metadata.name}-${hash}`,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(desired),
        'deployment.kubernetes.io/max-replicas': String(desired + Math.ceil(desired * 0.25)),
        'deployment.kubernetes.io/revision': String(r.revision),
        ...(r.annotations ?? {})
      },
      owner: ownerRef(d)
    }),
    spec: {
      replicas: r.replicas,
      selector: { matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } },
      template: replicaSetTemplate(r.template, hash)
    },
    status: { replicas: 0 }
  };
}

export interface StatefulSetInit extends MetaInit {
  replicas: number;
  selector: Record<string, string>;
  serviceName: string;
  template: Record<string, unknown>;
  storage: string;
  storageClassName: string;
}

export function statefulSet(s: StatefulSetInit): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(s),
    spec: {
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      podManagementPolicy: 'OrderedReady',
      replicas: s.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: s.selector },
      serviceName: s.serviceName,
      template: s.template,
      updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { creationTimestamp: null, name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: s.storage } },
            storageClassName: s.storageClassName,
            volumeMode: 'Filesystem'
          },
          status: { phase: 'Pending' }
        }
      ]
    },
    status: {}
  };
}

/** `controller-revision-hash` value of a StatefulSet or DaemonSet revision. */
export function revisionName(owner: { metadata: { name?: string } }, template: unknown): string {
  return `${owner.metadata.name}-${templateHash(template)}`;
}

export interface DaemonSetInit extends MetaInit {
  selector: Record<string, string>;
  template: Record<string, unknown>;
}

export function daemonSet(d: DaemonSetInit): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta({
      ...d,
      annotations: { 'deprecated.daemonset.template.generation': '1', ...(d.annotations ?? {}) }
    }),
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: d.selector },
      template: d.template,
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' }
    },
    status: {}
  };
}

export interface JobInit extends MetaInit {
  template: Record<string, unknown>; // pod template without the job labels
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  ttlSecondsAfterFinished?: number;
  uid: string;
}

/** Labels the Job controller puts on its selector and pod template (they embed the Job's uid). */
export function jobPodLabels(name: string, uid: string): Record<string, string> {
  return {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name
  };
}

/**
 * A Job. Its selector and pod labels embed its uid, which only the server assigns: pass `uid: ''` to
 * create the Job first, then set them from the stored uid (see `labelJob` in controllers.ts).
 */
export function job(j: JobInit): NewObject {
  const tm = (j.template.metadata ?? {}) as Record<string, unknown>;
  const nameLabels = { 'batch.kubernetes.io/job-name': j.name, 'job-name': j.name };
  const podLabels = j.uid ? jobPodLabels(j.name, j.uid) : nameLabels;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta({ ...j, uid: undefined, labels: { ...(j.labels ?? {}), ...podLabels } }),
    spec: {
      backoffLimit: j.backoffLimit ?? 6,
      completionMode: 'NonIndexed',
      completions: j.completions ?? 1,
      manualSelector: false,
      parallelism: j.parallelism ?? 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      ...(j.uid ? { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': j.uid } } } : {}),
      suspend: false,
      ...(j.ttlSecondsAfterFinished !== undefined
        ? { ttlSecondsAfterFinished: j.ttlSecondsAfterFinished }
        : {}),
      template: {
        ...j.template,
        metadata: { ...tm, labels: { ...((tm.labels as Record<string, string>) ?? {}), ...podLabels } }
      }
    },
    status: {}
  };
}

export interface CronJobInit extends MetaInit {
  schedule: string;
  template: Record<string, unknown>;
  timeZone?: string;
}

export function cronJob(c: CronJobInit): NewObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(c),
    spec: {
      concurrencyPolicy: 'Forbid',
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { creationTimestamp: null },
        spec: { backoffLimit: 2, template: c.template }
      },
      schedule: c.schedule,
      successfulJobsHistoryLimit: 3,
      suspend: false,
      ...(c.timeZone ? { timeZone: c.timeZone } : {})
    },
    status: {}
  };
}
