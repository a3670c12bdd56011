import { describe, expect, it } from 'vitest';
import { parseAccept } from '$lib/sim/accept';
import { BUILTIN_RESOURCES, resourcesFromCrd } from '$lib/sim/resources';
import {
  columnDefinitions,
  humanDuration,
  toPartialObjectMetadata,
  toPartialObjectMetadataList,
  toTable
} from '$lib/sim/table';
import type { KubeObject, ResourceType } from '$lib/kube/types';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

function rt(group: string, plural: string): ResourceType {
  const t = BUILTIN_RESOURCES.find((r) => r.group === group && r.plural === plural);
  if (!t) throw new Error(`no ${group}/${plural}`);
  return t;
}

function obj(
  apiVersion: string,
  kind: string,
  name: string,
  rest: Record<string, unknown> = {},
  meta = {}
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: 'web',
      uid: `uid-${name}`,
      resourceVersion: '42',
      creationTimestamp: ago(3 * M + 12 * S),
      ...meta
    },
    ...rest
  };
}

function pod(
  name: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  meta = {}
): KubeObject {
  return obj('v1', 'Pod', name, { spec: { nodeName: 'node-1', ...spec }, status }, meta);
}

const cellsOf = (r: ResourceType, o: KubeObject) => toTable(r, [o], { now: NOW }).rows[0].cells;

describe('humanDuration', () => {
  it('follows apimachinery duration.HumanDuration', () => {
    const cases: [number, string][] = [
      [-2500, '<invalid>'],
      [-1500, '0s'],
      [0, '0s'],
      [59 * S, '59s'],
      [119 * S, '119s'],
      [2 * M, '2m'],
      [3 * M + 12 * S, '3m12s'],
      [9 * M + 59 * S, '9m59s'],
      [10 * M + 30 * S, '10m'],
      [179 * M, '179m'],
      [3 * H, '3h'],
      [3 * H + 5 * M, '3h5m'],
      [8 * H + 5 * M, '8h'],
      [47 * H, '47h'],
      [2 * D, '2d'],
      [2 * D + 3 * H, '2d3h'],
      [8 * D + 3 * H, '8d'],
      [729 * D, '729d'],
      [730 * D, '2y'],
      [740 * D, '2y10d'],
      [3000 * D, '8y']
    ];
    for (const [ms, text] of cases) expect([ms, humanDuration(ms)]).toEqual([ms, text]);
  });
});

describe('pod printer', () => {
  const pods = rt('', 'pods');

  it('has kubectl columns, the wide ones with priority 1', () => {
    const cols = columnDefinitions(pods);
    expect(cols.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1]
    ]);
    expect(cols[0]).toMatchObject({ type: 'string', format: 'name' });
  });

  it('shows CrashLoopBackOff and when the last restart was', () => {
    const p = pod(
      'api-7d9f',
      { containers: [{ name: 'api', image: 'api:1' }] },
      {
        phase: 'Running',
        podIPs: [{ ip: '10.244.1.7' }],
        containerStatuses: [
          {
            name: 'api',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2 * M + 5 * S) } }
          }
        ]
      }
    );
    expect(cellsOf(pods, p)).toEqual([
      'api-7d9f',
      '0/1',
      'CrashLoopBackOff',
      '5 (2m5s ago)',
      '3m12s',
      '10.244.1.7',
      'node-1',
      '<none>',
      '<none>'
    ]);
  });

  it('shows Running with ready counts, and readiness gates', () => {
    const p = pod(
      'web-1',
      { containers: [{ name: 'a' }, { name: 'b' }], readinessGates: [{ conditionType: 'example.com/lb' }] },
      {
        phase: 'Running',
        podIP: '10.244.0.9',
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'example.com/lb', status: 'False' }
        ],
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 0, state: { running: { startedAt: ago(M) } } },
          { name: 'b', ready: false, restartCount: 0, state: { running: { startedAt: ago(M) } } }
        ]
      }
    );
    const cells = cellsOf(pods, p);
    expect(cells.slice(1, 4)).toEqual(['1/2', 'Running', '0']);
    expect(cells[5]).toBe('10.244.0.9');
    expect(cells[8]).toBe('0/1');
  });

  it('shows Completed with a row condition for succeeded pods', () => {
    const p = pod(
      'job-x',
      { containers: [{ name: 'main' }] },
      {
        phase: 'Succeeded',
        containerStatuses: [
          {
            name: 'main',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } }
          }
        ]
      }
    );
    const row = toTable(pods, [p], { now: NOW }).rows[0];
    expect(row.cells[2]).toBe('Completed');
    expect(row.conditions).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.'
      }
    ]);
  });

  it('shows Init:x/y, Init:<reason>, and counts sidecars', () => {
    const init = (statuses: unknown[]) =>
      pod(
        'p',
        { initContainers: [{ name: 'migrate' }, { name: 'seed' }], containers: [{ name: 'app' }] },
        { phase: 'Pending', initContainerStatuses: statuses, containerStatuses: [] }
      );
    const done = {
      name: 'migrate',
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } }
    };
    const running = { name: 'seed', restartCount: 0, state: { running: {} } };
    expect(cellsOf(pods, init([done, running]))[2]).toBe('Init:1/2');
    const crashing = {
      name: 'migrate',
      restartCount: 3,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, finishedAt: ago(30 * S) } }
    };
    const cells = cellsOf(pods, init([crashing]));
    expect(cells[2]).toBe('Init:CrashLoopBackOff');
    expect(cells[3]).toBe('3 (30s ago)');
    const failed = { name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 2 } } };
    expect(cellsOf(pods, init([failed]))[2]).toBe('Init:ExitCode:2');

    const sidecar = pod(
      's',
      { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [
          { name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: {} } }
        ],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }]
      }
    );
    expect(cellsOf(pods, sidecar).slice(1, 4)).toEqual(['2/2', 'Running', '1']);
  });

  it('shows Terminating for a pod being deleted, and ExitCode/Signal without a reason', () => {
    const running = {
      phase: 'Running',
      containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }]
    };
    const deleting = pod('p', { containers: [{ name: 'c' }] }, running, { deletionTimestamp: ago(5 * S) });
    expect(cellsOf(pods, deleting)[2]).toBe('Terminating');
    const killed = pod(
      'k',
      { containers: [{ name: 'c' }] },
      {
        phase: 'Failed',
        containerStatuses: [
          { name: 'c', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }
        ]
      }
    );
    expect(cellsOf(pods, killed)[2]).toBe('Signal:9');
  });
});

describe('other built-in printers', () => {
  it('nodes: Ready,SchedulingDisabled, roles, wide columns', () => {
    const n = obj(
      'v1',
      'Node',
      'cp-1',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [
            { type: 'InternalIP', address: '172.18.0.2' },
            { type: 'Hostname', address: 'cp-1' }
          ],
          nodeInfo: {
            kubeletVersion: 'v1.32.4',
            osImage: 'Debian GNU/Linux 12 (bookworm)',
            kernelVersion: '6.1.0-18-amd64',
            containerRuntimeVersion: 'containerd://1.7.24'
          }
        }
      },
      {
        namespace: undefined,
        labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra' }
      }
    );
    expect(cellsOf(rt('', 'nodes'), n)).toEqual([
      'cp-1',
      'Ready,SchedulingDisabled',
      'control-plane,infra',
      '3m12s',
      'v1.32.4',
      '172.18.0.2',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0-18-amd64',
      'containerd://1.7.24'
    ]);
    const notReady = obj('v1', 'Node', 'w', {
      status: { conditions: [{ type: 'Ready', status: 'Unknown' }] }
    });
    expect(cellsOf(rt('', 'nodes'), notReady).slice(1, 3)).toEqual(['NotReady', '<none>']);
  });

  it('services: type, cluster IP, pending load balancer, node ports', () => {
    const svc = obj('v1', 'Service', 'front', {
      spec: {
        type: 'LoadBalancer',
        clusterIP: '10.96.4.1',
        clusterIPs: ['10.96.4.1'],
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' }
        ],
        selector: { app: 'front', tier: 'web' }
      }
    });
    expect(cellsOf(rt('', 'services'), svc)).toEqual([
      'front',
      'LoadBalancer',
      '10.96.4.1',
      '<pending>',
      '80:30080/TCP,53/UDP',
      '3m12s',
      'app=front,tier=web'
    ]);
    const headless = obj('v1', 'Service', 'db', {
      spec: { type: 'ClusterIP', clusterIPs: ['None'], ports: [] }
    });
    expect(cellsOf(rt('', 'services'), headless).slice(2, 5)).toEqual(['None', '<none>', '<none>']);
  });

  it('deployments, jobs, cronjobs, configmaps, secrets, storage classes', () => {
    const deploy = obj('apps/v1', 'Deployment', 'web', {
      spec: {
        replicas: 3,
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'canary'] }]
        },
        template: {
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1.27' },
              { name: 'log', image: 'fluent-bit:3' }
            ]
          }
        }
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 }
    });
    expect(cellsOf(rt('apps', 'deployments'), deploy)).toEqual([
      'web',
      '2/3',
      3,
      2,
      '3m12s',
      'web,log',
      'nginx:1.27,fluent-bit:3',
      'app=web,env in (canary,prod)'
    ]);

    const job = obj('batch/v1', 'Job', 'backup', {
      spec: {
        completions: 1,
        parallelism: 1,
        selector: { matchLabels: { 'batch.kubernetes.io/job-name': 'backup' } },
        template: { spec: { containers: [{ name: 'b', image: 'busybox' }] } }
      },
      status: {
        succeeded: 1,
        startTime: ago(3 * M),
        completionTime: ago(M + 15 * S),
        conditions: [{ type: 'Complete', status: 'True' }]
      }
    });
    expect(cellsOf(rt('batch', 'jobs'), job).slice(0, 5)).toEqual([
      'backup',
      'Complete',
      '1/1',
      '105s',
      '3m12s'
    ]);

    const cron = obj('batch/v1', 'CronJob', 'nightly', {
      spec: {
        schedule: '0 3 * * *',
        suspend: false,
        jobTemplate: { spec: { template: { spec: { containers: [] } } } }
      },
      status: { active: [{ name: 'nightly-1' }], lastScheduleTime: ago(7 * H) }
    });
    expect(cellsOf(rt('batch', 'cronjobs'), cron).slice(0, 7)).toEqual([
      'nightly',
      '0 3 * * *',
      '<none>',
      'False',
      1,
      '7h',
      '3m12s'
    ]);

    const cm = obj('v1', 'ConfigMap', 'cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } });
    expect(cellsOf(rt('', 'configmaps'), cm)).toEqual(['cfg', 3, '3m12s']);
    const secret = obj('v1', 'Secret', 'tls', {
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'x', 'tls.key': 'y' }
    });
    expect(cellsOf(rt('', 'secrets'), secret)).toEqual(['tls', 'kubernetes.io/tls', 2, '3m12s']);

    const sc = obj(
      'storage.k8s.io/v1',
      'StorageClass',
      'standard',
      { provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
      { namespace: undefined, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }
    );
    expect(cellsOf(rt('storage.k8s.io', 'storageclasses'), sc)).toEqual([
      'standard (default)',
      'rancher.io/local-path',
      'Delete',
      'WaitForFirstConsumer',
      false,
      '3m12s'
    ]);
  });

  it('events (core/v1 and events.k8s.io/v1 shapes) print LAST SEEN TYPE REASON OBJECT MESSAGE', () => {
    const core = obj('v1', 'Event', 'api.17f', {
      involvedObject: { kind: 'Pod', name: 'api-7d9f', fieldPath: 'spec.containers{api}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container api  ',
      type: 'Warning',
      count: 14,
      firstTimestamp: ago(20 * M),
      lastTimestamp: ago(40 * S),
      source: { component: 'kubelet', host: 'node-1' }
    });
    const cells = cellsOf(rt('', 'events'), core);
    expect(cells).toEqual([
      '40s',
      'Warning',
      'BackOff',
      'pod/api-7d9f',
      'spec.containers{api}',
      'kubelet, node-1',
      'Back-off restarting failed container api',
      '20m',
      14,
      'api.17f'
    ]);
    const v1 = obj('events.k8s.io/v1', 'Event', 'web.18a', {
      regarding: { kind: 'Deployment', name: 'web' },
      reason: 'ScalingReplicaSet',
      note: 'Scaled up replica set web-5c7 to 3',
      type: 'Normal',
      eventTime: ago(90 * S),
      reportingController: 'deployment-controller'
    });
    const e = cellsOf(rt('events.k8s.io', 'events'), v1);
    expect(e.slice(0, 4)).toEqual(['90s', 'Normal', 'ScalingReplicaSet', 'deployment/web']);
    expect(e[5]).toBe('deployment-controller');
    expect(e[8]).toBe(1);
  });

  it('kinds without a printer (roles, limitranges, CRDs) get NAME and CREATED AT', () => {
    const role = obj(
      'rbac.authorization.k8s.io/v1',
      'Role',
      'reader',
      { rules: [] },
      { creationTimestamp: '2026-01-02T03:04:05Z' }
    );
    const t = toTable(rt('rbac.authorization.k8s.io', 'roles'), [role], { now: NOW });
    expect(t.columnDefinitions!.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date']
    ]);
    expect(t.rows[0].cells).toEqual(['reader', '2026-01-02T03:04:05Z']);
    expect(
      columnDefinitions(rt('apiextensions.k8s.io', 'customresourcedefinitions')).map((c) => c.name)
    ).toEqual(['Name', 'Created At']);
    expect(columnDefinitions(rt('', 'limitranges')).map((c) => c.name)).toEqual(['Name', 'Created At']);
  });

  it('role bindings list subjects in their wide columns', () => {
    const rb = obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'devs', {
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [
        { kind: 'User', name: 'ann' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'web' },
        { kind: 'User', name: 'bob' }
      ]
    });
    expect(cellsOf(rt('rbac.authorization.k8s.io', 'rolebindings'), rb)).toEqual([
      'devs',
      'ClusterRole/edit',
      '3m12s',
      'ann, bob',
      'devs',
      'web/ci'
    ]);
  });
});

describe('custom resources', () => {
  const crd = obj(
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    'certificates.cert-manager.io',
    {
      spec: {
        group: 'cert-manager.io',
        scope: 'Namespaced',
        names: { kind: 'Certificate', plural: 'certificates', singular: 'certificate', shortNames: ['cert'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            additionalPrinterColumns: [
              { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
              { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
              { name: 'Issuer', type: 'string', jsonPath: '.spec.issuerRef.name', priority: 1 },
              { name: 'Hosts', type: 'string', jsonPath: '.spec.dnsNames' },
              { name: 'Renewals', type: 'integer', jsonPath: '.status.renewals' },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }
            ]
          }
        ]
      }
    },
    { namespace: undefined }
  );
  const certType = resourcesFromCrd(crd)[0];
  const cert = (status: Record<string, unknown>) =>
    obj('cert-manager.io/v1', 'Certificate', 'shop-tls', {
      spec: {
        secretName: 'shop-tls',
        issuerRef: { name: 'letsencrypt' },
        dnsNames: ['shop.example.com', 'www.example.com']
      },
      status
    });

  it('prints additionalPrinterColumns after the implicit Name column', () => {
    const t = toTable(
      certType,
      [
        cert({
          conditions: [
            { type: 'Issuing', status: 'False' },
            { type: 'Ready', status: 'True' }
          ],
          renewals: 2.0
        })
      ],
      {
        now: NOW
      }
    );
    expect(t.columnDefinitions!.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Secret', 'string', 0],
      ['Issuer', 'string', 1],
      ['Hosts', 'string', 0],
      ['Renewals', 'integer', 0],
      ['Age', 'date', 0]
    ]);
    expect(t.columnDefinitions![2].description).toBe(
      'Custom resource definition column (in JSONPath format): .spec.secretName'
    );
    expect(t.rows[0].cells).toEqual([
      'shop-tls',
      'True',
      'shop-tls',
      'letsencrypt',
      '[shop.example.com www.example.com]',
      2,
      '3m12s'
    ]);
  });

  it('leaves a cell null when the path finds nothing', () => {
    const cells = toTable(certType, [cert({ conditions: [{ type: 'Issuing', status: 'True' }] })], {
      now: NOW
    }).rows[0].cells;
    expect(cells[1]).toBeNull();
    expect(cells[5]).toBeNull();
  });

  it('prints Name and Age for a CRD version without printer columns', () => {
    const bare = resourcesFromCrd({
      ...crd,
      spec: { ...crd.spec, versions: [{ name: 'v1', served: true, storage: true }] }
    })[0];
    const t = toTable(bare, [cert({})], { now: NOW });
    expect(t.columnDefinitions!.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Age', 'date']
    ]);
    expect(t.rows[0].cells).toEqual(['shop-tls', '3m12s']);
  });
});

describe('table envelope and metadata-only answers', () => {
  const pods = rt('', 'pods');
  const p = pod('a', { containers: [{ name: 'c' }] }, { phase: 'Pending' }, { labels: { app: 'a' } });

  it('embeds PartialObjectMetadata by default, the object or nothing on request', () => {
    const listMeta = { resourceVersion: '77', continue: 'tok', remainingItemCount: 3 };
    const t = toTable(pods, [p], { now: NOW, listMeta });
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual(listMeta);
    expect(t.rows[0].object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: p.metadata
    });
    expect(toTable(pods, [p], { now: NOW, includeObject: 'Object' }).rows[0].object).toBe(p);
    expect(toTable(pods, [p], { now: NOW, includeObject: 'None' }).rows[0].object).toBeNull();
    const watchEvent = toTable(pods, [p], {
      now: NOW,
      withColumns: false,
      listMeta: { resourceVersion: '78' }
    });
    expect(watchEvent.columnDefinitions).toBeNull();
    expect(watchEvent.rows[0].cells).toHaveLength(9);
  });

  it('builds PartialObjectMetadata and its list', () => {
    expect(toPartialObjectMetadata(p)).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: p.metadata
    });
    const list = toPartialObjectMetadataList([p, p], { resourceVersion: '9' });
    expect(list).toMatchObject({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '9' }
    });
    expect(list.items).toHaveLength(2);
    expect(list.items[0].kind).toBe('PartialObjectMetadata');
  });
});

describe('parseAccept', () => {
  it('picks the first acceptable media type', () => {
    const kubectl =
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    expect(parseAccept(kubectl)).toEqual({
      as: 'Table',
      protobufOnly: false,
      acceptable: true,
      version: 'v1',
      mediaType: 'application/json'
    });
    expect(parseAccept('application/json;as=Table;v=v1beta1;g=meta.k8s.io').version).toBe('v1beta1');
    expect(parseAccept('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1').as).toBe(
      'PartialObjectMetadataList'
    );
    expect(parseAccept('application/json; as=PartialObjectMetadata; g=meta.k8s.io; v=v1').as).toBe(
      'PartialObjectMetadata'
    );
    expect(parseAccept('application/json')).toMatchObject({ as: undefined, acceptable: true });
    expect(parseAccept(undefined)).toMatchObject({ as: undefined, acceptable: true });
    expect(parseAccept('*/*')).toMatchObject({ as: undefined, acceptable: true });
  });

  it('skips ranges it cannot produce', () => {
    expect(parseAccept('application/json;as=Table;v=v1;g=example.com,application/json')).toMatchObject({
      as: undefined,
      acceptable: true
    });
    expect(parseAccept('application/vnd.kubernetes.protobuf,application/json')).toMatchObject({
      as: undefined,
      protobufOnly: false
    });
    expect(parseAccept('application/vnd.kubernetes.protobuf')).toMatchObject({
      protobufOnly: true,
      acceptable: false
    });
    expect(parseAccept('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')).toMatchObject(
      {
        acceptable: false,
        protobufOnly: false
      }
    );
    expect(parseAccept('application/json;q=0,application/yaml')).toMatchObject({
      mediaType: 'application/yaml'
    });
  });
});
