/**
 * The job, cronjob and TTL-after-finished controllers: a Job's pods up to its parallelism and
 * completions within its backoff limit; CronJobs start Jobs when their schedule comes due (missed runs
 * are not replayed) and keep their history limits; finished Jobs with a TTL are deleted once it passes.
 */
import type { SimCluster } from '../cluster';
import * as k from '../objects';
import type { KubeObject, ResourceType } from '../../kube/types';
import type { ControllerContext } from './context';
import { nextCronTime, parseCron } from './cron';
import { key, splitKey } from './keys';

export function reconcileJob(ctx: ControllerContext, ns: string | undefined, name: string) {
  const job = ctx.cluster.find(ctx.rt.job, ns, name);
  if (!job || job.metadata.deletionTimestamp) return;
  const pods = ctx.podsOf(job);
  const finished = k.jobIsFinished(job);
  if (!finished && !job.spec.suspend) {
    const completions = job.spec.completions ?? 1;
    const parallelism = job.spec.parallelism ?? 1;
    let succeeded = 0;
    let failed = 0;
    let active = 0;
    for (const p of pods) {
      if (p.status?.phase === 'Succeeded') succeeded++;
      else if (p.status?.phase === 'Failed') failed++;
      else if (!p.metadata.deletionTimestamp) active++;
    }
    if (failed <= (job.spec.backoffLimit ?? 6)) {
      const want = Math.min(parallelism, completions - succeeded) - active;
      for (let i = 0; i < Math.min(want, ctx.opts.burst); i++) {
        const prefix = `${job.metadata.name}-`;
        const pod = ctx.createPod(job, job.spec.template, ctx.podName(ns!, prefix), {}, prefix);
        ctx.event({
          involved: job,
          reason: 'SuccessfulCreate',
          message: `Created pod: ${pod.metadata.name}`,
          type: 'Normal',
          component: 'job-controller'
        });
      }
    } else {
      for (const p of pods) if (k.podIsActive(p)) ctx.remove(ctx.rt.pod, p);
    }
  }
  const fresh = ctx.cluster.find(ctx.rt.job, ns, name);
  if (!fresh) return;
  const status = k.jobStatus(fresh, ctx.podsOf(fresh), ctx.now());
  ctx.setStatus(ctx.rt.job, fresh, status);
  if (!finished && status.conditions) {
    const done = (status.conditions as { type: string }[]).some((c) => c.type === 'Complete');
    ctx.event({
      involved: fresh,
      reason: done ? 'Completed' : 'BackoffLimitExceeded',
      message: done ? 'Job completed' : 'Job has reached the specified backoff limit',
      type: done ? 'Normal' : 'Warning',
      component: 'job-controller'
    });
    const after = ctx.cluster.find(ctx.rt.job, ns, name);
    if (after && after.spec.ttlSecondsAfterFinished !== undefined) noteFinished(ctx, after);
  }
}

/** Notes when a finished Job's TTL runs out (controller time). */
export function noteFinished(ctx: ControllerContext, job: KubeObject) {
  ctx.finishedJobs.set(key(job), ctx.elapsed + (job.spec.ttlSecondsAfterFinished ?? 0) * 1000);
}

/** The TTL-after-finished controller. */
export function runTtl(ctx: ControllerContext) {
  for (const [k2, due] of ctx.finishedJobs) {
    if (due > ctx.elapsed) continue;
    ctx.finishedJobs.delete(k2);
    const [ns, name] = splitKey(k2);
    const job = ctx.cluster.find(ctx.rt.job, ns, name);
    if (job) ctx.remove(ctx.rt.job, job);
  }
}

/** Starts the Jobs of CronJobs whose schedule came due on the cluster's clock. */
export function runCronJobs(ctx: ControllerContext) {
  const now = ctx.now();
  for (const [k2, state] of ctx.cronJobs) {
    if (state.next !== undefined && state.next > now) continue;
    const [ns, name] = splitKey(k2);
    const cj = ctx.cluster.find(ctx.rt.cronjob, ns, name);
    if (!cj) continue;
    const matches = parseCron(cj.spec.schedule);
    if (!matches) {
      state.next = Number.MAX_SAFE_INTEGER;
      continue;
    }
    const last = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp);
    const next = nextCronTime(matches, last);
    if (next === undefined) {
      state.next = now + 86_400_000;
      continue;
    }
    if (next > now) {
      state.next = next;
      continue;
    }
    // Missed runs are not replayed: only the most recent due time starts a Job.
    let due = next;
    for (let t = nextCronTime(matches, due); t !== undefined && t <= now; t = nextCronTime(matches, t))
      due = t;
    state.next = nextCronTime(matches, due);
    if (cj.spec.suspend) continue;
    const active = ctx.childrenOf(cj).filter((j) => !k.jobIsFinished(j));
    if (active.length && cj.spec.concurrencyPolicy === 'Forbid') {
      ctx.mutate(ctx.rt.cronjob, cj, (c) => {
        c.status = { ...c.status, lastScheduleTime: k.isoTime(due) };
      });
      continue;
    }
    if (active.length && cj.spec.concurrencyPolicy === 'Replace')
      for (const j of active) ctx.remove(ctx.rt.job, j);
    const jobName = `${cj.metadata.name}-${Math.floor(due / 60_000)}`;
    if (!ctx.cluster.find(ctx.rt.job, ns, jobName)) {
      const job = startJob(ctx, cj, jobName, due);
      ctx.event({
        involved: cj,
        reason: 'SuccessfulCreate',
        message: `Created job ${job.metadata.name}`,
        type: 'Normal',
        component: 'cronjob-controller'
      });
    }
    const fresh = ctx.cluster.find(ctx.rt.cronjob, ns, name);
    if (fresh) {
      ctx.mutate(ctx.rt.cronjob, fresh, (c) => {
        c.status = { ...c.status, lastScheduleTime: k.isoTime(due) };
      });
    }
  }
}

/** A Job of a CronJob: created, then labelled with its uid (the server-assigned selector). */
function startJob(ctx: ControllerContext, cj: KubeObject, name: string, scheduled: number): KubeObject {
  const tpl = cj.spec.jobTemplate ?? { spec: {} };
  const draft = k.job({
    name,
    namespace: cj.metadata.namespace!,
    created: ctx.now(),
    labels: tpl.metadata?.labels,
    annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': k.isoTime(scheduled) },
    owner: k.ownerRef(cj),
    template: tpl.spec.template,
    backoffLimit: tpl.spec.backoffLimit,
    completions: tpl.spec.completions,
    parallelism: tpl.spec.parallelism,
    ttlSecondsAfterFinished: tpl.spec.ttlSecondsAfterFinished,
    uid: ''
  });
  return labelJob(ctx.cluster, ctx.rt.job, ctx.create(ctx.rt.job, draft), () => ctx.writes++);
}

/** CronJob status (active Jobs, last success) and history limits, when one of its Jobs changed. */
export function reconcileCronJobStatus(ctx: ControllerContext, ns: string | undefined, name: string) {
  const cj = ctx.cluster.find(ctx.rt.cronjob, ns, name);
  if (!cj) return;
  const jobs = ctx
    .childrenOf(cj)
    .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp));
  const active = jobs.filter((j) => !k.jobIsFinished(j));
  const succeeded = jobs.filter((j) =>
    (j.status?.conditions ?? []).some((c: { type: string }) => c.type === 'Complete')
  );
  const failed = jobs.filter((j) =>
    (j.status?.conditions ?? []).some((c: { type: string }) => c.type === 'Failed')
  );
  for (const j of succeeded.slice(
    0,
    Math.max(0, succeeded.length - (cj.spec.successfulJobsHistoryLimit ?? 3))
  ))
    ctx.remove(ctx.rt.job, j);
  for (const j of failed.slice(0, Math.max(0, failed.length - (cj.spec.failedJobsHistoryLimit ?? 1))))
    ctx.remove(ctx.rt.job, j);
  const lastSuccess = succeeded[succeeded.length - 1]?.status?.completionTime;
  const status: Record<string, unknown> = { ...(cj.status ?? {}) };
  if (active.length) {
    status.active = active.map((j) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: j.metadata.name,
      namespace: j.metadata.namespace,
      resourceVersion: j.metadata.resourceVersion,
      uid: j.metadata.uid
    }));
  } else delete status.active;
  if (lastSuccess && (!status.lastSuccessfulTime || lastSuccess > (status.lastSuccessfulTime as string)))
    status.lastSuccessfulTime = lastSuccess;
  const fresh = ctx.cluster.find(ctx.rt.cronjob, ns, name);
  if (fresh) ctx.setStatus(ctx.rt.cronjob, fresh, status);
}

/** Sets a new Job's selector and pod labels from its server-assigned uid (what the apiserver defaults). */
export function labelJob(
  cluster: SimCluster,
  rt: ResourceType,
  job: KubeObject,
  onWrite?: () => void
): KubeObject {
  const uid = job.metadata.uid;
  onWrite?.();
  return (
    cluster.mutate(rt, job.metadata.namespace, job.metadata.name, (o) => {
      const labels = k.jobPodLabels(o.metadata.name, uid);
      o.metadata.labels = {
        ...(o.metadata.labels ?? {}),
        'batch.kubernetes.io/job-name': o.metadata.name,
        'job-name': o.metadata.name
      };
      o.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      o.spec.template = {
        ...o.spec.template,
        metadata: {
          ...(o.spec.template.metadata ?? {}),
          labels: { ...(o.spec.template.metadata?.labels ?? {}), ...labels }
        }
      };
    }) ?? job
  );
}
