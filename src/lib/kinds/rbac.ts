/** RBAC: Roles and ClusterRoles, their bindings, ServiceAccounts. */
import type { Cell } from '../watch/row';
import { col, joinList, kind, labelSelector, rbacSubjects } from './cells';
import type { KindDef } from './types';
import type { Obj } from '../kube/types';

function roleCells(r: Obj): Record<string, Cell> {
  const agg: Obj[] | undefined = r.aggregationRule?.clusterRoleSelectors;
  return {
    rules: (r.rules ?? []).length,
    aggregation: agg ? joinList(agg.map((s) => labelSelector(s) ?? '')) : null
  };
}

function bindingCells(b: Obj): Record<string, Cell> {
  const ref: Obj = b.roleRef ?? {};
  return {
    role: ref.name ? `${ref.kind}/${ref.name}` : null,
    subjects: rbacSubjects(b.subjects),
    subjectCount: (b.subjects ?? []).length
  };
}

const BINDING_COLUMNS = [
  col('role', 'Role', 'text'),
  col('subjects', 'Subjects', 'list'),
  col('subjectCount', 'Subject count', 'number', { hidden: true })
];

const RBAC = 'rbac.authorization.k8s.io';

export const RBAC_KINDS: KindDef[] = [
  kind('RBAC', RBAC, 'v1', 'roles', 'Role', 'Roles', true, [col('rules', 'Rules', 'number')], roleCells),
  kind(
    'RBAC',
    RBAC,
    'v1',
    'rolebindings',
    'RoleBinding',
    'RoleBindings',
    true,
    BINDING_COLUMNS,
    bindingCells
  ),
  kind(
    'RBAC',
    RBAC,
    'v1',
    'clusterroles',
    'ClusterRole',
    'ClusterRoles',
    false,
    [
      col('rules', 'Rules', 'number'),
      col('aggregation', 'Aggregates', 'text', { description: 'Roles it aggregates, by label' })
    ],
    roleCells
  ),
  kind(
    'RBAC',
    RBAC,
    'v1',
    'clusterrolebindings',
    'ClusterRoleBinding',
    'ClusterRoleBindings',
    false,
    BINDING_COLUMNS,
    bindingCells
  ),
  kind(
    'RBAC',
    '',
    'v1',
    'serviceaccounts',
    'ServiceAccount',
    'ServiceAccounts',
    true,
    [
      col('secrets', 'Secrets', 'number'),
      col('imagePullSecrets', 'Image pull secrets', 'list'),
      col('automount', 'Automount token', 'bool', { hidden: true })
    ],
    (sa) => ({
      secrets: (sa.secrets ?? []).length,
      imagePullSecrets: joinList(((sa.imagePullSecrets ?? []) as Obj[]).map((s) => s.name)),
      automount: sa.automountServiceAccountToken !== false
    })
  )
];
