/** Cron schedules (five fields and the @ macros, in UTC), for the CronJob controller and the populated world. */

type CronField = (v: number) => boolean;

function cronField(spec: string, min: number, max: number): CronField {
  if (spec === '*' || spec === '?') return () => true;
  const allowed = new Set<number>();
  for (const part of spec.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let lo = min;
    let hi = max;
    if (range !== '*') {
      const [a, b] = range.split('-');
      lo = Number(a);
      hi = b !== undefined ? Number(b) : stepText ? max : lo;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || step <= 0) throw new Error(`bad cron field ${spec}`);
    for (let v = lo; v <= hi; v += step) allowed.add(v === 7 && max === 7 ? 0 : v);
  }
  return (v) => allowed.has(v);
}

const CRON_MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *'
};

/** A matcher for a five-field cron schedule (UTC), or undefined if it cannot be parsed. */
export function parseCron(schedule: string): ((ms: number) => boolean) | undefined {
  const fields = (CRON_MACROS[schedule.trim()] ?? schedule).trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  try {
    const [minute, hour, dom, month, dow] = [
      cronField(fields[0], 0, 59),
      cronField(fields[1], 0, 23),
      cronField(fields[2], 1, 31),
      cronField(fields[3], 1, 12),
      cronField(fields[4], 0, 7)
    ];
    return (ms) => {
      const d = new Date(ms);
      return (
        minute(d.getUTCMinutes()) &&
        hour(d.getUTCHours()) &&
        dom(d.getUTCDate()) &&
        month(d.getUTCMonth() + 1) &&
        dow(d.getUTCDay())
      );
    };
  } catch {
    return undefined;
  }
}

/** The last scheduled minute at or before `at`, searching at most `horizonMs` back. */
export function previousCronTime(matches: (ms: number) => boolean, at: number, horizonMs = 32 * 86_400_000) {
  const end = at - horizonMs;
  for (let t = Math.floor(at / 60_000) * 60_000; t >= end; t -= 60_000) if (matches(t)) return t;
  return undefined;
}

/** The first scheduled minute strictly after `after`, searching at most `horizonMs` ahead. */
export function nextCronTime(matches: (ms: number) => boolean, after: number, horizonMs = 32 * 86_400_000) {
  let t = Math.floor(after / 60_000) * 60_000 + 60_000;
  const end = after + horizonMs;
  for (; t <= end; t += 60_000) if (matches(t)) return t;
  return undefined;
}
