/** Cluster-wide kinds: nodes, namespaces, events and the cluster's configuration objects. */
import { nodeRoles, nodeStatus } from '../kube/node-status';
import type { Cell } from '../watch/row';
import { clip, col, conditionStatus, joinList, kind } from './cells';
import type { ColumnDef, KindDef } from './types';
import { usageColumns } from './usage-columns';
import { nodeAllocatableCells } from '../metrics/pod-resources';
import type { Obj } from '../kube/types';

const PRESSURES = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

function nodeCells(node: Obj): Record<string, Cell> {
  const st = node.status ?? {};
  const conditions: Obj[] = st.conditions ?? [];
  const pressure: string[] = [];
  for (const c of conditions) if (c.status === 'True' && PRESSURES.includes(c.type)) pressure.push(c.type);
  let internalIP: string | null = null;
  for (const a of (st.addresses ?? []) as Obj[])
    if (a.type === 'InternalIP') {
      internalIP = a.address;
      break;
    }
  return {
    status: nodeStatus(node),
    ready: conditionStatus(conditions, 'Ready') === 'True',
    unschedulable: node.spec?.unschedulable === true,
    roles: nodeRoles(node.metadata.labels),
    version: st.nodeInfo?.kubeletVersion ?? null,
    pods: st.capacity?.pods ?? st.allocatable?.pods ?? null,
    cpu: st.allocatable?.cpu ?? null,
    memory: st.allocatable?.memory ?? null,
    pressure: pressure.join(','),
    taints: (node.spec?.taints ?? []).length,
    internalIP,
    os: st.nodeInfo?.osImage ?? null,
    runtime: st.nodeInfo?.containerRuntimeVersion ?? null,
    // Allocatable in millicores and bytes: the metrics join's "% of allocatable".
    ...nodeAllocatableCells(st.allocatable)
  };
}

/** Both Event APIs: core/v1 (involvedObject, message, count) and events.k8s.io/v1 (regarding, note, series). */
function eventCells(e: Obj): Record<string, Cell> {
  const ref: Obj = e.involvedObject ?? e.regarding ?? {};
  const count: number = e.series?.count ?? e.count ?? e.deprecatedCount ?? 1;
  const lastSeen: string | null =
    e.series?.lastObservedTime ??
    e.lastTimestamp ??
    e.deprecatedLastTimestamp ??
    e.eventTime ??
    e.metadata.creationTimestamp ??
    null;
  const src: Obj = e.source ?? e.deprecatedSource ?? {};
  const component: string | undefined = e.reportingComponent || e.reportingController || src.component;
  const host: string | undefined = src.host || e.reportingInstance;
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? null,
    object: ref.kind && ref.name ? `${ref.kind}/${ref.name}` : (ref.name ?? null),
    message: clip(e.message ?? e.note ?? ''),
    count,
    lastSeen,
    firstSeen: e.firstTimestamp ?? e.deprecatedFirstTimestamp ?? e.eventTime ?? null,
    source: joinList([component ?? '', host ?? '']) || null,
    involvedUid: ref.uid ?? null,
    involvedKind: ref.kind ?? null,
    involvedName: ref.name ?? null,
    involvedNamespace: ref.namespace ?? null
  };
}

function isDefault(annotations: Record<string, string> | undefined, ...keys: string[]): boolean {
  if (!annotations) return false;
  return keys.some((k) => annotations[k] === 'true');
}

function webhookCells(w: Obj): Record<string, Cell> {
  const hooks: Obj[] = w.webhooks ?? [];
  return {
    webhooks: hooks.length,
    failurePolicy: joinList(new Set(hooks.map((h) => h.failurePolicy ?? 'Fail'))),
    names: joinList(hooks.map((h) => h.name)),
    services: joinList(
      hooks.map((h) => {
        const s = h.clientConfig?.service;
        return s ? `${s.namespace}/${s.name}` : (h.clientConfig?.url ?? '');
      })
    )
  };
}

const EVENT_COLUMNS: ColumnDef[] = [
  col('type', 'Type', 'status'),
  col('reason', 'Reason', 'text'),
  col('object', 'Object', 'text'),
  col('message', 'Message', 'text'),
  col('count', 'Count', 'number'),
  col('lastSeen', 'Last seen', 'age'),
  col('firstSeen', 'First seen', 'age', { hidden: true }),
  col('source', 'Source', 'text', { hidden: true })
];

const WEBHOOK_COLUMNS: ColumnDef[] = [
  col('webhooks', 'Webhooks', 'number'),
  col('failurePolicy', 'Failure policy', 'text'),
  col('names', 'Names', 'list', { hidden: true }),
  col('services', 'Services', 'list')
];

export const CLUSTER_KINDS: KindDef[] = [
  kind(
    'Cluster',
    '',
    'v1',
    'nodes',
    'Node',
    'Nodes',
    false,
    [
      col('status', 'Status', 'status'),
      col('roles', 'Roles', 'text'),
      // Live usage, joined in by the engine's metrics join (src/lib/metrics).
      ...usageColumns('node'),
      col('version', 'Version', 'text'),
      col('internalIP', 'Internal IP', 'text'),
      col('pods', 'Pods', 'number', { description: 'Pod capacity' }),
      col('cpu', 'Alloc. CPU', 'text', { description: 'Allocatable CPU', hidden: true }),
      col('memory', 'Alloc. memory', 'text', { description: 'Allocatable memory', hidden: true }),
      col('pressure', 'Pressure', 'status', { description: 'Pressure conditions that are True' }),
      col('taints', 'Taints', 'number'),
      col('os', 'OS image', 'text', { hidden: true }),
      col('runtime', 'Runtime', 'text', { hidden: true })
    ],
    nodeCells
  ),
  kind(
    'Cluster',
    '',
    'v1',
    'namespaces',
    'Namespace',
    'Namespaces',
    false,
    [
      col('status', 'Status', 'status'),
      col('pods', 'Pods', 'number'),
      col('unhealthy', 'Unhealthy', 'number', { description: 'Pods not running with every container ready' }),
      col('workloads', 'Workloads', 'number', {
        description: 'Deployments, StatefulSets, DaemonSets and CronJobs'
      }),
      col('warnings', 'Warnings', 'number', { description: 'Warning events the cluster still keeps' }),
      ...usageColumns('namespace')
    ],
    // pods, unhealthy, workloads and warnings are joined in by the engine (engine/namespace-stats.ts).
    (ns) => ({
      status: ns.status?.phase ?? 'Active'
    })
  ),
  kind('Cluster', '', 'v1', 'events', 'Event', 'Events', true, EVENT_COLUMNS, eventCells),
  kind(
    'Cluster',
    'events.k8s.io',
    'v1',
    'events',
    'Event',
    'Events (events.k8s.io)',
    true,
    EVENT_COLUMNS,
    eventCells
  ),
  kind(
    'Cluster',
    'networking.k8s.io',
    'v1',
    'ingressclasses',
    'IngressClass',
    'IngressClasses',
    false,
    [
      col('controller', 'Controller', 'text'),
      col('default', 'Default', 'bool'),
      col('parameters', 'Parameters', 'text', { hidden: true })
    ],
    (c) => ({
      controller: c.spec?.controller ?? null,
      default: isDefault(c.metadata.annotations, 'ingressclass.kubernetes.io/is-default-class'),
      parameters: c.spec?.parameters ? `${c.spec.parameters.kind}/${c.spec.parameters.name}` : null
    })
  ),
  kind(
    'Cluster',
    'admissionregistration.k8s.io',
    'v1',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    'Validating webhooks',
    false,
    WEBHOOK_COLUMNS,
    webhookCells
  ),
  kind(
    'Cluster',
    'admissionregistration.k8s.io',
    'v1',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    'Mutating webhooks',
    false,
    WEBHOOK_COLUMNS,
    webhookCells
  ),
  kind(
    'Cluster',
    'scheduling.k8s.io',
    'v1',
    'priorityclasses',
    'PriorityClass',
    'PriorityClasses',
    false,
    [
      col('value', 'Value', 'number'),
      col('globalDefault', 'Global default', 'bool'),
      col('preemption', 'Preemption', 'text', { hidden: true }),
      col('description', 'Description', 'text', { hidden: true })
    ],
    (p) => ({
      value: p.value ?? 0,
      globalDefault: p.globalDefault === true,
      preemption: p.preemptionPolicy ?? 'PreemptLowerPriority',
      description: p.description ? clip(p.description) : null
    })
  ),
  kind(
    'Cluster',
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
    'CustomResourceDefinition',
    'CustomResourceDefinitions',
    false,
    [
      col('group', 'Group', 'text'),
      col('kind', 'Kind', 'text'),
      col('versions', 'Versions', 'list'),
      col('scope', 'Scope', 'text'),
      col('established', 'Established', 'status', { hidden: true })
    ],
    (crd) => ({
      group: crd.spec?.group ?? null,
      kind: crd.spec?.names?.kind ?? null,
      versions: joinList(
        ((crd.spec?.versions ?? []) as Obj[]).filter((v) => v.served !== false).map((v) => v.name)
      ),
      scope: crd.spec?.scope ?? null,
      established: conditionStatus(crd.status?.conditions, 'Established')
    })
  )
];
