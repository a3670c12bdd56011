/**
 * The endpointslice controller: a Service's selected pods that have an IP, by name, in slices of at
 * most 100 endpoints (with their zones and the Service's ports), updated only when they change.
 */
import { jsonEqualIgnoringKeyOrder } from '../json';
import * as k from '../objects';
import { matchesSelectorMap } from '../selectors';
import type { KubeObject } from '../../kube/types';
import type { ControllerContext } from './context';

export function reconcileService(ctx: ControllerContext, ns: string | undefined, name: string) {
  const svc = ctx.cluster.find(ctx.rt.service, ns, name);
  if (!svc) return;
  const selector = svc.spec?.selector as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0 || svc.spec.type === 'ExternalName') return;
  const pods: KubeObject[] = [];
  let sample: KubeObject | undefined; // resolves named target ports, even before any pod has an IP
  for (const p of ctx.podsByNamespace.get(ns ?? '')?.values() ?? []) {
    if (!k.podIsActive(p) || !matchesSelectorMap(selector, p.metadata.labels)) continue;
    sample ??= p;
    if (p.status?.podIP) pods.push(p);
  }
  pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  const ports = k.endpointPorts(svc, pods[0] ?? sample);
  const existing = [...(ctx.slicesByService.get(`${ns}/${name}`)?.values() ?? [])]
    .filter(
      (s) =>
        s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io'
    )
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  const chunks = Math.max(1, Math.ceil(pods.length / 100));
  const now = ctx.now();
  for (let c = 0; c < chunks; c++) {
    const endpoints = k.endpointsOf(
      pods.slice(c * 100, c * 100 + 100).map((pod) => ({ pod, zone: zoneOf(ctx, pod.spec.nodeName) }))
    );
    const slice = existing[c];
    if (!slice) {
      ctx.create(
        ctx.rt.slice,
        k.endpointSlice({ name: sliceName(ctx, ns!, name), service: svc, endpoints, ports, created: now })
      );
    } else if (
      !jsonEqualIgnoringKeyOrder(slice.endpoints, endpoints) ||
      !jsonEqualIgnoringKeyOrder(slice.ports, ports)
    ) {
      ctx.mutate(ctx.rt.slice, slice, (s) => {
        s.endpoints = endpoints;
        s.ports = ports;
        s.metadata.annotations = {
          ...s.metadata.annotations,
          'endpoints.kubernetes.io/last-change-trigger-time': k.isoTime(now)
        };
      });
    }
  }
  for (const slice of existing.slice(chunks)) ctx.remove(ctx.rt.slice, slice);
}

function sliceName(ctx: ControllerContext, ns: string, svc: string): string {
  for (;;) {
    const name = `${svc}-${ctx.rand.suffix(5)}`;
    if (!ctx.cluster.find(ctx.rt.slice, ns, name)) return name;
  }
}

function zoneOf(ctx: ControllerContext, nodeName: string | undefined): string | undefined {
  return nodeName ? ctx.nodes.get(nodeName)?.metadata.labels?.['topology.kubernetes.io/zone'] : undefined;
}
