/**
 * The kubelet's timestamps (`timestamps=true`): every line starts with an RFC3339Nano time and a
 * space. The time is the line's identity across reconnects, so it is kept exactly as sent and
 * compared through a fixed-width key (RFC3339Nano drops trailing zeros of the fraction).
 */

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)(?: |$)/;

export interface Stamped {
  /** The timestamp as the server sent it; '' when the line had none. */
  ts: string;
  /** Sortable and comparable: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` in UTC; '' when there is no timestamp. */
  key: string;
  text: string;
}

/** Splits `<timestamp> <text>`; a line without a leading timestamp keeps all its text. */
export function splitTimestamp(line: string): Stamped {
  const m = TIMESTAMP.exec(line);
  if (!m) return { ts: '', key: '', text: line };
  const [whole, seconds, fraction = '', zone] = m;
  return { ts: whole.trimEnd(), key: keyOf(seconds, fraction, zone), text: line.slice(whole.length) };
}

function keyOf(seconds: string, fraction: string, zone: string): string {
  let utc = seconds;
  if (zone !== 'Z') {
    const ms = Date.parse(`${seconds}${zone}`);
    if (!Number.isNaN(ms)) utc = new Date(ms).toISOString().slice(0, 19);
  }
  return `${utc}.${fraction.padEnd(9, '0')}`;
}

/** The comparable key of a timestamp string (as in a LogLine); '' when it is not one. */
export function timestampKey(ts: string): string {
  return ts ? splitTimestamp(ts).key : '';
}

/**
 * `sinceTime` for resuming after the line with key `key`: the API takes whole seconds, so this is
 * the start of that second (the lines of that second already delivered are dropped on arrival).
 */
export function sinceTimeOf(key: string): string {
  return `${key.slice(0, 19)}Z`;
}
