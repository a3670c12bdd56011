/** RBAC bindings, PriorityClasses and admission webhook configurations. */
import { col, namedRowPrinter, type Printer } from './common';

export function bindingPrinter(what: string): Printer {
  return namedRowPrinter({
    columns: [
      col(
        'Role',
        'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'
      )
    ],
    afterAge: [
      col('Users', `Users in the ${what}`, 'string', 1),
      col('Groups', `Groups in the ${what}`, 'string', 1),
      col('ServiceAccounts', `ServiceAccounts in the ${what}`, 'string', 1)
    ],
    cells(o) {
      const users: string[] = [];
      const groups: string[] = [];
      const sas: string[] = [];
      for (const s of o.subjects ?? []) {
        if (s.kind === 'User') users.push(s.name);
        else if (s.kind === 'Group') groups.push(s.name);
        else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
      }
      return [
        `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`,
        users.join(', '),
        groups.join(', '),
        sas.join(', ')
      ];
    }
  });
}

export const priorityClassPrinter: Printer = namedRowPrinter({
  columns: [
    col('Value', 'value represents the integer value of this priority class.', 'integer'),
    col(
      'Global-Default',
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
      'boolean'
    )
  ],
  afterAge: [
    col('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.')
  ],
  cells: (o) => [o.value ?? 0, o.globalDefault ?? false, o.preemptionPolicy ?? '']
});

export const webhookPrinter: Printer = namedRowPrinter({
  columns: [
    col('Webhooks', 'Webhooks indicates the number of webhooks registered in this configuration', 'integer')
  ],
  cells: (o) => [(o.webhooks ?? []).length]
});
