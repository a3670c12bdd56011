import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import * as k from '$lib/sim/objects';
import { populate } from '$lib/sim/populate';
import { Random } from '$lib/sim/random';
import type { KubeObject } from '$lib/kube/types';

const NOW = Date.parse('2026-11-26T10:00:00Z');

function fakeClock(start = NOW) {
  const c = { t: start, now: () => c.t };
  return c;
}

const bytes = (o: unknown) => new TextEncoder().encode(JSON.stringify(o)).length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The Secret-encoded Helm payload back to the release JSON, the way `helm` reads it. */
function decodeRelease(dataRelease: string): unknown {
  const helmBase64 = Buffer.from(dataRelease, 'base64').toString('latin1');
  const gz = Buffer.from(helmBase64, 'base64');
  return JSON.parse(gunzipSync(gz).toString('utf8'));
}

describe('Random', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('gives ints in range, RFC 4122 version-4 uids and hex of the asked length', () => {
    const r = new Random(7);
    const ints = Array.from({ length: 2000 }, () => r.int(3, 6));
    expect(Math.min(...ints)).toBe(3);
    expect(Math.max(...ints)).toBe(6);
    for (let i = 0; i < 50; i++) {
      expect(r.uid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(r.hex(64)).toMatch(/^[0-9a-f]{64}$/);
    expect(r.suffix(5)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(['x', 'y']).toContain(r.pick(['x', 'y']));
    const hits = Array.from({ length: 4000 }, () => r.chance(0.25)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(850);
    expect(hits).toBeLessThan(1150);
  });
});

describe('gzip and Helm releases', () => {
  it('writes gzip that zlib reads back, for empty, small and multi-block inputs', () => {
    for (const size of [0, 10, 70_000, 200_003]) {
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 7)) & 0xff;
      const gz = k.gzipStored(data);
      expect(Buffer.from(gunzipSync(gz)).equals(Buffer.from(data))).toBe(true);
    }
    expect(k.crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('stores a release as base64(base64(gzip(json))) that decodes to the release record', () => {
    const init: k.HelmReleaseInit = {
      name: 'ingress-nginx',
      namespace: 'ingress-nginx',
      revision: 3,
      status: 'deployed',
      chart: { name: 'ingress-nginx', version: '4.11.3', appVersion: '1.11.3' },
      values: { controller: { replicaCount: 1 } },
      config: { controller: { replicaCount: 2 }, note: 'ünïcödé ✓' },
      manifest: '---\n# Source: ingress-nginx/templates/service.yaml\napiVersion: v1\nkind: Service\n',
      firstDeployed: NOW - 30 * 86_400_000,
      lastDeployed: NOW - 86_400_000
    };
    const secret = k.helmReleaseSecret(init);
    expect(secret.type).toBe('helm.sh/release.v1');
    expect(secret.metadata.name).toBe('sh.helm.release.v1.ingress-nginx.v3');
    expect(secret.metadata.labels).toMatchObject({
      owner: 'helm',
      name: 'ingress-nginx',
      status: 'deployed',
      version: '3'
    });
    const release = decodeRelease(secret.data.release) as KubeObject;
    expect(release).toEqual(k.helmReleaseJson(init));
    expect(release.chart.metadata).toMatchObject({
      name: 'ingress-nginx',
      version: '4.11.3',
      appVersion: '1.11.3'
    });
    expect(release.info.status).toBe('deployed');
    expect(release.config.note).toBe('ünïcödé ✓');
    expect(release.manifest).toContain('kind: Service');
  });
});

describe('pods', () => {
  const clock = fakeClock();
  const cluster = new SimCluster({ name: 'objects', clock, seed: 3 });
  populate(cluster, { seed: 3, pods: 400 });
  const pods = cluster.objects(cluster.type('v1', 'Pod'));
  const appPods = pods.filter(
    (p) =>
      k.controllerOfKind(p) === 'ReplicaSet' &&
      !['kube-system', 'monitoring', 'cert-manager', 'ingress-nginx'].includes(p.metadata.namespace!)
  );

  it('serialize to about 8 KB with managedFields and about 5 KB without', () => {
    expect(appPods.length).toBeGreaterThan(100);
    const withFields = median(appPods.map(bytes));
    const without = median(
      appPods.map((p) => bytes({ ...p, metadata: { ...p.metadata, managedFields: undefined } }))
    );
    expect(withFields).toBeGreaterThan(6500);
    expect(withFields).toBeLessThan(10_000);
    expect(without).toBeGreaterThan(4000);
    expect(without).toBeLessThan(6500);
  });

  it('look like kube-apiserver pods: defaults, env sources, volumes, status and managers', () => {
    const p = appPods.find(
      (x) => x.spec.volumes.some((v: { configMap?: unknown }) => v.configMap) && k.podIsReady(x)
    )!;
    expect(p).toBeDefined();
    const c0 = p.spec.containers[0];
    expect(c0).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File'
    });
    expect(
      c0.env.some((e: { valueFrom?: { configMapKeyRef?: unknown } }) => e.valueFrom?.configMapKeyRef)
    ).toBe(true);
    expect(
      c0.env.some(
        (e: { valueFrom?: { fieldRef?: { fieldPath: string } } }) =>
          e.valueFrom?.fieldRef?.fieldPath === 'status.podIP'
      )
    ).toBe(true);
    expect(c0.readinessProbe.httpGet).toMatchObject({ path: '/healthz/ready', scheme: 'HTTP' });
    expect(c0.resources.requests.cpu).toBeDefined();
    const token = p.spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
    expect(token.projected.sources[0].serviceAccountToken.expirationSeconds).toBe(3607);
    expect(c0.volumeMounts).toContainEqual({
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
      name: token.name,
      readOnly: true
    });
    expect(p.spec.tolerations).toEqual(k.DEFAULT_TOLERATIONS);
    expect(p.status.phase).toBe('Running');
    expect(p.status.conditions.map((c: { type: string }) => c.type)).toEqual([
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled'
    ]);
    expect(p.status.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(p.status.containerStatuses[0].containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(['Burstable', 'Guaranteed', 'BestEffort']).toContain(p.status.qosClass);
    expect(p.metadata.ownerReferences![0]).toMatchObject({
      kind: 'ReplicaSet',
      controller: true,
      blockOwnerDeletion: true
    });
    const managers = p.metadata.managedFields!.map((m) => [m.manager, m.operation, m.subresource]);
    expect(managers).toEqual([
      ['kube-controller-manager', 'Update', undefined],
      ['kubelet', 'Update', 'status']
    ]);
    const tree = (i: number) => p.metadata.managedFields![i].fieldsV1 as KubeObject;
    const spec = tree(0)['f:spec'];
    expect(
      spec['f:containers'][`k:{"name":"${c0.name}"}`]['f:ports']['k:{"containerPort":8080,"protocol":"TCP"}']
    ).toEqual({
      '.': {},
      'f:containerPort': {},
      'f:name': {},
      'f:protocol': {}
    });
    expect(tree(0)['f:metadata']['f:ownerReferences']).toHaveProperty(
      `k:{"uid":"${p.metadata.ownerReferences![0].uid}"}`
    );
    expect(tree(1)['f:status']['f:conditions']).toHaveProperty('k:{"type":"Ready"}');
  });

  it('include crash loops with restart counts and back-off messages naming the pod uid', () => {
    const crashing = pods.filter(
      (p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'
    );
    expect(crashing.length).toBeGreaterThan(0);
    for (const p of crashing) {
      const s = p.status.containerStatuses[0];
      expect(s.restartCount).toBeGreaterThan(0);
      expect(s.lastState.terminated.exitCode).toBeGreaterThan(0);
      expect(s.state.waiting.message).toContain(`(${p.metadata.uid})`);
      expect(k.podIsReady(p)).toBe(false);
    }
  });

  it('moves through states with consistent phases and conditions', () => {
    const tpl = k.podTemplate({ labels: { app: 'x' }, containers: [{ name: 'x', image: 'nginx:1.27.3' }] });
    const pod = k.podFromTemplate({
      name: 'x-1',
      namespace: 'default',
      template: tpl,
      created: NOW,
      tokenVolumeSuffix: 'abcde'
    });
    const rand = new Random(1);
    const at = (state: k.PodState) =>
      k.podStatus(pod, {
        state,
        rand,
        scheduledAt: NOW,
        startedAt: NOW + 1000,
        finishedAt: NOW + 9000,
        hostIP: '10.0.0.4',
        podIP: '10.64.0.9'
      });
    expect(at('unschedulable')).toMatchObject({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }]
    });
    expect(at('creating').containerStatuses[0].state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(at('running').phase).toBe('Running');
    expect(at('imagepull').containerStatuses[0].state.waiting.reason).toBe('ImagePullBackOff');
    const done = at('succeeded');
    expect(done.phase).toBe('Succeeded');
    expect(done.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(done.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted'
    });
    expect(at('running').qosClass).toBe('BestEffort');
    expect(at('running').containerStatuses[0].image).toBe('docker.io/library/nginx:1.27.3');
  });
});

describe('other kinds', () => {
  it('nodes report capacity, conditions, v1.32 node info, roles and taints', () => {
    const n = k.node({
      name: 'cp-1',
      role: 'control-plane',
      pool: 'cp',
      zone: 'eu-west-1a',
      region: 'eu-west-1',
      instanceType: 'm6i.xlarge',
      cpu: 4,
      memoryGi: 16,
      maxPods: 110,
      internalIP: '10.0.0.4',
      podCIDR: '10.64.0.0/24',
      created: NOW - 86_400_000,
      now: NOW,
      rand: new Random(1)
    });
    expect(n.metadata.labels).toHaveProperty('node-role.kubernetes.io/control-plane', '');
    expect(n.spec.taints).toContainEqual({
      effect: 'NoSchedule',
      key: 'node-role.kubernetes.io/control-plane'
    });
    expect(n.status.capacity).toMatchObject({ cpu: '4', pods: '110' });
    expect(n.status.allocatable.memory).toMatch(/^\d+Ki$/);
    expect(n.status.conditions.map((c: { type: string }) => c.type)).toEqual([
      'MemoryPressure',
      'DiskPressure',
      'PIDPressure',
      'Ready'
    ]);
    expect(n.status.nodeInfo.kubeletVersion).toMatch(/^v1\.32\.\d+$/);
    const node = n as KubeObject;
    k.setNodeReady(node, false, NOW);
    expect(k.nodeIsReady(node)).toBe(false);
    expect(node.spec.taints.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`)).toContain(
      'node.kubernetes.io/unreachable:NoExecute'
    );
    k.setNodeReady(node, true, NOW + 1000);
    expect(k.nodeIsReady(node)).toBe(true);
    expect(node.spec.taints.some((t: { key: string }) => t.key === 'node.kubernetes.io/unreachable')).toBe(
      false
    );
  });

  it('the Certificate CRD has the cert-manager printer columns', () => {
    const crd = k.certificateCrd(NOW);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.versions[0].additionalPrinterColumns).toEqual([
      { jsonPath: '.status.conditions[?(@.type=="Ready")].status', name: 'Ready', type: 'string' },
      { jsonPath: '.spec.secretName', name: 'Secret', type: 'string' },
      { jsonPath: '.spec.issuerRef.name', name: 'Issuer', priority: 1, type: 'string' },
      expect.objectContaining({ jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' })
    ]);
  });

  it('secrets of every type carry base64 data of the right shape', () => {
    const rand = new Random(5);
    const tls = k.tlsSecret({ name: 'web-tls', namespace: 'web', created: NOW }, rand);
    expect(tls.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(tls.data['tls.crt'], 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    const reg = k.dockerConfigSecret(
      { name: 'regcred', namespace: 'web', created: NOW },
      'registry.acme.io',
      'robot',
      'pw'
    );
    const cfg = JSON.parse(Buffer.from(reg.data['.dockerconfigjson'], 'base64').toString());
    expect(Buffer.from(cfg.auths['registry.acme.io'].auth, 'base64').toString()).toBe('robot:pw');
    const sa = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'ci', namespace: 'web', uid: 'u-1' }
    } as KubeObject;
    const token = k.serviceAccountTokenSecret(
      { name: 'ci-token', namespace: 'web', created: NOW },
      sa,
      rand,
      'CA'
    );
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.annotations).toMatchObject({
      'kubernetes.io/service-account.name': 'ci',
      'kubernetes.io/service-account.uid': 'u-1'
    });
    expect(Buffer.from(token.data.namespace, 'base64').toString()).toBe('web');
  });

  it('template hashes ignore key order and change with content', () => {
    const a = {
      metadata: { labels: { a: '1', b: '2' } },
      spec: { containers: [{ name: 'c', image: 'x:1' }] }
    };
    const b = {
      spec: { containers: [{ image: 'x:1', name: 'c' }] },
      metadata: { labels: { b: '2', a: '1' } }
    };
    const c = {
      metadata: { labels: { a: '1', b: '2' } },
      spec: { containers: [{ name: 'c', image: 'x:2' }] }
    };
    expect(k.templateHash(a)).toBe(k.templateHash(b));
    expect(k.templateHash(a)).not.toBe(k.templateHash(c));
    expect(k.templateHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  });

  it('formats times, quantities and events like the apiserver', () => {
    expect(k.isoTime(NOW + 999)).toBe('2026-11-26T10:00:00Z');
    expect(k.isoTime(Date.parse('2024-02-29T23:59:59.500Z'))).toBe('2024-02-29T23:59:59Z');
    expect(k.parseQuantity('250m')).toBe(0.25);
    expect(k.parseQuantity('1Gi')).toBe(1024 ** 3);
    expect(k.formatCpu(1500)).toBe('1500m');
    expect(k.formatCpu(2000)).toBe('2');
    expect(k.formatMemory(1.5 * 1024 ** 3)).toBe('1536Mi');
    const e = k.event({
      name: 'web-1.187a',
      involved: { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'web', uid: 'u' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      component: 'kubelet',
      host: 'node-1',
      count: 4,
      first: NOW - 60_000,
      last: NOW
    });
    expect(e).toMatchObject({
      count: 4,
      firstTimestamp: '2026-11-26T09:59:00Z',
      lastTimestamp: '2026-11-26T10:00:00Z',
      source: { component: 'kubelet', host: 'node-1' },
      reportingComponent: 'kubelet',
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'web', uid: 'u' }
    });
  });
});
