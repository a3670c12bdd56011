/**
 * RBAC authorizer over the cluster's own Role/ClusterRole/RoleBinding/ClusterRoleBinding objects,
 * with the rule matching of k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac. Decisions are cached
 * per cluster and the cache is dropped on any RBAC change, so a revoked binding takes effect on the
 * next request. The request identity is `cluster.options.user`; the `system:masters` group bypasses
 * RBAC as in kube-apiserver. Bootstrap roles a real control plane always has (cluster-admin,
 * system:basic-user, system:discovery, system:public-info-viewer) apply unless the cluster stores
 * objects of the same names.
 */
import type { SimCluster } from './cluster';
import { matchesSelectorObject } from './selectors';
import { ApiError, type KubeObject } from '../kube/types';

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  version?: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

export type AuthorizationAttributes = ResourceAttributes | NonResourceAttributes;

export interface Decision {
  allowed: boolean;
  /** Why it was allowed (`RBAC: allowed by …`); empty when denied, as RBAC gives no reason then. */
  reason: string;
}

export interface UserInfo {
  name: string;
  groups: string[];
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding {
  metadata: { name: string; namespace?: string };
  roleRef: { kind: string; name: string };
  subjects?: Subject[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_VERSION = `${RBAC_GROUP}/v1`;

const isResource = (a: AuthorizationAttributes): a is ResourceAttributes => 'resource' in a;

/** The identity requests are made as. `admin` (the default) is a cluster admin, as kubeadm's admin is. */
export function userOf(cluster: SimCluster): UserInfo {
  const name = cluster.options.user;
  const configured = (cluster.options as { groups?: string[] }).groups;
  const groups = configured ? [...configured] : name === 'admin' ? ['system:masters'] : [];
  const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(name);
  if (sa) groups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  if (!groups.includes('system:authenticated')) groups.push('system:authenticated');
  return { name, groups };
}

// ---- bootstrap policy ------------------------------------------------------------------------------

/** The non-resource URLs of the bootstrap `system:discovery` ClusterRole. */
export const DISCOVERY_URLS = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/healthz',
  '/livez',
  '/openapi',
  '/openapi/*',
  '/readyz',
  '/version',
  '/version/'
];

const BOOTSTRAP_ROLES: Record<string, PolicyRule[]> = {
  'cluster-admin': [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['*'], verbs: ['*'] }
  ],
  'system:basic-user': [
    {
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      verbs: ['create']
    },
    { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] }
  ],
  'system:discovery': [{ nonResourceURLs: DISCOVERY_URLS, verbs: ['get'] }],
  'system:public-info-viewer': [
    { nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }
  ]
};

const BOOTSTRAP_BINDINGS: Binding[] = [
  ['cluster-admin', 'system:masters'],
  ['system:basic-user', 'system:authenticated'],
  ['system:discovery', 'system:authenticated'],
  ['system:public-info-viewer', 'system:authenticated']
].map(([role, group]) => ({
  metadata: { name: role },
  roleRef: { kind: 'ClusterRole', name: role },
  subjects: [{ kind: 'Group', name: group }]
}));

// ---- rule matching (rbac/v1 helpers) ---------------------------------------------------------------

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === '*' || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) {
      return true;
    }
  }
  return false;
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

function ruleAllows(attrs: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (isResource(attrs)) {
    const sub = attrs.subresource ?? '';
    const combined = sub ? `${attrs.resource}/${sub}` : attrs.resource;
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.group) &&
      resourceMatches(rule, combined, sub) &&
      resourceNameMatches(rule, attrs.name ?? '')
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

function appliesTo(user: UserInfo, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns !== '' && user.name === `system:serviceaccount:${ns}:${s.name}`;
    }
  }
  return false;
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} "${s.namespace || bindingNamespace}/${s.name}"`;
  return `${s.kind} "${s.name}"`;
}

// ---- per-cluster state -----------------------------------------------------------------------------

interface AuthorizerState {
  decisions: Map<string, Decision>;
}

const states = new WeakMap<SimCluster, AuthorizerState>();

function stateOf(cluster: SimCluster): AuthorizerState {
  let s = states.get(cluster);
  if (!s) {
    const state: AuthorizerState = { decisions: new Map() };
    cluster.onChange((e) => {
      if (e.resource.group === RBAC_GROUP) state.decisions.clear();
    });
    states.set(cluster, (s = state));
  }
  return s;
}

function rbacObjects(cluster: SimCluster, kind: string, namespace?: string): KubeObject[] {
  return cluster.objects(cluster.type(RBAC_VERSION, kind), namespace);
}

function clusterRoleBindings(cluster: SimCluster): Binding[] {
  const stored = rbacObjects(cluster, 'ClusterRoleBinding') as unknown as Binding[];
  const names = new Set(stored.map((b) => b.metadata.name));
  return [...stored, ...BOOTSTRAP_BINDINGS.filter((b) => !names.has(b.metadata.name))];
}

/** Rules of a ClusterRole; an aggregated one (aggregationRule, no rules yet) unions the roles it selects. */
function clusterRoleRules(cluster: SimCluster, name: string, seen = new Set<string>()): PolicyRule[] {
  const rt = cluster.type(RBAC_VERSION, 'ClusterRole');
  const role = cluster.find(rt, undefined, name);
  if (!role) return BOOTSTRAP_ROLES[name] ?? [];
  const rules: PolicyRule[] = role.rules ?? [];
  const selectors: Record<string, unknown>[] = role.aggregationRule?.clusterRoleSelectors ?? [];
  if (rules.length > 0 || selectors.length === 0) return rules;
  seen.add(name);
  const out: PolicyRule[] = [];
  for (const other of cluster.objects(rt)) {
    if (seen.has(other.metadata.name)) continue;
    if (selectors.some((sel) => matchesSelectorObject(sel, other.metadata.labels))) {
      out.push(...clusterRoleRules(cluster, other.metadata.name, seen));
    }
  }
  return out;
}

function roleRules(cluster: SimCluster, binding: Binding): PolicyRule[] {
  if (binding.roleRef.kind === 'ClusterRole') return clusterRoleRules(cluster, binding.roleRef.name);
  const role = cluster.find(
    cluster.type(RBAC_VERSION, 'Role'),
    binding.metadata.namespace,
    binding.roleRef.name
  );
  return role?.rules ?? [];
}

/**
 * Every binding that applies to the user in `namespace` (cluster role bindings first), with the
 * subject that matched: the order RBAC visits rules in.
 */
function applicableBindings(
  cluster: SimCluster,
  user: UserInfo,
  namespace: string
): { binding: Binding; subject: Subject; kind: 'ClusterRoleBinding' | 'RoleBinding' }[] {
  const out: { binding: Binding; subject: Subject; kind: 'ClusterRoleBinding' | 'RoleBinding' }[] = [];
  for (const b of clusterRoleBindings(cluster)) {
    const subject = (b.subjects ?? []).find((s) => appliesTo(user, s, ''));
    if (subject) out.push({ binding: b, subject, kind: 'ClusterRoleBinding' });
  }
  if (namespace) {
    for (const b of rbacObjects(cluster, 'RoleBinding', namespace) as unknown as Binding[]) {
      const subject = (b.subjects ?? []).find((s) => appliesTo(user, s, namespace));
      if (subject) out.push({ binding: b, subject, kind: 'RoleBinding' });
    }
  }
  return out;
}

function evaluate(cluster: SimCluster, user: UserInfo, attrs: AuthorizationAttributes): Decision {
  if (user.groups.includes('system:masters')) return { allowed: true, reason: '' };
  const namespace = isResource(attrs) ? (attrs.namespace ?? '') : '';
  for (const { binding, subject, kind } of applicableBindings(cluster, user, namespace)) {
    if (!isResource(attrs) && kind === 'RoleBinding') continue;
    for (const rule of roleRules(cluster, binding)) {
      if (!ruleAllows(attrs, rule)) continue;
      const ns = binding.metadata.namespace ?? '';
      const name = kind === 'RoleBinding' ? `${binding.metadata.name}/${ns}` : binding.metadata.name;
      return {
        allowed: true,
        reason: `RBAC: allowed by ${kind} "${name}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, ns)}`
      };
    }
  }
  return { allowed: false, reason: '' };
}

// ---- public API ------------------------------------------------------------------------------------

/** Is the cluster's user allowed to do this? Cached until the next RBAC change. */
export function authorize(cluster: SimCluster, attrs: AuthorizationAttributes): Decision {
  const user = userOf(cluster);
  const key = JSON.stringify([
    user.name,
    isResource(attrs)
      ? [
          attrs.verb,
          attrs.group,
          attrs.resource,
          attrs.subresource ?? '',
          attrs.namespace ?? '',
          attrs.name ?? ''
        ]
      : [attrs.verb, attrs.path]
  ]);
  const state = stateOf(cluster);
  let d = state.decisions.get(key);
  if (!d) {
    d = evaluate(cluster, user, attrs);
    // Per-name checks (get pod X) would grow the cache without bound: start over past a limit.
    if (state.decisions.size >= 10_000) state.decisions.clear();
    state.decisions.set(key, d);
  }
  return d;
}

/**
 * The 403 the API server answers, with its message format. Called as `forbidden(cluster, attrs)`
 * (the cluster's user) or `forbidden(attrs, user)`.
 */
export function forbidden(cluster: SimCluster, attrs: AuthorizationAttributes): ApiError;
export function forbidden(attrs: AuthorizationAttributes, user: string): ApiError;
export function forbidden(
  first: SimCluster | AuthorizationAttributes,
  second: AuthorizationAttributes | string
): ApiError {
  const [attrs, user] =
    typeof second === 'string'
      ? [first as AuthorizationAttributes, second]
      : [second, userOf(first as SimCluster).name];
  if (!isResource(attrs)) {
    return new ApiError(
      403,
      'Forbidden',
      `forbidden: User "${user}" cannot ${attrs.verb} path "${attrs.path}"`,
      {}
    );
  }
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const why = `User "${user}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${scope}`;
  const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource;
  const message = attrs.name
    ? `${qualified} "${attrs.name}" is forbidden: ${why}`
    : `${qualified} is forbidden: ${why}`;
  return new ApiError(403, 'Forbidden', message, {
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.group ? { group: attrs.group } : {}),
    kind: attrs.resource
  });
}

function invalid(kind: string, field: string, message: string): ApiError {
  return new ApiError(422, 'Invalid', `${kind}.authorization.k8s.io "" is invalid: ${field}: ${message}`, {
    group: 'authorization.k8s.io',
    kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }]
  });
}

function withoutEmpty(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
}

/** POST selfsubjectaccessreviews: the review with `status` filled in, as the API returns it. */
export function selfSubjectAccessReview(cluster: SimCluster, body: unknown): Record<string, unknown> {
  const spec = ((body as { spec?: Record<string, unknown> } | undefined)?.spec ?? {}) as {
    resourceAttributes?: Record<string, string>;
    nonResourceAttributes?: Record<string, string>;
  };
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if ((ra === undefined) === (nra === undefined)) {
    throw invalid(
      'SelfSubjectAccessReview',
      'spec.resourceAttributes',
      'exactly one of nonResourceAttributes or resourceAttributes must be specified'
    );
  }
  const decision = ra
    ? authorize(cluster, {
        verb: ra.verb ?? '',
        group: ra.group ?? '',
        resource: ra.resource ?? '',
        subresource: ra.subresource,
        namespace: ra.namespace,
        name: ra.name,
        version: ra.version
      })
    : authorize(cluster, { verb: nra!.verb ?? '', path: nra!.path ?? '' });
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: ra ? { resourceAttributes: withoutEmpty(ra) } : { nonResourceAttributes: withoutEmpty(nra!) },
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) }
  };
}

/** POST selfsubjectrulesreviews: every rule that applies to the user in `spec.namespace`. */
export function selfSubjectRulesReview(cluster: SimCluster, body: unknown): Record<string, unknown> {
  const namespace = String((body as { spec?: { namespace?: string } } | undefined)?.spec?.namespace ?? '');
  const user = userOf(cluster);
  const resourceRules: Record<string, string[]>[] = [];
  const nonResourceRules: Record<string, string[]>[] = [];
  for (const { binding, kind } of applicableBindings(cluster, user, namespace)) {
    for (const rule of roleRules(cluster, binding)) {
      if (rule.nonResourceURLs?.length) {
        if (kind === 'ClusterRoleBinding') {
          nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs });
        }
        continue;
      }
      const r: Record<string, string[]> = { verbs: rule.verbs ?? [] };
      if (rule.apiGroups?.length) r.apiGroups = rule.apiGroups;
      if (rule.resources?.length) r.resources = rule.resources;
      if (rule.resourceNames?.length) r.resourceNames = rule.resourceNames;
      resourceRules.push(r);
    }
  }
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: namespace ? { namespace } : {},
    status: { resourceRules, nonResourceRules, incomplete: false }
  };
}
