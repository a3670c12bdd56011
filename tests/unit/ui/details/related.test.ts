/** What the Related tab and the Summary's links read from an object. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '$lib/kube/types';
import { conditionTone } from '$lib/ui/details/condition-tone';
import { containerState, probeText } from '$lib/ui/details/container-format';
import { kindHref } from '$lib/ui/details/object-links';
import { podSpecOf, podSpecRefs } from '$lib/ui/details/pod-spec';
import { podSelectorOf, relatedLinks, relatedLists } from '$lib/ui/details/related';

function obj(apiVersion: string, kind: string, name: string, rest: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      resourceVersion: '1',
      creationTimestamp: '2024-01-01T00:00:00Z'
    },
    ...rest
  };
}

const podSpec = {
  serviceAccountName: 'api',
  imagePullSecrets: [{ name: 'regcred' }],
  volumes: [
    { name: 'config', configMap: { name: 'api-config' } },
    { name: 'tls', secret: { secretName: 'api-tls' } },
    { name: 'data', persistentVolumeClaim: { claimName: 'api-data' } },
    { name: 'tmp', emptyDir: {} },
    {
      name: 'bundle',
      projected: {
        sources: [{ configMap: { name: 'ca' } }, { secret: { name: 'api-tls' } }, { serviceAccountToken: {} }]
      }
    }
  ],
  initContainers: [{ name: 'migrate', envFrom: [{ secretRef: { name: 'db' } }] }],
  containers: [
    {
      name: 'api',
      env: [
        { name: 'PLAIN', value: 'x' },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'mode' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }
      ]
    }
  ]
};

describe('podSpecOf', () => {
  it('finds the pod spec of pods, workload templates and cron jobs', () => {
    expect(podSpecOf(obj('v1', 'Pod', 'p', { spec: podSpec }))).toBe(podSpec);
    expect(podSpecOf(obj('apps/v1', 'Deployment', 'd', { spec: { template: { spec: podSpec } } }))).toBe(
      podSpec
    );
    const cron = obj('batch/v1', 'CronJob', 'c', {
      spec: { jobTemplate: { spec: { template: { spec: podSpec } } } }
    });
    expect(podSpecOf(cron)).toBe(podSpec);
    expect(podSpecOf(obj('v1', 'ConfigMap', 'm', { data: {} }))).toBeUndefined();
  });
});

describe('podSpecRefs', () => {
  it('lists every ConfigMap, Secret, PVC and service account once, with where each is used', () => {
    const refs = podSpecRefs(podSpec);
    expect(refs.map((r) => `${r.kind}/${r.name}`)).toEqual([
      'ConfigMap/api-config',
      'Secret/api-tls',
      'PersistentVolumeClaim/api-data',
      'ConfigMap/ca',
      'Secret/db',
      'Secret/regcred',
      'ServiceAccount/api'
    ]);
    expect(refs.find((r) => r.name === 'api-config')?.uses).toEqual(['volume config', 'env MODE of api']);
    expect(refs.find((r) => r.name === 'db')?.uses).toEqual(['envFrom of migrate', 'env DB_PASSWORD of api']);
  });

  it('is empty without a spec', () => {
    expect(podSpecRefs(undefined)).toEqual([]);
    expect(podSpecRefs({ containers: [{ name: 'a' }] })).toEqual([]);
  });
});

describe('relatedLinks', () => {
  it('names a pod’s owner, node and mounted objects', () => {
    const pod = obj('v1', 'Pod', 'api-1', { spec: { ...podSpec, nodeName: 'node-a' } });
    pod.metadata.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7f', uid: 'rs', controller: true }
    ];
    const links = relatedLinks(pod);
    expect(links[0]).toEqual({
      relation: 'Controller',
      group: 'apps',
      kind: 'ReplicaSet',
      namespace: 'shop',
      name: 'api-7f'
    });
    expect(links[1]).toMatchObject({ relation: 'Node', kind: 'Node', name: 'node-a' });
    expect(links.map((l) => `${l.kind}/${l.name}`)).toContain('PersistentVolumeClaim/api-data');
    expect(links.map((l) => `${l.kind}/${l.name}`)).toContain('Secret/db');
  });

  it('links a PVC to its volume and a PV back to its claim', () => {
    const pvc = obj('v1', 'PersistentVolumeClaim', 'data', {
      spec: { volumeName: 'pv-1', storageClassName: 'fast' }
    });
    expect(relatedLinks(pvc)).toEqual([
      { relation: 'Bound volume', group: '', kind: 'PersistentVolume', namespace: 'shop', name: 'pv-1' },
      {
        relation: 'Storage class',
        group: 'storage.k8s.io',
        kind: 'StorageClass',
        namespace: 'shop',
        name: 'fast'
      }
    ]);
    const pv = obj('v1', 'PersistentVolume', 'pv-1', {
      spec: { claimRef: { namespace: 'data', name: 'db-0' } }
    });
    expect(relatedLinks(pv)).toEqual([
      { relation: 'Bound claim', group: '', kind: 'PersistentVolumeClaim', namespace: 'data', name: 'db-0' }
    ]);
  });

  it('links an HPA to its target and a binding to its role and service accounts', () => {
    const hpa = obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'api', {
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' } }
    });
    expect(relatedLinks(hpa)).toEqual([
      { relation: 'Scales', group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'api' }
    ]);
    const binding = obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'build' }
      ]
    });
    expect(relatedLinks(binding).map((l) => `${l.relation} ${l.kind}/${l.namespace}/${l.name}`)).toEqual([
      'Role ClusterRole/shop/view',
      'Subject ServiceAccount/build/ci'
    ]);
  });

  it('links an Ingress to its backends, class and TLS secrets', () => {
    const ing = obj('networking.k8s.io/v1', 'Ingress', 'web', {
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['a'], secretName: 'web-tls' }],
        rules: [
          {
            host: 'a',
            http: { paths: [{ path: '/', backend: { service: { name: 'front', port: { number: 80 } } } }] }
          },
          {
            host: 'b',
            http: { paths: [{ path: '/', backend: { service: { name: 'front', port: { number: 80 } } } }] }
          }
        ]
      }
    });
    expect(relatedLinks(ing).map((l) => `${l.kind}/${l.name}`)).toEqual([
      'IngressClass/nginx',
      'Service/front',
      'Secret/web-tls'
    ]);
  });
});

describe('podSelectorOf and relatedLists', () => {
  it('turns a workload selector into selector syntax', () => {
    const d = obj('apps/v1', 'Deployment', 'api', {
      spec: {
        selector: {
          matchLabels: { app: 'api' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'edge'] }]
        }
      }
    });
    expect(podSelectorOf(d)).toBe('app=api,tier in (web,edge)');
  });

  it('selects no pods for a Service without a selector, every pod for an empty NetworkPolicy selector', () => {
    expect(podSelectorOf(obj('v1', 'Service', 'ext', { spec: { type: 'ExternalName' } }))).toBeNull();
    expect(podSelectorOf(obj('v1', 'Service', 's', { spec: { selector: { app: 'a' } } }))).toBe('app=a');
    expect(
      podSelectorOf(obj('networking.k8s.io/v1', 'NetworkPolicy', 'np', { spec: { podSelector: {} } }))
    ).toBe('');
    expect(podSelectorOf(obj('v1', 'ConfigMap', 'c'))).toBeNull();
  });

  it('lists a Deployment’s ReplicaSets by owner and its pods by selector', () => {
    const d = obj('apps/v1', 'Deployment', 'api', { spec: { selector: { matchLabels: { app: 'api' } } } });
    expect(relatedLists(d)).toEqual([
      { title: 'ReplicaSets', group: 'apps', kind: 'ReplicaSet', namespace: 'shop', ownerUid: 'uid-api' },
      { title: 'Selected pods', group: '', kind: 'Pod', namespace: 'shop', labelSelector: 'app=api' }
    ]);
  });

  it('lists a ReplicaSet’s pods once, by owner', () => {
    const rs = obj('apps/v1', 'ReplicaSet', 'api-7f', {
      spec: { selector: { matchLabels: { app: 'api' } } }
    });
    expect(relatedLists(rs)).toEqual([
      { title: 'Pods', group: '', kind: 'Pod', namespace: 'shop', ownerUid: 'uid-api-7f' }
    ]);
  });

  it('lists a Service’s pods and EndpointSlices, and a Node’s pods', () => {
    const svc = obj('v1', 'Service', 'front', { spec: { selector: { app: 'front' } } });
    expect(relatedLists(svc).map((l) => `${l.kind} ${l.labelSelector}`)).toEqual([
      'Pod app=front',
      'EndpointSlice kubernetes.io/service-name=front'
    ]);
    const node = obj('v1', 'Node', 'node-a');
    delete node.metadata.namespace;
    expect(relatedLists(node)).toEqual([
      { title: 'Pods on this node', group: '', kind: 'Pod', field: { column: 'node', value: 'node-a' } }
    ]);
  });
});

describe('kindHref', () => {
  it('links catalog kinds, dropping the namespace of cluster-scoped ones', () => {
    expect(kindHref('c1', 'apps', 'Deployment', 'shop', 'api')).toBe('#/o/c1/deployments.apps/shop/api');
    expect(kindHref('c1', '', 'Node', 'shop', 'node-a')).toBe('#/o/c1/nodes/_/node-a');
    expect(kindHref('c1', 'example.com', 'Widget', 'shop', 'w')).toBeUndefined();
  });
});

describe('container words', () => {
  it('describes probes as kubectl does', () => {
    expect(probeText({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 })).toBe(
      'http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3'
    );
    expect(probeText({ tcpSocket: { port: 5432 }, initialDelaySeconds: 10 })).toMatch(
      /^tcp-socket :5432 delay=10s/
    );
    expect(probeText({ exec: { command: ['cat', '/tmp/ok'] } })).toMatch(/^exec \["cat","\/tmp\/ok"\] /);
  });

  it('describes container states with their reasons', () => {
    expect(containerState({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m' } })).toEqual({
      state: 'Waiting',
      reason: 'CrashLoopBackOff',
      detail: 'back-off 5m'
    });
    expect(containerState({ terminated: { reason: 'OOMKilled', exitCode: 137 } })?.detail).toBe(
      'exit code 137'
    );
    expect(containerState(undefined)).toBeUndefined();
  });

  it('colours conditions by what True means for their type', () => {
    expect(conditionTone('Ready', 'True')).toBe('ok');
    expect(conditionTone('Ready', 'False')).toBe('bad');
    expect(conditionTone('MemoryPressure', 'False')).toBe('ok');
    expect(conditionTone('ReplicaFailure', 'True')).toBe('bad');
    expect(conditionTone('Ready', 'Unknown')).toBe('warn');
  });
});
