/**
 * The pod table's row: the few fields the list shows, projected from a full Pod in the worker so
 * the main thread never receives whole objects.
 */
import type { KubeObject } from '../sim/types';
import type { ReflectorStore } from './reflector';
import type { RowFeed } from './rows';

export interface PodRow {
  /** `<cluster>/<namespace>/<name>` */
  key: string;
  cluster: string;
  namespace: string;
  name: string;
  phase: string;
  node: string;
  restarts: number;
}

interface ContainerStatus {
  restartCount?: number;
}

export function podKey(cluster: string, pod: KubeObject): string {
  return `${cluster}/${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

export function podRow(cluster: string, pod: KubeObject): PodRow {
  const statuses: ContainerStatus[] = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? [])
  ];
  return {
    key: podKey(cluster, pod),
    cluster,
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name,
    phase: pod.status?.phase ?? 'Unknown',
    node: pod.spec?.nodeName ?? '',
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0)
  };
}

/** A Reflector store that keeps one cluster's pods in `feed` as rows. */
export function podRowStore(cluster: string, feed: RowFeed<PodRow>): ReflectorStore {
  return {
    replace(pods) {
      feed.replace(
        `${cluster}/`,
        pods.map((pod) => podRow(cluster, pod))
      );
    },
    upsert(pod) {
      feed.upsert(podRow(cluster, pod));
    },
    remove(pod) {
      feed.delete(podKey(cluster, pod));
    }
  };
}
