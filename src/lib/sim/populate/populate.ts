/** The populate entry point: sizes the world from the options and builds its parts in dependency order. */
import type { SimCluster } from '../cluster';
import { WorldBuilder } from './builder';
import { ADDON_NAMESPACES, SYSTEM_NAMESPACES } from './catalog';
import { clusterScoped } from './cluster-scoped';
import { deployments } from './deployments';
import { events } from './events';
import { gatewayApi } from './gateway';
import { helmReleases } from './helm';
import { cronJobs } from './jobs';
import { appNamespaceNames, namespaceBasics } from './namespaces';
import { quotas } from './policy';
import { rbac } from './rbac';
import { showcase } from './showcase';
import { statefulSets } from './statefulsets';
import { systemComponents } from './system';

export interface PopulateOptions {
  seed: number;
  /** Pods the world should hold (every pod: apps, system add-ons, DaemonSets, finished Jobs). */
  pods: number;
  /** Nodes; default one per 30 pods, at least 3, at most 500. */
  nodes?: number;
  /** Namespaces in all, system ones included; default grows with `pods`. */
  namespaces?: number;
  /** Who uses the cluster: `admin` is cluster-admin; `viewer` reads everything but Secrets outside `web`. */
  user?: { name: string; role: 'admin' | 'viewer' };
}

export interface PopulateResult {
  pods: number;
  nodes: number;
  namespaces: number;
  objects: number;
  ms: number;
}

/** Populates `cluster` with a world of about `opts.pods` pods (exactly that many, in practice). */
export function populate(cluster: SimCluster, opts: PopulateOptions): PopulateResult {
  const started = performance.now();
  const w = new WorldBuilder(cluster, opts);
  const { rand } = w;
  const total = Math.max(0, Math.floor(opts.pods));
  const nodeCount = opts.nodes ?? Math.min(500, Math.max(3, Math.ceil(total / 30)));
  const controlPlanes = nodeCount >= 5 ? 3 : 1;
  const workers = Math.max(1, nodeCount - controlPlanes);
  // kubelet's default of 110 pods per node, raised (as dense clusters do) when the pods need it.
  const perWorker = total / workers;
  const maxPods = perWorker <= 95 ? 110 : Math.max(250, Math.ceil(perWorker * 1.15));

  clusterScoped(w);
  const appNsCount = Math.max(
    3,
    opts.namespaces !== undefined
      ? opts.namespaces - SYSTEM_NAMESPACES.length - ADDON_NAMESPACES.length
      : Math.min(200, Math.max(3, Math.round(total / 250)))
  );
  const appNamespaces = appNamespaceNames(appNsCount, rand);
  for (const ns of [...SYSTEM_NAMESPACES, ...ADDON_NAMESPACES, ...appNamespaces])
    namespaceBasics(w, ns, appNamespaces.includes(ns));
  w.buildNodes(nodeCount, controlPlanes, maxPods);

  // System add-ons, most essential first, while they fit in their share of the pods.
  const systemShare = total < 100 ? Math.floor(total * 0.4) : Math.floor(total * 0.5);
  let systemLeft = systemShare;
  const components = systemComponents(w, controlPlanes);
  for (const c of components) {
    if (c.cost > systemLeft) continue;
    systemLeft -= c.cost;
    c.build();
  }

  const appPods = total - w.podsCreated;
  // StatefulSets and CronJobs take a small share; Deployments the rest.
  const stsBudget = appPods >= 60 ? Math.floor(appPods * 0.05) : 0;
  const jobBudget = appPods >= 40 ? Math.floor(appPods * 0.03) : 0;
  const stsUsed = statefulSets(w, stsBudget, appNamespaces);
  const jobsUsed = cronJobs(w, jobBudget, appNamespaces);
  deployments(w, appPods - stsUsed - jobsUsed, appNamespaces);

  quotas(w, appNamespaces);
  helmReleases(w);
  // Before rbac: the viewer's role covers the resource types that exist when it is made.
  gatewayApi(w, appNamespaces);
  showcase(w);
  rbac(w, opts.user);
  events(w, Math.min(400, Math.max(20, Math.round(total * 2))));

  return {
    pods: w.podsCreated,
    nodes: w.nodes.length,
    namespaces: SYSTEM_NAMESPACES.length + ADDON_NAMESPACES.length + appNamespaces.length,
    objects: w.objectCount,
    ms: Math.round(performance.now() - started)
  };
}
