/**
 * Reading pod specs, wherever they sit: a Pod's own spec, a workload's pod template, a CronJob's
 * job template. And what a pod spec refers to by name (ConfigMaps, Secrets, PVCs, the service
 * account), for links from the Summary and the Related tab.
 */
import type { KubeObject } from '$lib/kube/types';
import type { Obj } from '../../kube/types';

/** The pod spec an object runs: Pod → spec; Deployment, ReplicaSet, StatefulSet, DaemonSet, Job → template; CronJob → job template. */
export function podSpecOf(obj: KubeObject | Obj): Obj | undefined {
  if (obj.kind === 'Pod') return obj.spec ?? undefined;
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.spec ?? undefined;
  if (obj.kind === 'PodTemplate') return obj.template?.spec ?? undefined;
  return obj.spec?.template?.spec ?? undefined;
}

/** Whether the object carries a pod spec (a Pod, a workload, a CronJob, a PodTemplate). */
export function hasPodSpec(obj: KubeObject | Obj): boolean {
  const spec = podSpecOf(obj);
  return !!spec && Array.isArray(spec.containers);
}

export type PodRefKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';

/** One object a pod spec names, and every place that names it (`volume config`, `env DB_PASSWORD of app`). */
export interface PodRef {
  kind: PodRefKind;
  name: string;
  uses: string[];
}

/** Every ConfigMap, Secret, PVC and service account a pod spec names, each once, in first-seen order. */
export function podSpecRefs(spec: Obj | undefined): PodRef[] {
  if (!spec) return [];
  const refs = new Map<string, PodRef>();
  const add = (kind: PodRefKind, name: unknown, use: string) => {
    if (typeof name !== 'string' || name === '') return;
    const key = `${kind}/${name}`;
    const ref = refs.get(key) ?? { kind, name, uses: [] };
    if (!ref.uses.includes(use)) ref.uses.push(use);
    refs.set(key, ref);
  };

  for (const v of (spec.volumes ?? []) as Obj[]) {
    const use = `volume ${v.name}`;
    if (v.configMap) add('ConfigMap', v.configMap.name, use);
    if (v.secret) add('Secret', v.secret.secretName, use);
    if (v.persistentVolumeClaim) add('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, use);
    for (const s of (v.projected?.sources ?? []) as Obj[]) {
      if (s.configMap) add('ConfigMap', s.configMap.name, use);
      if (s.secret) add('Secret', s.secret.name, use);
    }
  }
  const containers = [...((spec.initContainers ?? []) as Obj[]), ...((spec.containers ?? []) as Obj[])];
  for (const c of containers) {
    for (const e of (c.env ?? []) as Obj[]) {
      const use = `env ${e.name} of ${c.name}`;
      if (e.valueFrom?.configMapKeyRef) add('ConfigMap', e.valueFrom.configMapKeyRef.name, use);
      if (e.valueFrom?.secretKeyRef) add('Secret', e.valueFrom.secretKeyRef.name, use);
    }
    for (const e of (c.envFrom ?? []) as Obj[]) {
      const use = `envFrom of ${c.name}`;
      if (e.configMapRef) add('ConfigMap', e.configMapRef.name, use);
      if (e.secretRef) add('Secret', e.secretRef.name, use);
    }
  }
  for (const s of (spec.imagePullSecrets ?? []) as Obj[]) add('Secret', s.name, 'image pull secret');
  add('ServiceAccount', spec.serviceAccountName ?? spec.serviceAccount, 'service account');
  return [...refs.values()];
}
