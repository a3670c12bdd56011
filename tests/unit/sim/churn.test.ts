import { describe, expect, it } from 'vitest';
import { Churn, type ChurnOptions } from '$lib/sim/churn';
import { SimCluster } from '$lib/sim/cluster';
import { Controllers, sameTemplateIgnoringHash } from '$lib/sim/controllers';
import * as k from '$lib/sim/objects';
import { populate } from '$lib/sim/populate';

const NOW = Date.parse('2026-11-26T10:00:00Z');

function setup(pods: number, churn: Omit<ChurnOptions, 'seed'> & { seed?: number }, withControllers = false) {
  const clock = { t: NOW, now: () => clock.t };
  const cluster = new SimCluster({ name: 'churn', clock, seed: 9 });
  populate(cluster, { seed: 9, pods });
  const controllers = withControllers ? new Controllers(cluster) : undefined;
  const c = new Churn(cluster, { seed: 1, ...churn });
  const changes: string[] = [];
  cluster.onChange((e) =>
    changes.push(
      `${e.type} ${e.resource.kind} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`
    )
  );
  /** `seconds` of simulated time in steps of `stepMs`, churn then controllers, as SimWorld runs them. */
  const run = (seconds: number, stepMs = 100) => {
    for (let i = 0; i < (seconds * 1000) / stepMs; i++) {
      clock.t += stepMs;
      c.step(stepMs);
      controllers?.tick(stepMs);
    }
  };
  return { cluster, churn: c, changes, run, clock, controllers };
}

describe('Churn', () => {
  it('makes about `rate` changes per simulated second', () => {
    for (const rate of [5, 50, 400]) {
      const { churn, changes, run } = setup(300, { rate });
      run(20);
      expect(churn.writes).toBe(changes.length);
      expect(changes.length).toBeGreaterThanOrEqual(rate * 20 * 0.95);
      expect(changes.length).toBeLessThanOrEqual(rate * 20 * 1.05 + 10);
    }
  });

  it('does nothing at rate 0, and follows a rate changed while running', () => {
    const { churn, changes, run } = setup(100, { rate: 0 });
    run(10);
    expect(changes).toHaveLength(0);
    churn.rate = 20;
    run(10);
    expect(changes.length).toBeGreaterThanOrEqual(190);
    expect(changes.length).toBeLessThanOrEqual(215);
  });

  it('is deterministic: the same seed and steps give the same sequence of changes', () => {
    const a = setup(300, { rate: 80 }, true);
    const b = setup(300, { rate: 80 }, true);
    a.run(15);
    b.run(15);
    expect(a.changes.length).toBeGreaterThan(1000);
    expect(b.changes).toEqual(a.changes);
    const c = setup(300, { rate: 80, seed: 2 }, true);
    c.run(15);
    expect(c.changes).not.toEqual(a.changes);
  });

  it('keeps the number of Events bounded by deleting the oldest', () => {
    const { cluster, changes, run } = setup(200, {
      rate: 200,
      maxEvents: 300,
      weights: { event: 10, readiness: 0, crash: 0, scale: 0, rollout: 0, job: 0, node: 0 }
    });
    const events = cluster.type('v1', 'Event');
    for (let s = 0; s < 10; s++) {
      run(2);
      expect(cluster.objects(events).length).toBeLessThanOrEqual(300);
    }
    expect(changes.filter((c) => c.startsWith('ADDED Event')).length).toBeGreaterThan(500);
    expect(changes.filter((c) => c.startsWith('DELETED Event')).length).toBeGreaterThan(400);
    const reasons = new Set(cluster.objects(events).map((e) => `${e.type}/${e.reason}`));
    expect(reasons.has('Warning/Unhealthy') || reasons.has('Warning/BackOff')).toBe(true);
    expect(reasons.has('Normal/Pulled') || reasons.has('Normal/Scheduled')).toBe(true);
  });

  it('crash-loops containers: restart counts grow, CrashLoopBackOff and Running alternate', () => {
    const { cluster, run } = setup(200, {
      rate: 50,
      weights: { crash: 10, readiness: 0, event: 0, scale: 0, rollout: 0, job: 0, node: 0 }
    });
    const pods = cluster.type('v1', 'Pod');
    const restarts = () =>
      cluster.objects(pods).reduce((n, p) => n + (p.status.containerStatuses?.[0]?.restartCount ?? 0), 0);
    const before = restarts();
    run(20);
    expect(restarts()).toBeGreaterThan(before + 50);
    const looping = cluster
      .objects(pods)
      .filter((p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
    expect(looping.length).toBeGreaterThan(0);
    for (const p of looping) {
      expect(p.status.containerStatuses[0].lastState.terminated.finishedAt).toMatch(/Z$/);
      expect(k.podIsReady(p)).toBe(false);
    }
  });

  it('takes a node NotReady with its pods, then brings both back', () => {
    const { cluster, run, churn } = setup(300, {
      rate: 5,
      nodeDownMs: [10_000, 10_000],
      weights: { node: 10, readiness: 0, crash: 0, event: 1, scale: 0, rollout: 0, job: 0 }
    });
    const nodes = cluster.type('v1', 'Node');
    const pods = cluster.type('v1', 'Pod');
    run(1);
    const down = cluster.objects(nodes).filter((n) => !k.nodeIsReady(n));
    expect(down).toHaveLength(1);
    const name = down[0].metadata.name;
    expect(down[0].spec.taints.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`)).toContain(
      'node.kubernetes.io/unreachable:NoExecute'
    );
    const onNode = cluster
      .objects(pods)
      .filter((p) => p.spec.nodeName === name && p.status.phase === 'Running');
    expect(onNode.length).toBeGreaterThan(0);
    expect(onNode.every((p) => !k.podIsReady(p))).toBe(true);
    churn.rate = 0; // no further outages while we wait for the recovery
    run(10);
    expect(k.nodeIsReady(cluster.get(nodes, undefined, name))).toBe(true);
    const after = cluster
      .objects(pods)
      .filter((p) => p.spec.nodeName === name && p.status.phase === 'Running');
    const restored = after.filter(
      (p) => onNode.some((o) => o.metadata.uid === p.metadata.uid) && k.podIsReady(p)
    );
    expect(restored.length).toBeGreaterThan(0);
  });

  it('with controllers, rollouts, scaling and Jobs keep the workloads converging', () => {
    const { cluster, run, churn } = setup(
      300,
      { rate: 30, weights: { rollout: 20, scale: 20, job: 20, readiness: 5, crash: 0, event: 5, node: 0 } },
      true
    );
    run(60);
    expect(churn.counts.rollout).toBeGreaterThan(2);
    expect(churn.counts.scale).toBeGreaterThan(5);
    expect(churn.counts.job).toBeGreaterThan(5);
    churn.rate = 0;
    run(40);
    const deployments = cluster.objects(cluster.type('apps/v1', 'Deployment'));
    const rs = cluster.type('apps/v1', 'ReplicaSet');
    for (const d of deployments) {
      const current = cluster
        .objects(rs, d.metadata.namespace)
        .filter((r) => r.metadata.ownerReferences?.[0]?.uid === d.metadata.uid)
        .find((r) => sameTemplateIgnoringHash(r.spec.template, d.spec.template));
      expect(current?.spec.replicas, d.metadata.name).toBe(d.spec.replicas);
      expect(d.status.updatedReplicas ?? 0).toBe(current?.status.replicas ?? 0);
    }
    const jobs = cluster.objects(cluster.type('batch/v1', 'Job'));
    expect(jobs.filter((j) => !k.jobIsFinished(j))).toHaveLength(0);
  });
});
