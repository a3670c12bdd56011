/**
 * metrics.k8s.io/v1beta1, as metrics-server serves it. Usage is a smooth, deterministic function of
 * (uid, container, time): each container settles at a fraction of its requests (a few run hot near
 * their limits) and drifts with slow and fast waves plus a little per-scrape noise. Values change once
 * per scrape (every 15 s, at a per-node phase), like the real thing. Only running containers of
 * running pods, and only Ready nodes, have metrics.
 */
import type { SimCluster } from './cluster';
import { quantityValue } from '../kube/quantity';
import { hashOf } from './random';
import { parseLabelSelector } from './selectors';
import { ApiError, type KubeObject } from '../kube/types';

export const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';
const SCRAPE_MS = 15_000;

export interface Usage {
  cpu: string;
  memory: string;
}

export interface NodeMetrics {
  kind: 'NodeMetrics';
  apiVersion: typeof METRICS_API_VERSION;
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  usage: Usage;
}

export interface PodMetrics {
  kind: 'PodMetrics';
  apiVersion: typeof METRICS_API_VERSION;
  metadata: { name: string; namespace: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  containers: { name: string; usage: Usage }[];
}

export interface MetricsList<T> {
  kind: 'NodeMetricsList' | 'PodMetricsList';
  apiVersion: typeof METRICS_API_VERSION;
  metadata: Record<string, never>;
  items: T[];
}

// ---- quantities ------------------------------------------------------------------------------------

/** CPU cores as the canonical Quantity metrics-server prints: nanocores unless it divides evenly. */
export function formatCpu(cores: number): string {
  const nanos = Math.max(0, Math.round(cores * 1e9));
  if (nanos === 0) return '0';
  if (nanos % 1e9 === 0) return String(nanos / 1e9);
  if (nanos % 1e6 === 0) return `${nanos / 1e6}m`;
  if (nanos % 1e3 === 0) return `${nanos / 1e3}u`;
  return `${nanos}n`;
}

/** Bytes as a canonical binary Quantity: "44680Ki", "512Mi", or plain bytes. */
export function formatMemory(bytes: number): string {
  const b = Math.max(0, Math.round(bytes));
  if (b === 0) return '0';
  for (const [suffix, size] of [
    ['Ei', 2 ** 60],
    ['Pi', 2 ** 50],
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10]
  ] as const) {
    if (b % size === 0) return `${b / size}${suffix}`;
  }
  return String(b);
}

// ---- deterministic signals -------------------------------------------------------------------------

/** A number in [0, 1) fixed by the parts. */
const unit = (...parts: (string | number)[]) => hashOf(...parts) / 4294967296;

/** Two sine waves with per-seed periods and phases, plus per-scrape noise: mean 1. */
function wave(seed: string, t: number, slow: number, fast: number, noise: number): number {
  const p1 = (6 + 24 * unit(seed, 'p1')) * 60_000;
  const p2 = (45 + 135 * unit(seed, 'p2')) * 1000;
  const phase1 = 2 * Math.PI * unit(seed, 'f1');
  const phase2 = 2 * Math.PI * unit(seed, 'f2');
  const jitter = unit(seed, 'n', Math.floor(t / SCRAPE_MS)) * 2 - 1;
  return (
    1 +
    slow * Math.sin((2 * Math.PI * t) / p1 + phase1) +
    fast * Math.sin((2 * Math.PI * t) / p2 + phase2) +
    noise * jitter
  );
}

const MiB = 2 ** 20;
const PAGE = 4096;

interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** Usage of one container at time t, in cores and bytes. */
export function containerUsage(
  podUid: string,
  container: { name: string; resources?: Resources },
  t: number
): { cpu: number; memory: number } {
  const seed = `${podUid}/${container.name}`;
  const req = container.resources?.requests ?? {};
  const lim = container.resources?.limits ?? {};
  const cpuReq = quantityValue(req.cpu);
  const cpuLim = quantityValue(lim.cpu);
  const memReq = quantityValue(req.memory);
  const memLim = quantityValue(lim.memory);
  const hot = unit(seed, 'hot') < 0.12 && (cpuLim ?? cpuReq ?? memLim) !== undefined;

  let cpuBase: number;
  const cpuCap = cpuLim ?? (cpuReq !== undefined ? cpuReq * 1.2 : undefined);
  if (hot && cpuCap !== undefined) cpuBase = cpuCap * (0.82 + 0.12 * unit(seed, 'cpu'));
  else if (cpuReq !== undefined) cpuBase = cpuReq * (0.05 + 0.55 * unit(seed, 'cpu'));
  else cpuBase = 0.001 + 0.05 * unit(seed, 'cpu') ** 2;
  let cpu = cpuBase * Math.max(0.1, wave(`${seed}/cpu`, t, hot ? 0.06 : 0.3, hot ? 0.04 : 0.12, 0.06));
  if (cpuLim !== undefined) cpu = Math.min(cpu, cpuLim * 0.995);

  let memBase: number;
  const memCap = memLim ?? (memReq !== undefined ? memReq * 1.3 : undefined);
  if (hot && memCap !== undefined) memBase = memCap * (0.86 + 0.1 * unit(seed, 'mem'));
  else if (memReq !== undefined) memBase = memReq * (0.35 + 0.5 * unit(seed, 'mem'));
  else memBase = (24 + 200 * unit(seed, 'mem') ** 2) * MiB;
  let memory = memBase * wave(`${seed}/mem`, t, 0.05, 0.01, 0.01);
  if (memLim !== undefined) memory = Math.min(memory, memLim * 0.99);
  return { cpu: Math.max(cpu, 0.0001), memory: Math.floor(memory / PAGE) * PAGE };
}

/** When this node was last scraped at `now`: every 15 s, each node at its own phase. */
function scrapeTime(nodeName: string, now: number): number {
  const phase = (hashOf(nodeName, 'scrape') % (SCRAPE_MS / 1000)) * 1000; // whole seconds, as timestamps print
  return Math.floor((now - phase) / SCRAPE_MS) * SCRAPE_MS + phase;
}

/** The measurement window, as metav1.Duration prints it ("15.012s"). */
function windowOf(nodeName: string, scrape: number): string {
  const ms = SCRAPE_MS + (hashOf(nodeName, 'window', scrape) % 60);
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---- objects ---------------------------------------------------------------------------------------

function runningContainers(pod: KubeObject): { name: string; resources?: Resources }[] {
  if (pod.status?.phase !== 'Running' || !pod.spec?.nodeName) return [];
  const running = new Set(
    (pod.status?.containerStatuses ?? [])
      .filter((s: { state?: { running?: unknown } }) => s.state?.running)
      .map((s: { name: string }) => s.name)
  );
  return (pod.spec?.containers ?? []).filter((c: { name: string }) => running.has(c.name));
}

function podMetricsOf(pod: KubeObject, now: number): PodMetrics | undefined {
  const containers = runningContainers(pod);
  if (containers.length === 0) return undefined;
  const node: string = pod.spec.nodeName;
  const scrape = scrapeTime(node, now);
  const labels = pod.metadata.labels;
  return {
    kind: 'PodMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace ?? '',
      creationTimestamp: rfc3339(now),
      ...(labels ? { labels } : {})
    },
    timestamp: rfc3339(scrape),
    window: windowOf(node, scrape),
    containers: containers.map((c) => {
      const u = containerUsage(pod.metadata.uid, c, scrape);
      return { name: c.name, usage: { cpu: formatCpu(u.cpu), memory: formatMemory(u.memory) } };
    })
  };
}

function isReady(node: KubeObject): boolean {
  return (node.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'
  );
}

function nodeMetricsOf(node: KubeObject, pods: KubeObject[], now: number): NodeMetrics | undefined {
  if (!isReady(node)) return undefined;
  const name = node.metadata.name;
  const scrape = scrapeTime(name, now);
  // kubelet, container runtime and system daemons, plus every running container on the node
  let cpu = (0.08 + 0.17 * unit(name, 'sys-cpu')) * wave(`${name}/sys-cpu`, scrape, 0.25, 0.15, 0.08);
  let memory = (512 + 700 * unit(name, 'sys-mem')) * MiB * wave(`${name}/sys-mem`, scrape, 0.03, 0.01, 0.005);
  for (const pod of pods) {
    if (pod.spec?.nodeName !== name) continue;
    for (const c of runningContainers(pod)) {
      const u = containerUsage(pod.metadata.uid, c, scrape);
      cpu += u.cpu;
      memory += u.memory;
    }
  }
  const capCpu = quantityValue(node.status?.capacity?.cpu);
  const capMem = quantityValue(node.status?.capacity?.memory);
  if (capCpu !== undefined) cpu = Math.min(cpu, capCpu * 0.97);
  if (capMem !== undefined) memory = Math.min(memory, capMem * 0.97);
  const labels = node.metadata.labels;
  return {
    kind: 'NodeMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: { name, creationTimestamp: rfc3339(now), ...(labels ? { labels } : {}) },
    timestamp: rfc3339(scrape),
    window: windowOf(name, scrape),
    usage: { cpu: formatCpu(cpu), memory: formatMemory(Math.floor(memory / PAGE) * PAGE) }
  };
}

function notFound(plural: 'nodemetrics' | 'podmetrics', name: string, kind: 'nodes' | 'pods'): ApiError {
  return new ApiError(404, 'NotFound', `${plural}.metrics.k8s.io "${name}" not found`, {
    name,
    group: 'metrics.k8s.io',
    kind
  });
}

/** GET /apis/metrics.k8s.io/v1beta1/nodes[/NAME]: one NodeMetrics (404 if none), or the list. */
export function nodeMetrics(cluster: SimCluster, name: string, labelSelector?: string): NodeMetrics;
export function nodeMetrics(
  cluster: SimCluster,
  name?: undefined,
  labelSelector?: string
): MetricsList<NodeMetrics>;
export function nodeMetrics(
  cluster: SimCluster,
  name?: string,
  labelSelector?: string
): NodeMetrics | MetricsList<NodeMetrics>;
export function nodeMetrics(
  cluster: SimCluster,
  name?: string,
  labelSelector?: string
): NodeMetrics | MetricsList<NodeMetrics> {
  const now = cluster.clock.now();
  const nodeType = cluster.type('v1', 'Node');
  const pods = cluster.objects(cluster.type('v1', 'Pod'));
  if (name !== undefined) {
    const node = cluster.find(nodeType, undefined, name);
    const m = node && nodeMetricsOf(node, pods, now);
    if (!m) throw notFound('nodemetrics', name, 'nodes');
    return m;
  }
  const matches = parseLabelSelector(labelSelector);
  const items = cluster
    .objects(nodeType)
    .filter(matches)
    .map((n) => nodeMetricsOf(n, pods, now))
    .filter((m): m is NodeMetrics => m !== undefined)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  return { kind: 'NodeMetricsList', apiVersion: METRICS_API_VERSION, metadata: {}, items };
}

/** GET /apis/metrics.k8s.io/v1beta1[/namespaces/NS]/pods[/NAME]: one PodMetrics (404 if none), or the list. */
export function podMetrics(
  cluster: SimCluster,
  namespace: string,
  name: string,
  labelSelector?: string
): PodMetrics;
export function podMetrics(
  cluster: SimCluster,
  namespace?: string,
  name?: undefined,
  labelSelector?: string
): MetricsList<PodMetrics>;
export function podMetrics(
  cluster: SimCluster,
  namespace?: string,
  name?: string,
  labelSelector?: string
): PodMetrics | MetricsList<PodMetrics>;
export function podMetrics(
  cluster: SimCluster,
  namespace?: string,
  name?: string,
  labelSelector?: string
): PodMetrics | MetricsList<PodMetrics> {
  const now = cluster.clock.now();
  const podType = cluster.type('v1', 'Pod');
  if (name !== undefined) {
    const pod = cluster.find(podType, namespace, name);
    const m = pod && podMetricsOf(pod, now);
    if (!m) throw notFound('podmetrics', `${namespace ?? ''}/${name}`, 'pods');
    return m;
  }
  const matches = parseLabelSelector(labelSelector);
  const items = cluster
    .objects(podType, namespace)
    .filter(matches)
    .map((p) => podMetricsOf(p, now))
    .filter((m): m is PodMetrics => m !== undefined)
    .sort((a, b) =>
      a.metadata.namespace !== b.metadata.namespace
        ? a.metadata.namespace < b.metadata.namespace
          ? -1
          : 1
        : a.metadata.name < b.metadata.name
          ? -1
          : 1
    );
  return { kind: 'PodMetricsList', apiVersion: METRICS_API_VERSION, metadata: {}, items };
}
