/** Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, HPAs and PodDisruptionBudgets. */
import { humanDuration, since, timeOf } from '../../../kube/time';
import {
  AGE_COL,
  CONTAINERS_COL,
  IMAGES_COL,
  NAME_COL,
  boolPtr,
  col,
  containerCells,
  formatLabelSelector,
  formatLabels,
  intOrString,
  selectorCol,
  selectorToString,
  type Printer
} from './common';
import type { Obj } from '../../../kube/types';

export const deploymentPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Ready', 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'
    ),
    col(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'
    ),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      selectorToString(o.spec?.selector)
    ];
  }
};

export const replicaSetPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Desired', 'Replicas is the number of desired pods.', 'integer'),
    col('Current', 'Replicas is the most recently observed number of replicas.', 'integer'),
    col('Ready', 'The number of ready replicas for this replica set.', 'integer'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return [
      o.metadata.name,
      o.spec?.replicas ?? 1,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(o.spec?.selector)
    ];
  }
};

export const statefulSetPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Ready', 'Number of the pod with ready state'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL
  ],
  cells(o, now) {
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      since(o.metadata.creationTimestamp, now),
      names,
      images
    ];
  }
};

export const daemonSetPrinter: Printer = {
  columns: [
    NAME_COL,
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
    col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const s = o.status ?? {};
    const [names, images] = containerCells(o.spec?.template?.spec?.containers);
    return [
      o.metadata.name,
      s.desiredNumberScheduled ?? 0,
      s.currentNumberScheduled ?? 0,
      s.numberReady ?? 0,
      s.updatedNumberScheduled ?? 0,
      s.numberAvailable ?? 0,
      formatLabels(o.spec?.template?.spec?.nodeSelector),
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(o.spec?.selector)
    ];
  }
};

function jobCondition(o: Obj, type: string): boolean {
  const c = (o.status?.conditions ?? []).find((x: Obj) => x.type === type);
  return !!c && c.status === 'True';
}

export const jobPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Status', 'Status of the job.'),
    col('Completions', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'Time required to complete the job.'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
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
    const [names, images] = containerCells(spec.template?.spec?.containers);
    return [
      o.metadata.name,
      status,
      completions,
      duration,
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(spec.selector)
    ];
  }
};

export const cronJobPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'The time zone name for the given schedule.'),
    col('Suspend', 'This flag tells the controller to suspend subsequent executions.', 'boolean'),
    col('Active', 'A list of pointers to currently running jobs.', 'integer'),
    col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COL,
    CONTAINERS_COL,
    IMAGES_COL,
    selectorCol('pods')
  ],
  cells(o, now) {
    const spec = o.spec ?? {};
    const jobSpec = spec.jobTemplate?.spec ?? {};
    const [names, images] = containerCells(jobSpec.template?.spec?.containers);
    const last = o.status?.lastScheduleTime;
    return [
      o.metadata.name,
      spec.schedule ?? '',
      spec.timeZone ?? '<none>',
      boolPtr(spec.suspend),
      (o.status?.active ?? []).length,
      last ? since(last, now) : '<none>',
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(jobSpec.selector)
    ];
  }
};

export const hpaPrinter: Printer = {
  columns: [
    NAME_COL,
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
    col('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    AGE_COL
  ],
  cells(o, now) {
    const spec = o.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    return [
      o.metadata.name,
      `${ref.kind ?? ''}/${ref.name ?? ''}`,
      formatHpaMetrics(spec.metrics ?? [], o.status?.currentMetrics ?? []),
      spec.minReplicas !== undefined && spec.minReplicas !== null ? String(spec.minReplicas) : '<unset>',
      spec.maxReplicas ?? 0,
      o.status?.currentReplicas ?? 0,
      since(o.metadata.creationTimestamp, now)
    ];
  }
};

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

export const pdbPrinter: Printer = {
  columns: [
    NAME_COL,
    col('Min Available', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', 'integer'),
    AGE_COL
  ],
  cells: (o, now) => [
    o.metadata.name,
    intOrString(o.spec?.minAvailable),
    intOrString(o.spec?.maxUnavailable),
    o.status?.disruptionsAllowed ?? 0,
    since(o.metadata.creationTimestamp, now)
  ]
};
