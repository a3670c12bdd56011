/** Usage as people read it: millicores and cores, binary memory units, percentages, and the table cell's text. */
import { describe, expect, it } from 'vitest';
import { bytes, formatCpu, formatMemory, formatPercent, millicores } from '$lib/metrics/units';
import { podResourceCells } from '$lib/metrics/pod-resources';
import { usageText, usageTitle } from '$lib/ui/metrics/usage-text';
import { testRow } from '../../support/rows';

describe('units', () => {
  it('reads metrics quantities', () => {
    expect(millicores('1234567n')).toBeCloseTo(1.234567, 9);
    expect(millicores('250m')).toBe(250);
    expect(millicores('2')).toBe(2000);
    expect(bytes('44680Ki')).toBe(44680 * 1024);
    expect(bytes('1e3')).toBe(1000);
    expect(millicores('lots')).toBeUndefined();
  });

  it('writes m below a core, cores above, and binary memory units', () => {
    expect([0.4, 3, 250.4, 999, 1000, 1500, 12_345].map(formatCpu)).toEqual([
      '<1m',
      '3m',
      '250m',
      '999m',
      '1 core',
      '1.5 cores',
      '12.3 cores'
    ]);
    expect(
      [512, 2048, 1.5 * 2 ** 20, 312 * 2 ** 20, 1.25 * 2 ** 30, 125 * 2 ** 30].map(formatMemory)
    ).toEqual(['512B', '2Ki', '1.5Mi', '312Mi', '1.25Gi', '125Gi']);
    expect([0.42, 42.4, 180, null].map(formatPercent)).toEqual(['0.4%', '42%', '180%', '']);
  });
});

describe('pod requests and limits', () => {
  it('sum containers and sidecars, take a larger init container, and have no limit when one is missing', () => {
    const cells = podResourceCells({
      containers: [
        {
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } }
        },
        { resources: { requests: { cpu: '50m' }, limits: { cpu: '100m', memory: '64Mi' } } }
      ],
      initContainers: [
        {
          restartPolicy: 'Always',
          resources: { requests: { cpu: '10m' }, limits: { cpu: '10m', memory: '8Mi' } }
        },
        { resources: { requests: { cpu: '1', memory: '16Mi' } } }
      ]
    });
    expect(cells).toEqual({
      cpuRequest: 1000,
      cpuLimit: 310,
      memoryRequest: 64 * 2 ** 20,
      memoryLimit: 200 * 2 ** 20
    });
    expect(podResourceCells({ containers: [{ resources: { limits: { cpu: '1' } } }, {}] })).toEqual({
      cpuRequest: null,
      cpuLimit: null,
      memoryRequest: null,
      memoryLimit: null
    });
  });
});

describe('a usage cell', () => {
  const row = testRow('p', {
    cpuUsage: 300,
    cpuRequest: 200,
    cpuRequestPct: 150,
    cpuLimit: 400,
    cpuLimitPct: 75,
    metricsStale: true,
    metricsAt: 10_000
  });

  it('shows the value and its share of the request, and says the rest and staleness in its tooltip', () => {
    const column = { id: 'cpuUsage', label: 'CPU', format: 'cpu' as const };
    expect(usageText(row, column)).toMatchObject({ text: '300m', share: '150%', stale: true, hot: false });
    expect(usageTitle(row, column, 25_000).split('\n')).toEqual([
      'CPU in use: 300m',
      '150% of request (200m)',
      '75% of limit (400m)',
      'measured 15s ago',
      'Stale: the last polls of metrics.k8s.io failed; this is the last value known.'
    ]);
    expect(usageText(testRow('q', { cpuUsage: null }), column)).toMatchObject({ value: null, text: '' });
  });
});
