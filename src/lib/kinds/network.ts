/** Network: Services, EndpointSlices, Ingresses, NetworkPolicies (Gateway API kinds are in gateway.ts). */
import type { Cell } from '../watch/row';
import { col, joinList, kind, labelSelector, mapSelector } from './cells';
import type { KindDef } from './types';
import type { Obj } from '../kube/types';

/** LoadBalancer ingress points as `ip` or `hostname`. */
function lbAddresses(status: Obj | undefined): string[] {
  const out: string[] = [];
  for (const i of (status?.loadBalancer?.ingress ?? []) as Obj[]) out.push(i.ip ?? i.hostname ?? '');
  return out;
}

/** A port as kubectl prints it: `80/TCP`, `80:30080/TCP` with a node port. */
function servicePort(p: Obj): string {
  const proto = p.protocol ?? 'TCP';
  return p.nodePort ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
}

function serviceCells(s: Obj): Record<string, Cell> {
  const spec = s.spec ?? {};
  const type: string = spec.type ?? 'ClusterIP';
  const external =
    type === 'ExternalName'
      ? [spec.externalName ?? '']
      : [...lbAddresses(s.status), ...((spec.externalIPs ?? []) as string[])];
  const hasSelector = spec.selector && Object.keys(spec.selector).length > 0;
  return {
    type,
    clusterIP: spec.clusterIP ?? null,
    externalIP: joinList(external) || (type === 'LoadBalancer' ? '<pending>' : null),
    ports: joinList(((spec.ports ?? []) as Obj[]).map(servicePort), ','),
    // A Service without a selector selects no pods (its endpoints are managed by hand).
    selector: hasSelector ? mapSelector(spec.selector) : null
  };
}

function sliceCells(e: Obj): Record<string, Cell> {
  const endpoints: Obj[] = e.endpoints ?? [];
  let ready = 0;
  // A missing `ready` condition means ready (the API's documented default).
  for (const ep of endpoints) if (ep.conditions?.ready !== false) ready++;
  return {
    addressType: e.addressType ?? null,
    endpoints: `${ready}/${endpoints.length}`,
    readyCount: ready,
    total: endpoints.length,
    ports: joinList(
      ((e.ports ?? []) as Obj[]).map((p) => `${p.port ?? '*'}/${p.protocol ?? 'TCP'}`),
      ','
    ),
    addresses: joinList(endpoints.flatMap((ep) => (ep.addresses ?? []) as string[])),
    service: e.metadata.labels?.['kubernetes.io/service-name'] ?? null
  };
}

function backendText(b: Obj | undefined): string {
  if (!b) return '';
  if (b.service) return `${b.service.name}:${b.service.port?.number ?? b.service.port?.name ?? ''}`;
  if (b.resource) return `${b.resource.kind}/${b.resource.name}`;
  return '';
}

function ingressCells(i: Obj): Record<string, Cell> {
  const spec = i.spec ?? {};
  const rules: Obj[] = spec.rules ?? [];
  const hosts: string[] = [];
  const paths: string[] = [];
  for (const r of rules) {
    const host = r.host ?? '*';
    hosts.push(host);
    for (const p of (r.http?.paths ?? []) as Obj[])
      paths.push(`${host}${p.path ?? '/'}→${backendText(p.backend)}`);
  }
  if (spec.defaultBackend) paths.push(`*→${backendText(spec.defaultBackend)}`);
  return {
    class: spec.ingressClassName ?? i.metadata.annotations?.['kubernetes.io/ingress.class'] ?? null,
    hosts: joinList(hosts) || '*',
    paths: joinList(paths),
    address: joinList(lbAddresses(i.status)) || null,
    ports: (spec.tls ?? []).length > 0 ? '80,443' : '80',
    tls: (spec.tls ?? []).length > 0
  };
}

function networkPolicyCells(n: Obj): Record<string, Cell> {
  const spec = n.spec ?? {};
  const selector = labelSelector(spec.podSelector ?? {});
  const types: string[] = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  return {
    podSelector: selector || '(all pods)',
    selector,
    policyTypes: types.join(','),
    ingressRules: (spec.ingress ?? []).length,
    egressRules: (spec.egress ?? []).length
  };
}

export const NETWORK_KINDS: KindDef[] = [
  kind(
    'Network',
    '',
    'v1',
    'services',
    'Service',
    'Services',
    true,
    [
      col('type', 'Type', 'text'),
      col('clusterIP', 'Cluster IP', 'text'),
      col('externalIP', 'External IP', 'text'),
      col('ports', 'Ports', 'list'),
      col('selector', 'Selector', 'text')
    ],
    serviceCells
  ),
  kind(
    'Network',
    'discovery.k8s.io',
    'v1',
    'endpointslices',
    'EndpointSlice',
    'EndpointSlices',
    true,
    [
      col('service', 'Service', 'text'),
      col('addressType', 'Address type', 'text'),
      col('endpoints', 'Endpoints', 'text', { description: 'Ready endpoints / endpoints' }),
      col('ports', 'Ports', 'list'),
      col('addresses', 'Addresses', 'list', { hidden: true })
    ],
    sliceCells
  ),
  kind(
    'Network',
    'networking.k8s.io',
    'v1',
    'ingresses',
    'Ingress',
    'Ingresses',
    true,
    [
      col('class', 'Class', 'text'),
      col('hosts', 'Hosts', 'list'),
      col('paths', 'Paths', 'list'),
      col('address', 'Address', 'text'),
      col('ports', 'Ports', 'text', { hidden: true })
    ],
    ingressCells
  ),
  kind(
    'Network',
    'networking.k8s.io',
    'v1',
    'networkpolicies',
    'NetworkPolicy',
    'NetworkPolicies',
    true,
    [
      col('podSelector', 'Pod selector', 'text'),
      col('policyTypes', 'Policy types', 'text'),
      col('ingressRules', 'Ingress rules', 'number'),
      col('egressRules', 'Egress rules', 'number')
    ],
    networkPolicyCells
  )
];
