import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import { Controllers, labelJob, nextCronTime, parseCron, startControllers } from '$lib/sim/controllers';
import * as k from '$lib/sim/objects';
import { populate } from '$lib/sim/populate';
import { Random } from '$lib/sim/random';
import { matchesSelectorObject } from '$lib/sim/selectors';
import type { KubeObject } from '$lib/kube/types';

const NOW = Date.parse('2026-11-26T10:00:00Z');

function setup(pods = 0) {
  const clock = { t: NOW, now: () => clock.t };
  const cluster = new SimCluster({ name: 'ctl', clock, seed: 4 });
  if (pods > 0) populate(cluster, { seed: 4, pods });
  else {
    const nsType = cluster.type('v1', 'Namespace');
    for (const ns of ['default', 'web']) cluster.create(nsType, undefined, k.namespace(ns, NOW));
  }
  const controllers = new Controllers(cluster, { jobFailureRate: 0 });
  const t = {
    pod: cluster.type('v1', 'Pod'),
    node: cluster.type('v1', 'Node'),
    deploy: cluster.type('apps/v1', 'Deployment'),
    rs: cluster.type('apps/v1', 'ReplicaSet'),
    sts: cluster.type('apps/v1', 'StatefulSet'),
    ds: cluster.type('apps/v1', 'DaemonSet'),
    job: cluster.type('batch/v1', 'Job'),
    cronjob: cluster.type('batch/v1', 'CronJob'),
    svc: cluster.type('v1', 'Service'),
    slice: cluster.type('discovery.k8s.io/v1', 'EndpointSlice'),
    pdb: cluster.type('policy/v1', 'PodDisruptionBudget'),
    pvc: cluster.type('v1', 'PersistentVolumeClaim')
  };
  /** Advance the clock and the controllers together, `n` ticks of `ms`. */
  const tick = (n = 1, ms = 1000) => {
    for (let i = 0; i < n; i++) {
      clock.t += ms;
      controllers.tick(ms);
    }
  };
  const podsOf = (owner: KubeObject) =>
    cluster
      .objects(t.pod, owner.metadata.namespace)
      .filter((p) => matchesSelectorObject(owner.spec.selector, p.metadata.labels));
  return { cluster, clock, controllers, t, tick, podsOf };
}

function addNodes(cluster: SimCluster, from: number, to: number) {
  const t = cluster.type('v1', 'Node');
  for (let i = from; i < to; i++) {
    cluster.create(
      t,
      undefined,
      k.node({
        name: `node-${i}`,
        role: 'worker',
        pool: 'general',
        zone: `eu-west-1${'abc'[i % 3]}`,
        region: 'eu-west-1',
        instanceType: 'm6i.2xlarge',
        cpu: 8,
        memoryGi: 32,
        maxPods: 110,
        internalIP: `10.0.0.${10 + i}`,
        podCIDR: `10.64.${i}.0/24`,
        created: NOW,
        now: NOW,
        rand: new Random(i)
      })
    );
  }
}

const ready = (pods: KubeObject[]) => pods.filter((p) => k.podIsReady(p)).length;

describe('Deployments and ReplicaSets', () => {
  it('scale through the scale subresource converges to the new pod count', () => {
    const { cluster, t, tick, podsOf } = setup(300);
    const d = cluster
      .objects(t.deploy)
      .find(
        (x) => x.metadata.namespace === 'payments' && x.spec.replicas === 2 && x.status.readyReplicas === 2
      )!;
    expect(d).toBeDefined();
    const ns = d.metadata.namespace!;
    cluster.update(
      t.deploy,
      ns,
      d.metadata.name,
      { ...cluster.scale(t.deploy, ns, d.metadata.name), spec: { replicas: 5 } } as KubeObject,
      {
        subresource: 'scale'
      }
    );
    tick(1);
    expect(podsOf(d)).toHaveLength(5);
    tick(2);
    expect(ready(podsOf(d))).toBe(5);
    expect(podsOf(d).every((p) => p.status.phase === 'Running' && p.spec.nodeName && p.status.podIP)).toBe(
      true
    );
    const status = cluster.get(t.deploy, ns, d.metadata.name).status;
    expect(status).toMatchObject({ replicas: 5, readyReplicas: 5, availableReplicas: 5, updatedReplicas: 5 });
    // The Service's EndpointSlice lists the five ready pods.
    const slices = cluster
      .objects(t.slice, ns)
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === d.metadata.name);
    if (cluster.find(t.svc, ns, d.metadata.name)) {
      expect(slices.flatMap((s) => s.endpoints).filter((e) => e.conditions.ready)).toHaveLength(5);
    }
    cluster.patch(t.deploy, ns, d.metadata.name, 'merge', { spec: { replicas: 1 } });
    tick(2);
    expect(podsOf(d)).toHaveLength(1);
    expect(cluster.get(t.deploy, ns, d.metadata.name).status).toMatchObject({
      replicas: 1,
      readyReplicas: 1
    });
  });

  it('a template change rolls out: every pod replaced by the new template hash, old ReplicaSet scaled to 0', () => {
    const { cluster, t, tick, podsOf } = setup(300);
    const d = cluster.objects(t.deploy).find((x) => x.spec.replicas === 4 && x.status.readyReplicas === 4)!;
    expect(d).toBeDefined();
    const ns = d.metadata.namespace!;
    const oldHash = k.templateHash(d.spec.template);
    const oldRevision = Number(d.metadata.annotations!['deployment.kubernetes.io/revision']);
    cluster.patch(t.deploy, ns, d.metadata.name, 'strategic', {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T10:00:01Z' } }
        }
      }
    });
    const updated = cluster.get(t.deploy, ns, d.metadata.name);
    const newHash = k.templateHash(updated.spec.template);
    expect(newHash).not.toBe(oldHash);
    let sawSurge = false;
    for (let i = 0; i < 30; i++) {
      tick(1);
      const pods = podsOf(d);
      if (pods.length > 4) sawSurge = true;
      // The rolling update never drops below 4 - 25% available pods.
      expect(ready(pods)).toBeGreaterThanOrEqual(3);
      if (
        pods.length === 4 &&
        pods.every((p) => p.metadata.labels!['pod-template-hash'] === newHash && k.podIsReady(p))
      )
        break;
    }
    const pods = podsOf(d);
    expect(sawSurge).toBe(true);
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => p.metadata.labels!['pod-template-hash'] === newHash && k.podIsReady(p))).toBe(
      true
    );
    expect(cluster.get(t.rs, ns, `${d.metadata.name}-${oldHash}`).spec.replicas).toBe(0);
    const final = cluster.get(t.deploy, ns, d.metadata.name);
    expect(final.metadata.annotations!['deployment.kubernetes.io/revision']).toBe(String(oldRevision + 1));
    expect(final.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(final.status.conditions.find((c: { type: string }) => c.type === 'Progressing').reason).toBe(
      'NewReplicaSetAvailable'
    );
  });

  it('a new Deployment gets a ReplicaSet and running pods, scheduled over the ready nodes', () => {
    const { cluster, t, tick } = setup();
    addNodes(cluster, 0, 3);
    const template = k.podTemplate({
      labels: { app: 'hello' },
      containers: [{ name: 'hello', image: 'nginx:1.27.3', ports: [{ name: 'http', containerPort: 80 }] }]
    });
    cluster.create(
      t.deploy,
      'web',
      k.deployment({
        name: 'hello',
        namespace: 'web',
        created: NOW,
        replicas: 3,
        selector: { app: 'hello' },
        template,
        revision: 1
      })
    );
    cluster.create(
      t.svc,
      'web',
      k.service({
        name: 'hello',
        namespace: 'web',
        created: NOW,
        clusterIP: '10.96.0.50',
        selector: { app: 'hello' },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }]
      })
    );
    tick(5);
    const pods = cluster.objects(t.pod, 'web');
    expect(pods).toHaveLength(3);
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3);
    expect(ready(pods)).toBe(3);
    const rs = cluster.objects(t.rs, 'web');
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences![0].uid).toBe(cluster.get(t.deploy, 'web', 'hello').metadata.uid);
    expect(pods.every((p) => p.metadata.ownerReferences![0].uid === rs[0].metadata.uid)).toBe(true);
    const slice = cluster.objects(t.slice, 'web')[0];
    expect(slice.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }]);
    expect(slice.endpoints.map((e: { targetRef: { name: string } }) => e.targetRef.name).sort()).toEqual(
      pods.map((p) => p.metadata.name).sort()
    );
    expect(slice.endpoints.every((e: { zone?: string }) => e.zone?.startsWith('eu-west-1'))).toBe(true);
  });
});

describe('StatefulSets, DaemonSets, Jobs, CronJobs, budgets', () => {
  it('a StatefulSet creates ordinals in order, each with a bound claim', () => {
    const { cluster, t, tick, podsOf } = setup();
    addNodes(cluster, 0, 2);
    const template = k.podTemplate({
      labels: { app: 'db' },
      containers: [
        { name: 'db', image: 'postgres:16.6', volumeMounts: [{ name: 'data', mountPath: '/data' }] }
      ]
    });
    const sts = cluster.create(
      t.sts,
      'web',
      k.statefulSet({
        name: 'db',
        namespace: 'web',
        created: NOW,
        replicas: 3,
        selector: { app: 'db' },
        serviceName: 'db',
        template,
        storage: '5Gi',
        storageClassName: 'standard'
      })
    );
    tick(1);
    expect(podsOf(sts).map((p) => p.metadata.name)).toEqual(['db-0']);
    tick(20);
    const pods = podsOf(sts);
    expect(pods.map((p) => p.metadata.name).sort()).toEqual(['db-0', 'db-1', 'db-2']);
    expect(ready(pods)).toBe(3);
    expect(
      cluster
        .objects(t.pvc, 'web')
        .map((c) => `${c.metadata.name}:${c.status.phase}`)
        .sort()
    ).toEqual(['data-db-0:Bound', 'data-db-1:Bound', 'data-db-2:Bound']);
    expect(cluster.get(t.sts, 'web', 'db').status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3
    });
    cluster.patch(t.sts, 'web', 'db', 'merge', { spec: { replicas: 1 } });
    tick(6);
    expect(podsOf(sts).map((p) => p.metadata.name)).toEqual(['db-0']);
  });

  it('a DaemonSet follows nodes: a new node gets a pod, a deleted node loses it', () => {
    const { cluster, t, tick, podsOf } = setup();
    addNodes(cluster, 0, 2);
    const template = k.podTemplate({
      labels: { app: 'agent' },
      containers: [{ name: 'agent', image: 'fluent/fluent-bit:3.2.2' }]
    });
    const ds = cluster.create(
      t.ds,
      'web',
      k.daemonSet({ name: 'agent', namespace: 'web', created: NOW, selector: { app: 'agent' }, template })
    );
    tick(4);
    expect(
      podsOf(ds)
        .map((p) => p.spec.nodeName)
        .sort()
    ).toEqual(['node-0', 'node-1']);
    addNodes(cluster, 2, 3);
    tick(4);
    expect(
      podsOf(ds)
        .map((p) => p.spec.nodeName)
        .sort()
    ).toEqual(['node-0', 'node-1', 'node-2']);
    expect(cluster.get(t.ds, 'web', 'agent').status).toMatchObject({
      desiredNumberScheduled: 3,
      numberReady: 3
    });
    cluster.delete(t.node, undefined, 'node-1');
    tick(2);
    expect(
      podsOf(ds)
        .map((p) => p.spec.nodeName)
        .sort()
    ).toEqual(['node-0', 'node-2']);
  });

  it('a Job runs its pod to completion and reports Complete', () => {
    const { cluster, t, tick } = setup();
    addNodes(cluster, 0, 1);
    const template = k.podTemplate({
      labels: {},
      containers: [{ name: 'work', image: 'busybox:1.37' }],
      restartPolicy: 'Never'
    });
    const job = labelJob(
      cluster,
      t.job,
      cluster.create(t.job, 'web', k.job({ name: 'once', namespace: 'web', created: NOW, template, uid: '' }))
    );
    expect(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid);
    tick(25);
    const done = cluster.get(t.job, 'web', 'once');
    expect(done.status).toMatchObject({ succeeded: 1, ready: 0 });
    expect(done.status.completionTime).toMatch(/Z$/);
    expect(done.status.conditions.map((c: { type: string }) => c.type)).toEqual([
      'SuccessCriteriaMet',
      'Complete'
    ]);
    const pod = cluster.objects(t.pod, 'web')[0];
    expect(pod.status.phase).toBe('Succeeded');
    expect(pod.metadata.labels!['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid);
  });

  it('a CronJob starts a Job when its schedule comes due on the cluster clock', () => {
    const { cluster, t, tick, clock } = setup();
    addNodes(cluster, 0, 1);
    const template = k.podTemplate({
      labels: { app: 'tick' },
      containers: [{ name: 'tick', image: 'busybox:1.37' }],
      restartPolicy: 'OnFailure'
    });
    const cj = cluster.create(
      t.cronjob,
      'web',
      k.cronJob({ name: 'every-5', namespace: 'web', created: NOW, schedule: '*/5 * * * *', template })
    );
    tick(2);
    expect(cluster.objects(t.job, 'web')).toHaveLength(0);
    clock.t = NOW + 5 * 60_000 + 1000;
    tick(1);
    const jobs = cluster.objects(t.job, 'web');
    expect(jobs.map((j) => j.metadata.name)).toEqual([`every-5-${Math.floor((NOW + 5 * 60_000) / 60_000)}`]);
    expect(jobs[0].metadata.ownerReferences![0].uid).toBe(cj.metadata.uid);
    tick(25);
    const status = cluster.get(t.cronjob, 'web', 'every-5').status;
    expect(status.lastScheduleTime).toBe(k.isoTime(NOW + 5 * 60_000));
    expect(status.lastSuccessfulTime).toBeDefined();
    expect(status.active).toBeUndefined();
  });

  it('a PodDisruptionBudget follows the health of its pods', () => {
    const { cluster, t, tick } = setup();
    addNodes(cluster, 0, 2);
    const template = k.podTemplate({
      labels: { app: 'api' },
      containers: [{ name: 'api', image: 'nginx:1.27.3' }]
    });
    cluster.create(
      t.deploy,
      'web',
      k.deployment({
        name: 'api',
        namespace: 'web',
        created: NOW,
        replicas: 3,
        selector: { app: 'api' },
        template,
        revision: 1
      })
    );
    cluster.create(
      t.pdb,
      'web',
      k.podDisruptionBudget(
        { name: 'api', namespace: 'web', created: NOW },
        { app: 'api' },
        { minAvailable: 2 }
      )
    );
    tick(6);
    expect(cluster.get(t.pdb, 'web', 'api').status).toMatchObject({
      expectedPods: 3,
      currentHealthy: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1
    });
    const victim = cluster.objects(t.pod, 'web')[0];
    cluster.mutate(t.pod, 'web', victim.metadata.name, (p) => k.setPodReady(p, false, NOW));
    tick(1);
    expect(cluster.get(t.pdb, 'web', 'api').status).toMatchObject({
      currentHealthy: 2,
      disruptionsAllowed: 0
    });
  });
});

describe('cost and timers', () => {
  it('an idle tick does no work and a change costs work near the change, not the cluster', () => {
    const { cluster, controllers, t, tick } = setup(3000);
    tick(1);
    const before = controllers.writes;
    tick(3);
    expect(controllers.writes).toBe(before);
    expect(controllers.idle).toBe(true);
    const pod = cluster
      .objects(t.pod)
      .find((p) => k.controllerOfKind(p) === 'ReplicaSet' && k.podIsReady(p))!;
    cluster.mutate(t.pod, pod.metadata.namespace, pod.metadata.name, (p) => k.setPodReady(p, false, NOW));
    tick(1);
    // ReplicaSet, Deployment, EndpointSlice, maybe a PodDisruptionBudget: a handful, not thousands.
    expect(controllers.writes - before).toBeGreaterThan(0);
    expect(controllers.writes - before).toBeLessThanOrEqual(6);
  });

  it('startControllers reconciles on the scheduler it is given', () => {
    const clock = { t: NOW, now: () => clock.t };
    const cluster = new SimCluster({ name: 'sched', clock, seed: 1 });
    populate(cluster, { seed: 1, pods: 30 });
    let fire: (() => void) | undefined;
    let cancelled = false;
    const started = startControllers(cluster, {
      scheduler: (fn) => {
        fire = fn;
        return () => (cancelled = true);
      }
    });
    const d = cluster
      .objects(cluster.type('apps/v1', 'Deployment'))
      .find((x) => x.metadata.namespace === 'web')!;
    cluster.patch(cluster.type('apps/v1', 'Deployment'), 'web', d.metadata.name, 'merge', {
      spec: { replicas: (d.spec.replicas ?? 1) + 2 }
    });
    for (let i = 0; i < 6; i++) {
      clock.t += 1000;
      fire!();
    }
    const rs = cluster.get(
      cluster.type('apps/v1', 'ReplicaSet'),
      'web',
      `${d.metadata.name}-${k.templateHash(d.spec.template)}`
    );
    expect(rs.status.readyReplicas).toBe((d.spec.replicas ?? 1) + 2);
    started.stop();
    expect(cancelled).toBe(true);
  });

  it('parses cron schedules', () => {
    const every15 = parseCron('*/15 * * * *')!;
    expect(nextCronTime(every15, NOW)).toBe(NOW + 15 * 60_000);
    const daily = parseCron('0 2 * * *')!;
    expect(k.isoTime(nextCronTime(daily, NOW)!)).toBe('2026-11-27T02:00:00Z');
    const weekdays = parseCron('30 9 * * 1-5')!;
    expect(k.isoTime(nextCronTime(weekdays, Date.parse('2026-11-27T10:00:00Z'))!)).toBe(
      '2026-11-30T09:30:00Z'
    );
    expect(parseCron('@hourly')!(Date.parse('2026-11-26T11:00:00Z'))).toBe(true);
    expect(parseCron('not a schedule')).toBeUndefined();
  });
});
