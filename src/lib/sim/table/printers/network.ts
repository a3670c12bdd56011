/** Services, EndpointSlices, Ingresses, IngressClasses and NetworkPolicies. */
import {
  col,
  formatLabelSelector,
  formatLabels,
  listWithMore,
  loadBalancerString,
  namedRowPrinter,
  type Printer
} from './common';
import type { Obj } from '../../../kube/types';

function serviceExternalIP(svc: Obj): string {
  const spec = svc.spec ?? {};
  const externalIPs: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerString(svc.status?.loadBalancer);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

export const servicePrinter: Printer = namedRowPrinter({
  columns: [
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col(
      'External-IP',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'
    ),
    col('Port(s)', 'The list of ports that are exposed by this service.')
  ],
  afterAge: [
    col(
      'Selector',
      'Route service traffic to pods with label keys and values matching this selector.',
      'string',
      1
    )
  ],
  cells(o) {
    const spec = o.spec ?? {};
    const clusterIP = spec.clusterIPs?.[0] ?? spec.clusterIP ?? '<none>';
    const ports = (spec.ports ?? [])
      .map((p: Obj) =>
        p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`
      )
      .join(',');
    return [
      spec.type ?? 'ClusterIP',
      clusterIP || '<none>',
      serviceExternalIP(o),
      ports || '<none>',
      formatLabels(spec.selector)
    ];
  }
});

export const endpointSlicePrinter: Printer = namedRowPrinter({
  columns: [
    col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'endpoints is a list of unique endpoints in this slice.')
  ],
  cells(o) {
    const ports = (o.ports ?? []).map((p: Obj) =>
      p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? '*')
    );
    const addresses = (o.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
    return [o.addressType ?? '', listWithMore(ports, 3, '<unset>'), listWithMore(addresses, 3, '<unset>')];
  }
});

export const ingressPrinter: Printer = namedRowPrinter({
  columns: [
    col('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'Ports of TLS configurations that open')
  ],
  cells(o) {
    const rules: Obj[] = o.spec?.rules ?? [];
    // formatHosts: up to three hosts; once three are listed any further rule means "+ N more..."
    const hosts: string[] = [];
    let more = false;
    for (const r of rules) {
      if (hosts.length === 3) more = true;
      if (!more && r.host) hosts.push(r.host);
    }
    let hostText = hosts.length === 0 ? '*' : hosts.join(',');
    if (more) hostText = `${hostText} + ${rules.length - 3} more...`;
    return [
      o.spec?.ingressClassName ?? '<none>',
      hostText,
      loadBalancerString(o.status?.loadBalancer),
      (o.spec?.tls ?? []).length > 0 ? '80, 443' : '80'
    ];
  }
});

export const ingressClassPrinter: Printer = namedRowPrinter({
  columns: [
    col('Controller', 'Controller that is responsible for handling this class'),
    col('Parameters', 'A reference to a resource with additional parameters')
  ],
  cells(o) {
    const p = o.spec?.parameters;
    const params = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}` : '<none>';
    return [o.spec?.controller ?? '', params];
  }
});

export const networkPolicyPrinter: Printer = namedRowPrinter({
  columns: [col('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.')],
  cells: (o) => [formatLabelSelector(o.spec?.podSelector ?? {})]
});
