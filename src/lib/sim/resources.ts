/**
 * The REST resources a simulated cluster serves: what discovery lists and what the store keeps.
 * Custom resources are added at run time from CustomResourceDefinition objects.
 */
import type { KubeObject, PrinterColumn, ResourceType } from '../kube/types';

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function rt(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {}
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: RW,
    ...extra
  };
}

export const BUILTIN_RESOURCES: ResourceType[] = [
  rt('', 'v1', 'Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']
  }),
  rt('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  rt('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'eviction', 'ephemeralcontainers']
  }),
  rt('', 'v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']
  }),
  rt('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  rt('', 'v1', 'Secret', 'secrets', true),
  rt('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  rt('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, {
    shortNames: ['pvc'],
    subresources: ['status']
  }),
  rt('', 'v1', 'PersistentVolume', 'persistentvolumes', false, {
    shortNames: ['pv'],
    subresources: ['status']
  }),
  rt('', 'v1', 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: ['status'] }),
  rt('', 'v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  rt('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  rt('apps', 'v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale']
  }),
  rt('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale']
  }),
  rt('apps', 'v1', 'StatefulSet', 'statefulsets', true, {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale']
  }),
  rt('apps', 'v1', 'DaemonSet', 'daemonsets', true, {
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status']
  }),
  rt('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], subresources: ['status'] }),
  rt('batch', 'v1', 'CronJob', 'cronjobs', true, {
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status']
  }),
  rt('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  rt('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, {
    shortNames: ['ing'],
    subresources: ['status']
  }),
  rt('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  rt('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  rt('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  rt('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  rt('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  rt('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status']
  }),
  rt('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {
    shortNames: ['pdb'],
    subresources: ['status']
  }),
  rt('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
  rt(
    'admissionregistration.k8s.io',
    'v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false
  ),
  rt(
    'admissionregistration.k8s.io',
    'v1',
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations',
    false
  ),
  rt('events.k8s.io', 'v1', 'Event', 'events', true, {
    shortNames: ['ev'],
    storedAs: { group: '', version: 'v1', plural: 'events' }
  }),
  rt('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    subresources: ['status']
  }),
  rt('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, {
    verbs: ['create'],
    virtual: true
  }),
  rt('authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, {
    verbs: ['create'],
    virtual: true
  }),
  rt('metrics.k8s.io', 'v1beta1', 'NodeMetrics', 'nodes', false, { verbs: ['get', 'list'], virtual: true }),
  rt('metrics.k8s.io', 'v1beta1', 'PodMetrics', 'pods', true, { verbs: ['get', 'list'], virtual: true })
];

/** `apps/v1` or `v1`: the apiVersion string objects of this type carry. */
export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The key under which objects of a resource are stored: `group/plural` (version-independent). */
export function storageKey(r: ResourceType): string {
  return r.storedAs ? `${r.storedAs.group}/${r.storedAs.plural}` : `${r.group}/${r.plural}`;
}

/** Resource types a CustomResourceDefinition adds (one per served version). */
export function resourcesFromCrd(crd: KubeObject): ResourceType[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  return (spec.versions ?? [])
    .filter((v: { served?: boolean }) => v.served !== false)
    .map(
      (v: {
        name: string;
        subresources?: Record<string, unknown>;
        additionalPrinterColumns?: PrinterColumn[];
      }) =>
        rt(spec.group, v.name, names.kind, names.plural, spec.scope !== 'Cluster', {
          singular: names.singular ?? names.kind.toLowerCase(),
          listKind: names.listKind ?? `${names.kind}List`,
          shortNames: names.shortNames,
          categories: names.categories,
          subresources: Object.keys(v.subresources ?? {}),
          printerColumns: v.additionalPrinterColumns ?? []
        })
    );
}

/** Lookup of resource types by group/version/plural and by kind; CRDs add and remove entries. */
export class ResourceRegistry {
  private byPath = new Map<string, ResourceType>();
  private crdTypes = new Map<string, ResourceType[]>(); // CRD name → types it added

  constructor(types: ResourceType[] = BUILTIN_RESOURCES) {
    for (const t of types) this.add(t);
  }

  private add(t: ResourceType) {
    this.byPath.set(`${t.group}/${t.version}/${t.plural}`, t);
  }

  get(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** The preferred (first registered) type for a kind in a group. */
  byKind(group: string, kind: string): ResourceType | undefined {
    for (const t of this.byPath.values()) if (t.group === group && t.kind === kind) return t;
    return undefined;
  }

  /** The type objects with this apiVersion and kind belong to. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    for (const t of this.byPath.values())
      if (t.group === group && t.version === version && t.kind === kind) return t;
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.byPath.values()];
  }

  /** Called by the cluster when a CRD is created, updated or deleted. */
  syncCrd(name: string, crd: KubeObject | undefined) {
    for (const t of this.crdTypes.get(name) ?? []) this.byPath.delete(`${t.group}/${t.version}/${t.plural}`);
    this.crdTypes.delete(name);
    if (!crd) return;
    const types = resourcesFromCrd(crd);
    this.crdTypes.set(name, types);
    for (const t of types) this.add(t);
  }
}
