/** Following a log (`follow=true`): the lines written since the last look, until the instance exits. */
import type { KubeObject } from '../../kube/types';
import { collect, instanceFor, instanceFrom, resolveLogContainer, type ContainerState } from './instance';
import { encoder, initialLines, limitText, render, sinceOf } from './read';
import type { Instance, Line, LogOptions } from './types';

/**
 * A `follow=true` stream, driven by whoever owns the clock: `start` gives the initial text,
 * each `poll(now, pod)` the lines written since. `done` once the followed instance has exited,
 * the pod is gone, or limitBytes is reached.
 */
export class LogFollower {
  readonly container: string;
  done = false;
  private inst: Instance | undefined;
  private cursor: Line = { t: -Infinity, nanos: 0, text: '' };
  private bytes = 0;

  constructor(
    pod: KubeObject,
    container: string | undefined,
    private readonly opts: LogOptions
  ) {
    this.container = resolveLogContainer(pod, container);
    this.inst = instanceFor(pod, this.container, !!opts.previous);
  }

  /** The text a follow request answers with first. */
  start(now: number): string {
    if (!this.inst) {
      this.done = true;
      return '';
    }
    const lines = initialLines(this.inst, this.opts, now);
    // Nothing was selected (tailLines=0, or since excluded all): continue with what comes after now,
    // or after a sinceTime still to come (lines before it are never served, followed or not).
    const since = sinceOf(this.opts, now);
    this.cursor =
      lines[lines.length - 1] ??
      (since.ms > now
        ? { t: since.ms, nanos: since.nanos - 1, text: '' }
        : { t: now, nanos: 999_999, text: '' });
    return this.emit(lines, now);
  }

  /** New text since the last call. Pass the pod as it is now (null once deleted) to notice its exit. */
  poll(now: number, pod?: KubeObject | null): string {
    if (this.done || !this.inst) return '';
    if (pod === null) {
      this.done = true;
      return '';
    }
    if (pod) this.refresh(pod, now);
    const c = this.cursor;
    const lines = collect(this.inst, c.t, now).filter((l) => l.t > c.t || (l.t === c.t && l.nanos > c.nanos));
    if (lines.length > 0) this.cursor = lines[lines.length - 1];
    return this.emit(lines, now);
  }

  /** Once the followed instance has exited, learn when and how, so the stream ends after its last line. */
  private refresh(pod: KubeObject, now: number) {
    const inst = this.inst!;
    if (inst.end !== undefined) return;
    const status = pod.status ?? {};
    const cs = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find(
      (s: { name: string }) => s.name === this.container
    );
    const same = (s: ContainerState | undefined): s is ContainerState =>
      !!s && Date.parse(s.startedAt ?? '') === inst.start;
    if (same(cs?.state?.running)) return;
    const ended = [cs?.state?.terminated, cs?.lastState?.terminated].find(same);
    this.inst = ended
      ? { ...instanceFrom(pod, this.container, inst.index, ended, false), seed: inst.seed, style: inst.style }
      : { ...inst, end: now, ending: 'oom' }; // replaced without a record of its exit: stop here
  }

  private emit(lines: Line[], now: number): string {
    let text = lines.map((l) => `${render(l, this.opts.timestamps)}\n`).join('');
    const limit = this.opts.limitBytes;
    if (limit !== undefined && limit > 0 && encoder.encode(text).length >= limit - this.bytes) {
      text = limitText(text, limit - this.bytes);
      this.done = true;
    }
    this.bytes += encoder.encode(text).length;
    if (this.inst?.end !== undefined && now >= this.inst.end) this.done = true;
    return text;
  }
}

export interface FollowHooks {
  /** The pod as it is now (null or undefined once deleted), to notice the container exit. */
  getPod?: () => KubeObject | null | undefined;
  /** Called once when the stream ends by itself (container exited, pod gone, limitBytes reached). */
  onEnd?: () => void;
}

/**
 * `kubectl logs -f` after the initial text (from logLines at the same `now`): every `intervalMs`
 * hands each line written since to `onLine` (without "\n"). Returns a function that stops it.
 */
export function followLogs(
  pod: KubeObject,
  container: string | undefined,
  opts: LogOptions,
  clock: { now(): number },
  intervalMs: number,
  onLine: (line: string) => void,
  hooks: FollowHooks = {}
): () => void {
  const follower = new LogFollower(pod, container, { ...opts, tailLines: 0 });
  follower.start(clock.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const tick = () => {
    const current = hooks.getPod ? (hooks.getPod() ?? null) : undefined;
    const text = follower.poll(clock.now(), current);
    for (const line of text.split('\n').slice(0, -1)) onLine(line);
    if (follower.done) {
      stop();
      hooks.onEnd?.();
    }
  };
  if (follower.done) hooks.onEnd?.();
  else timer = setInterval(tick, intervalMs);
  return stop;
}
