/**
 * The statefulset controller: pods with stable ordinals (created in order unless the policy is
 * Parallel), a PersistentVolumeClaim and bound volume per claim template, scale-down from the
 * highest ordinal, and rolling updates one pod at a time.
 */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { ControllerContext } from './context';

export function reconcileStatefulSet(ctx: ControllerContext, ns: string | undefined, name: string) {
  const sts = ctx.cluster.find(ctx.rt.statefulset, ns, name);
  if (!sts || sts.metadata.deletionTimestamp) return;
  const want = sts.spec.replicas ?? 1;
  const revision = k.revisionName(sts, sts.spec.template);
  const parallel = sts.spec.podManagementPolicy === 'Parallel';
  const byOrdinal = new Map<number, KubeObject>();
  for (const p of ctx.podsOf(sts)) {
    const m = /-(\d+)$/.exec(p.metadata.name);
    if (m && !p.metadata.deletionTimestamp) byOrdinal.set(Number(m[1]), p);
  }
  let blocked = false;
  for (let i = 0; i < want && !blocked; i++) {
    const pod = byOrdinal.get(i);
    if (!pod) {
      createStatefulPod(ctx, sts, i, revision);
      blocked = !parallel;
    } else if (!k.podIsReady(pod)) blocked = !parallel;
  }
  if (!blocked) {
    // Scale down from the highest ordinal, one at a time.
    const extra = [...byOrdinal.keys()].filter((i) => i >= want).sort((a, b) => b - a);
    if (extra.length) ctx.remove(ctx.rt.pod, byOrdinal.get(extra[0])!);
    else {
      // Rolling update: replace the highest ordinal still on the old revision.
      const stale = [...byOrdinal.entries()]
        .filter(([, p]) => p.metadata.labels?.['controller-revision-hash'] !== revision)
        .sort((a, b) => b[0] - a[0]);
      const allReady = [...byOrdinal.values()].every(k.podIsReady);
      if (stale.length && allReady && sts.spec.updateStrategy?.type !== 'OnDelete')
        ctx.remove(ctx.rt.pod, stale[0][1]);
    }
  }
  const fresh = ctx.cluster.find(ctx.rt.statefulset, ns, name);
  if (fresh) ctx.setStatus(ctx.rt.statefulset, fresh, k.statefulSetStatus(fresh, ctx.podsOf(fresh)));
}

function createStatefulPod(ctx: ControllerContext, sts: KubeObject, ordinal: number, revision: string) {
  const ns = sts.metadata.namespace!;
  const podName = `${sts.metadata.name}-${ordinal}`;
  const volumes: Record<string, unknown>[] = [];
  for (const tpl of sts.spec.volumeClaimTemplates ?? []) {
    const claimName = `${tpl.metadata.name}-${podName}`;
    volumes.push({ name: tpl.metadata.name, persistentVolumeClaim: { claimName } });
    if (ctx.cluster.find(ctx.rt.pvc, ns, claimName)) continue;
    const storage = tpl.spec?.resources?.requests?.storage ?? '1Gi';
    const storageClassName = tpl.spec?.storageClassName ?? 'standard';
    const pvc = ctx.create(
      ctx.rt.pvc,
      k.persistentVolumeClaim({
        name: claimName,
        namespace: ns,
        created: ctx.now(),
        labels: sts.spec.selector?.matchLabels,
        storage,
        storageClassName,
        provisioner: 'rbd.csi.ceph.com'
      })
    );
    const pv = ctx.create(ctx.rt.pv, k.persistentVolume(pvc, 'rbd.csi.ceph.com', ctx.now(), ctx.rand));
    ctx.mutate(ctx.rt.pvc, pvc, (c) => {
      c.spec.volumeName = pv.metadata.name;
      c.metadata.annotations = {
        ...c.metadata.annotations,
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes'
      };
      c.status = { accessModes: ['ReadWriteOnce'], capacity: { storage }, phase: 'Bound' };
    });
  }
  const extraLabels = {
    'apps.kubernetes.io/pod-index': String(ordinal),
    'controller-revision-hash': revision,
    'statefulset.kubernetes.io/pod-name': podName
  };
  ctx.createPod(sts, sts.spec.template, podName, {
    extraLabels,
    hostname: podName,
    subdomain: sts.spec.serviceName,
    extraVolumes: volumes
  });
  ctx.event({
    involved: sts,
    reason: 'SuccessfulCreate',
    message: `create Pod ${podName} in StatefulSet ${sts.metadata.name} successful`,
    type: 'Normal',
    component: 'statefulset-controller'
  });
}
