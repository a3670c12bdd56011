/**
 * What an object is related to, read from the object itself. Two sorts:
 * - links: objects it names (owners, its node, mounted ConfigMaps/Secrets/PVCs, a PVC's volume, an
 *   HPA's target, a binding's role…), known from the object alone;
 * - lists: objects that point back at it (children by owner uid, pods its selector picks, a
 *   Service's EndpointSlices, the pods on a node), which need a live view over another kind.
 * Kinds are named by API group and kind; the page turns them into catalog ids.
 */
import type { KubeObject } from '$lib/kube/types';
import { labelSelector, mapSelector } from '$lib/kinds/cells';
import { podSpecOf, podSpecRefs } from './pod-spec';
import type { Obj } from '../../kube/types';

export interface RelatedLink {
  /** How it relates: `Owner`, `Node`, `Mounts`, `Bound volume`… */
  relation: string;
  group: string;
  kind: string;
  /** Where to look for it when its kind is namespaced; the page ignores it for cluster-scoped kinds. */
  namespace?: string;
  name: string;
  /** More about the relation (`volume config`, `env DB_PASSWORD of app`). */
  note?: string;
}

/** A live list of related objects: a view over `group/kind` in one namespace (or all, for cluster-scoped ones). */
export interface RelatedList {
  title: string;
  group: string;
  kind: string;
  namespace?: string;
  /** One of these narrows the list. */
  ownerUid?: string;
  labelSelector?: string;
  field?: { column: string; value: string };
}

/** `apps/v1` → `apps`, `v1` → ''. */
export function apiGroup(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

const SPEC_REF_RELATION: Record<string, string> = {
  ConfigMap: 'Uses ConfigMap',
  Secret: 'Uses Secret',
  PersistentVolumeClaim: 'Mounts claim',
  ServiceAccount: 'Runs as'
};

function ingressBackends(ingress: Obj): string[] {
  const names: string[] = [];
  const add = (backend: Obj | undefined) => {
    const name = backend?.service?.name ?? backend?.serviceName;
    if (typeof name === 'string' && !names.includes(name)) names.push(name);
  };
  add(ingress.spec?.defaultBackend ?? ingress.spec?.backend);
  for (const rule of (ingress.spec?.rules ?? []) as Obj[])
    for (const path of (rule.http?.paths ?? []) as Obj[]) add(path.backend);
  return names;
}

/** Objects this object names, in the order a person reads them: owners first. */
export function relatedLinks(obj: KubeObject): RelatedLink[] {
  const ns = obj.metadata.namespace;
  const links: RelatedLink[] = [];
  const add = (
    relation: string,
    group: string,
    kind: string,
    name: unknown,
    namespace = ns,
    note?: string
  ) => {
    if (typeof name !== 'string' || name === '') return;
    links.push({ relation, group, kind, namespace, name, ...(note ? { note } : {}) });
  };

  for (const o of obj.metadata.ownerReferences ?? [])
    add(o.controller ? 'Controller' : 'Owner', apiGroup(o.apiVersion), o.kind, o.name);

  if (obj.kind === 'Pod') add('Node', '', 'Node', obj.spec?.nodeName);
  for (const ref of podSpecRefs(podSpecOf(obj)))
    add(SPEC_REF_RELATION[ref.kind], '', ref.kind, ref.name, ns, ref.uses.join(', '));

  const spec: Obj = obj.spec ?? {};
  const group = apiGroup(obj.apiVersion);
  switch (`${group}/${obj.kind}`) {
    case '/PersistentVolumeClaim':
      add('Bound volume', '', 'PersistentVolume', spec.volumeName);
      add('Storage class', 'storage.k8s.io', 'StorageClass', spec.storageClassName);
      break;
    case '/PersistentVolume':
      add('Bound claim', '', 'PersistentVolumeClaim', spec.claimRef?.name, spec.claimRef?.namespace);
      add('Storage class', 'storage.k8s.io', 'StorageClass', spec.storageClassName);
      break;
    case 'autoscaling/HorizontalPodAutoscaler': {
      const t: Obj = spec.scaleTargetRef ?? {};
      add('Scales', apiGroup(t.apiVersion), t.kind, t.name);
      break;
    }
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding': {
      const r: Obj = obj.roleRef ?? {};
      add('Role', r.apiGroup ?? 'rbac.authorization.k8s.io', r.kind, r.name);
      for (const s of (obj.subjects ?? []) as Obj[])
        if (s.kind === 'ServiceAccount') add('Subject', '', 'ServiceAccount', s.name, s.namespace ?? ns);
      break;
    }
    case 'networking.k8s.io/Ingress':
      add('Ingress class', 'networking.k8s.io', 'IngressClass', spec.ingressClassName);
      for (const name of ingressBackends(obj)) add('Backend', '', 'Service', name);
      for (const tls of (spec.tls ?? []) as Obj[]) add('TLS secret', '', 'Secret', tls.secretName);
      break;
    case '/ServiceAccount':
      for (const s of (obj.secrets ?? []) as Obj[]) add('Secret', '', 'Secret', s.name);
      for (const s of (obj.imagePullSecrets ?? []) as Obj[]) add('Image pull secret', '', 'Secret', s.name);
      break;
    case '/Secret':
      add('Token of', '', 'ServiceAccount', obj.metadata.annotations?.['kubernetes.io/service-account.name']);
      break;
    case 'discovery.k8s.io/EndpointSlice':
      add('Service', '', 'Service', obj.metadata.labels?.['kubernetes.io/service-name']);
      break;
    case '/Event':
    case 'events.k8s.io/Event': {
      const r: Obj = obj.involvedObject ?? obj.regarding ?? {};
      add('About', apiGroup(r.apiVersion), r.kind, r.name, r.namespace);
      break;
    }
    case 'cert-manager.io/Certificate':
      add('Issues into', '', 'Secret', spec.secretName);
      break;
  }
  return links;
}

/** The label selector of the pods an object picks, or null when it picks none (no selector). */
export function podSelectorOf(obj: KubeObject): string | null {
  const group = apiGroup(obj.apiVersion);
  const spec: Obj = obj.spec ?? {};
  switch (`${group}/${obj.kind}`) {
    case '/Service': {
      // A Service without a selector (external endpoints) selects no pods; neither does an empty one.
      const s = mapSelector(spec.selector);
      return s === '' ? null : s;
    }
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/StatefulSet':
    case 'apps/DaemonSet':
    case 'batch/Job':
    case 'policy/PodDisruptionBudget':
      return labelSelector(spec.selector);
    case '/ReplicationController':
      return mapSelector(spec.selector) || null;
    case 'networking.k8s.io/NetworkPolicy':
      // `podSelector: {}` selects every pod of the namespace.
      return labelSelector(spec.podSelector ?? {});
    default:
      return null;
  }
}

/** Kinds whose controller owns objects of another kind (what "children" means for them). */
const CHILDREN: Record<string, { group: string; kind: string; title: string }> = {
  'apps/Deployment': { group: 'apps', kind: 'ReplicaSet', title: 'ReplicaSets' },
  'apps/ReplicaSet': { group: '', kind: 'Pod', title: 'Pods' },
  'apps/StatefulSet': { group: '', kind: 'Pod', title: 'Pods' },
  'apps/DaemonSet': { group: '', kind: 'Pod', title: 'Pods' },
  'batch/Job': { group: '', kind: 'Pod', title: 'Pods' },
  'batch/CronJob': { group: 'batch', kind: 'Job', title: 'Jobs' },
  '/ReplicationController': { group: '', kind: 'Pod', title: 'Pods' }
};

/** Live lists of objects that point back at this one. */
export function relatedLists(obj: KubeObject): RelatedList[] {
  const ns = obj.metadata.namespace;
  const key = `${apiGroup(obj.apiVersion)}/${obj.kind}`;
  const lists: RelatedList[] = [];
  const child = CHILDREN[key];
  if (child) lists.push({ ...child, namespace: ns, ownerUid: obj.metadata.uid });
  // Pods a controller owns are the pods it selects; list them once, by owner, which is exact.
  const selector = podSelectorOf(obj);
  if (selector !== null && child?.kind !== 'Pod')
    lists.push({ title: 'Selected pods', group: '', kind: 'Pod', namespace: ns, labelSelector: selector });
  if (key === '/Service')
    lists.push({
      title: 'EndpointSlices',
      group: 'discovery.k8s.io',
      kind: 'EndpointSlice',
      namespace: ns,
      labelSelector: `kubernetes.io/service-name=${obj.metadata.name}`
    });
  if (key === '/Node')
    lists.push({
      title: 'Pods on this node',
      group: '',
      kind: 'Pod',
      field: { column: 'node', value: obj.metadata.name }
    });
  return lists;
}
