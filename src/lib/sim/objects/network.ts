/** Services, EndpointSlices, Ingresses, IngressClasses and NetworkPolicies. */
import type { KubeObject, NewObject } from '../../kube/types';
import { isoTime } from './format';
import { meta, ownerRef, type MetaInit } from './meta';
import { podIsReady } from './pods';

export interface ServicePortInit {
  name: string;
  port: number;
  targetPort: number | string;
  protocol?: 'TCP' | 'UDP';
  nodePort?: number;
}

export interface ServiceInit extends MetaInit {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  clusterIP: string;
  selector?: Record<string, string>;
  ports: ServicePortInit[];
  loadBalancerIP?: string;
  headless?: boolean;
}

export function service(s: ServiceInit): NewObject {
  const type = s.type ?? 'ClusterIP';
  const external = type !== 'ClusterIP';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(s),
    spec: {
      ...(type === 'LoadBalancer' ? { allocateLoadBalancerNodePorts: true } : {}),
      clusterIP: s.headless ? 'None' : s.clusterIP,
      clusterIPs: [s.headless ? 'None' : s.clusterIP],
      ...(external ? { externalTrafficPolicy: 'Cluster' } : {}),
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: s.ports.map((p) => ({
        name: p.name,
        ...(external && p.nodePort ? { nodePort: p.nodePort } : {}),
        port: p.port,
        protocol: p.protocol ?? 'TCP',
        targetPort: p.targetPort
      })),
      ...(s.selector ? { selector: s.selector } : {}),
      sessionAffinity: 'None',
      type
    },
    status: {
      loadBalancer: s.loadBalancerIP ? { ingress: [{ ip: s.loadBalancerIP, ipMode: 'VIP' }] } : {}
    }
  };
}

export interface EndpointInit {
  pod: KubeObject;
  zone?: string;
}

/** The endpoints of a set of pods as the EndpointSlice controller writes them. */
export function endpointsOf(pods: EndpointInit[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const { pod, zone } of pods) {
    const ip = pod.status?.podIP;
    if (!ip) continue;
    const ready = podIsReady(pod) && !pod.metadata.deletionTimestamp;
    out.push({
      addresses: [ip],
      conditions: { ready, serving: podIsReady(pod), terminating: !!pod.metadata.deletionTimestamp },
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: {
        kind: 'Pod',
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        uid: pod.metadata.uid
      },
      ...(zone ? { zone } : {})
    });
  }
  return out;
}

/** The ports of a Service's EndpointSlice: the target port resolved against the pods' named ports. */
export function endpointPorts(
  svc: KubeObject | NewObject,
  samplePod?: KubeObject
): Record<string, unknown>[] {
  const ports = (svc.spec.ports ?? []) as Record<string, unknown>[];
  return ports.map((p) => {
    let port = p.targetPort;
    if (typeof port === 'string' && samplePod) {
      for (const c of samplePod.spec.containers ?? []) {
        for (const cp of c.ports ?? []) if (cp.name === port) port = cp.containerPort;
      }
    }
    if (typeof port === 'string') port = p.port;
    return { name: p.name, port, protocol: p.protocol ?? 'TCP' };
  });
}

export interface EndpointSliceInit {
  name: string;
  service: KubeObject;
  endpoints: Record<string, unknown>[];
  ports: Record<string, unknown>[];
  created: number;
  managedBy?: string;
}

export function endpointSlice(e: EndpointSliceInit): NewObject {
  const svc = e.service;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: e.name,
      ...(e.managedBy ? {} : { generateName: `${svc.metadata.name}-` }),
      namespace: svc.metadata.namespace,
      creationTimestamp: isoTime(e.created),
      labels: {
        ...(svc.metadata.labels ?? {}),
        'endpointslice.kubernetes.io/managed-by': e.managedBy ?? 'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': svc.metadata.name
      },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': isoTime(e.created) },
      ...(e.managedBy ? {} : { ownerReferences: [ownerRef(svc)] })
    },
    addressType: 'IPv4',
    endpoints: e.endpoints,
    ports: e.ports
  };
}

export interface IngressInit extends MetaInit {
  className: string;
  rules: { host: string; paths: { path: string; service: string; port: number | string }[] }[];
  tls?: { hosts: string[]; secretName: string }[];
  loadBalancerIP?: string;
}

export function ingress(i: IngressInit): NewObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(i),
    spec: {
      ingressClassName: i.className,
      rules: i.rules.map((r) => ({
        host: r.host,
        http: {
          paths: r.paths.map((p) => ({
            backend: {
              service: {
                name: p.service,
                port: typeof p.port === 'number' ? { number: p.port } : { name: p.port }
              }
            },
            path: p.path,
            pathType: 'Prefix'
          }))
        }
      })),
      ...(i.tls ? { tls: i.tls } : {})
    },
    status: { loadBalancer: i.loadBalancerIP ? { ingress: [{ ip: i.loadBalancerIP }] } : {} }
  };
}

export function ingressClass(
  name: string,
  controller: string,
  created: number,
  isDefault: boolean
): NewObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      creationTimestamp: isoTime(created),
      labels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': name },
      ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {})
    },
    spec: { controller }
  };
}

export function networkPolicy(m: MetaInit, spec: Record<string, unknown>): NewObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(m), spec };
}
