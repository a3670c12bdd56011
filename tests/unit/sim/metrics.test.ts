import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import {
  containerUsage,
  formatCpu,
  formatMemory,
  nodeMetrics,
  podMetrics,
  type PodMetrics
} from '$lib/sim/metrics';
import { quantityValue } from '$lib/kube/quantity';

const START = Date.parse('2026-11-26T10:00:00Z');
const CPU = /^(0|\d+[num]?)$/;
const MEMORY = /^(0|\d+(Ki|Mi|Gi)?)$/;

function setup(seed = 7) {
  const clock = { t: START, now: () => clock.t };
  const c = new SimCluster({ name: 'm', clock, seed });
  const ns = c.type('v1', 'Namespace');
  const nodes = c.type('v1', 'Node');
  const pods = c.type('v1', 'Pod');
  c.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
  const node = (name: string, ready: boolean) =>
    c.create(nodes, undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, pool: ready ? 'main' : 'spare' } },
      spec: {},
      status: {
        capacity: { cpu: '4', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown' }]
      }
    });
  node('node-1', true);
  node('node-2', true);
  node('node-3', false);
  const pod = (
    name: string,
    nodeName: string,
    phase: string,
    resources = {},
    labels: Record<string, string> = { app: 'web' }
  ) =>
    c.create(pods, 'web', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: {
        nodeName,
        containers: [
          { name: 'main', image: 'nginx', resources },
          { name: 'sidecar', image: 'envoy' }
        ]
      },
      status: {
        phase,
        containerStatuses:
          phase === 'Running'
            ? [
                {
                  name: 'main',
                  ready: true,
                  restartCount: 0,
                  state: { running: { startedAt: '2026-11-26T09:00:00Z' } }
                },
                {
                  name: 'sidecar',
                  ready: true,
                  restartCount: 0,
                  state: { running: { startedAt: '2026-11-26T09:00:00Z' } }
                }
              ]
            : []
      }
    });
  const limited = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
  for (let i = 0; i < 12; i++) pod(`web-${i}`, i % 2 ? 'node-1' : 'node-2', 'Running', limited);
  pod('pending', 'node-1', 'Pending', limited);
  pod('done', 'node-2', 'Succeeded', limited);
  pod('db-0', 'node-1', 'Running', {}, { app: 'db' });
  return { c, clock };
}

describe('quantities', () => {
  it('parses and formats like resource.Quantity', () => {
    expect(quantityValue('250m')).toBeCloseTo(0.25);
    expect(quantityValue('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(quantityValue('12345678n')).toBeCloseTo(0.012345678);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('2k')).toBe(2000);
    expect(quantityValue(undefined)).toBeUndefined();
    expect(formatCpu(0.012345678)).toBe('12345678n');
    expect(formatCpu(0.25)).toBe('250m');
    expect(formatCpu(2)).toBe('2');
    expect(formatCpu(0.000005)).toBe('5u');
    expect(formatCpu(0)).toBe('0');
    expect(formatMemory(44680 * 1024)).toBe('44680Ki');
    expect(formatMemory(512 * 2 ** 20)).toBe('512Mi');
    expect(formatMemory(1000)).toBe('1000');
  });
});

describe('pod metrics', () => {
  it('lists running pods only, with per-container usage in n and Ki', () => {
    const { c } = setup();
    const list = podMetrics(c, 'web');
    expect(list).toMatchObject({
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {}
    });
    const names = list.items.map((p) => p.metadata.name);
    expect(names).toContain('web-0');
    expect(names).toContain('db-0');
    expect(names).not.toContain('pending');
    expect(names).not.toContain('done');
    const one = list.items[0];
    expect(one.kind).toBe('PodMetrics');
    expect(one.metadata.namespace).toBe('web');
    expect(one.metadata.labels).toBeDefined();
    expect(one.window).toMatch(/^15(\.\d{1,3})?s$/);
    expect(Date.parse(one.timestamp)).toBeLessThanOrEqual(START);
    expect(Date.parse(one.timestamp)).toBeGreaterThan(START - 15_000);
    expect(one.containers.map((x) => x.name)).toEqual(['main', 'sidecar']);
    for (const p of list.items) {
      for (const x of p.containers) {
        expect(x.usage.cpu).toMatch(CPU);
        expect(x.usage.memory).toMatch(MEMORY);
      }
    }
  });

  it('uses a fraction of requests, never more than limits', () => {
    const { c } = setup();
    const mains = podMetrics(c, 'web', undefined, 'app=web').items.map((p) => p.containers[0].usage);
    expect(mains).toHaveLength(12);
    for (const u of mains) {
      expect(quantityValue(u.cpu)!).toBeLessThanOrEqual(0.5);
      expect(quantityValue(u.memory)!).toBeLessThanOrEqual(512 * 2 ** 20);
    }
    const meanCpu = mains.reduce((s, u) => s + quantityValue(u.cpu)!, 0) / mains.length;
    expect(meanCpu).toBeGreaterThan(0.02);
    expect(meanCpu).toBeLessThan(0.4);
    // Some containers run hot, near their limits.
    const hot = Array.from({ length: 400 }, (_, i) =>
      containerUsage(
        `uid-${i}`,
        { name: 'c', resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } } },
        START
      )
    ).filter((u) => u.cpu > 0.7);
    expect(hot.length).toBeGreaterThan(10);
    expect(hot.length).toBeLessThan(120);
  });

  it('is deterministic and moves smoothly over time', () => {
    const a = setup();
    const b = setup();
    expect(podMetrics(b.c, 'web')).toEqual(podMetrics(a.c, 'web'));
    const usage = (m: PodMetrics) => m.containers.map((x) => x.usage);
    const before = podMetrics(a.c, 'web', 'web-3');
    // Within one scrape interval nothing changes, as with metrics-server.
    a.clock.t = Date.parse(before.timestamp) + 14_000;
    const sameScrape = podMetrics(a.c, 'web', 'web-3');
    expect(sameScrape.timestamp).toBe(before.timestamp);
    expect(usage(sameScrape)).toEqual(usage(before));
    a.clock.t += 1000;
    expect(podMetrics(a.c, 'web', 'web-3').timestamp).not.toBe(before.timestamp);
    const series: number[] = [];
    for (let i = 0; i < 40; i++) {
      a.clock.t += 15_000;
      series.push(quantityValue(podMetrics(a.c, 'web', 'web-3').containers[0].usage.cpu)!);
    }
    expect(new Set(series).size).toBeGreaterThan(30);
    for (let i = 1; i < series.length; i++) {
      expect(Math.abs(series[i] - series[i - 1]) / series[i - 1]).toBeLessThan(0.5);
    }
    a.clock.t += 20 * 60_000;
    expect(usage(podMetrics(a.c, 'web', 'web-3'))).not.toEqual(usage(before));
  });

  it('404s a pod without metrics, like metrics-server', () => {
    const { c } = setup();
    expect(() => podMetrics(c, 'web', 'pending')).toThrow(
      'podmetrics.metrics.k8s.io "web/pending" not found'
    );
    expect(() => podMetrics(c, 'web', 'missing')).toThrow(/not found/);
    expect(podMetrics(c, undefined).items.length).toBe(podMetrics(c, 'web').items.length);
  });
});

describe('node metrics', () => {
  it('covers Ready nodes, at least the sum of their pods, below capacity', () => {
    const { c } = setup();
    const list = nodeMetrics(c);
    expect(list.kind).toBe('NodeMetricsList');
    expect(list.items.map((n) => n.metadata.name)).toEqual(['node-1', 'node-2']);
    const pods = podMetrics(c, 'web').items;
    for (const n of list.items) {
      expect(n.usage.cpu).toMatch(CPU);
      expect(n.usage.memory).toMatch(MEMORY);
      const onNode = pods.filter(
        (p) => c.find(c.type('v1', 'Pod'), 'web', p.metadata.name)!.spec.nodeName === n.metadata.name
      );
      const sumCpu = onNode.flatMap((p) => p.containers).reduce((s, x) => s + quantityValue(x.usage.cpu)!, 0);
      expect(quantityValue(n.usage.cpu)!).toBeGreaterThan(sumCpu);
      expect(quantityValue(n.usage.cpu)!).toBeLessThanOrEqual(4);
      expect(quantityValue(n.usage.memory)!).toBeLessThanOrEqual(16 * 2 ** 30);
    }
    expect(nodeMetrics(c, 'node-1').metadata.name).toBe('node-1');
    expect(() => nodeMetrics(c, 'node-3')).toThrow('nodemetrics.metrics.k8s.io "node-3" not found');
    expect(nodeMetrics(c, undefined, 'pool=main').items).toHaveLength(2);
    expect(nodeMetrics(c, undefined, 'pool=spare').items).toHaveLength(0);
  });
});
