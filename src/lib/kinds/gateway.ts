/**
 * Gateway API kinds (gateway.networking.k8s.io), shown when the cluster serves their CRDs. The
 * catalog knows them so their columns say more than the CRDs' printer columns do.
 */
import type { Cell } from '../watch/row';
import { col, conditionStatus, joinList, kind } from './cells';
import type { KindDef } from './types';
import type { Obj } from '../kube/types';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** A parent reference as `Gateway/name`, `Gateway/ns/name` across namespaces, `:section` when set. */
function parentText(p: Obj, ownNamespace: string | undefined): string {
  const ns = p.namespace && p.namespace !== ownNamespace ? `${p.namespace}/` : '';
  const section = p.sectionName ? `:${p.sectionName}` : '';
  return `${p.kind ?? 'Gateway'}/${ns}${p.name}${section}`;
}

/** Accepted by every parent that reported: True; by none: False; no report yet: null. */
function routeAccepted(r: Obj): string | null {
  const parents: Obj[] = r.status?.parents ?? [];
  if (parents.length === 0) return null;
  let result = 'True';
  for (const p of parents) {
    const s = conditionStatus(p.conditions, 'Accepted');
    if (s !== 'True') result = s ?? 'Unknown';
  }
  return result;
}

function routeCells(r: Obj): Record<string, Cell> {
  const spec = r.spec ?? {};
  const backends: string[] = [];
  for (const rule of (spec.rules ?? []) as Obj[])
    for (const b of (rule.backendRefs ?? []) as Obj[]) backends.push(b.port ? `${b.name}:${b.port}` : b.name);
  return {
    parents: joinList(((spec.parentRefs ?? []) as Obj[]).map((p) => parentText(p, r.metadata.namespace))),
    hostnames: joinList((spec.hostnames ?? []) as string[]) || '*',
    rules: (spec.rules ?? []).length,
    backends: joinList(new Set(backends)),
    accepted: routeAccepted(r)
  };
}

const ROUTE_COLUMNS = [
  col('parents', 'Parents', 'list'),
  col('hostnames', 'Hostnames', 'list'),
  col('rules', 'Rules', 'number'),
  col('backends', 'Backends', 'list', { hidden: true }),
  col('accepted', 'Accepted', 'status')
];

/** The route kinds differ only in what they route: they share their columns and cells. */
const route = (version: string, plural: string, kindName: string): KindDef =>
  kind('Network', GATEWAY_GROUP, version, plural, kindName, `${kindName}s`, true, ROUTE_COLUMNS, routeCells);

export const GATEWAY_KINDS: KindDef[] = [
  kind(
    'Network',
    GATEWAY_GROUP,
    'v1',
    'gatewayclasses',
    'GatewayClass',
    'GatewayClasses',
    false,
    [
      col('controller', 'Controller', 'text'),
      col('accepted', 'Accepted', 'status'),
      col('description', 'Description', 'text', { hidden: true })
    ],
    (c) => ({
      controller: c.spec?.controllerName ?? null,
      accepted: conditionStatus(c.status?.conditions, 'Accepted'),
      description: c.spec?.description ?? null
    })
  ),
  kind(
    'Network',
    GATEWAY_GROUP,
    'v1',
    'gateways',
    'Gateway',
    'Gateways',
    true,
    [
      col('class', 'Class', 'text'),
      col('addresses', 'Addresses', 'list'),
      col('listeners', 'Listeners', 'list'),
      col('programmed', 'Programmed', 'status')
    ],
    (g) => ({
      class: g.spec?.gatewayClassName ?? null,
      addresses: joinList(((g.status?.addresses ?? g.spec?.addresses ?? []) as Obj[]).map((a) => a.value)),
      listeners: joinList(
        ((g.spec?.listeners ?? []) as Obj[]).map(
          (l) => `${l.name} ${l.port}/${l.protocol}${l.hostname ? ` ${l.hostname}` : ''}`
        )
      ),
      programmed: conditionStatus(g.status?.conditions, 'Programmed')
    })
  ),
  route('v1', 'httproutes', 'HTTPRoute'),
  route('v1', 'grpcroutes', 'GRPCRoute'),
  route('v1alpha2', 'tlsroutes', 'TLSRoute'),
  kind(
    'Network',
    GATEWAY_GROUP,
    'v1beta1',
    'referencegrants',
    'ReferenceGrant',
    'ReferenceGrants',
    true,
    [col('from', 'From', 'list'), col('to', 'To', 'list')],
    (g) => ({
      from: joinList(((g.spec?.from ?? []) as Obj[]).map((f) => `${f.kind}/${f.namespace}`)),
      to: joinList(((g.spec?.to ?? []) as Obj[]).map((t) => (t.name ? `${t.kind}/${t.name}` : t.kind)))
    })
  )
];
