/**
 * Real kubectl against the simulated cluster's Node server, directly and through real
 * `kubectl proxy`: proof that the simulator speaks the Kubernetes API the way clients expect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  kubectl,
  kubectlUntil,
  startKubectlProxy,
  startSimServer,
  writeKubeconfig,
  type SimServer
} from '../support/kubectl';

const POD_LINE = /^\S+\s+\S+\s+\d+\/\d+\s+\S+\s+\d+/;

let admin: SimServer;
let viewer: SimServer;
let proxy: { url: string; stop(): void };

beforeAll(async () => {
  admin = await startSimServer({ name: 'kubectl-admin', seed: 3, pods: 5000, churn: 40 });
  viewer = await startSimServer({
    name: 'kubectl-viewer',
    seed: 4,
    pods: 60,
    churn: 0,
    user: { name: 'viewer', role: 'viewer' }
  });
  proxy = await startKubectlProxy(writeKubeconfig(admin.server.url));
}, 120_000);

afterAll(async () => {
  proxy?.stop();
  await admin?.close();
  await viewer?.close();
});

const paths = [
  { via: 'directly', config: () => writeKubeconfig(admin.server.url) },
  { via: 'through kubectl proxy', config: () => writeKubeconfig(proxy.url) }
];

describe.each(paths)('kubectl $via', ({ config }) => {
  let kc: { path: string; cacheDir: string };
  beforeAll(() => {
    kc = config();
  });

  it('get pods -A prints the server-side table for every pod', async () => {
    const r = await kubectl(kc, ['get', 'pods', '-A']);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const pods = admin.world.cluster.list(admin.world.cluster.type('v1', 'Pod')).items.length;
    expect(Math.abs(lines.length - 1 - pods)).toBeLessThanOrEqual(50); // churn moves a few
    expect(lines.slice(1).every((l) => POD_LINE.test(l))).toBe(true);
  });

  it('get pods -A --chunk-size=100 pages through about 5,000 pods', async () => {
    const before = admin.requests.length;
    const r = await kubectl(kc, ['get', 'pods', '-A', '--chunk-size=100', '--no-headers']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows.length).toBeGreaterThan(4500);
    expect(new Set(rows.map((l) => l.split(/\s+/).slice(0, 2).join('/'))).size).toBe(rows.length); // no duplicates
    const pages = admin.requests
      .slice(before)
      .filter((q) => q.url.startsWith('/api/v1/pods?') && q.url.includes('limit=100'));
    expect(pages.length).toBeGreaterThanOrEqual(Math.floor(rows.length / 100));
    expect(pages.filter((p) => p.url.includes('continue=')).length).toBe(pages.length - 1);
  });

  it('get pods -A -w --output-watch-events shows live churn', async () => {
    const out = await kubectlUntil(kc, ['get', 'pods', '-A', '-w', '--output-watch-events'], (s) =>
      /^(MODIFIED|DELETED)\s/m.test(s)
    );
    expect(out).toMatch(/^EVENT\s+NAMESPACE\s+NAME\s+READY\s+STATUS/m);
    expect(out).toMatch(/^ADDED\s+\S+\s+\S+\s+\d+\/\d+/m);
  });

  it('get deploy -o yaml returns Deployments as YAML', async () => {
    const r = await kubectl(kc, ['get', 'deploy', '-A', '-o', 'yaml']);
    expect(r.code).toBe(0);
    const doc = parseYaml(r.stdout);
    expect(doc.kind).toBe('List');
    expect(doc.items.length).toBeGreaterThan(5);
    expect(doc.items[0]).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: { replicas: expect.any(Number) }
    });
    expect(doc.items[0].metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('api-resources lists built-in and custom kinds', async () => {
    const r = await kubectl(kc, ['api-resources']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^certificates\s+.*cert-manager\.io\/v1\s+true\s+Certificate$/m);
    expect(r.stdout).toMatch(/^customresourcedefinitions\s+crd,crds/m);
  });

  it('get certificates prints the CRD printer columns', async () => {
    const r = await kubectl(kc, ['get', 'certificates', '-A']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+SECRET\s+AGE$/);
    expect(r.stdout.split('\n')[1]).toMatch(/^\S+\s+\S+\s+(True|False)\s+\S+\s+\d+[smhd]/);
  });

  it('auth can-i list secrets answers from RBAC', async () => {
    const r = await kubectl(kc, ['auth', 'can-i', 'list', 'secrets']);
    expect(r.stdout.trim()).toBe('yes');
  });

  it('top pods shows usage from metrics.k8s.io', async () => {
    const r = await kubectl(kc, ['top', 'pods', '-A']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(lines[1]).toMatch(/\d+m\s+\d+Mi\s*$/);
  });

  it('logs -f follows a container', async () => {
    const c = admin.world.cluster;
    const running = c.list(c.type('v1', 'Pod'), {
      namespace: 'kube-system',
      fieldSelector: 'status.phase=Running'
    }).items[0];
    const pod = {
      namespace: 'kube-system',
      name: running.metadata.name,
      container: running.spec.containers[0].name
    };
    const out = await kubectlUntil(
      kc,
      ['logs', '-f', '-n', pod.namespace, pod.name, '-c', pod.container, '--tail=3'],
      (s) => s.split('\n').length > 5,
      20_000
    );
    expect(out.split('\n').length).toBeGreaterThan(5);
  });

  it('apply --server-side creates a Deployment; scale changes its replicas and the pods follow', async () => {
    // A namespace of its own: churn leaves namespaces created after it started alone.
    const ns = `kubectl-check-${Math.random().toString(36).slice(2, 8)}`;
    const manifest = `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: scale-check
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels: { app: scale-check }
  template:
    metadata:
      labels: { app: scale-check }
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;
    const applied = await kubectl(kc, ['apply', '--server-side', '-f', '-'], { input: manifest });
    expect(applied.stdout).toMatch(/deployment.apps\/scale-check serverside-applied/);
    const r = await kubectl(kc, ['scale', 'deploy', 'scale-check', '-n', ns, '--replicas=4']);
    expect(r.stdout).toMatch(/deployment.apps\/scale-check scaled/);
    const podsOf = async () =>
      (await kubectl(kc, ['get', 'pods', '-n', ns, '-l', 'app=scale-check', '--no-headers'])).stdout
        .trim()
        .split('\n')
        .filter(Boolean);
    await expect.poll(async () => (await podsOf()).length, { timeout: 15_000 }).toBe(4);

    const victim = (await podsOf())[0].split(/\s+/)[0];
    const del = await kubectl(kc, ['delete', 'pod', '-n', ns, victim]);
    expect(del.stdout).toMatch(new RegExp(`pod "${victim}" deleted`));
    const remaining = (await podsOf()).map((l) => l.split(/\s+/)[0]);
    expect(remaining).not.toContain(victim);
  });

  it('apply --server-side --dry-run=server validates without storing', async () => {
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: dry-run-check
  namespace: default
data:
  greeting: hello
`;
    const r = await kubectl(kc, ['apply', '--server-side', '--dry-run=server', '-f', '-'], {
      input: manifest
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/configmap\/dry-run-check serverside-applied \(server dry run\)/);
    expect(
      admin.world.cluster.find(admin.world.cluster.type('v1', 'ConfigMap'), 'default', 'dry-run-check')
    ).toBeUndefined();
  });
});

describe('kubectl as a restricted user', () => {
  it('auth can-i and get secrets follow the RBAC policy', async () => {
    const kc = writeKubeconfig(viewer.server.url);
    const all = await kubectl(kc, ['auth', 'can-i', 'list', 'secrets', '-A']);
    expect(all.stdout.trim()).toBe('no');
    const web = await kubectl(kc, ['auth', 'can-i', 'list', 'secrets', '-n', 'web']);
    expect(web.stdout.trim()).toBe('yes');
    const denied = await kubectl(kc, ['get', 'secrets', '-A']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(
      /secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" at the cluster scope/
    );
    const pods = await kubectl(kc, ['get', 'pods', '-A']);
    expect(pods.code).toBe(0);
  });
});
