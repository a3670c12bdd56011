/** Identity and access: ServiceAccounts, Roles, ClusterRoles and their bindings. */
import type { NewObject } from '../../kube/types';
import { isoTime } from './format';
import { meta, type MetaInit } from './meta';

export function serviceAccount(m: MetaInit, imagePullSecrets?: string[]): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(m),
    ...(imagePullSecrets?.length ? { imagePullSecrets: imagePullSecrets.map((name) => ({ name })) } : {})
  };
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export function role(m: MetaInit, rules: PolicyRule[]): NewObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(m), rules };
}

export function clusterRole(
  name: string,
  created: number,
  rules: PolicyRule[],
  labels?: Record<string, string>,
  aggregateFrom?: Record<string, string>[]
): NewObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name,
      creationTimestamp: isoTime(created),
      ...(labels ? { labels } : {}),
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }
    },
    ...(aggregateFrom
      ? { aggregationRule: { clusterRoleSelectors: aggregateFrom.map((matchLabels) => ({ matchLabels })) } }
      : {}),
    rules
  };
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

function subjects(list: Subject[]) {
  return list.map((s) =>
    s.kind === 'ServiceAccount'
      ? { kind: s.kind, name: s.name, namespace: s.namespace }
      : { apiGroup: 'rbac.authorization.k8s.io', kind: s.kind, name: s.name }
  );
}

export function roleBinding(
  m: MetaInit,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  to: Subject[]
): NewObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(m),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleRef.kind, name: roleRef.name },
    subjects: subjects(to)
  };
}

export function clusterRoleBinding(
  name: string,
  created: number,
  roleName: string,
  to: Subject[],
  labels?: Record<string, string>
): NewObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, creationTimestamp: isoTime(created), ...(labels ? { labels } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: subjects(to)
  };
}
