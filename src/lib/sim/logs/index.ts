/**
 * Deterministic container logs. A container instance (pod uid, container, restart number) writes a
 * few startup lines, then about one line every 1.5 s for as long as it runs, and a crash report if
 * it died with an error. Every line is a pure function of the instance and its time slot, so any
 * window (tail, since, follow) is computed without replaying the container's whole life.
 * Log files rotate every few hours, as the kubelet's do: only the current file is served.
 *
 * Parts: the lines per app (apps.ts, banners.ts), instances and their lines (instance.ts), the log
 * query (read.ts) and follow streams (follow.ts).
 */
export type { LogOptions } from './types';
export { parseRfc3339, rfc3339Nano } from './formats';
export { resolveLogContainer } from './instance';
export { logLines, logText } from './read';
export { LogFollower, followLogs, type FollowHooks } from './follow';
