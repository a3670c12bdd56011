/**
 * What a logs page reads: the kinds that have logs (a pod, or a workload whose pods are merged),
 * the containers to choose from, and a workload's pods as a label selector.
 */
import { builtinResource } from '../kinds/catalog';
import type { KubeObject } from '../kube/types';
import type { ResourceRef } from '../kube/types';

export const PODS = builtinResource('pods');

/** Kind ids (as in URLs) that have logs: a pod's own, or its pods' for a workload. */
export const LOG_KINDS: Record<string, ResourceRef> = {
  pods: PODS,
  'deployments.apps': builtinResource('deployments.apps'),
  'statefulsets.apps': builtinResource('statefulsets.apps'),
  'daemonsets.apps': builtinResource('daemonsets.apps'),
  'replicasets.apps': builtinResource('replicasets.apps'),
  'jobs.batch': builtinResource('jobs.batch'),
  replicationcontrollers: {
    group: '',
    version: 'v1',
    plural: 'replicationcontrollers',
    kind: 'ReplicationController',
    namespaced: true
  }
};

/** At most this many pods of a workload are followed at once. */
export const MAX_WORKLOAD_PODS = 20;

export type ContainerKind = 'init' | 'container' | 'ephemeral';

export interface ContainerChoice {
  name: string;
  kind: ContainerKind;
}

interface PodSpecLike {
  initContainers?: { name: string }[];
  containers?: { name: string }[];
  ephemeralContainers?: { name: string }[];
}

/** The pod spec of a pod, or the pod template's of a workload. */
function podSpecOf(object: KubeObject): PodSpecLike | undefined {
  if (object.kind === 'Pod') return object.spec as PodSpecLike | undefined;
  return (object.spec?.template?.spec as PodSpecLike | undefined) ?? undefined;
}

/** Every container of a pod (or a workload's template): init containers first, as the pod runs them. */
export function containersOf(object: KubeObject | null | undefined): ContainerChoice[] {
  const spec = object ? podSpecOf(object) : undefined;
  if (!spec) return [];
  return [
    ...(spec.initContainers ?? []).map((c) => ({ name: c.name, kind: 'init' as const })),
    ...(spec.containers ?? []).map((c) => ({ name: c.name, kind: 'container' as const })),
    ...(spec.ephemeralContainers ?? []).map((c) => ({ name: c.name, kind: 'ephemeral' as const }))
  ];
}

const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

/** The container kubectl would pick: the annotated default, else the first regular container. */
export function defaultContainer(object: KubeObject | null | undefined): string | undefined {
  if (!object) return undefined;
  const annotations =
    object.kind === 'Pod'
      ? object.metadata.annotations
      : (object.spec?.template?.metadata?.annotations as Record<string, string> | undefined);
  const all = containersOf(object);
  const annotated = annotations?.[DEFAULT_CONTAINER];
  if (annotated && all.some((c) => c.name === annotated)) return annotated;
  return all.find((c) => c.kind === 'container')?.name ?? all[0]?.name;
}

interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * A workload's `spec.selector` in the label selector syntax of list requests; undefined when it
 * has none or it cannot be written (an empty selector would select every pod: never that).
 */
export function selectorString(
  selector: LabelSelectorLike | Record<string, string> | undefined | null
): string | undefined {
  if (!selector) return undefined;
  // A ReplicationController's selector is a plain map of labels.
  if (!('matchLabels' in selector) && !('matchExpressions' in selector))
    selector = { matchLabels: selector as Record<string, string> };
  const terms = Object.entries((selector as LabelSelectorLike).matchLabels ?? {}).map(
    ([k, v]) => `${k}=${v}`
  );
  for (const e of (selector as LabelSelectorLike).matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
    else return undefined;
  }
  return terms.length ? terms.join(',') : undefined;
}
