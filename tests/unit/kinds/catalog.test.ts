/**
 * The kind catalog against a populated simulated world: every catalog kind is served and has
 * objects, every column has values for most of them, and the values say what the objects say.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KINDS, customKind, kindById, kindForResource, kindOf } from '$lib/kinds/catalog';
import { MAX_CELL } from '$lib/kinds/cells';
import type { KubeObject } from '$lib/kube/types';
import { SimCluster } from '$lib/sim/cluster';
import { populate } from '$lib/sim/populate';
import { authorize } from '$lib/sim/rbac';
import { parseLabelSelector } from '$lib/sim/selectors';
import { project } from '$lib/kinds/projection';
import type { Row } from '$lib/watch/row';
import type { ResourceRef } from '$lib/kube/types';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const ROW_FIELDS = new Set(['cluster', 'name', 'namespace', 'creationTimestamp']);

function world(pods: number, seed: number, user?: { name: string; role: 'admin' | 'viewer' }) {
  const clock = { t: NOW, now: () => clock.t };
  const cluster = new SimCluster({ name: 'kinds', clock, seed, user: user?.name ?? 'admin' });
  populate(cluster, { seed, pods, user });
  return cluster;
}

const cluster = world(400, 7);

function objectsOf(ref: ResourceRef): KubeObject[] {
  const t = cluster.registry.get(ref.group, ref.version, ref.plural);
  if (!t) throw new Error(`the simulator does not serve ${ref.group}/${ref.version}/${ref.plural}`);
  return cluster.objects(t);
}

function rowsOf(id: string): { obj: KubeObject; row: Row }[] {
  const def = kindById(id)!;
  return objectsOf(def.resource).map((obj) => ({ obj, row: project('kinds', obj, def.resource) }));
}

const filled = (v: unknown) => v !== null && v !== undefined && v !== '';

/**
 * Columns that are empty for most objects of a realistic cluster, and why. The others must be
 * filled for at least half the objects.
 */
const SPARSE: Record<string, string[]> = {
  namespaces: ['pods', 'unhealthy', 'workloads', 'warnings'], // counts the engine joins in (namespace-stats.ts)
  nodes: ['pressure'], // healthy nodes have no pressure
  pods: ['lastRestart'], // most containers never restarted
  services: ['externalIP'], // only LoadBalancers have one
  'ingressclasses.networking.k8s.io': ['parameters'],
  'cronjobs.batch': ['timeZone'],
  persistentvolumes: ['reason', 'claim'],
  resourcequotas: ['scopes'],
  'poddisruptionbudgets.policy': ['minAvailable', 'maxUnavailable'], // one or the other
  'clusterroles.rbac.authorization.k8s.io': ['aggregation'],
  serviceaccounts: ['imagePullSecrets'],
  'gateways.gateway.networking.k8s.io': ['addresses'], // the internal one has none yet
  secrets: ['release', 'chart', 'appVersion', 'revision', 'status', 'updated'] // Helm secrets only
};

describe('the kind catalog', () => {
  it('finds every kind by id, by group and kind, and by resource', () => {
    const ids = new Set<string>();
    for (const k of KINDS) {
      expect(ids.has(k.id), k.id).toBe(false);
      ids.add(k.id);
      expect(kindById(k.id)).toBe(k);
      expect(kindForResource({ group: k.resource.group, plural: k.resource.plural })).toBe(k);
      expect(k.id).toBe(k.resource.group ? `${k.resource.plural}.${k.resource.group}` : k.resource.plural);
    }
    expect(kindOf('', 'Event')!.id).toBe('events');
    expect(kindOf('events.k8s.io', 'Event')!.id).toBe('events.events.k8s.io');
    expect(kindOf('apps', 'Deployment')!.id).toBe('deployments.apps');
    expect(kindById('widgets.example.com')).toBeUndefined();
  });

  it('gives every kind name, namespace when namespaced, and age, plus columns of its own', () => {
    for (const k of KINDS) {
      const ids = k.columns.map((c) => c.id);
      expect(ids, k.id).toContain('name');
      expect(ids.includes('namespace'), k.id).toBe(k.resource.namespaced);
      expect(k.columns.find((c) => c.id === 'creationTimestamp')?.format, k.id).toBe('age');
      expect(ids.filter((id) => !ROW_FIELDS.has(id)).length, k.id).toBeGreaterThanOrEqual(1);
      expect(new Set(ids).size, k.id).toBe(ids.length);
    }
  });

  it('has a section for everything the issue lists', () => {
    const sections = new Set(KINDS.map((k) => k.section));
    for (const s of ['Cluster', 'Workloads', 'Network', 'Config', 'Storage', 'Quotas', 'Autoscaling', 'RBAC'])
      expect(sections, s).toContain(s);
  });
});

describe('the demo world projected through the catalog', () => {
  it('serves every catalog kind with objects, and fills its columns', () => {
    for (const k of KINDS) {
      const rows = rowsOf(k.id);
      expect(rows.length, `${k.id} has objects`).toBeGreaterThan(0);
      for (const c of k.columns) {
        if (ROW_FIELDS.has(c.id)) continue;
        const n = rows.filter(({ row }) => filled(row.cells[c.id])).length;
        const sparse = SPARSE[k.id]?.includes(c.id);
        // Usage (cpu, memory, percent) is joined in by the engine's metrics join, not projected.
        if (sparse || c.format === 'cpu' || c.format === 'memory' || c.format === 'percent') continue;
        expect(n / rows.length, `${k.id} column ${c.id}: ${n}/${rows.length} filled`).toBeGreaterThanOrEqual(
          0.5
        );
      }
    }
  });

  it('keeps cells small and plain, with deleting and finalizers on every row', () => {
    for (const k of KINDS)
      for (const { obj, row } of rowsOf(k.id)) {
        for (const [name, v] of Object.entries(row.cells)) {
          expect(['string', 'number', 'boolean'].includes(typeof v) || v === null, `${k.id} ${name}`).toBe(
            true
          );
          if (typeof v === 'string') expect(v.length, `${k.id} ${name}`).toBeLessThanOrEqual(MAX_CELL);
        }
        expect(row.cells.deleting).toBe(obj.metadata.deletionTimestamp ?? null);
        expect(row.cells.finalizers).toBe(obj.metadata.finalizers?.length ?? 0);
      }
  });

  it('projects the same cells with or without the resource it was listed from', () => {
    for (const k of KINDS) {
      const [first] = rowsOf(k.id);
      expect(project('kinds', first.obj).cells, k.id).toEqual(first.row.cells);
    }
  });

  it('counts replicas as the workload status does, and selects the pods it owns', () => {
    const pods = objectsOf(kindById('pods')!.resource);
    for (const id of ['deployments.apps', 'statefulsets.apps', 'replicasets.apps']) {
      for (const { obj, row } of rowsOf(id)) {
        const c = row.cells;
        expect(c.readyCount).toBe(obj.status?.readyReplicas ?? 0);
        expect(c.desired).toBe(obj.spec.replicas ?? 1);
        expect(c.ready).toBe(`${c.readyCount}/${c.desired}`);
        expect(c.mismatch).toBe((c.readyCount as number) < (c.desired as number));
        const selects = parseLabelSelector(c.selector as string);
        for (const p of pods)
          if (
            p.metadata.namespace === obj.metadata.namespace &&
            p.metadata.ownerReferences?.[0]?.uid === obj.metadata.uid
          )
            expect(selects(p), `${id} ${obj.metadata.name} selects ${p.metadata.name}`).toBe(true);
      }
    }
    for (const { obj, row } of rowsOf('daemonsets.apps')) {
      expect(row.cells.desired).toBe(obj.status.desiredNumberScheduled);
      expect(row.cells.readyCount).toBe(obj.status.numberReady);
    }
  });

  it('tells Jobs that failed from those that completed', () => {
    const rows = rowsOf('jobs.batch');
    for (const { obj, row } of rows) {
      const failed = obj.status?.conditions?.some(
        (c: { type: string; status: string }) => c.type === 'Failed' && c.status === 'True'
      );
      expect(row.cells.failed).toBe(!!failed);
      if (row.cells.status === 'Complete')
        expect(row.cells.completions).toBe(`${obj.status.succeeded}/${obj.spec.completions ?? 1}`);
    }
    expect(rows.some(({ row }) => row.cells.status === 'Complete')).toBe(true);
  });

  it('marks pods that cannot be scheduled, and lists their images', () => {
    for (const { obj, row } of rowsOf('pods')) {
      const unschedulable = (obj.status?.conditions ?? []).some(
        (c: { type: string; status: string; reason?: string }) =>
          c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'
      );
      expect(row.cells.unschedulable).toBe(unschedulable);
      if (unschedulable) expect(row.cells.node).toBeNull();
      for (const c of obj.spec.containers) expect(row.cells.images).toContain(c.image);
      expect((row.cells.containers as string).split(', ')).toEqual(
        obj.spec.containers.map((c: { name: string }) => c.name)
      );
    }
  });

  it('never puts a Secret value in a cell, and decodes Helm releases from theirs', () => {
    let helm = 0;
    for (const { obj, row } of rowsOf('secrets')) {
      const values = Object.values((obj.data ?? {}) as Record<string, string>).flatMap((b64) => [
        b64,
        Buffer.from(b64, 'base64').toString()
      ]);
      for (const cell of Object.values(row.cells))
        if (typeof cell === 'string')
          for (const v of values)
            if (v.length >= 6) expect(cell.includes(v), `${obj.metadata.name}`).toBe(false);
      expect(row.cells.keys).toBe(Object.keys(obj.data ?? {}).length);
      if (obj.type === 'helm.sh/release.v1') {
        helm++;
        const l = obj.metadata.labels!;
        expect(row.cells.release).toBe(l.name);
        expect(row.cells.revision).toBe(Number(l.version));
        expect(row.cells.status).toBe(l.status);
        // Decoded here with node:zlib, independently of the projection's decoder.
        const release = JSON.parse(
          gunzipSync(Buffer.from(Buffer.from(obj.data.release, 'base64').toString(), 'base64')).toString()
        );
        expect(row.cells.chart).toBe(`${release.chart.metadata.name}-${release.chart.metadata.version}`);
        expect(row.cells.appVersion).toBe(release.chart.metadata.appVersion);
        expect(Date.parse(row.cells.updated as string)).toBeLessThanOrEqual(NOW);
      } else expect(row.cells.release).toBeUndefined();
    }
    expect(helm).toBeGreaterThan(3);
    const statuses = new Set(rowsOf('secrets').map(({ row }) => row.cells.status));
    expect(statuses).toContain('deployed');
    expect(statuses).toContain('superseded');
  });

  it('names the object of each event, in both Event APIs', () => {
    for (const id of ['events', 'events.events.k8s.io']) {
      const rows = rowsOf(id);
      expect(rows.some(({ row }) => row.cells.type === 'Warning')).toBe(true);
      for (const { obj, row } of rows) {
        const ref = obj.involvedObject ?? obj.regarding;
        expect(row.cells.involvedUid).toBe(ref.uid ?? null);
        expect(row.cells.involvedKind).toBe(ref.kind);
        expect(row.cells.involvedName).toBe(ref.name);
        expect(row.cells.object).toBe(`${ref.kind}/${ref.name}`);
        expect(typeof row.cells.count).toBe('number');
        expect(Number.isNaN(Date.parse(row.cells.lastSeen as string))).toBe(false);
      }
    }
  });

  it('prints service ports and selectors, and slice endpoints', () => {
    for (const { obj, row } of rowsOf('services')) {
      expect((row.cells.ports as string).split(',').length).toBe(obj.spec.ports.length);
      if (obj.spec.selector)
        for (const [k, v] of Object.entries(obj.spec.selector))
          expect(row.cells.selector).toContain(`${k}=${v}`);
    }
    for (const { obj, row } of rowsOf('endpointslices.discovery.k8s.io')) {
      expect(row.cells.service).toBe(obj.metadata.labels?.['kubernetes.io/service-name']);
      expect(row.cells.total).toBe(obj.endpoints?.length ?? 0);
    }
  });

  it('shows quota usage, PDB disruptions and HPA targets from their status', () => {
    for (const { obj, row } of rowsOf('resourcequotas'))
      for (const [k, hard] of Object.entries(obj.status.hard as Record<string, string>))
        expect(row.cells.usage).toContain(`${k} ${obj.status.used[k]}/${hard}`);
    for (const { obj, row } of rowsOf('poddisruptionbudgets.policy')) {
      expect(row.cells.allowedDisruptions).toBe(obj.status.disruptionsAllowed);
      expect(row.cells.healthy).toBe(`${obj.status.currentHealthy}/${obj.status.desiredHealthy}`);
    }
    for (const { obj, row } of rowsOf('horizontalpodautoscalers.autoscaling')) {
      expect(row.cells.target).toBe(`${obj.spec.scaleTargetRef.kind}/${obj.spec.scaleTargetRef.name}`);
      expect(row.cells.metrics).toMatch(/^cpu (\d+%|<unknown>)\/\d+%/);
    }
  });

  it('names RBAC subjects with their kind', () => {
    const subjects = rowsOf('clusterrolebindings.rbac.authorization.k8s.io').map(
      ({ row }) => row.cells.subjects as string
    );
    expect(subjects.some((s) => s.includes('Group/system:masters'))).toBe(true);
    expect(subjects.some((s) => /ServiceAccount\/[\w-]+\/[\w-]+/.test(s))).toBe(true);
  });

  it('knows the default StorageClass and the state of Gateway API objects', () => {
    expect(
      rowsOf('storageclasses.storage.k8s.io').filter(({ row }) => row.cells.default === true).length
    ).toBe(1);
    const gateways = rowsOf('gateways.gateway.networking.k8s.io');
    expect(gateways.map(({ row }) => row.cells.programmed).sort()).toEqual(['False', 'True']);
    const routes = rowsOf('httproutes.gateway.networking.k8s.io');
    expect(routes.some(({ row }) => row.cells.accepted === 'False')).toBe(true);
    expect(routes.every(({ row }) => (row.cells.parents as string).startsWith('Gateway/'))).toBe(true);
  });
});

describe('custom resources', () => {
  const certType = cluster.registry.get('cert-manager.io', 'v1', 'certificates')!;

  it('take their columns from the CRD printer columns, wide ones hidden', () => {
    const def = customKind(certType);
    expect(def.id).toBe('certificates.cert-manager.io');
    expect(def.section).toBe('Custom');
    expect(def.title).toBe('Certificates');
    expect(def.columns.map((c) => [c.id, c.hidden ?? false])).toEqual([
      ['cluster', true],
      ['name', false],
      ['namespace', false],
      ['pc:Ready', false],
      ['pc:Secret', false],
      ['pc:Issuer', true],
      ['creationTimestamp', false]
    ]);
    expect(def.columns.find((c) => c.id === 'pc:Ready')!.format).toBe('status');
  });

  it('evaluate printer columns in the projection when the informer passes them', () => {
    const ref: ResourceRef = { ...customKind(certType).resource };
    expect(ref.printerColumns?.map((c) => c.name)).toEqual(['Ready', 'Secret', 'Issuer']);
    const certs = cluster.objects(certType);
    expect(certs.length).toBeGreaterThan(0);
    for (const c of certs) {
      const row = project('kinds', c, ref);
      const ready = c.status.conditions.find((x: { type: string }) => x.type === 'Ready').status;
      expect(row.cells['pc:Ready']).toBe(ready);
      expect(row.cells['pc:Secret']).toBe(c.spec.secretName);
      expect(row.cells['pc:Issuer']).toBe(c.spec.issuerRef.name);
      expect(row.cells.finalizers).toBe(0);
    }
  });

  it('without printer columns have name, namespace and age', () => {
    const def = customKind({ ...certType, printerColumns: [] });
    expect(def.columns.map((c) => c.id)).toEqual(['cluster', 'name', 'namespace', 'creationTimestamp']);
    expect(project('kinds', cluster.objects(certType)[0], def.resource).cells).toEqual({
      deleting: null,
      finalizers: 0
    });
  });
});

describe('the demo viewer', () => {
  it('may read the Gateway API kinds it is shown', () => {
    const viewer = world(120, 5, { name: 'viewer', role: 'viewer' });
    for (const k of KINDS.filter((x) => x.resource.group === 'gateway.networking.k8s.io'))
      expect(
        authorize(viewer, { verb: 'list', group: k.resource.group, resource: k.resource.plural }).allowed,
        k.id
      ).toBe(true);
  });
});
