/**
 * What a pod asks for and may use, as the scheduler counts it: the sum over its containers (and
 * sidecars: init containers that keep running), or the largest plain init container if that is
 * more, plus the pod's overhead. A limit exists only when every running container has one.
 * Runs in the pod projection, for every pod event: no allocation beyond the result.
 */
import type { Cell } from '../watch/row';
import { bytes, millicores } from './units';
import { RESOURCE_CELLS } from './types';

interface ContainerLike {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  restartPolicy?: string;
}

interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  overhead?: Record<string, string>;
}

function effective(
  spec: PodSpecLike,
  field: 'requests' | 'limits',
  resource: 'cpu' | 'memory',
  parse: (q: string | undefined) => number | undefined
): number | null {
  let sum = 0;
  let missing = false;
  let maxInit = 0;
  const add = (c: ContainerLike) => {
    const v = parse(c.resources?.[field]?.[resource]);
    // A limit left out means "no limit" for the whole pod; a request left out counts as none.
    if (v === undefined) missing = true;
    else sum += v;
  };
  for (const c of spec.containers ?? []) add(c);
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') add(c);
    else maxInit = Math.max(maxInit, parse(c.resources?.[field]?.[resource]) ?? 0);
  }
  if (field === 'limits' && missing) return null;
  const total = Math.max(sum, maxInit) + (parse(spec.overhead?.[resource]) ?? 0);
  return total > 0 ? total : null;
}

/** The request and limit cells of a pod (millicores, bytes; null for none). */
export function podResourceCells(spec: PodSpecLike | undefined): Record<string, Cell> {
  const s = spec ?? {};
  return {
    [RESOURCE_CELLS.cpuRequest]: effective(s, 'requests', 'cpu', millicores),
    [RESOURCE_CELLS.cpuLimit]: effective(s, 'limits', 'cpu', millicores),
    [RESOURCE_CELLS.memoryRequest]: effective(s, 'requests', 'memory', bytes),
    [RESOURCE_CELLS.memoryLimit]: effective(s, 'limits', 'memory', bytes)
  };
}

/** The allocatable cells of a node. */
export function nodeAllocatableCells(allocatable: Record<string, string> | undefined): Record<string, Cell> {
  return {
    [RESOURCE_CELLS.cpuAllocatable]: millicores(allocatable?.cpu) ?? null,
    [RESOURCE_CELLS.memoryAllocatable]: bytes(allocatable?.memory) ?? null
  };
}
