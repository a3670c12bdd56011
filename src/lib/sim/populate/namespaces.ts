/** Namespaces and what every namespace holds: the default ServiceAccount, the root CA, app basics. */
import * as k from '../objects';
import type { Random } from '../random';
import type { WorldBuilder } from './builder';
import { APP_NAMESPACES, DAY, ENVS, SUBJECTS, SYSTEM_NAMESPACES, TEAMS } from './catalog';

export function appNamespaceNames(count: number, rand: Random): string[] {
  const out = APP_NAMESPACES.slice(0, Math.min(count, APP_NAMESPACES.length));
  const used = new Set(out);
  while (out.length < count) {
    const name = rand.chance(0.5)
      ? `team-${rand.pick(TEAMS)}-${rand.pick(SUBJECTS)}`
      : `${rand.pick(APP_NAMESPACES)}-${rand.pick(ENVS)}`;
    const unique = used.has(name) ? `${name}-${out.length}` : name;
    used.add(unique);
    out.push(unique);
  }
  return out;
}

export function namespaceBasics(w: WorldBuilder, ns: string, isApp: boolean) {
  const { rand } = w;
  const created = SYSTEM_NAMESPACES.includes(ns) ? w.born : w.between(w.born + DAY, w.now - 5 * DAY);
  const labels: Record<string, string> = isApp
    ? {
        team: ns.split('-')[0],
        environment: /-(staging|qa|sandbox|preview|perf|canary)$/.exec(ns)?.[1] ?? 'production',
        'pod-security.kubernetes.io/enforce': rand.pick(['baseline', 'restricted'])
      }
    : {};
  w.create(k.namespace(ns, created, labels), created);
  w.create(
    k.withManagedFields(
      k.serviceAccount({ name: 'default', namespace: ns, created }),
      'kube-controller-manager',
      created
    ),
    created
  );
  w.create(
    k.withManagedFields(
      k.configMap(
        {
          name: 'kube-root-ca.crt',
          namespace: ns,
          created,
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.'
          }
        },
        { 'ca.crt': w.ca }
      ),
      'kube-controller-manager',
      created
    ),
    created
  );
  if (isApp) {
    w.create(
      k.withManagedFields(
        k.dockerConfigSecret(
          { name: 'regcred', namespace: ns, created },
          'registry.acme.io',
          `robot$${ns}`,
          rand.hex(32)
        ),
        'kubectl-create',
        created
      ),
      created
    );
    if (rand.chance(0.5)) {
      w.create(
        k.withManagedFields(
          k.networkPolicy(
            { name: 'default-deny-ingress', namespace: ns, created },
            { podSelector: {}, policyTypes: ['Ingress'] }
          ),
          'kubectl-client-side-apply',
          created
        ),
        created
      );
      w.create(
        k.withManagedFields(
          k.networkPolicy(
            { name: 'allow-from-ingress-nginx', namespace: ns, created },
            {
              ingress: [
                {
                  from: [
                    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }
                  ],
                  ports: [{ port: 8080, protocol: 'TCP' }]
                }
              ],
              podSelector: {},
              policyTypes: ['Ingress']
            }
          ),
          'kubectl-client-side-apply',
          created
        ),
        created
      );
    }
    if (rand.chance(0.3)) {
      const sa = w.create(k.serviceAccount({ name: 'ci-deployer', namespace: ns, created }), created);
      w.create(
        k.serviceAccountTokenSecret({ name: 'ci-deployer-token', namespace: ns, created }, sa, rand, w.ca),
        created
      );
      w.create(
        k.role({ name: 'ci-deployer', namespace: ns, created }, [
          {
            apiGroups: ['apps'],
            resources: ['deployments', 'statefulsets'],
            verbs: ['get', 'list', 'watch', 'patch', 'update']
          },
          {
            apiGroups: [''],
            resources: ['configmaps', 'services'],
            verbs: ['get', 'list', 'watch', 'create', 'patch', 'update']
          }
        ]),
        created
      );
      w.create(
        k.roleBinding(
          { name: 'ci-deployer', namespace: ns, created },
          { kind: 'Role', name: 'ci-deployer' },
          [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: ns }]
        ),
        created
      );
    }
  }
}
