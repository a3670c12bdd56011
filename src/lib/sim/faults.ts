/**
 * Fault injection for the simulated API: the failures a dashboard meets behind real proxies.
 * A fault is armed once (or `times` times) for the next request that matches it, or on a schedule.
 * Response faults replace the answer; stream faults strike a watch after some events.
 */

export type ResponseFaultKind = 'status' | 'html' | 'compact';
export type StreamFaultKind = 'cut' | 'stall' | 'malformed' | 'error410' | 'duplicate' | 'replay';
export type FaultKind = ResponseFaultKind | StreamFaultKind;

export interface Fault {
  kind: FaultKind;
  /** Only requests whose path (without query) contains this, e.g. `/pods`. */
  path?: string;
  /** Only watch requests (true), only non-watch requests (false), or both. */
  watch?: boolean;
  /** For `status`: the HTTP status (429, 500, 503, 504…). */
  status?: number;
  /** For `status` 429/503/504: the Retry-After header in seconds. */
  retryAfterSeconds?: number;
  /** For stream faults: strike after this many events were sent on the stream (default 0). */
  afterEvents?: number;
  /** For `replay`: how many already-sent events to send again (default 5). */
  count?: number;
  /** How many requests the fault hits before it disarms (default 1). */
  times?: number;
  /**
   * A stream fault that may also strike a watch that is already open (a proxy dropping an
   * established stream), counting `afterEvents` from the moment it is armed. Default: only a new
   * watch request meets it.
   */
  live?: boolean;
}

export const STREAM_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'cut',
  'stall',
  'malformed',
  'error410',
  'duplicate',
  'replay'
]);

interface Armed extends Fault {
  left: number;
}

export class Faults {
  private armed: Armed[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];
  /** Every fault that struck, newest last (tests and the sim server log read it). */
  readonly struck: { kind: FaultKind; path: string }[] = [];

  /** Arm a fault for the next matching request(s). */
  add(fault: Fault): void {
    this.armed.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Arm the fault again every `everyMs` (one pending copy at a time). */
  schedule(fault: Fault, everyMs: number): void {
    this.timers.push(
      setInterval(() => {
        if (!this.armed.some((a) => a.kind === fault.kind && a.path === fault.path)) this.add(fault);
      }, everyMs)
    );
  }

  clear(): void {
    this.armed = [];
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  pending(): number {
    return this.armed.length;
  }

  /** The fault this request meets, if any; disarms it when used up. */
  take(path: string, isWatch: boolean): Fault | undefined {
    return this.takeWhere(
      (a) =>
        (a.path === undefined || path.includes(a.path)) &&
        (a.watch === undefined || a.watch === isWatch) &&
        (isWatch || !STREAM_FAULTS.has(a.kind)),
      path
    );
  }

  /** A `live` stream fault for a watch of `path` that is already open, if one is armed. */
  takeLive(path: string): Fault | undefined {
    if (this.armed.length === 0) return undefined;
    return this.takeWhere(
      (a) => !!a.live && STREAM_FAULTS.has(a.kind) && (a.path === undefined || path.includes(a.path)),
      path
    );
  }

  private takeWhere(match: (a: Armed) => boolean, path: string): Fault | undefined {
    const i = this.armed.findIndex(match);
    if (i < 0) return undefined;
    const a = this.armed[i];
    if (--a.left <= 0) this.armed.splice(i, 1);
    this.struck.push({ kind: a.kind, path });
    return a;
  }
}

/**
 * Parse the `--faults` flag of `npm run sim`: comma-separated `kind[:status]@every` items,
 * e.g. `cut@30s,stall@60s,error410@45s,status:429@20s,html@90s,compact@120s`.
 */
export function parseFaultSchedule(spec: string): { fault: Fault; everyMs: number }[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(\w+)(?::(\d+))?@(\d+)(ms|s|m)?$/.exec(item);
      if (!m) throw new Error(`bad fault "${item}": expected kind[:status]@<number>[ms|s|m]`);
      const [, kind, status, n, unit] = m;
      const known: FaultKind[] = ['status', 'html', 'compact', ...STREAM_FAULTS];
      if (!known.includes(kind as FaultKind))
        throw new Error(`unknown fault kind "${kind}" (known: ${known.join(', ')})`);
      const everyMs = Number(n) * (unit === 'm' ? 60_000 : unit === 'ms' ? 1 : 1000);
      const fault: Fault = { kind: kind as FaultKind, ...(status ? { status: Number(status) } : {}) };
      if (kind === 'status' && !status) fault.status = 503;
      if (fault.status === 429 || fault.status === 503) fault.retryAfterSeconds = 1;
      if (STREAM_FAULTS.has(fault.kind)) fault.afterEvents = 1;
      return { fault, everyMs };
    });
}

/** What a misconfigured ingress or proxy answers instead of JSON. */
export function htmlErrorPage(status: number): string {
  const text = status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Temporarily Unavailable' : 'Error';
  return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
