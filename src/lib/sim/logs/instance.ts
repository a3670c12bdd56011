/**
 * Container instances and their lines. A container instance (pod uid, container, restart number) is
 * read from the pod's status as the kubelet would choose it; its lines are a pure function of the
 * instance and the time slot, so any window is computed without replaying the whole life.
 * Errors follow the apiserver (container name validation) and the kubelet (container state).
 */
import { ApiError, type KubeObject } from '../../kube/types';
import { hashOf } from '../random';
import { regular, styleOf } from './apps';
import { completion, crashReport, startup } from './banners';
import { rng } from './formats';
import { CRASH_MS, ROTATE_MS, SLOT_MS, STARTUP_MS, type Ending, type Instance, type Line } from './types';

// ---- the lines of an instance ----------------------------------------------------------------------

const sub = (seed: number, ...k: (string | number)[]) => hashOf(seed, ...k) % 1_000_000;

function startupLines(inst: Instance): Line[] {
  return startup[inst.style].map((line, k) => {
    const t = inst.start + 12 + k * 37;
    const nanos = sub(inst.seed, 's', k);
    return { t, nanos, text: line(t, inst) };
  });
}

function endingLines(inst: Instance): Line[] {
  if (inst.end === undefined) return [];
  const t0 = inst.end - CRASH_MS + 5;
  if (inst.ending === 'crash') {
    return crashReport[inst.style](inst, t0).map((text, k) => ({
      t: t0 + k,
      nanos: sub(inst.seed, 'c', k),
      text
    }));
  }
  if (inst.ending === 'completed')
    return [{ t: t0, nanos: sub(inst.seed, 'c'), text: completion[inst.style](t0) }];
  return []; // OOM-killed: the process had no chance to say anything
}

function slotLines(inst: Instance, j: number): Line[] {
  const slotStart = inst.start + STARTUP_MS + j * SLOT_MS;
  const h = hashOf(inst.seed, 'slot', j);
  const count = 1 + (h % 3);
  const offsets = Array.from({ length: count }, (_, k) => hashOf(h, k) % SLOT_MS).sort((a, b) => a - b);
  return offsets.map((off, k) => {
    const t = slotStart + off;
    const nanos = sub(h, 'n', k);
    return { t, nanos, text: regular[inst.style](rng(hashOf(h, 'line', k)), t, nanos, inst) };
  });
}

/** Lines with `from <= t <= to`, ascending; with `limit`, only the last `limit` of them. */
export function collect(inst: Instance, from: number, to: number, limit = Infinity): Line[] {
  const out: Line[] = []; // built newest first
  const upto = Math.min(to, inst.end ?? Infinity);
  const within = (l: Line) => l.t >= from && l.t <= upto;
  const push = (lines: Line[]) => {
    for (let k = lines.length - 1; k >= 0 && out.length < limit; k--)
      if (within(lines[k])) out.push(lines[k]);
  };
  push(endingLines(inst));
  // regular lines stop where the ending (crash report, shutdown line) begins
  const regularLimit = inst.end === undefined ? Infinity : inst.end - CRASH_MS;
  const lastSlot = Math.floor((Math.min(upto, regularLimit) - inst.start - STARTUP_MS) / SLOT_MS);
  const firstSlot = Math.max(0, Math.floor((from - inst.start - STARTUP_MS) / SLOT_MS));
  for (let j = lastSlot; j >= firstSlot && out.length < limit; j--) {
    push(slotLines(inst, j).filter((l) => l.t < regularLimit));
  }
  if (from < inst.start + STARTUP_MS) push(startupLines(inst));
  return out.reverse();
}

/** Where the served log file starts: the last rotation before `to`. */
export function rotationStart(inst: Instance, to: number): number {
  const lived = Math.max(0, Math.min(to, inst.end ?? to) - inst.start);
  return inst.start + Math.floor(lived / ROTATE_MS) * ROTATE_MS;
}

// ---- container and instance resolution -------------------------------------------------------------

function containerNames(pod: KubeObject): string[] {
  const spec = pod.spec ?? {};
  return [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? [])
  ].map((c: { name: string }) => c.name);
}

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** The container a log request is for: the only one, or the named one (apiserver validateContainer). */
export function resolveLogContainer(pod: KubeObject, container?: string): string {
  const name = pod.metadata.name;
  if (!container) {
    const containers: { name: string }[] = pod.spec?.containers ?? [];
    if (containers.length === 1) return containers[0].name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containerNames(pod).join(' ')}]`
    );
  }
  if (!containerNames(pod).includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

export interface ContainerState {
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
}

export function instanceFrom(
  pod: KubeObject,
  name: string,
  index: number,
  state: ContainerState,
  running: boolean
): Instance {
  const spec = pod.spec ?? {};
  const c = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? [])
  ].find((x: { name: string }) => x.name === name);
  const seed = hashOf(pod.metadata.uid, name, index);
  const start = Date.parse(state.startedAt ?? pod.status?.startTime ?? pod.metadata.creationTimestamp);
  let ending: Ending = 'running';
  if (!running) {
    if ((state.exitCode ?? 0) === 0) ending = 'completed';
    else ending = state.reason === 'OOMKilled' || state.exitCode === 137 ? 'oom' : 'crash';
  }
  const end = running ? undefined : Math.max(start, Date.parse(state.finishedAt ?? '') || start);
  return {
    pod: pod.metadata.name,
    index,
    container: name,
    seed,
    start,
    end,
    ending,
    style: styleOf(c?.image ?? '', name, seed),
    podIP: pod.status?.podIP ?? ''
  };
}

/**
 * The container instance whose log a request reads, chosen as the kubelet does
 * (validateContainerLogStatus); undefined when the pod has no node yet (the server answers empty).
 */
export function instanceFor(pod: KubeObject, name: string, previous: boolean): Instance | undefined {
  if (!pod.spec?.nodeName) return undefined;
  const status = pod.status ?? {};
  const all = [
    ...(status.containerStatuses ?? []),
    ...(status.initContainerStatuses ?? []),
    ...(status.ephemeralContainerStatuses ?? [])
  ];
  const cs = all.find((s: { name: string }) => s.name === name);
  const podName = pod.metadata.name;
  if (!cs) throw badRequest(`container "${name}" in pod "${podName}" is not available`);
  const restarts: number = cs.restartCount ?? 0;
  const last: ContainerState | undefined = cs.lastState?.terminated;
  const state = cs.state ?? {};
  const fromLast = () => instanceFrom(pod, name, Math.max(0, restarts - 1), last!, false);
  if (previous) {
    if (!last) throw badRequest(`previous terminated container "${name}" in pod "${podName}" not found`);
    return fromLast();
  }
  if (state.running) return instanceFrom(pod, name, restarts, state.running, true);
  if (state.terminated) return instanceFrom(pod, name, restarts, state.terminated, false);
  if (last) return fromLast();
  const reason: string | undefined = state.waiting?.reason;
  if (reason === 'ErrImagePull')
    throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: image can't be pulled`);
  if (reason === 'ImagePullBackOff') {
    throw badRequest(
      `container "${name}" in pod "${podName}" is waiting to start: trying and failing to pull image`
    );
  }
  if (reason) throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${reason}`);
  throw badRequest(`container "${name}" in pod "${podName}" is waiting to start - no logs yet`);
}
