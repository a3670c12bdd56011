/**
 * Change tracking for the controllers: every cluster change updates the context's indexes (pods by
 * owner, namespace and node, children by owner, services, budgets, slices, nodes, cron schedules) and
 * marks dirty what it affects, so a tick reconciles only what changed.
 */
import type { ChangeEvent } from '../cluster';
import { jsonEqualIgnoringKeyOrder } from '../json';
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { ControllerContext } from './context';
import { noteFinished } from './jobs';
import { controllerOf, key } from './keys';
import { nextStepFor } from './kubelet';

/** Indexes what the cluster holds when the controllers start (nothing is marked dirty). */
export function indexExisting(ctx: ControllerContext) {
  const { cluster, rt } = ctx;
  for (const n of cluster.objects(rt.node)) ctx.nodes.set(n.metadata.name, n);
  for (const p of cluster.objects(rt.pod)) indexPod(ctx, undefined, p, false);
  for (const rs of cluster.objects(rt.replicaset)) indexChild(ctx, undefined, rs);
  for (const j of cluster.objects(rt.job)) {
    indexChild(ctx, undefined, j);
    if (k.jobIsFinished(j) && j.spec.ttlSecondsAfterFinished !== undefined) noteFinished(ctx, j);
  }
  for (const s of cluster.objects(rt.service)) indexIn(ctx.servicesByNamespace, undefined, s);
  for (const p of cluster.objects(rt.pdb)) indexIn(ctx.pdbsByNamespace, undefined, p);
  for (const s of cluster.objects(rt.slice)) indexSlice(ctx, undefined, s);
  for (const c of cluster.objects(rt.cronjob)) ctx.cronJobs.set(key(c), { schedule: c.spec.schedule });
}

/** Updates the indexes for one change and marks dirty the objects it affects. */
export function observe(ctx: ControllerContext, e: ChangeEvent) {
  const o = e.object;
  const { dirty } = ctx;
  switch (e.resource.kind) {
    case 'Pod':
      if (e.resource.group !== '') return;
      indexPod(ctx, e.prev, e.type === 'DELETED' ? undefined : o, true);
      return;
    case 'ReplicaSet': {
      indexChild(ctx, e.prev, e.type === 'DELETED' ? undefined : o);
      if (e.type !== 'DELETED') dirty.replicasets.add(key(o));
      const owner = controllerOf(o);
      if (owner?.kind === 'Deployment') dirty.deployments.add(`${o.metadata.namespace}/${owner.name}`);
      return;
    }
    case 'Deployment':
      if (e.type !== 'DELETED') dirty.deployments.add(key(o));
      return;
    case 'StatefulSet':
      if (e.type !== 'DELETED') dirty.statefulsets.add(key(o));
      return;
    case 'DaemonSet':
      if (e.type !== 'DELETED') dirty.daemonsets.add(key(o));
      return;
    case 'Job': {
      indexChild(ctx, e.prev, e.type === 'DELETED' ? undefined : o);
      if (e.type === 'DELETED') ctx.finishedJobs.delete(key(o));
      else dirty.jobs.add(key(o));
      const owner = controllerOf(o);
      if (owner?.kind === 'CronJob') dirty.cronjobs.add(`${o.metadata.namespace}/${owner.name}`);
      return;
    }
    case 'CronJob':
      if (e.type === 'DELETED') ctx.cronJobs.delete(key(o));
      else {
        const known = ctx.cronJobs.get(key(o));
        if (!known || known.schedule !== o.spec.schedule)
          ctx.cronJobs.set(key(o), { schedule: o.spec.schedule });
        dirty.cronjobs.add(key(o));
      }
      return;
    case 'Service':
      indexIn(ctx.servicesByNamespace, e.prev, e.type === 'DELETED' ? undefined : o);
      if (e.type !== 'DELETED') dirty.services.add(key(o));
      return;
    case 'EndpointSlice':
      indexSlice(ctx, e.prev, e.type === 'DELETED' ? undefined : o);
      return;
    case 'PodDisruptionBudget':
      indexIn(ctx.pdbsByNamespace, e.prev, e.type === 'DELETED' ? undefined : o);
      if (e.type !== 'DELETED') dirty.pdbs.add(key(o));
      return;
    case 'Node': {
      const name = o.metadata.name;
      if (e.type === 'DELETED') ctx.nodes.delete(name);
      else ctx.nodes.set(name, o);
      const relevant =
        e.type !== 'MODIFIED' ||
        k.nodeIsReady(o) !== (e.prev ? k.nodeIsReady(e.prev) : false) ||
        !jsonEqualIgnoringKeyOrder(o.spec?.taints, e.prev?.spec?.taints) ||
        !jsonEqualIgnoringKeyOrder(o.metadata.labels, e.prev?.metadata.labels);
      if (relevant) for (const ds of ctx.cluster.objects(ctx.rt.daemonset)) dirty.daemonsets.add(key(ds));
      return;
    }
  }
}

/** Removes an entry from an index of maps, and the map once it is empty (owners come and go for hours). */
function removeFrom(index: Map<string, Map<string, KubeObject>>, outer: string, inner: string) {
  const m = index.get(outer);
  if (!m) return;
  m.delete(inner);
  if (m.size === 0) index.delete(outer);
}

function indexIn(
  map: Map<string, Map<string, KubeObject>>,
  prev: KubeObject | undefined,
  next: KubeObject | undefined
) {
  const o = next ?? prev;
  if (!o) return;
  const ns = o.metadata.namespace ?? '';
  let m = map.get(ns);
  if (!m) map.set(ns, (m = new Map()));
  if (next) m.set(o.metadata.name, next);
  else m.delete(o.metadata.name);
}

function indexChild(ctx: ControllerContext, prev: KubeObject | undefined, next: KubeObject | undefined) {
  const prevOwner = prev && controllerOf(prev);
  if (prevOwner) removeFrom(ctx.childrenByOwner, prevOwner.uid, key(prev!));
  const owner = next && controllerOf(next);
  if (!owner) return;
  let m = ctx.childrenByOwner.get(owner.uid);
  if (!m) ctx.childrenByOwner.set(owner.uid, (m = new Map()));
  m.set(key(next!), next!);
}

function indexSlice(ctx: ControllerContext, prev: KubeObject | undefined, next: KubeObject | undefined) {
  const o = next ?? prev!;
  const svc = o.metadata.labels?.['kubernetes.io/service-name'];
  if (!svc) return;
  const sk = `${o.metadata.namespace}/${svc}`;
  let m = ctx.slicesByService.get(sk);
  if (!m) ctx.slicesByService.set(sk, (m = new Map()));
  if (next) m.set(o.metadata.name, next);
  else m.delete(o.metadata.name);
}

/**
 * Indexes a pod by owner, namespace, node and IP, queues its next lifecycle step, and (for a live
 * change) marks its owner dirty and notes it for the services and budgets that may select it.
 */
function indexPod(
  ctx: ControllerContext,
  prev: KubeObject | undefined,
  next: KubeObject | undefined,
  live: boolean
) {
  const o = (next ?? prev)!;
  const pk = key(o);
  const ns = o.metadata.namespace ?? '';
  const prevOwner = prev && controllerOf(prev);
  const owner = next && controllerOf(next);
  if (prevOwner && (!owner || owner.uid !== prevOwner.uid)) removeFrom(ctx.podsByOwner, prevOwner.uid, pk);
  if (owner) {
    let m = ctx.podsByOwner.get(owner.uid);
    if (!m) ctx.podsByOwner.set(owner.uid, (m = new Map()));
    m.set(pk, next!);
  }
  let byNs = ctx.podsByNamespace.get(ns);
  if (!byNs) ctx.podsByNamespace.set(ns, (byNs = new Map()));
  if (next) byNs.set(o.metadata.name, next);
  else byNs.delete(o.metadata.name);

  const prevNode = prev?.spec?.nodeName as string | undefined;
  const nextNode = next?.spec?.nodeName as string | undefined;
  if (prevNode !== nextNode || !prev || !next) {
    if (prev && prevNode) ctx.podsPerNode.set(prevNode, (ctx.podsPerNode.get(prevNode) ?? 1) - 1);
    if (next && nextNode) ctx.podsPerNode.set(nextNode, (ctx.podsPerNode.get(nextNode) ?? 0) + 1);
  }
  const prevIp = prev?.status?.podIP as string | undefined;
  const nextIp = next?.status?.podIP as string | undefined;
  if (prevIp && prevNode && (prevIp !== nextIp || !next)) ctx.ipsPerNode.get(prevNode)?.delete(prevIp);
  if (nextIp && nextNode && !next?.spec?.hostNetwork) {
    let ips = ctx.ipsPerNode.get(nextNode);
    if (!ips) ctx.ipsPerNode.set(nextNode, (ips = new Set()));
    ips.add(nextIp);
  }

  if (!next) ctx.lifecycle.delete(pk);
  else if (!ctx.lifecycle.has(pk)) {
    const step = nextStepFor(next);
    if (step) ctx.lifecycle.set(pk, { step, due: ctx.elapsed });
  }
  if (!live) return;
  const ref = owner ?? prevOwner;
  if (ref) {
    const ownerKey = `${ns}/${ref.name}`;
    if (ref.kind === 'ReplicaSet') ctx.dirty.replicasets.add(ownerKey);
    else if (ref.kind === 'StatefulSet') ctx.dirty.statefulsets.add(ownerKey);
    else if (ref.kind === 'DaemonSet') ctx.dirty.daemonsets.add(ownerKey);
    else if (ref.kind === 'Job') ctx.dirty.jobs.add(ownerKey);
  }
  let changed = ctx.changedPods.get(ns);
  if (!changed) ctx.changedPods.set(ns, (changed = []));
  if (prev) changed.push(prev);
  if (next) changed.push(next);
}
