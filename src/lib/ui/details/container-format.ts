import type { Obj } from '../../kube/types';
/** Containers as `kubectl describe` puts them in words: state, probes, ports, resources. */

export interface StateText {
  /** `Running`, `Waiting`, `Terminated`. */
  state: string;
  /** The reason (`CrashLoopBackOff`, `OOMKilled`, `Completed`) or '' when there is none. */
  reason: string;
  /** Exit code, message, since when. */
  detail: string;
  /** When it entered that state (ISO), for an age. */
  since?: string;
}

/** The `state` or `lastState` of a container status, in words; undefined when there is none. */
export function containerState(state: Obj | undefined): StateText | undefined {
  if (!state) return undefined;
  if (state.running)
    return { state: 'Running', reason: '', detail: '', since: state.running.startedAt ?? undefined };
  if (state.waiting)
    return { state: 'Waiting', reason: state.waiting.reason ?? '', detail: state.waiting.message ?? '' };
  if (state.terminated) {
    const t: Obj = state.terminated;
    const parts = [`exit code ${t.exitCode ?? '?'}`];
    if (t.signal) parts.push(`signal ${t.signal}`);
    if (t.message) parts.push(t.message);
    return {
      state: 'Terminated',
      reason: t.reason ?? '',
      detail: parts.join(', '),
      since: t.finishedAt ?? undefined
    };
  }
  return undefined;
}

function portOf(port: unknown): string {
  return port === undefined || port === null ? '' : `:${String(port)}`;
}

/** The action of a probe or lifecycle hook: `http-get http://:8080/healthz`, `tcp-socket :5432`, `exec [cat /tmp/ready]`. */
export function handlerText(h: Obj | undefined): string {
  if (!h) return '';
  if (h.httpGet) {
    const g: Obj = h.httpGet;
    const scheme = String(g.scheme ?? 'HTTP').toLowerCase();
    return `http-get ${scheme}://${g.host ?? ''}${portOf(g.port)}${g.path ?? '/'}`;
  }
  if (h.tcpSocket) return `tcp-socket ${h.tcpSocket.host ?? ''}${portOf(h.tcpSocket.port)}`;
  if (h.grpc) return `grpc ${portOf(h.grpc.port)}${h.grpc.service ? ` service=${h.grpc.service}` : ''}`;
  if (h.exec) return `exec ${JSON.stringify(h.exec.command ?? [])}`;
  if (h.sleep) return `sleep ${h.sleep.seconds}s`;
  return '';
}

/** A probe as kubectl describes it: the action, then `delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function probeText(p: Obj | undefined): string {
  if (!p) return '';
  const timing = [
    `delay=${p.initialDelaySeconds ?? 0}s`,
    `timeout=${p.timeoutSeconds ?? 1}s`,
    `period=${p.periodSeconds ?? 10}s`,
    `#success=${p.successThreshold ?? 1}`,
    `#failure=${p.failureThreshold ?? 3}`
  ];
  return `${handlerText(p)} ${timing.join(' ')}`;
}

/** `http 8080/TCP`, `9090/UDP (host 9090)`. */
export function portText(p: Obj): string {
  const base = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
  const named = p.name ? `${p.name} ${base}` : base;
  return p.hostPort ? `${named} (host ${p.hostPort})` : named;
}

/** `cpu 100m, memory 128Mi`; '' when none. */
export function resourceText(r: Obj | undefined): string {
  if (!r) return '';
  return Object.entries(r)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}
