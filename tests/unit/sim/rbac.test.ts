import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import { authorize, forbidden, selfSubjectAccessReview, selfSubjectRulesReview } from '$lib/sim/rbac';
import type { ApiError } from '$lib/kube/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const RBAC = 'rbac.authorization.k8s.io/v1';

function setup(user = 'viewer') {
  const c = new SimCluster({ name: 'rbac', user, clock: { now: () => Date.parse('2026-11-26T10:00:00Z') } });
  const ns = c.type('v1', 'Namespace');
  for (const name of ['web', 'db'])
    c.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const t = (kind: string) => c.type(RBAC, kind);
  const create = (kind: string, namespace: string | undefined, name: string, rest: Record<string, unknown>) =>
    c.create(t(kind), namespace, { apiVersion: RBAC, kind, metadata: { name }, ...rest });
  // A cluster-wide read-only role without secrets, and a namespaced secret reader.
  create('ClusterRole', undefined, 'view', {
    rules: [
      {
        apiGroups: [''],
        resources: ['pods', 'pods/log', 'services', 'configmaps'],
        verbs: ['get', 'list', 'watch']
      },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'watch'] }
    ]
  });
  create('ClusterRoleBinding', undefined, 'viewer-view', {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }]
  });
  create('Role', 'web', 'secret-reader', {
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]
  });
  create('RoleBinding', 'web', 'read-secrets', {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }]
  });
  return { c, t, create };
}

const listSecrets = (namespace?: string) => ({ verb: 'list', group: '', resource: 'secrets', namespace });

describe('authorize', () => {
  it('lets a viewer list secrets in web but not cluster-wide, and a revoked binding takes effect at once', () => {
    const { c, t } = setup();
    expect(authorize(c, listSecrets())).toEqual({ allowed: false, reason: '' });
    expect(authorize(c, listSecrets('db')).allowed).toBe(false);
    expect(authorize(c, listSecrets('web'))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "read-secrets/web" of Role "secret-reader" to User "viewer"'
    });
    c.delete(t('RoleBinding'), 'web', 'read-secrets');
    expect(authorize(c, listSecrets('web')).allowed).toBe(false);
  });

  it('follows role changes and new bindings without a stale cache', () => {
    const { c, t, create } = setup();
    const del = { verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'web', name: 'api' };
    expect(authorize(c, del).allowed).toBe(false);
    create('ClusterRole', undefined, 'deployer', {
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }]
    });
    create('RoleBinding', 'web', 'deployers', {
      roleRef: { kind: 'ClusterRole', name: 'deployer' },
      subjects: [{ kind: 'Group', name: 'system:authenticated' }]
    });
    expect(authorize(c, del)).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "deployers/web" of ClusterRole "deployer" to Group "system:authenticated"'
    });
    c.patch(t('ClusterRole'), undefined, 'deployer', 'merge', {
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }]
    });
    expect(authorize(c, del).allowed).toBe(false);
  });

  it('matches subresources, */subresource wildcards and resourceNames', () => {
    const { c, create } = setup();
    expect(
      authorize(c, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'db' })
    ).toMatchObject({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "viewer-view" of ClusterRole "view" to User "viewer"'
    });
    expect(
      authorize(c, { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'db' })
        .allowed
    ).toBe(false);
    create('Role', 'db', 'scaler', {
      rules: [
        { apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update', 'patch'] },
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['app-config'], verbs: ['update'] }
      ]
    });
    create('RoleBinding', 'db', 'scaler', {
      roleRef: { kind: 'Role', name: 'scaler' },
      subjects: [{ kind: 'User', name: 'viewer' }]
    });
    const scale = {
      verb: 'patch',
      group: 'apps',
      resource: 'statefulsets',
      subresource: 'scale',
      namespace: 'db'
    };
    expect(authorize(c, scale).allowed).toBe(true);
    expect(authorize(c, { ...scale, subresource: 'status' }).allowed).toBe(false);
    const cm = { verb: 'update', group: '', resource: 'configmaps', namespace: 'db' };
    expect(authorize(c, { ...cm, name: 'app-config' }).allowed).toBe(true);
    expect(authorize(c, { ...cm, name: 'other' }).allowed).toBe(false);
    expect(authorize(c, cm).allowed).toBe(false);
  });

  it('matches service account subjects and aggregated cluster roles', () => {
    const { c, create } = setup('system:serviceaccount:web:ci');
    create('ClusterRole', undefined, 'aggregate-edit', {
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-edit': 'true' } }]
      },
      rules: []
    });
    c.create(c.type(RBAC, 'ClusterRole'), undefined, {
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: 'jobs-edit', labels: { 'example.com/aggregate-to-edit': 'true' } },
      rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] }]
    });
    create('RoleBinding', 'web', 'ci-edit', {
      roleRef: { kind: 'ClusterRole', name: 'aggregate-edit' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci' }]
    });
    const createJob = { verb: 'create', group: 'batch', resource: 'jobs', namespace: 'web' };
    expect(authorize(c, createJob)).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "ci-edit/web" of ClusterRole "aggregate-edit" to ServiceAccount "web/ci"'
    });
    expect(authorize(c, { ...createJob, namespace: 'db' }).allowed).toBe(false);
    expect(authorize(c, { verb: 'list', group: '', resource: 'pods', namespace: 'web' }).allowed).toBe(false);
  });

  it('lets the admin (system:masters) do anything, and every user create access reviews', () => {
    const { c } = setup('admin');
    expect(authorize(c, { verb: 'delete', group: '', resource: 'nodes', name: 'n1' })).toEqual({
      allowed: true,
      reason: ''
    });
    const viewer = setup('nobody').c;
    expect(
      authorize(viewer, {
        verb: 'create',
        group: 'authorization.k8s.io',
        resource: 'selfsubjectaccessreviews'
      })
    ).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"'
    });
    expect(authorize(viewer, { verb: 'get', path: '/apis/apps/v1' }).allowed).toBe(true);
    expect(authorize(viewer, { verb: 'get', path: '/metrics' }).allowed).toBe(false);
    expect(authorize(viewer, { verb: 'get', group: '', resource: 'pods', namespace: 'web' }).allowed).toBe(
      false
    );
  });
});

describe('forbidden', () => {
  it('has the API server message format', () => {
    const { c } = setup();
    const cluster = forbidden(c, listSecrets());
    expect(cluster.code).toBe(403);
    expect(cluster.message).toBe(
      'secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" at the cluster scope'
    );
    expect(cluster.toStatus()).toMatchObject({ reason: 'Forbidden', details: { kind: 'secrets' } });
    const named: ApiError = forbidden(
      {
        verb: 'patch',
        group: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        namespace: 'web',
        name: 'api'
      },
      'viewer'
    );
    expect(named.message).toBe(
      'deployments.apps "api" is forbidden: User "viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "web"'
    );
    expect(named.details).toEqual({ name: 'api', group: 'apps', kind: 'deployments' });
    expect(forbidden({ verb: 'get', path: '/metrics' }, 'viewer').message).toBe(
      'forbidden: User "viewer" cannot get path "/metrics"'
    );
  });
});

describe('access reviews', () => {
  it('answers a SelfSubjectAccessReview as the API does', () => {
    const { c } = setup();
    const review = (namespace: string): Json =>
      selfSubjectAccessReview(c, {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        spec: { resourceAttributes: { namespace, verb: 'list', group: '', resource: 'secrets' } }
      });
    expect(review('')).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { verb: 'list', resource: 'secrets' } },
      status: { allowed: false }
    });
    expect(review('web').status).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "read-secrets/web" of Role "secret-reader" to User "viewer"'
    });
    const nonResource: Json = selfSubjectAccessReview(c, {
      spec: { nonResourceAttributes: { path: '/version', verb: 'get' } }
    });
    expect(nonResource.status.allowed).toBe(true);
    expect(() => selfSubjectAccessReview(c, { spec: {} })).toThrow(
      /exactly one of nonResourceAttributes or resourceAttributes/
    );
  });

  it('answers a SelfSubjectRulesReview with the rules that apply in the namespace', () => {
    const { c } = setup();
    const web: Json = selfSubjectRulesReview(c, { spec: { namespace: 'web' } });
    expect(web).toMatchObject({
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { namespace: 'web' },
      status: { incomplete: false }
    });
    expect(web.status.resourceRules).toContainEqual({
      verbs: ['get', 'list', 'watch'],
      apiGroups: [''],
      resources: ['secrets']
    });
    expect(web.status.resourceRules).toContainEqual({
      verbs: ['create'],
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']
    });
    expect(web.status.nonResourceRules).toContainEqual(
      expect.objectContaining({
        verbs: ['get'],
        nonResourceURLs: expect.arrayContaining(['/api', '/apis/*', '/version'])
      })
    );
    const db: Json = selfSubjectRulesReview(c, { spec: { namespace: 'db' } });
    expect(db.status.resourceRules.some((r: Json) => r.resources?.includes('secrets'))).toBe(false);
    const admin: Json = selfSubjectRulesReview(setup('admin').c, { spec: { namespace: 'db' } });
    expect(admin.status.resourceRules).toContainEqual({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
  });
});
