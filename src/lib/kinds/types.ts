/**
 * The shape of the kind catalog: for each resource kind the dashboard knows, where it sits in the
 * navigation, which columns its table shows and how a full object becomes those cells (the
 * projection, run in the engine's worker at parse time, so rows stay small).
 */
import type { KubeObject } from '../kube/types';
import type { Cell } from '../watch/row';
import type { ResourceRef } from '../kube/types';

export type Section =
  'Cluster' | 'Workloads' | 'Network' | 'Config' | 'Storage' | 'Quotas' | 'Autoscaling' | 'RBAC' | 'Custom';

/**
 * How a cell is shown. `age` and `time` take ISO timestamps and tick on screen; `status` is coloured
 * by `statusTone`; `list` is a comma-joined string shown as it is.
 */
export type ColumnFormat = 'text' | 'number' | 'age' | 'status' | 'bool' | 'list' | UsageFormat;

/**
 * Live usage joined in by the engine (src/lib/metrics): `cpu` in millicores (shown `250m`,
 * `1.5 cores`), `memory` in bytes (`312Mi`), `percent` (`42%`). CPU and memory cells draw a sparkline.
 */
export type UsageFormat = 'cpu' | 'memory' | 'percent';

export interface ColumnDef {
  /** 'name', 'namespace', 'cluster', 'creationTimestamp' (the row's own fields) or a cell name. */
  id: string;
  label: string;
  format?: ColumnFormat;
  /** The cell names another object: the table links to it. */
  link?: 'namespace' | 'node' | 'owner';
  /** Off until the user picks it in the column chooser. */
  hidden?: boolean;
  /** Tooltip of the header: what the column means. */
  description?: string;
}

export interface KindDef {
  /** The id in URLs, as kubectl spells a resource: `pods`, `deployments.apps`. */
  id: string;
  resource: ResourceRef;
  /** Plural, for people: `Deployments`. */
  title: string;
  section: Section;
  columns: ColumnDef[];
  /** The kind-specific cells of a row. Runs in the worker, for every event: keep it cheap. */
  cells?: (obj: KubeObject) => Record<string, Cell>;
}
