/**
 * Which workload each pod belongs to, with its requests and limits, fed by a pods informer: the
 * join sums pod usage into Deployment, StatefulSet, DaemonSet, ReplicaSet and Job rows from it.
 * A Deployment's pods are owned by its ReplicaSets, named `<deployment>-<pod-template-hash>`, and
 * carry that hash as a label, so no ReplicaSet informer is needed.
 */
import type { Cell, Row, RowSink } from '../watch/row';
import { rowKey } from '../watch/row';
import { historyId } from './history';
import { RESOURCE_CELLS } from './types';

export interface PodEntry {
  source: string;
  /** History ids (`<kind id>|<key>`) of the workloads the pod counts for. */
  workloads: string[];
  cpuRequest: number | null;
  cpuLimit: number | null;
  memoryRequest: number | null;
  memoryLimit: number | null;
}

const OWNER_KIND_IDS: Record<string, string> = {
  ReplicaSet: 'replicasets.apps',
  StatefulSet: 'statefulsets.apps',
  DaemonSet: 'daemonsets.apps',
  Job: 'jobs.batch'
};

/** The workloads a pod row counts for. */
export function workloadsOf(row: Row): string[] {
  const out: string[] = [];
  for (const o of row.owners) {
    const kindId = OWNER_KIND_IDS[o.kind];
    if (!kindId) continue;
    out.push(historyId(kindId, rowKey(row.cluster, row.namespace, o.name)));
    const hash = row.labels['pod-template-hash'];
    if (o.kind === 'ReplicaSet' && hash && o.name.endsWith(`-${hash}`)) {
      const deployment = o.name.slice(0, -hash.length - 1);
      out.push(historyId('deployments.apps', rowKey(row.cluster, row.namespace, deployment)));
    }
  }
  return out;
}

const num = (c: Cell | undefined): number | null => (typeof c === 'number' && Number.isFinite(c) ? c : null);

function entryOf(row: Row, source: string): PodEntry {
  return {
    source,
    workloads: workloadsOf(row),
    cpuRequest: num(row.cells[RESOURCE_CELLS.cpuRequest]),
    cpuLimit: num(row.cells[RESOURCE_CELLS.cpuLimit]),
    memoryRequest: num(row.cells[RESOURCE_CELLS.memoryRequest]),
    memoryLimit: num(row.cells[RESOURCE_CELLS.memoryLimit])
  };
}

function sameEntry(a: PodEntry, b: PodEntry): boolean {
  return (
    a.cpuRequest === b.cpuRequest &&
    a.cpuLimit === b.cpuLimit &&
    a.memoryRequest === b.memoryRequest &&
    a.memoryLimit === b.memoryLimit &&
    a.workloads.length === b.workloads.length &&
    a.workloads.every((w, i) => w === b.workloads[i])
  );
}

export class PodIndex implements RowSink {
  readonly pods = new Map<string, PodEntry>();
  /** Pod keys by workload history id. */
  readonly members = new Map<string, Set<string>>();

  /** `onChange` gets the workloads whose pods or their requests changed. */
  constructor(private readonly onChange: (workloads: Set<string>) => void) {}

  replaceSource(source: string, rows: readonly Row[]): void {
    const changed = new Set<string>();
    const keep = new Set<string>();
    for (const row of rows) {
      keep.add(row.key);
      this.set(row.key, entryOf(row, source), changed);
    }
    for (const [key, entry] of [...this.pods]) {
      if (entry.source === source && !keep.has(key)) this.delete(key, changed);
    }
    if (changed.size) this.onChange(changed);
  }

  upsert(row: Row, source: string): void {
    const changed = new Set<string>();
    this.set(row.key, entryOf(row, source), changed);
    if (changed.size) this.onChange(changed);
  }

  remove(key: string): void {
    const changed = new Set<string>();
    this.delete(key, changed);
    if (changed.size) this.onChange(changed);
  }

  private set(key: string, entry: PodEntry, changed: Set<string>): void {
    const old = this.pods.get(key);
    if (old && sameEntry(old, entry)) {
      old.source = entry.source;
      return;
    }
    if (old) this.unlink(key, old, changed);
    this.pods.set(key, entry);
    for (const w of entry.workloads) {
      let set = this.members.get(w);
      if (!set) this.members.set(w, (set = new Set()));
      set.add(key);
      changed.add(w);
    }
  }

  private delete(key: string, changed: Set<string>): void {
    const old = this.pods.get(key);
    if (!old) return;
    this.unlink(key, old, changed);
    this.pods.delete(key);
  }

  private unlink(key: string, entry: PodEntry, changed: Set<string>): void {
    for (const w of entry.workloads) {
      const set = this.members.get(w);
      set?.delete(key);
      if (set?.size === 0) this.members.delete(w);
      changed.add(w);
    }
  }
}
