/** The printer of each resource type: kubectl's for built-in kinds, the CRD's columns for custom ones. */
import type { ResourceType } from '../../../kube/types';
import { rfc3339 } from '../../../kube/time';
import { bindingPrinter, priorityClassPrinter, webhookPrinter } from './access';
import { DOC_AGE, NAME_COL, type Printer } from './common';
import {
  configMapPrinter,
  pvPrinter,
  pvcPrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  storageClassPrinter
} from './config';
import { namespacePrinter, nodePrinter, podPrinter } from './core';
import { customResourcePrinter } from './custom';
import { eventPrinter } from './events';
import {
  endpointSlicePrinter,
  ingressClassPrinter,
  ingressPrinter,
  networkPolicyPrinter,
  servicePrinter
} from './network';
import {
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  hpaPrinter,
  jobPrinter,
  pdbPrinter,
  replicaSetPrinter,
  statefulSetPrinter
} from './workloads';

const PRINTERS: Record<string, Printer> = {
  '/pods': podPrinter,
  '/nodes': nodePrinter,
  '/namespaces': namespacePrinter,
  '/services': servicePrinter,
  '/configmaps': configMapPrinter,
  '/secrets': secretPrinter,
  '/serviceaccounts': serviceAccountPrinter,
  '/persistentvolumeclaims': pvcPrinter,
  '/persistentvolumes': pvPrinter,
  '/resourcequotas': resourceQuotaPrinter,
  '/events': eventPrinter,
  'events.k8s.io/events': eventPrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  'networking.k8s.io/ingresses': ingressPrinter,
  'networking.k8s.io/ingressclasses': ingressClassPrinter,
  'networking.k8s.io/networkpolicies': networkPolicyPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  'rbac.authorization.k8s.io/rolebindings': bindingPrinter('roleBinding'),
  'rbac.authorization.k8s.io/clusterrolebindings': bindingPrinter('clusterRoleBinding'),
  'autoscaling/horizontalpodautoscalers': hpaPrinter,
  'policy/poddisruptionbudgets': pdbPrinter,
  'scheduling.k8s.io/priorityclasses': priorityClassPrinter,
  'admissionregistration.k8s.io/validatingwebhookconfigurations': webhookPrinter,
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': webhookPrinter
};

/**
 * rest.DefaultTableConvertor: what the server prints for kinds without a printer (Roles, ClusterRoles,
 * LimitRanges, CustomResourceDefinitions…): NAME and CREATED AT (an RFC3339 date, not an age).
 */
const defaultPrinter: Printer = {
  columns: [NAME_COL, { name: 'Created At', type: 'date', format: '', description: DOC_AGE, priority: 0 }],
  cells: (o) => [o.metadata.name, rfc3339(o.metadata.creationTimestamp)]
};

export function printerFor(rt: ResourceType): Printer {
  if (rt.printerColumns !== undefined) return customResourcePrinter(rt.printerColumns);
  return PRINTERS[`${rt.group}/${rt.plural}`] ?? defaultPrinter;
}
