/**
 * Gateway API: the CRDs (standard channel, TLSRoute from experimental), two GatewayClasses, a
 * public and an internal Gateway, and routes to app Services (HTTP, gRPC, TLS passthrough, one
 * cross-namespace backend allowed by a ReferenceGrant). Its own Random, so adding it leaves the
 * rest of a seeded world as it was.
 */
import type { KubeObject } from '../../kube/types';
import * as k from '../objects';
import { Random } from '../random';
import type { WorldBuilder } from './builder';
import { DAY, HOUR } from './catalog';

const NGINX = 'gateway.nginx.org/nginx-gateway-controller';
const ENVOY = 'gateway.envoyproxy.io/gatewayclass-controller';
const GW_NAMESPACE = 'ingress-nginx';

function firstPort(svc: KubeObject): number | undefined {
  return svc.spec?.ports?.[0]?.port;
}

function httpPort(svc: KubeObject): number | undefined {
  return (svc.spec?.ports as { port: number; name?: string }[] | undefined)?.find(
    (p) => p.port === 80 || p.name === 'http'
  )?.port;
}

export function gatewayApi(w: WorldBuilder, appNamespaces: string[]) {
  const rand = new Random(w.opts.seed ^ 0x6a7e);
  const t = w.born + 60 * DAY;
  for (const crd of k.GATEWAY_CRDS) w.create(k.gatewayCrd(crd, t), t);
  w.create(k.gatewayClass('nginx', NGINX, t + HOUR, 'NGINX Gateway Fabric'), t + HOUR);
  w.create(k.gatewayClass('envoy', ENVOY, t + DAY, 'Envoy Gateway, internal traffic'), t + DAY);

  const apps = new Set(appNamespaces);
  const services = w.cluster
    .objects(w.rt('v1', 'Service'))
    .filter(
      (s) =>
        apps.has(s.metadata.namespace!) &&
        s.spec?.selector &&
        s.spec.clusterIP !== 'None' &&
        firstPort(s) !== undefined
    );
  const speaksHttp = (s: KubeObject) => httpPort(s) !== undefined;
  const httpTargets = services.filter((s) => speaksHttp(s) && rand.chance(0.25)).slice(0, 8);
  const grpcTargets = services.filter((s) => !httpTargets.includes(s) && rand.chance(0.1)).slice(0, 3);
  const tlsTarget = services.find((s) => s.metadata.namespace === 'data') ?? services[0];
  const crossTarget = services.find((s) => s.metadata.namespace === 'web' && speaksHttp(s));

  const created = t + 2 * DAY;
  const http = httpTargets.length + (crossTarget ? 1 : 0);
  w.create(
    k.gateway({
      name: 'public',
      namespace: GW_NAMESPACE,
      created,
      className: 'nginx',
      address: w.ingressLbIp || '203.0.113.10',
      programmed: true,
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', attachedRoutes: http },
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          hostname: '*.acme.example.com',
          certificate: 'wildcard-acme-tls',
          attachedRoutes: http
        },
        {
          name: 'tls-passthrough',
          port: 8443,
          protocol: 'TLS',
          certificate: 'passthrough',
          attachedRoutes: tlsTarget ? 1 : 0
        }
      ]
    }),
    created
  );
  // The internal Gateway waits for an address its load balancer never gave: not Programmed.
  w.create(
    k.gateway({
      name: 'internal',
      namespace: GW_NAMESPACE,
      created: created + HOUR,
      className: 'envoy',
      programmed: false,
      listeners: [{ name: 'grpc', port: 9090, protocol: 'HTTP', attachedRoutes: grpcTargets.length }]
    }),
    created + HOUR
  );

  httpTargets.forEach((svc, i) => {
    const name = svc.metadata.name;
    const ns = svc.metadata.namespace!;
    const at = w.between(created + DAY, w.now - HOUR);
    const port = httpPort(svc)!;
    w.create(
      k.route({
        kind: 'HTTPRoute',
        name,
        namespace: ns,
        created: at,
        labels: svc.metadata.labels,
        parent: { name: 'public', namespace: GW_NAMESPACE, sectionName: 'https' },
        hostnames: [`${name}.${ns}.acme.example.com`],
        rules: [
          { service: name, port, path: '/' },
          ...(rand.chance(0.4) ? [{ service: name, port, path: '/api' }] : [])
        ],
        // One route asks for a hostname the listener does not allow.
        accepted: i !== 1,
        controller: NGINX
      }),
      at
    );
  });
  for (const svc of grpcTargets) {
    const at = w.between(created + DAY, w.now - HOUR);
    const port = firstPort(svc)!;
    w.create(
      k.route({
        kind: 'GRPCRoute',
        name: svc.metadata.name,
        namespace: svc.metadata.namespace!,
        created: at,
        parent: { name: 'internal', namespace: GW_NAMESPACE },
        hostnames: [],
        rules: [
          { service: svc.metadata.name, port, path: `acme.${svc.metadata.name.replace(/-/g, '')}.v1.Api` }
        ],
        accepted: true,
        controller: ENVOY
      }),
      at
    );
  }
  if (tlsTarget) {
    const at = w.between(created + DAY, w.now - HOUR);
    w.create(
      k.route({
        kind: 'TLSRoute',
        name: `${tlsTarget.metadata.name}-passthrough`,
        namespace: tlsTarget.metadata.namespace!,
        created: at,
        parent: { name: 'public', namespace: GW_NAMESPACE, sectionName: 'tls-passthrough' },
        hostnames: [`${tlsTarget.metadata.name}.db.acme.example.com`],
        rules: [{ service: tlsTarget.metadata.name, port: firstPort(tlsTarget)! }],
        accepted: true,
        controller: NGINX
      }),
      at
    );
  }
  if (crossTarget) {
    // A route in the Gateway's namespace sending legacy paths to an app: the app's namespace allows it.
    const at = w.between(created + DAY, w.now - HOUR);
    w.create(
      k.referenceGrant({
        name: 'allow-gateway-routes',
        namespace: 'web',
        created: at,
        from: [{ kind: 'HTTPRoute', namespace: GW_NAMESPACE }],
        to: [{ kind: 'Service' }]
      }),
      at
    );
    w.create(
      k.route({
        kind: 'HTTPRoute',
        name: 'legacy-redirects',
        namespace: GW_NAMESPACE,
        created: at + 60_000,
        parent: { name: 'public', namespace: GW_NAMESPACE, sectionName: 'http' },
        hostnames: ['www.acme.example.com', 'shop.acme.example.com'],
        rules: [
          {
            service: crossTarget.metadata.name,
            namespace: 'web',
            port: httpPort(crossTarget)!,
            path: '/old-shop'
          }
        ],
        accepted: true,
        controller: NGINX
      }),
      at + 60_000
    );
  }
}
