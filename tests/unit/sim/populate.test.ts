import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import { Controllers, sameTemplateIgnoringHash } from '$lib/sim/controllers';
import * as k from '$lib/sim/objects';
import { populate } from '$lib/sim/populate';
import { authorize } from '$lib/sim/rbac';
import type { KubeObject } from '$lib/kube/types';

const NOW = Date.parse('2026-11-26T10:00:00Z');

function world(pods: number, seed = 11, user?: { name: string; role: 'admin' | 'viewer' }) {
  const clock = { t: NOW, now: () => clock.t };
  const cluster = new SimCluster({ name: 'pop', clock, seed, user: user?.name ?? 'admin' });
  const result = populate(cluster, { seed, pods, user });
  return { cluster, result, clock };
}

function allObjects(cluster: SimCluster): KubeObject[] {
  return cluster.registry
    .all()
    .filter((t) => !t.virtual && !t.storedAs)
    .flatMap((t) => cluster.objects(t));
}

describe('populate', () => {
  const { cluster, result } = world(1000);
  const pods = cluster.objects(cluster.type('v1', 'Pod'));
  const nodes = cluster.objects(cluster.type('v1', 'Node'));

  it('creates about the requested pods on about one node per 30 pods', () => {
    expect(Math.abs(pods.length - 1000)).toBeLessThanOrEqual(30);
    expect(result.pods).toBe(pods.length);
    expect(nodes.length).toBe(34);
    expect(
      nodes.filter((n) => n.metadata.labels?.['node-role.kubernetes.io/control-plane'] === '').length
    ).toBe(3);
  });

  it('puts every scheduled pod on an existing node, and leaves only unschedulable pods without one', () => {
    const names = new Set(nodes.map((n) => n.metadata.name));
    for (const p of pods) {
      if (p.spec.nodeName) expect(names.has(p.spec.nodeName)).toBe(true);
      else expect(p.status.conditions[0]).toMatchObject({ type: 'PodScheduled', reason: 'Unschedulable' });
    }
    expect(pods.filter((p) => p.spec.nodeName).length).toBeGreaterThan(pods.length * 0.95);
  });

  it('gives every pod off the host network a unique IP inside the pod CIDR of its node', () => {
    const cidrOf = new Map(nodes.map((n) => [n.metadata.name, n.spec.podCIDR as string]));
    const seen = new Set<string>();
    for (const p of pods) {
      if (!p.status.podIP || p.spec.hostNetwork) continue;
      expect(seen.has(p.status.podIP)).toBe(false);
      seen.add(p.status.podIP);
      const cidr = cidrOf.get(p.spec.nodeName)!;
      const offsets = Array.from({ length: k.cidrSize(cidr) }, (_, i) => k.ipInCidr(cidr, i));
      expect(offsets).toContain(p.status.podIP);
    }
    expect(seen.size).toBeGreaterThan(pods.length * 0.8);
  });

  it('links every owned object to an existing owner by uid, kind and name', () => {
    const byUid = new Map(allObjects(cluster).map((o) => [o.metadata.uid, o]));
    let owned = 0;
    for (const o of allObjects(cluster)) {
      for (const ref of o.metadata.ownerReferences ?? []) {
        const owner = byUid.get(ref.uid);
        expect(owner, `${o.kind} ${o.metadata.name} → ${ref.kind} ${ref.name}`).toBeDefined();
        expect(owner!.kind).toBe(ref.kind);
        expect(owner!.metadata.name).toBe(ref.name);
        if (owner!.metadata.namespace) expect(owner!.metadata.namespace).toBe(o.metadata.namespace);
        owned++;
      }
    }
    expect(owned).toBeGreaterThan(pods.length);
    const kinds = new Set(pods.map((p) => k.controllerOfKind(p)));
    expect([...kinds].sort()).toEqual(['DaemonSet', 'Job', 'Node', 'ReplicaSet', 'StatefulSet']);
  });

  it('runs a DaemonSet pod on every node', () => {
    for (const ds of cluster.objects(cluster.type('apps/v1', 'DaemonSet'))) {
      const on = new Set(
        pods
          .filter((p) => p.metadata.ownerReferences?.[0]?.uid === ds.metadata.uid)
          .map((p) => p.spec.nodeName)
      );
      expect(on.size).toBe(nodes.length);
      expect(ds.status).toMatchObject({
        desiredNumberScheduled: nodes.length,
        currentNumberScheduled: nodes.length
      });
    }
  });

  it('gives each Deployment a current ReplicaSet named by its pod-template-hash, at its revision', () => {
    const rsType = cluster.type('apps/v1', 'ReplicaSet');
    for (const d of cluster.objects(cluster.type('apps/v1', 'Deployment'))) {
      const current = cluster
        .objects(rsType, d.metadata.namespace)
        .filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === d.metadata.uid)
        .find((rs) => sameTemplateIgnoringHash(rs.spec.template, d.spec.template));
      expect(current, d.metadata.name).toBeDefined();
      const hash = current!.metadata.labels?.['pod-template-hash'];
      expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
      expect(current!.metadata.name).toBe(`${d.metadata.name}-${hash}`);
      expect(current!.spec.template.metadata.labels['pod-template-hash']).toBe(hash);
      expect(current!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe(
        d.metadata.annotations?.['deployment.kubernetes.io/revision']
      );
      expect(current!.spec.replicas).toBe(d.spec.replicas);
    }
  });

  it('is already reconciled: the controllers find nothing to change', () => {
    const controllers = new Controllers(cluster);
    const changes: string[] = [];
    const stop = cluster.onChange((e) =>
      changes.push(`${e.type} ${e.resource.kind} ${e.object.metadata.name}`)
    );
    controllers.resync();
    controllers.tick(0);
    stop();
    controllers.stop();
    expect(changes).toEqual([]);
  });

  it('fills the cluster with the other kinds a real one has', () => {
    const count = (apiVersion: string, kind: string) =>
      cluster.objects(cluster.type(apiVersion, kind)).length;
    const namespaces = cluster.objects(cluster.type('v1', 'Namespace')).map((n) => n.metadata.name);
    expect(namespaces).toEqual(
      expect.arrayContaining(['kube-system', 'default', 'web', 'payments', 'data', 'monitoring'])
    );
    expect(count('v1', 'Service')).toBeGreaterThan(20);
    expect(count('discovery.k8s.io/v1', 'EndpointSlice')).toBeGreaterThanOrEqual(count('v1', 'Service') - 1);
    for (const [apiVersion, kind] of [
      ['networking.k8s.io/v1', 'Ingress'],
      ['networking.k8s.io/v1', 'IngressClass'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['v1', 'ConfigMap'],
      ['v1', 'PersistentVolumeClaim'],
      ['v1', 'PersistentVolume'],
      ['storage.k8s.io/v1', 'StorageClass'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['v1', 'ResourceQuota'],
      ['v1', 'LimitRange'],
      ['scheduling.k8s.io/v1', 'PriorityClass'],
      ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
      ['apps/v1', 'StatefulSet'],
      ['batch/v1', 'CronJob'],
      ['batch/v1', 'Job'],
      ['cert-manager.io/v1', 'Certificate']
    ]) {
      expect(count(apiVersion, kind), kind).toBeGreaterThan(0);
    }
    const events = count('v1', 'Event');
    expect(events).toBeGreaterThanOrEqual(100);
    expect(events).toBeLessThanOrEqual(400);
    const defaults = cluster
      .objects(cluster.type('storage.k8s.io/v1', 'StorageClass'))
      .filter((s) => s.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    expect(defaults).toHaveLength(1);
    for (const pvc of cluster.objects(cluster.type('v1', 'PersistentVolumeClaim'))) {
      expect(pvc.status.phase).toBe('Bound');
      const pv = cluster.get(cluster.type('v1', 'PersistentVolume'), undefined, pvc.spec.volumeName);
      expect(pv.spec.claimRef.uid).toBe(pvc.metadata.uid);
    }
    for (const q of cluster.objects(cluster.type('v1', 'ResourceQuota'))) {
      for (const r of ['requests.cpu', 'requests.memory', 'pods']) {
        expect(k.parseQuantity(q.status.used[r])).toBeLessThanOrEqual(k.parseQuantity(q.status.hard[r]));
      }
    }
  });

  it('keeps about three Helm releases with several revisions, the newest deployed', () => {
    const secrets = cluster
      .objects(cluster.type('v1', 'Secret'))
      .filter((s) => s.type === 'helm.sh/release.v1');
    const releases = new Map<string, KubeObject[]>();
    for (const s of secrets)
      releases.set(s.metadata.labels!.name, [...(releases.get(s.metadata.labels!.name) ?? []), s]);
    expect(releases.size).toBe(3);
    for (const [name, revisions] of releases) {
      expect(revisions.length).toBeGreaterThanOrEqual(3);
      const newest = revisions.reduce((a, b) =>
        Number(a.metadata.labels!.version) > Number(b.metadata.labels!.version) ? a : b
      );
      expect(newest.metadata.labels).toMatchObject({ owner: 'helm', status: 'deployed' });
      expect(newest.metadata.name).toBe(`sh.helm.release.v1.${name}.v${newest.metadata.labels!.version}`);
      const json = JSON.parse(
        gunzipSync(Buffer.from(Buffer.from(newest.data.release, 'base64').toString(), 'base64')).toString()
      );
      expect(json).toMatchObject({
        name,
        namespace: newest.metadata.namespace,
        version: Number(newest.metadata.labels!.version)
      });
      expect(json.manifest).toContain('# Source:');
    }
  });

  it('binds the default user to cluster-admin', () => {
    const crb = cluster.objects(cluster.type('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'));
    expect(
      crb.find((b) =>
        b.subjects?.some((s: { kind: string; name: string }) => s.kind === 'User' && s.name === 'admin')
      )?.roleRef.name
    ).toBe('cluster-admin');
    for (const role of ['cluster-admin', 'view', 'edit']) {
      expect(
        cluster.find(cluster.type('rbac.authorization.k8s.io/v1', 'ClusterRole'), undefined, role)
      ).toBeDefined();
    }
  });
});

describe('populate for a viewer', () => {
  const { cluster } = world(150, 5, { name: 'viewer', role: 'viewer' });

  it('lets the viewer read everything but Secrets, and Secrets only in web', () => {
    const can = (verb: string, resource: string, namespace?: string, group = '') =>
      authorize(cluster, { verb, group, resource, namespace }).allowed;
    expect(can('list', 'pods')).toBe(true);
    expect(can('watch', 'deployments', undefined, 'apps')).toBe(true);
    expect(can('list', 'certificates', 'web', 'cert-manager.io')).toBe(true);
    expect(can('list', 'secrets')).toBe(false);
    expect(can('get', 'secrets', 'payments')).toBe(false);
    expect(can('list', 'secrets', 'web')).toBe(true);
    expect(can('delete', 'pods', 'web')).toBe(false);
    const viewerRole = cluster.get(
      cluster.type('rbac.authorization.k8s.io/v1', 'ClusterRole'),
      undefined,
      'skiff-viewer'
    );
    for (const rule of viewerRole.rules) {
      if (rule.apiGroups.includes('')) expect(rule.resources).not.toContain('secrets');
    }
  });
});

describe('populate, sizes and determinism', () => {
  it('gives the same world for the same seed and a different one for another seed', () => {
    const a = world(200, 21).cluster;
    const b = world(200, 21).cluster;
    const c = world(200, 22).cluster;
    const dump = (cl: SimCluster) => JSON.stringify(allObjects(cl));
    const names = (cl: SimCluster) => cl.objects(cl.type('v1', 'Pod')).map((p) => p.metadata.name);
    expect(dump(a)).toBe(dump(b));
    expect(names(a)).not.toEqual(names(c));
  });

  it('handles tiny clusters', () => {
    for (const n of [5, 12, 40]) {
      const { cluster } = world(n, 3);
      const pods = cluster.objects(cluster.type('v1', 'Pod'));
      expect(pods.length).toBe(n);
      expect(cluster.objects(cluster.type('v1', 'Node')).length).toBe(3);
    }
  });

  it('builds 5,000 pods', () => {
    const { result } = world(5000, 8);
    expect(Math.abs(result.pods - 5000)).toBeLessThanOrEqual(150);
    expect(result.nodes).toBe(167);
    console.log(`populate 5000 pods: ${result.ms} ms, ${result.objects} objects`);
  });
});
