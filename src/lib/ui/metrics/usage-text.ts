/**
 * What a usage cell says: the value in units people read, its share (of the request for pods and
 * workloads, of the allocatable for nodes), and a tooltip with the rest.
 */
import type { ColumnDef } from '$lib/kinds/types';
import { RESOURCE_CELLS, USAGE_CELLS } from '$lib/metrics/types';
import { formatCpu, formatMemory, formatPercent } from '$lib/metrics/units';
import type { Cell, Row } from '$lib/watch/row';

export interface UsageText {
  resource: 'cpu' | 'memory';
  value: number | null;
  text: string;
  /** The share shown beside the value (`42%`): of the allocatable, else the request, else the limit. */
  share: string;
  /** Near or past a limit or the allocatable. */
  hot: boolean;
  stale: boolean;
  series: number[] | undefined;
}

const num = (c: Cell | undefined): number | null => (typeof c === 'number' && Number.isFinite(c) ? c : null);

/** What the cell shows; the tooltip is usageTitle. */
export function usageText(row: Row, column: ColumnDef): UsageText {
  const u = usage(row, column);
  return {
    resource: u.resource,
    value: u.value,
    text: u.value === null ? '' : u.fmt(u.value),
    share: formatPercent(u.allocPct ?? u.reqPct ?? u.limPct),
    hot: (u.limPct ?? 0) >= 90 || (u.allocPct ?? 0) >= 90,
    stale: u.stale,
    series: u.value === null ? undefined : row.series?.[u.resource]
  };
}

/** The tooltip: usage, its shares of request, limit and allocatable, the sample's age, staleness. */
export function usageTitle(row: Row, column: ColumnDef, now: number): string {
  const { resource, fmt, value, request, limit, alloc, reqPct, limPct, allocPct, stale, at } = usage(
    row,
    column
  );
  if (value === null) return '';
  const lines = [`${resource === 'cpu' ? 'CPU' : 'Memory'} in use: ${fmt(value)}`];
  if (reqPct !== null) lines.push(`${formatPercent(reqPct)} of request (${fmt(request)})`);
  if (limPct !== null) lines.push(`${formatPercent(limPct)} of limit (${fmt(limit)})`);
  if (allocPct !== null) lines.push(`${formatPercent(allocPct)} of allocatable (${fmt(alloc)})`);
  if (at !== null) lines.push(`measured ${Math.max(0, Math.round((now - at) / 1000))}s ago`);
  if (stale) lines.push('Stale: the last polls of metrics.k8s.io failed; this is the last value known.');
  return lines.join('\n');
}

function usage(row: Row, column: ColumnDef) {
  const resource: 'cpu' | 'memory' = column.format === 'cpu' ? 'cpu' : 'memory';
  const fmt = resource === 'cpu' ? formatCpu : formatMemory;
  const c = row.cells;
  const value = num(c[column.id]);
  const request = num(c[resource === 'cpu' ? RESOURCE_CELLS.cpuRequest : RESOURCE_CELLS.memoryRequest]);
  const limit = num(c[resource === 'cpu' ? RESOURCE_CELLS.cpuLimit : RESOURCE_CELLS.memoryLimit]);
  const alloc = num(c[resource === 'cpu' ? RESOURCE_CELLS.cpuAllocatable : RESOURCE_CELLS.memoryAllocatable]);
  const reqPct = num(c[resource === 'cpu' ? USAGE_CELLS.cpuRequestPct : USAGE_CELLS.memoryRequestPct]);
  const limPct = num(c[resource === 'cpu' ? USAGE_CELLS.cpuLimitPct : USAGE_CELLS.memoryLimitPct]);
  const allocPct = num(
    c[resource === 'cpu' ? USAGE_CELLS.cpuAllocatablePct : USAGE_CELLS.memoryAllocatablePct]
  );
  return {
    resource,
    fmt,
    value,
    request,
    limit,
    alloc,
    reqPct,
    limPct,
    allocPct,
    stale: c[USAGE_CELLS.stale] === true,
    at: num(c[USAGE_CELLS.at])
  };
}
