/** Recent Events about the objects that would have them: crash loops, probes, scheduling, rollouts. */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { WorldBuilder } from './builder';
import { MINUTE } from './catalog';

export function events(w: WorldBuilder, count: number) {
  const { rand } = w;
  const sources = w.sources;
  const nodes = w.nodes;
  if (sources.length === 0 && nodes.length === 0) return;
  const ev = (
    obj: KubeObject,
    reason: string,
    message: string,
    type: 'Normal' | 'Warning',
    component: string,
    host?: string,
    count = 1,
    fieldPath?: string
  ) => {
    const last = w.now - rand.int(0, 55 * MINUTE);
    const first = count > 1 ? last - rand.int(count, count * 60) * 1000 : last;
    w.create(
      k.event({
        // Named as of NAMING_EPOCH: the same seed names its Events alike on every load.
        name: k.eventName(obj.metadata.name, w.nameTime(first), rand),
        involved: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name,
          namespace: obj.metadata.namespace,
          uid: obj.metadata.uid,
          resourceVersion: obj.metadata.resourceVersion
        },
        fieldPath,
        reason,
        message,
        type,
        component,
        host,
        count,
        first,
        last
      }),
      first
    );
  };
  for (let i = 0; i < count; i++) {
    const useNode = nodes.length > 0 && (sources.length === 0 || rand.chance(0.04));
    if (useNode) {
      const n = rand.pick(nodes);
      const [reason, message] = rand.pick([
        ['NodeHasSufficientMemory', `Node ${n.name} status is now: NodeHasSufficientMemory`],
        ['RegisteredNode', `Node ${n.name} event: Registered Node ${n.name} in Controller`],
        ['NodeReady', `Node ${n.name} status is now: NodeReady`]
      ] as const);
      ev(
        n.obj,
        reason,
        message,
        'Normal',
        reason === 'RegisteredNode' ? 'node-controller' : 'kubelet',
        n.name
      );
      continue;
    }
    const s = rand.pick(sources);
    const o = s.obj;
    const node = o.spec?.nodeName as string | undefined;
    const c = o.spec?.containers?.[0];
    const fp = c ? `spec.containers{${c.name}}` : undefined;
    switch (s.kind) {
      case 'crash':
        if (rand.chance(0.6))
          ev(
            o,
            'BackOff',
            `Back-off restarting failed container ${c.name} in pod ${o.metadata.name}_${o.metadata.namespace}(${o.metadata.uid})`,
            'Warning',
            'kubelet',
            node,
            rand.int(5, 400),
            fp
          );
        else
          ev(
            o,
            'Pulled',
            `Container image "${c.image}" already present on machine`,
            'Normal',
            'kubelet',
            node,
            rand.int(2, 60),
            fp
          );
        break;
      case 'unready':
        ev(
          o,
          'Unhealthy',
          `Readiness probe failed: HTTP probe failed with statuscode: ${rand.pick([500, 503, 503])}`,
          'Warning',
          'kubelet',
          node,
          rand.int(3, 900),
          fp
        );
        break;
      case 'pending':
        ev(
          o,
          'FailedScheduling',
          o.status.conditions[0].message,
          'Warning',
          'default-scheduler',
          undefined,
          rand.int(1, 30)
        );
        break;
      case 'job':
        ev(o, 'Completed', 'Job completed', 'Normal', 'job-controller');
        break;
      case 'hpa':
        ev(
          o,
          'SuccessfulRescale',
          `New size: ${o.status.currentReplicas}; reason: cpu resource utilization (percentage of request) above target`,
          'Normal',
          'horizontal-pod-autoscaler'
        );
        break;
      case 'deploy':
        ev(
          o,
          'ScalingReplicaSet',
          `Scaled up replica set ${w.replicaSetOf(o) ?? o.metadata.name} from 0 to ${o.spec.replicas}`,
          'Normal',
          'deployment-controller'
        );
        break;
      default: {
        const pick = rand.int(0, 3);
        if (pick === 0)
          ev(
            o,
            'Scheduled',
            `Successfully assigned ${o.metadata.namespace}/${o.metadata.name} to ${node}`,
            'Normal',
            'default-scheduler'
          );
        else if (pick === 1)
          ev(
            o,
            'Pulled',
            `Successfully pulled image "${c.image}" in ${rand.int(300, 9000)}ms (${rand.int(300, 9000)}ms including waiting). Image size: ${rand.int(10_000_000, 300_000_000)} bytes.`,
            'Normal',
            'kubelet',
            node,
            1,
            fp
          );
        else if (pick === 2)
          ev(o, 'Created', `Created container ${c.name}`, 'Normal', 'kubelet', node, 1, fp);
        else ev(o, 'Started', `Started container ${c.name}`, 'Normal', 'kubelet', node, 1, fp);
      }
    }
  }
}
