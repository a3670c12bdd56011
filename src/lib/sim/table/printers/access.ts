/** RBAC bindings, PriorityClasses and admission webhook configurations. */
import { since } from '../../../kube/time';
import { AGE_COL, NAME_COL, col, type Printer } from './common';

export function bindingPrinter(what: string): Printer {
  return {
    columns: [
      NAME_COL,
      col(
        'Role',
        'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'
      ),
      AGE_COL,
      col('Users', `Users in the ${what}`, 'string', 1),
      col('Groups', `Groups in the ${what}`, 'string', 1),
      col('ServiceAccounts', `ServiceAccounts in the ${what}`, 'string', 1)
    ],
    cells(o, now) {
      const users: string[] = [];
      const groups: string[] = [];
      const sas: string[] = [];
      for (const s of o.subjects ?? []) {
        if (s.kind === 'User') users.push(s.name);
        else if (s.kind === 'Group') groups.push(s.name);
        else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
      }
      return [
        o.metadata.name,
        `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`,
        since(o.metadata.creationTimestamp, now),
        users.join(', '),
        groups.join(', '),
        sas.join(', ')
      ];
    }
  };
}

export const priorityClassPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Value', 'value represents the integer value of this priority class.', 'integer'),
    col(
      'Global-Default',
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
      'boolean'
    ),
    AGE_COL,
    col('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.')
  ],
  cells: (o, now) => [
    o.metadata.name,
    o.value ?? 0,
    o.globalDefault ?? false,
    since(o.metadata.creationTimestamp, now),
    o.preemptionPolicy ?? ''
  ]
};

export const webhookPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Webhooks', 'Webhooks indicates the number of webhooks registered in this configuration', 'integer'),
    AGE_COL
  ],
  cells: (o, now) => [o.metadata.name, (o.webhooks ?? []).length, since(o.metadata.creationTimestamp, now)]
};
