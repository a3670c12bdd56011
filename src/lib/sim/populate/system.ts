/**
 * System add-ons, most essential first: kube-proxy, CoreDNS, the control plane, metrics-server
 * (kube-system.ts), then node-exporter, Fluent Bit, ingress-nginx, cert-manager and the monitoring
 * stack (system-addons.ts). The order is the order populate builds them in while they fit.
 */
import type { WorldBuilder } from './builder';
import { kubeSystemComponents } from './kube-system';
import { addOnComponents } from './system-addons';
import type { SystemComponent } from './system-workloads';

export function systemComponents(w: WorldBuilder, controlPlanes: number): SystemComponent[] {
  return [...kubeSystemComponents(w, controlPlanes), ...addOnComponents(w)];
}
