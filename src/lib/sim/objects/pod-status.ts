/**
 * Pod statuses as the kubelet writes them, for each state a pod passes through (unschedulable,
 * creating, running, crash-looping, finished…): conditions, container statuses and the QoS class.
 */
import type { Random } from '../random';
import type { KubeObject } from '../../kube/types';
import { imageId, isoTime, normalizeImage, parseQuantity } from './format';

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
