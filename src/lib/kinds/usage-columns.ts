/**
 * The usage columns of the tables that get metrics: CPU and Memory (value, share of request or
 * allocatable, sparkline), and the shares on their own (hidden until picked) to sort by.
 */
import type { ColumnDef } from './types';
import { USAGE_CELLS as U, type MetricsFamily } from '../metrics/types';

const CPU: ColumnDef = {
  id: U.cpu,
  label: 'CPU',
  format: 'cpu',
  description: 'CPU in use (metrics.k8s.io), with its share of the request, and the last minutes'
};
const MEMORY: ColumnDef = {
  id: U.memory,
  label: 'Memory',
  format: 'memory',
  description: 'Memory in use (metrics.k8s.io), with its share of the request, and the last minutes'
};

const pct = (id: string, label: string, description: string): ColumnDef => ({
  id,
  label,
  format: 'percent',
  hidden: true,
  description
});

export function usageColumns(family: MetricsFamily): ColumnDef[] {
  if (family === 'namespace')
    return [
      { ...CPU, description: 'CPU in use by the pods of the namespace (metrics.k8s.io)' },
      { ...MEMORY, description: 'Memory in use by the pods of the namespace (metrics.k8s.io)' }
    ];
  if (family === 'node')
    return [
      { ...CPU, description: 'CPU in use (metrics.k8s.io), with its share of the allocatable CPU' },
      { ...MEMORY, description: 'Memory in use (metrics.k8s.io), with its share of the allocatable memory' },
      pct(U.cpuAllocatablePct, 'CPU %', 'CPU in use, % of allocatable'),
      pct(U.memoryAllocatablePct, 'Memory %', 'Memory in use, % of allocatable')
    ];
  const of = family === 'workload' ? ' (sum over its pods)' : '';
  return [
    family === 'workload' ? { ...CPU, description: `${CPU.description}${of}` } : CPU,
    family === 'workload' ? { ...MEMORY, description: `${MEMORY.description}${of}` } : MEMORY,
    pct(U.cpuRequestPct, 'CPU % req.', `CPU in use, % of the request${of}`),
    pct(U.cpuLimitPct, 'CPU % limit', `CPU in use, % of the limit${of}`),
    pct(U.memoryRequestPct, 'Mem. % req.', `Memory in use, % of the request${of}`),
    pct(U.memoryLimitPct, 'Mem. % limit', `Memory in use, % of the limit${of}`)
  ];
}
