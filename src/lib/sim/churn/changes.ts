/**
 * What the churn writes, as functions of their inputs: the Events the usual components report about a
 * pod, a container crashing (or coming back from CrashLoopBackOff), and a one-off Job. Each draws from
 * the churn's seeded random source in a fixed order, so a seed still gives the same changes.
 */
import type { EventInput } from '../controllers';
import * as k from '../objects';
import type { Random } from '../random';
import type { KubeObject, NewObject } from '../../kube/types';

/** An Event about a running pod from the kubelet or the scheduler, picked by how often each is seen. */
export function podEvent(pod: KubeObject, total: number, rand: Random): EventInput {
  const c0 = pod.spec.containers?.[0] ?? { name: 'app', image: 'unknown' };
  const node = pod.spec.nodeName as string | undefined;
  const fieldPath = `spec.containers{${c0.name}}`;
  const kubelet = (reason: string, message: string, type: EventInput['type'] = 'Normal'): EventInput => ({
    involved: pod,
    reason,
    message,
    type,
    component: 'kubelet',
    host: node,
    fieldPath
  });
  const scheduler = (reason: string, message: string, type: EventInput['type']): EventInput => ({
    involved: pod,
    reason,
    message,
    type,
    component: 'default-scheduler'
  });
  const choices: [() => EventInput, number][] = [
    [() => kubelet('Pulled', `Container image "${c0.image}" already present on machine`), 5],
    [
      () =>
        scheduler(
          'Scheduled',
          `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`,
          'Normal'
        ),
      3
    ],
    [() => kubelet('Created', `Created container ${c0.name}`), 2],
    [() => kubelet('Started', `Started container ${c0.name}`), 2],
    [() => kubelet('Killing', `Stopping container ${c0.name}`), 2],
    [
      () =>
        kubelet(
          'Unhealthy',
          `Liveness probe failed: Get "http://${pod.status?.podIP}:8080/healthz/live": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          'Warning'
        ),
      3
    ],
    [() => kubelet('BackOff', `Back-off pulling image "${c0.image}"`, 'Warning'), 1],
    [
      () =>
        scheduler(
          'FailedScheduling',
          `0/${total} nodes are available: ${Math.max(1, total - 2)} Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/${total} nodes are available: 2 Preemption is not helpful for scheduling, ${Math.max(1, total - 2)} No preemption victims found for incoming pod.`,
          'Warning'
        ),
      1
    ]
  ];
  const make = rand.weighted(choices);
  return make();
}

/**
 * A container exits (restartCount grows, CrashLoopBackOff), or one in back-off runs again: `waiting`
 * says which. Changes the pod copy `c` in place.
 */
export function crashOrRestart(c: KubeObject, waiting: boolean, exitCode: number, now: number, rand: Random) {
  const s = c.status.containerStatuses[0];
  if (waiting) {
    // Back-off over: the container runs again (and may stay up).
    s.state = { running: { startedAt: k.isoTime(now) } };
    s.started = true;
    s.ready = false;
    s.containerID = `containerd://${rand.hex(64)}`;
  } else {
    const startedAt = s.state?.running?.startedAt ?? k.isoTime(now - 60_000);
    s.lastState = {
      terminated: {
        containerID: s.containerID,
        exitCode,
        finishedAt: k.isoTime(now),
        reason: exitCode === 137 ? 'OOMKilled' : 'Error',
        startedAt
      }
    };
    s.restartCount = (s.restartCount ?? 0) + 1;
    s.ready = false;
    s.started = false;
    s.state = {
      waiting: {
        message: `back-off ${k.backoffText(s.restartCount)} restarting failed container=${s.name} pod=${c.metadata.name}_${c.metadata.namespace}(${c.metadata.uid})`,
        reason: 'CrashLoopBackOff'
      }
    };
  }
}

/** A one-off Job in `ns` (data export, reindex…), as `kubectl create job` would send it. */
export function oneOffJob(ns: string, now: number, rand: Random): { name: string; draft: NewObject } {
  const kind = rand.pick(['data-export', 'reindex', 'cache-flush', 'report', 'db-migrate']);
  const name = `${kind}-${rand.suffix(5)}`;
  const labels = { 'app.kubernetes.io/name': kind, 'app.kubernetes.io/part-of': ns };
  const template = k.podTemplate({
    labels,
    containers: [
      {
        name: kind,
        image: `registry.acme.io/${ns.split('-')[0]}/${kind}:1.${rand.int(0, 9)}.${rand.int(0, 20)}`,
        args: [kind, `--namespace=${ns}`],
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { memory: '256Mi' }
      }
    ],
    restartPolicy: 'Never'
  });
  const draft = k.job({
    name,
    namespace: ns,
    created: now,
    labels,
    template,
    backoffLimit: 2,
    ttlSecondsAfterFinished: 300,
    uid: ''
  });
  return { name, draft };
}
