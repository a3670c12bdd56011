/** RBAC: the bootstrap roles, the aggregated view/edit/admin roles, and the user's own access. */
import * as k from '../objects';
import { DISCOVERY_URLS } from '../rbac';
import type { WorldBuilder } from './builder';
import { DAY } from './catalog';
import type { PopulateOptions } from './populate';

const READ = ['get', 'list', 'watch'];

export function rbac(w: WorldBuilder, user: PopulateOptions['user']) {
  const t = w.born;
  const bootstrap = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
  w.create(
    k.clusterRole(
      'cluster-admin',
      t,
      [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] }
      ],
      bootstrap
    ),
    t
  );
  const viewRules = [
    {
      apiGroups: [''],
      resources: [
        'configmaps',
        'endpoints',
        'persistentvolumeclaims',
        'persistentvolumeclaims/status',
        'pods',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'serviceaccounts',
        'services',
        'services/status'
      ],
      verbs: READ
    },
    {
      apiGroups: [''],
      resources: [
        'bindings',
        'events',
        'limitranges',
        'namespaces/status',
        'pods/log',
        'pods/status',
        'replicationcontrollers/status',
        'resourcequotas',
        'resourcequotas/status'
      ],
      verbs: READ
    },
    { apiGroups: [''], resources: ['namespaces'], verbs: READ },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
    {
      apiGroups: ['apps'],
      resources: [
        'controllerrevisions',
        'daemonsets',
        'daemonsets/status',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
        'statefulsets',
        'statefulsets/scale',
        'statefulsets/status'
      ],
      verbs: READ
    },
    {
      apiGroups: ['autoscaling'],
      resources: ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'],
      verbs: READ
    },
    { apiGroups: ['batch'], resources: ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], verbs: READ },
    {
      apiGroups: ['policy'],
      resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status'],
      verbs: READ
    },
    {
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses', 'ingresses/status', 'networkpolicies'],
      verbs: READ
    }
  ];
  const editExtra = [
    {
      apiGroups: [''],
      resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'],
      verbs: ['create', 'delete', 'deletecollection', 'patch', 'update']
    },
    {
      apiGroups: [''],
      resources: [
        'configmaps',
        'events',
        'persistentvolumeclaims',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'secrets',
        'serviceaccounts',
        'services',
        'services/proxy'
      ],
      verbs: ['create', 'delete', 'deletecollection', 'patch', 'update']
    },
    {
      apiGroups: ['apps'],
      resources: [
        'daemonsets',
        'deployments',
        'deployments/rollback',
        'deployments/scale',
        'replicasets',
        'replicasets/scale',
        'statefulsets',
        'statefulsets/scale'
      ],
      verbs: ['create', 'delete', 'deletecollection', 'patch', 'update']
    },
    {
      apiGroups: ['batch'],
      resources: ['cronjobs', 'jobs'],
      verbs: ['create', 'delete', 'deletecollection', 'patch', 'update']
    },
    { apiGroups: [''], resources: ['secrets'], verbs: READ }
  ];
  w.create(
    k.clusterRole('view', t, viewRules, {
      ...bootstrap,
      'rbac.authorization.k8s.io/aggregate-to-edit': 'true'
    }),
    t
  );
  w.create(
    k.clusterRole('edit', t, [...viewRules, ...editExtra], {
      ...bootstrap,
      'rbac.authorization.k8s.io/aggregate-to-admin': 'true'
    }),
    t
  );
  w.create(
    k.clusterRole(
      'admin',
      t,
      [
        ...viewRules,
        ...editExtra,
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['rolebindings', 'roles'],
          verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
        }
      ],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRole(
      'system:basic-user',
      t,
      [
        {
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
          verbs: ['create']
        }
      ],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRole(
      'system:discovery',
      t,
      [
        {
          nonResourceURLs: [...DISCOVERY_URLS],
          verbs: ['get']
        }
      ],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRole('cert-manager-controller-certificates', t + 2 * DAY, [
      {
        apiGroups: ['cert-manager.io'],
        resources: [
          'certificates',
          'certificates/status',
          'certificaterequests',
          'certificaterequests/status'
        ],
        verbs: ['update', 'patch']
      },
      {
        apiGroups: ['cert-manager.io'],
        resources: ['certificates', 'certificaterequests', 'clusterissuers', 'issuers'],
        verbs: READ
      },
      { apiGroups: [''], resources: ['secrets'], verbs: [...READ, 'create', 'update', 'delete', 'patch'] }
    ]),
    t + 2 * DAY
  );
  w.create(
    k.clusterRoleBinding(
      'cluster-admin',
      t,
      'cluster-admin',
      [{ kind: 'Group', name: 'system:masters' }],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRoleBinding(
      'system:basic-user',
      t,
      'system:basic-user',
      [{ kind: 'Group', name: 'system:authenticated' }],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRoleBinding(
      'system:discovery',
      t,
      'system:discovery',
      [{ kind: 'Group', name: 'system:authenticated' }],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRoleBinding(
      'cert-manager-controller-certificates',
      t + 2 * DAY,
      'cert-manager-controller-certificates',
      [{ kind: 'ServiceAccount', name: 'cert-manager', namespace: 'cert-manager' }]
    ),
    t + 2 * DAY
  );

  const created = w.now - 30 * DAY;
  if (!user || user.role === 'admin') {
    const name = user?.name ?? 'admin';
    w.create(
      k.clusterRoleBinding(`skiff-admin-${name}`, created, 'cluster-admin', [{ kind: 'User', name }]),
      created
    );
    return;
  }
  // A viewer: everything readable except Secrets, which are readable only in `web`.
  const byGroup = new Map<string, Set<string>>();
  for (const t2 of w.cluster.registry.all()) {
    if (t2.group === 'authorization.k8s.io') continue;
    if (t2.group === '' && t2.plural === 'secrets') continue;
    let set = byGroup.get(t2.group);
    if (!set) byGroup.set(t2.group, (set = new Set()));
    set.add(t2.plural);
    for (const sub of t2.subresources ?? [])
      if (sub === 'log' || sub === 'status' || sub === 'scale') set.add(`${t2.plural}/${sub}`);
  }
  const rules: k.PolicyRule[] = [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: READ }));
  rules.push({
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    verbs: ['create']
  });
  w.create(k.clusterRole('skiff-viewer', created, rules, { 'app.kubernetes.io/part-of': 'skiff' }), created);
  w.create(
    k.clusterRoleBinding(`skiff-viewer-${user.name}`, created, 'skiff-viewer', [
      { kind: 'User', name: user.name }
    ]),
    created
  );
  w.create(
    k.role({ name: 'secret-reader', namespace: 'web', created }, [
      { apiGroups: [''], resources: ['secrets'], verbs: READ }
    ]),
    created
  );
  w.create(
    k.roleBinding(
      { name: `secret-reader-${user.name}`, namespace: 'web', created },
      { kind: 'Role', name: 'secret-reader' },
      [{ kind: 'User', name: user.name }]
    ),
    created
  );
}
