/** Cluster-scoped basics: Namespaces and Nodes, and the node lifecycle's Ready flips. */
import type { Random } from '../random';
import type { KubeObject, NewObject } from '../../kube/types';
import {
  CONTAINER_RUNTIME,
  KUBE_VERSION,
  fnv1a32,
  formatCpu,
  imageId,
  isoTime,
  normalizeImage
} from './format';

export function namespace(name: string, created: number, labels: Record<string, string> = {}): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      creationTimestamp: isoTime(created),
      labels: { 'kubernetes.io/metadata.name': name, ...labels }
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' }
  };
}

export interface NodeInit {
  name: string;
  role: 'control-plane' | 'worker';
  pool: string;
  zone: string;
  region: string;
  instanceType: string;
  cpu: number; // cores
  memoryGi: number;
  maxPods: number;
  internalIP: string;
  podCIDR: string;
  created: number;
  now: number;
  rand: Random;
  unschedulable?: boolean;
  images?: string[];
}

export function node(init: NodeInit): NewObject {
  const { rand } = init;
  const memKi = init.memoryGi * 1024 * 1024 - rand.int(100_000, 300_000);
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/instance-type': init.instanceType,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': init.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': init.instanceType,
    'topology.kubernetes.io/region': init.region,
    'topology.kubernetes.io/zone': init.zone,
    'skiff.dev/node-pool': init.pool
  };
  if (init.role === 'control-plane') {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  const taints: Record<string, unknown>[] = [];
  if (init.role === 'control-plane')
    taints.push({ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' });
  if (init.unschedulable) {
    taints.push({
      effect: 'NoSchedule',
      key: 'node.kubernetes.io/unschedulable',
      timeAdded: isoTime(init.now - 3600_000)
    });
  }
  const heartbeat = isoTime(init.now - rand.int(0, 40) * 1000);
  const since = isoTime(init.created + 30_000);
  const cond = (type: string, status: string, reason: string, message: string) => ({
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: since,
    message,
    reason,
    status,
    type
  });
  const allocatableKi = memKi - 1024 * 1024 - 100 * 1024; // kube-reserved + eviction threshold
  const images = (init.images ?? []).map((image) => ({
    names: [imageId(image), normalizeImage(image)],
    sizeBytes: 10_000_000 + (fnv1a32(image) % 250_000_000)
  }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: init.name,
      creationTimestamp: isoTime(init.created),
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true'
      }
    },
    spec: {
      podCIDR: init.podCIDR,
      podCIDRs: [init.podCIDR],
      providerID: `skiff://${init.region}/${init.zone}/${init.name}`,
      ...(taints.length ? { taints } : {}),
      ...(init.unschedulable ? { unschedulable: true } : {})
    },
    status: {
      addresses: [
        { address: init.internalIP, type: 'InternalIP' },
        { address: init.name, type: 'Hostname' }
      ],
      allocatable: {
        cpu: formatCpu(init.cpu * 1000 - (init.cpu >= 8 ? 190 : 90)),
        'ephemeral-storage': '95038443245',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${allocatableKi}Ki`,
        pods: String(init.maxPods)
      },
      capacity: {
        cpu: String(init.cpu),
        'ephemeral-storage': '103124000Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: String(init.maxPods)
      },
      conditions: [
        cond(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available'
        ),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images,
      nodeInfo: {
        architecture: 'amd64',
        bootID: rand.uid(),
        containerRuntimeVersion: CONTAINER_RUNTIME,
        kernelVersion: '6.1.0-28-cloud-amd64',
        kubeProxyVersion: KUBE_VERSION,
        kubeletVersion: KUBE_VERSION,
        machineID: rand.hex(32),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: rand.uid()
      },
      runtimeHandlers: [
        { features: { recursiveReadOnlyMounts: true, userNamespaces: true }, name: 'runc' },
        { features: { recursiveReadOnlyMounts: true, userNamespaces: true }, name: '' }
      ]
    }
  };
}

/** Sets a node's Ready condition (what the node lifecycle controller does when a kubelet stops posting). */
export function setNodeReady(nodeObj: KubeObject, ready: boolean, now: number) {
  const t = isoTime(now);
  const conditions = (nodeObj.status.conditions ?? []) as Record<string, string>[];
  for (const c of conditions) {
    if (ready) {
      const fresh: Record<string, [string, string, string]> = {
        MemoryPressure: ['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
        DiskPressure: ['False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
        PIDPressure: ['False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
        Ready: ['True', 'KubeletReady', 'kubelet is posting ready status']
      };
      const f = fresh[c.type];
      if (!f) continue;
      if (c.status !== f[0]) c.lastTransitionTime = t;
      [c.status, c.reason, c.message] = f;
      c.lastHeartbeatTime = t;
    } else {
      if (c.status !== 'Unknown') c.lastTransitionTime = t;
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
    }
  }
  const taints = ((nodeObj.spec.taints ?? []) as { key: string }[]).filter(
    (x) => x.key !== 'node.kubernetes.io/unreachable'
  );
  if (!ready) {
    taints.push(
      { effect: 'NoSchedule', key: 'node.kubernetes.io/unreachable', timeAdded: t } as { key: string },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', timeAdded: t } as { key: string }
    );
  }
  if (taints.length) nodeObj.spec.taints = taints;
  else delete nodeObj.spec.taints;
}

export function nodeIsReady(nodeObj: KubeObject): boolean {
  return (nodeObj.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'
  );
}
