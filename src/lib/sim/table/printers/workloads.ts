/** Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, HPAs and PodDisruptionBudgets. */
import { humanDuration, since, timeOf } from '../../../kube/time';
import {
  CONTAINERS_COL,
  IMAGES_COL,
  POD_TEMPLATE_COLS,
  boolPtr,
  col,
  containerCells,
  formatLabelSelector,
  formatLabels,
  intOrString,
  namedRowPrinter,
  podTemplateCells,
  selectorToString,
  type Printer
} from './common';
import type { Obj } from '../../../kube/types';

export const deploymentPrinter: Printer = namedRowPrinter({
  columns: [
    col('Ready', 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'
    ),
    col(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'
    )
  ],
  afterAge: POD_TEMPLATE_COLS,
  cells: (o) => [
    `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
    o.status?.updatedReplicas ?? 0,
    o.status?.availableReplicas ?? 0,
    ...podTemplateCells(o.spec?.template, selectorToString(o.spec?.selector))
  ]
});

export const replicaSetPrinter: Printer = namedRowPrinter({
  columns: [
    col('Desired', 'Replicas is the number of desired pods.', 'integer'),
    col('Current', 'Replicas is the most recently observed number of replicas.', 'integer'),
    col('Ready', 'The number of ready replicas for this replica set.', 'integer')
  ],
  afterAge: POD_TEMPLATE_COLS,
  cells: (o) => [
    o.spec?.replicas ?? 1,
    o.status?.replicas ?? 0,
    o.status?.readyReplicas ?? 0,
    ...podTemplateCells(o.spec?.template, formatLabelSelector(o.spec?.selector))
  ]
});

export const statefulSetPrinter: Printer = namedRowPrinter({
  columns: [col('Ready', 'Number of the pod with ready state')],
  afterAge: [CONTAINERS_COL, IMAGES_COL], // kubectl prints no selector for StatefulSets
  cells: (o) => [
    `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
    ...containerCells(o.spec?.template?.spec?.containers)
  ]
});

export const daemonSetPrinter: Printer = namedRowPrinter({
  columns: [
    col('Desired', 'The total number of nodes that should be running the daemon pod.', 'integer'),
    col(
      'Current',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      'integer'
    ),
    col(
      'Ready',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      'integer'
    ),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', 'integer'),
    col(
      'Available',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
      'integer'
    ),
    col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.')
  ],
  afterAge: POD_TEMPLATE_COLS,
  cells(o) {
    const s = o.status ?? {};
    return [
      s.desiredNumberScheduled ?? 0,
      s.currentNumberScheduled ?? 0,
      s.numberReady ?? 0,
      s.updatedNumberScheduled ?? 0,
      s.numberAvailable ?? 0,
      formatLabels(o.spec?.template?.spec?.nodeSelector),
      ...podTemplateCells(o.spec?.template, formatLabelSelector(o.spec?.selector))
    ];
  }
});

function jobCondition(o: Obj, type: string): boolean {
  const c = (o.status?.conditions ?? []).find((x: Obj) => x.type === type);
  return !!c && c.status === 'True';
}

export const jobPrinter: Printer = namedRowPrinter({
  columns: [
    col('Status', 'Status of the job.'),
    col('Completions', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'Time required to complete the job.')
  ],
  afterAge: POD_TEMPLATE_COLS,
  cells(o, now) {
    const spec = o.spec ?? {};
    const st = o.status ?? {};
    const succeeded = st.succeeded ?? 0;
    let completions: string;
    if (spec.completions !== undefined && spec.completions !== null)
      completions = `${succeeded}/${spec.completions}`;
    else if ((spec.parallelism ?? 0) > 1) completions = `${succeeded}/1 of ${spec.parallelism}`;
    else completions = `${succeeded}/1`;
    const start = timeOf(st.startTime);
    const end = timeOf(st.completionTime);
    const duration = start === undefined ? '' : humanDuration((end ?? now) - start);
    let status = 'Running';
    if (jobCondition(o, 'Complete')) status = 'Complete';
    else if (jobCondition(o, 'Failed')) status = 'Failed';
    else if (o.metadata.deletionTimestamp) status = 'Terminating';
    else if (jobCondition(o, 'Suspended')) status = 'Suspended';
    else if (jobCondition(o, 'FailureTarget')) status = 'FailureTarget';
    return [
      status,
      completions,
      duration,
      ...podTemplateCells(spec.template, formatLabelSelector(spec.selector))
    ];
  }
});

export const cronJobPrinter: Printer = namedRowPrinter({
  columns: [
    col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'The time zone name for the given schedule.'),
    col('Suspend', 'This flag tells the controller to suspend subsequent executions.', 'boolean'),
    col('Active', 'A list of pointers to currently running jobs.', 'integer'),
    col('Last Schedule', 'Information when was the last time the job was successfully scheduled.')
  ],
  afterAge: POD_TEMPLATE_COLS,
  cells(o, now) {
    const spec = o.spec ?? {};
    const jobSpec = spec.jobTemplate?.spec ?? {};
    const last = o.status?.lastScheduleTime;
    return [
      spec.schedule ?? '',
      spec.timeZone ?? '<none>',
      boolPtr(spec.suspend),
      (o.status?.active ?? []).length,
      last ? since(last, now) : '<none>',
      ...podTemplateCells(jobSpec.template, formatLabelSelector(jobSpec.selector))
    ];
  }
});

export const hpaPrinter: Printer = namedRowPrinter({
  columns: [
    col(
      'Reference',
      'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'
    ),
    col(
      'Targets',
      'metrics contains the specifications for which to use to calculate the desired replica count.'
    ),
    col(
      'MinPods',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'
    ),
    col(
      'MaxPods',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'
    ),
    col('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler.')
  ],
  cells(o) {
    const spec = o.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    return [
      `${ref.kind ?? ''}/${ref.name ?? ''}`,
      formatHpaMetrics(spec.metrics ?? [], o.status?.currentMetrics ?? []),
      spec.minReplicas !== undefined && spec.minReplicas !== null ? String(spec.minReplicas) : '<unset>',
      spec.maxReplicas ?? 0,
      o.status?.currentReplicas ?? 0
    ];
  }
});

/** formatHPAMetrics: at most two targets shown, then "+ N more...". */
function formatHpaMetrics(specs: Obj[], statuses: Obj[]): string {
  if (specs.length === 0) return '<none>';
  const list: string[] = [];
  specs.forEach((spec, i) => {
    const st = statuses[i];
    // External and Object metrics: an average value prints with "(avg)", a plain value without
    const valueOrAverage = (target: Obj | undefined, current: Obj | undefined) =>
      target?.averageValue !== undefined
        ? `${current?.current?.averageValue ?? '<unknown>'}/${target.averageValue} (avg)`
        : `${current?.current?.value ?? '<unknown>'}/${target?.value ?? ''}`;
    switch (spec.type) {
      case 'External':
        list.push(valueOrAverage(spec.external?.target, st?.external));
        break;
      case 'Object':
        list.push(valueOrAverage(spec.object?.target, st?.object));
        break;
      case 'Pods':
        list.push(
          `${st?.pods?.current?.averageValue ?? '<unknown>'}/${spec.pods?.target?.averageValue ?? ''}`
        );
        break;
      case 'Resource':
      case 'ContainerResource': {
        const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const cur = spec.type === 'Resource' ? st?.resource : st?.containerResource;
        if (src?.target?.averageValue !== undefined) {
          list.push(`${src.name}: ${cur?.current?.averageValue ?? '<unknown>'}/${src.target.averageValue}`);
        } else {
          const current =
            cur?.current?.averageUtilization !== undefined
              ? `${cur.current.averageUtilization}%`
              : '<unknown>';
          const target =
            src?.target?.averageUtilization !== undefined ? `${src.target.averageUtilization}%` : '<auto>';
          list.push(`${src?.name ?? ''}: ${current}/${target}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  });
  const shown = list.slice(0, 2).join(', ');
  return list.length > 2 ? `${shown} + ${list.length - 2} more...` : shown;
}

export const pdbPrinter: Printer = namedRowPrinter({
  columns: [
    col('Min Available', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', 'integer')
  ],
  cells: (o) => [
    intOrString(o.spec?.minAvailable),
    intOrString(o.spec?.maxUnavailable),
    o.status?.disruptionsAllowed ?? 0
  ]
});
