/**
 * Gateway API (gateway.networking.k8s.io): the CRDs as the project publishes them (standard channel
 * v1.2 shapes, printer columns included; TLSRoute from the experimental channel) and their objects.
 */
import type { NewObject } from '../../kube/types';
import { establishedCrdStatus } from './crd';
import { isoTime } from './format';
import { meta, type MetaInit } from './meta';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const BUNDLE_VERSION = 'v1.2.1';

interface PrinterColumnInit {
  name: string;
  jsonPath: string;
  type: 'string' | 'integer' | 'date';
  priority?: number;
  description?: string;
}

interface GatewayCrdInit {
  kind: string;
  plural: string;
  shortNames?: string[];
  scope: 'Namespaced' | 'Cluster';
  /** Served versions, the storage version first. */
  versions: string[];
  columns: PrinterColumnInit[];
  channel: 'standard' | 'experimental';
}

const AGE: PrinterColumnInit = { name: 'Age', jsonPath: '.metadata.creationTimestamp', type: 'date' };

/** The CRDs of the bundle the demo clusters install. */
export const GATEWAY_CRDS: GatewayCrdInit[] = [
  {
    kind: 'GatewayClass',
    plural: 'gatewayclasses',
    shortNames: ['gc'],
    scope: 'Cluster',
    versions: ['v1', 'v1beta1'],
    channel: 'standard',
    columns: [
      { name: 'Controller', jsonPath: '.spec.controllerName', type: 'string' },
      { name: 'Accepted', jsonPath: '.status.conditions[?(@.type=="Accepted")].status', type: 'string' },
      AGE,
      { name: 'Description', jsonPath: '.spec.description', type: 'string', priority: 1 }
    ]
  },
  {
    kind: 'Gateway',
    plural: 'gateways',
    shortNames: ['gtw'],
    scope: 'Namespaced',
    versions: ['v1', 'v1beta1'],
    channel: 'standard',
    columns: [
      { name: 'Class', jsonPath: '.spec.gatewayClassName', type: 'string' },
      { name: 'Address', jsonPath: '.status.addresses[*].value', type: 'string' },
      { name: 'Programmed', jsonPath: '.status.conditions[?(@.type=="Programmed")].status', type: 'string' },
      AGE
    ]
  },
  {
    kind: 'HTTPRoute',
    plural: 'httproutes',
    scope: 'Namespaced',
    versions: ['v1', 'v1beta1'],
    channel: 'standard',
    columns: [{ name: 'Hostnames', jsonPath: '.spec.hostnames', type: 'string' }, AGE]
  },
  {
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    scope: 'Namespaced',
    versions: ['v1'],
    channel: 'standard',
    columns: [{ name: 'Hostnames', jsonPath: '.spec.hostnames', type: 'string' }, AGE]
  },
  {
    kind: 'ReferenceGrant',
    plural: 'referencegrants',
    shortNames: ['refgrant'],
    scope: 'Namespaced',
    versions: ['v1beta1', 'v1'],
    channel: 'standard',
    columns: [AGE]
  },
  {
    kind: 'TLSRoute',
    plural: 'tlsroutes',
    scope: 'Namespaced',
    versions: ['v1alpha2'],
    channel: 'experimental',
    columns: [{ name: 'Hostnames', jsonPath: '.spec.hostnames', type: 'string' }, AGE]
  }
];

function names(c: GatewayCrdInit) {
  return {
    categories: ['gateway-api'],
    kind: c.kind,
    listKind: `${c.kind}List`,
    plural: c.plural,
    ...(c.shortNames ? { shortNames: c.shortNames } : {}),
    singular: c.kind.toLowerCase()
  };
}

export function gatewayCrd(c: GatewayCrdInit, created: number): NewObject {
  // The spec and status schemas are large upstream; the simulator keeps them open (no pruning).
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${c.plural}.${GATEWAY_GROUP}`,
      creationTimestamp: isoTime(created),
      generation: 1,
      annotations: {
        'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/3328',
        'gateway.networking.k8s.io/bundle-version': BUNDLE_VERSION,
        'gateway.networking.k8s.io/channel': c.channel
      }
    },
    spec: {
      group: GATEWAY_GROUP,
      names: names(c),
      scope: c.scope,
      versions: c.versions.map((v, i) => ({
        additionalPrinterColumns: c.columns,
        name: v,
        schema: {
          openAPIV3Schema: {
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: open,
              status: open
            },
            required: ['spec'],
            type: 'object'
          }
        },
        served: true,
        storage: i === 0,
        subresources: { status: {} }
      }))
    },
    status: establishedCrdStatus(names(c), [c.versions[0]], created)
  };
}

function condition(type: string, ok: boolean, reason: string, at: number, generation = 1) {
  return {
    lastTransitionTime: isoTime(at),
    message: ok ? '' : `${type} is False: ${reason}`,
    observedGeneration: generation,
    reason,
    status: ok ? 'True' : 'False',
    type
  };
}

export function gatewayClass(
  name: string,
  controller: string,
  created: number,
  description?: string
): NewObject {
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'GatewayClass',
    metadata: { name, creationTimestamp: isoTime(created), generation: 1 },
    spec: { controllerName: controller, ...(description ? { description } : {}) },
    status: {
      conditions: [condition('Accepted', true, 'Accepted', created + 5000)],
      supportedFeatures: [{ name: 'HTTPRoute' }, { name: 'GRPCRoute' }, { name: 'ReferenceGrant' }]
    }
  };
}

export interface ListenerInit {
  name: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS' | 'TLS' | 'TCP';
  hostname?: string;
  certificate?: string;
  attachedRoutes: number;
}

export interface GatewayInit extends MetaInit {
  className: string;
  listeners: ListenerInit[];
  address?: string;
  programmed: boolean;
}

export function gateway(g: GatewayInit): NewObject {
  const at = g.created + 10_000;
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'Gateway',
    metadata: meta({ ...g, generation: 1 }),
    spec: {
      gatewayClassName: g.className,
      listeners: g.listeners.map((l) => ({
        name: l.name,
        port: l.port,
        protocol: l.protocol,
        ...(l.hostname ? { hostname: l.hostname } : {}),
        allowedRoutes: { namespaces: { from: 'All' } },
        ...(l.certificate
          ? {
              tls: {
                mode: l.protocol === 'TLS' ? 'Passthrough' : 'Terminate',
                ...(l.protocol === 'TLS'
                  ? {}
                  : { certificateRefs: [{ group: '', kind: 'Secret', name: l.certificate }] })
              }
            }
          : {})
      }))
    },
    status: {
      ...(g.address ? { addresses: [{ type: 'IPAddress', value: g.address }] } : {}),
      conditions: [
        condition('Accepted', true, 'Accepted', at),
        condition('Programmed', g.programmed, g.programmed ? 'Programmed' : 'AddressNotAssigned', at)
      ],
      listeners: g.listeners.map((l) => ({
        attachedRoutes: l.attachedRoutes,
        conditions: [
          condition('Accepted', true, 'Accepted', at),
          condition('Programmed', g.programmed, 'Programmed', at)
        ],
        name: l.name,
        supportedKinds: [{ group: GATEWAY_GROUP, kind: l.protocol === 'TLS' ? 'TLSRoute' : 'HTTPRoute' }]
      }))
    }
  };
}

export interface RouteInit extends MetaInit {
  kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute';
  parent: { name: string; namespace: string; sectionName?: string };
  hostnames: string[];
  /** One rule per backend: `[service, port, path?]`. */
  rules: { service: string; namespace?: string; port: number; path?: string }[];
  accepted: boolean;
  controller: string;
}

function routeRule(kind: RouteInit['kind'], r: RouteInit['rules'][number]) {
  const backendRefs = [
    {
      group: '',
      kind: 'Service',
      name: r.service,
      port: r.port,
      weight: 1,
      ...(r.namespace ? { namespace: r.namespace } : {})
    }
  ];
  if (kind === 'HTTPRoute')
    return { matches: [{ path: { type: 'PathPrefix', value: r.path ?? '/' } }], backendRefs };
  if (kind === 'GRPCRoute')
    return {
      matches: [{ method: { type: 'Exact', service: r.path ?? 'grpc.health.v1.Health' } }],
      backendRefs
    };
  return { backendRefs };
}

export function route(r: RouteInit): NewObject {
  const version = r.kind === 'TLSRoute' ? 'v1alpha2' : 'v1';
  const parentRef = { group: GATEWAY_GROUP, kind: 'Gateway', ...r.parent };
  const at = r.created + 3000;
  return {
    apiVersion: `${GATEWAY_GROUP}/${version}`,
    kind: r.kind,
    metadata: meta({ ...r, generation: 1 }),
    spec: {
      parentRefs: [parentRef],
      ...(r.hostnames.length ? { hostnames: r.hostnames } : {}),
      rules: r.rules.map((rule) => routeRule(r.kind, rule))
    },
    status: {
      parents: [
        {
          conditions: [
            condition('Accepted', r.accepted, r.accepted ? 'Accepted' : 'NotAllowedByListeners', at),
            condition('ResolvedRefs', true, 'ResolvedRefs', at)
          ],
          controllerName: r.controller,
          parentRef
        }
      ]
    }
  };
}

export interface ReferenceGrantInit extends MetaInit {
  from: { kind: string; namespace: string }[];
  to: { kind: string; name?: string }[];
}

export function referenceGrant(g: ReferenceGrantInit): NewObject {
  return {
    apiVersion: `${GATEWAY_GROUP}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: meta(g),
    spec: {
      from: g.from.map((f) => ({ group: GATEWAY_GROUP, kind: f.kind, namespace: f.namespace })),
      to: g.to.map((t) => ({ group: '', kind: t.kind, ...(t.name ? { name: t.name } : {}) }))
    }
  };
}
