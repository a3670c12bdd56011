/** CronJobs with their recent Jobs, and a one-off migration Job. */
import { labelJob, parseCron, previousCronTime } from '../controllers';
import * as k from '../objects';
import type { KubeObject, OwnerReference } from '../../kube/types';
import type { WorldBuilder } from './builder';
import { DAY, HOUR, MINUTE, NAMING_EPOCH } from './catalog';
import { simpleTemplate } from './templates';

export function cronJobs(w: WorldBuilder, budget: number, namespaces: string[]): number {
  const { rand } = w;
  let used = 0;
  const kinds = [
    {
      name: 'db-backup',
      schedule: '0 2 * * *',
      every: DAY,
      image: 'docker.io/bitnami/postgresql:16.6.0',
      cmd: ['/bin/sh', '-c', 'pg_dump "$DATABASE_URL" | gzip > /backup/dump-$(date +%F).sql.gz']
    },
    {
      name: 'report-generator',
      schedule: '0 * * * *',
      every: HOUR,
      image: 'registry.acme.io/reporting/report-generator:1.8.2',
      cmd: ['report', '--period=1h']
    },
    {
      name: 'cache-warmer',
      schedule: '*/15 * * * *',
      every: 15 * MINUTE,
      image: 'registry.acme.io/web/cache-warmer:0.4.1',
      cmd: ['warm', '--all']
    },
    {
      name: 'cleanup-sessions',
      schedule: '*/30 * * * *',
      every: 30 * MINUTE,
      image: 'registry.acme.io/auth/session-janitor:2.1.0',
      cmd: ['janitor', '--older-than=24h']
    }
  ];
  let index = 0;
  while (used < budget && index < 300) {
    const kind = kinds[index % kinds.length];
    const ns = index < kinds.length ? namespaces[index % namespaces.length] : rand.pick(namespaces);
    const name = w.appName(ns, kind.name);
    const created = w.between(w.born + 5 * DAY, w.now - 3 * DAY);
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': ns };
    const template = simpleTemplate(kind.name, kind.image, {
      labels,
      args: kind.cmd,
      cpu: '100m',
      memory: '256Mi',
      restartPolicy: 'OnFailure'
    });
    const draft = k.cronJob({ name, namespace: ns, created, labels, schedule: kind.schedule, template });
    k.withManagedFields(draft, 'kubectl-client-side-apply', created);
    const cj = w.create(draft, created);
    const history = Math.min(3, budget - used);
    const schedule = parseCron(kind.schedule)!;
    const lastRun = previousCronTime(schedule, w.now) ?? w.now;
    // A CronJob's Job is named after its scheduled minute: counted here from the run as of
    // NAMING_EPOCH, so the names are the same on every load (the scheduled times follow the clock).
    const lastNamed = previousCronTime(schedule, NAMING_EPOCH) ?? NAMING_EPOCH;
    let lastSuccess: string | undefined;
    for (let h = history - 1; h >= 0; h--) {
      const scheduled = lastRun - h * kind.every;
      if (scheduled < created) continue;
      const failed = h === 1 && rand.chance(0.1);
      const ran = runJob(w, {
        namespace: ns,
        name: `${name}-${Math.floor((lastNamed - h * kind.every) / MINUTE)}`,
        template: cj.spec.jobTemplate.spec.template,
        owner: k.ownerRef(cj),
        created: scheduled,
        failed,
        annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': k.isoTime(scheduled) },
        labels
      });
      if (!failed) lastSuccess = ran.status.completionTime;
      used++;
    }
    w.mutate(cj, (o) => {
      o.status = {
        lastScheduleTime: k.isoTime(lastRun),
        ...(lastSuccess ? { lastSuccessfulTime: lastSuccess } : {})
      };
    });
    index++;
  }
  // A one-off migration Job, when there is room.
  if (used < budget) {
    const ns = namespaces[1 % namespaces.length];
    const labels = { 'app.kubernetes.io/name': 'db-migrate' };
    runJob(w, {
      namespace: ns,
      name: w.generateName(ns, 'db-migrate-'),
      template: simpleTemplate('migrate', `registry.acme.io/${ns}/migrations:2024.11.${rand.int(1, 28)}`, {
        labels,
        args: ['migrate', 'up'],
        restartPolicy: 'Never'
      }),
      created: w.now - rand.int(2, 48) * HOUR,
      failed: false,
      labels
    });
    used++;
  }
  return used;
}

function runJob(
  w: WorldBuilder,
  j: {
    namespace: string;
    name: string;
    template: Record<string, unknown>;
    owner?: OwnerReference;
    created: number;
    failed: boolean;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  }
) {
  const draft = k.job({
    name: j.name,
    namespace: j.namespace,
    created: j.created,
    labels: j.labels,
    annotations: j.annotations,
    owner: j.owner,
    template: j.template,
    uid: '',
    backoffLimit: j.failed ? 0 : 2
  });
  // The selector and pod labels carry the Job's uid, which the server assigns: set them once it exists.
  const job = labelJob(w.cluster, w.rt('batch/v1', 'Job'), w.create(draft, j.created));
  const owner = k.ownerRef(job);
  const pod = w.makePod({
    name: w.generateName(j.namespace, `${j.name}-`),
    generateName: `${j.name}-`,
    namespace: j.namespace,
    template: job.spec.template,
    owner,
    ownerCreated: j.created,
    created: j.created + 100,
    controllerFields: k.podControllerFields(job.spec.template, owner, `${j.name}-`),
    state: j.failed ? 'failed' : 'succeeded',
    finishedAt: Math.min(w.now, j.created + w.rand.int(20_000, 300_000))
  });
  const final = w.mutate(job, (o) => {
    o.status = k.jobStatus(o, [pod], w.now);
    if (j.failed) {
      o.status = k.jobStatus(
        { ...o, spec: { ...o.spec, backoffLimit: -1 } } as KubeObject,
        [pod],
        Date.parse(pod.status.containerStatuses[0].state.terminated.finishedAt)
      );
    }
  });
  w.noteEventSource(final, 'job');
  return final;
}
