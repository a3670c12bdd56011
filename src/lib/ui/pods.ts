/** The Pods view: which resource it asks the engine for and the columns it shows. */
import type { ViewSpec } from '$lib/engine/engine';
import type { Column } from './ResourceTable.svelte';

export const PODS: ViewSpec['resource'] = {
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true
};

export const POD_COLUMNS: Column[] = [
  { id: 'cluster', label: 'Cluster', value: (r) => r.cluster },
  {
    id: 'namespace',
    label: 'Namespace',
    value: (r) => r.namespace,
    href: (r) => `#/namespaces/${r.namespace}`
  },
  { id: 'name', label: 'Name', value: (r) => r.name },
  { id: 'status', label: 'Status', value: (r) => r.cells.status as string },
  { id: 'ready', label: 'Ready', value: (r) => r.cells.ready as string },
  { id: 'restarts', label: 'Restarts', value: (r) => r.cells.restarts as number, numeric: true },
  { id: 'node', label: 'Node', value: (r) => (r.cells.node as string | null) ?? '' }
];
