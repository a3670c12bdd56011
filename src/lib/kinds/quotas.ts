/** Quotas (ResourceQuotas, LimitRanges, PodDisruptionBudgets) and Autoscaling (HPAs). */
import { quantityValue } from '../kube/quantity';
import type { Cell } from '../watch/row';
import { clip, col, joinList, kind, labelSelector } from './cells';
import type { KindDef } from './types';
import type { Obj } from '../kube/types';

function quotaCells(q: Obj): Record<string, Cell> {
  const hard: Record<string, string> = q.status?.hard ?? q.spec?.hard ?? {};
  const used: Record<string, string> = q.status?.used ?? {};
  const parts: string[] = [];
  let usedPercent: number | null = null;
  for (const name of Object.keys(hard).sort()) {
    const u = used[name] ?? '0';
    parts.push(`${name} ${u}/${hard[name]}`);
    const h = quantityValue(hard[name]);
    const v = quantityValue(u);
    if (h !== undefined && v !== undefined && h > 0) {
      const pct = Math.round((v / h) * 100);
      if (usedPercent === null || pct > usedPercent) usedPercent = pct;
    }
  }
  return {
    usage: joinList(parts),
    usedPercent,
    resources: parts.length,
    scopes: joinList((q.spec?.scopes ?? []) as string[]) || null
  };
}

const LIMIT_FIELDS: [string, string][] = [
  ['min', 'min'],
  ['max', 'max'],
  ['default', 'default'],
  ['defaultRequest', 'request'],
  ['maxLimitRequestRatio', 'ratio']
];

/** `Container cpu min 100m max 2 default 500m; …`: each limit item's bounds, resource by resource. */
function limitSummary(limits: Obj[]): string {
  const parts: string[] = [];
  for (const l of limits) {
    const resources = new Set<string>();
    for (const [field] of LIMIT_FIELDS) for (const r in l[field] ?? {}) resources.add(r);
    for (const r of resources) {
      let text = `${l.type} ${r}`;
      for (const [field, label] of LIMIT_FIELDS)
        if (l[field]?.[r] !== undefined) text += ` ${label} ${l[field][r]}`;
      parts.push(text);
    }
  }
  return clip(parts.join('; '));
}

function pdbCells(p: Obj): Record<string, Cell> {
  const st = p.status ?? {};
  const allowed: number = st.disruptionsAllowed ?? 0;
  const current: number = st.currentHealthy ?? 0;
  const desired: number = st.desiredHealthy ?? 0;
  return {
    minAvailable: p.spec?.minAvailable !== undefined ? String(p.spec.minAvailable) : null,
    maxUnavailable: p.spec?.maxUnavailable !== undefined ? String(p.spec.maxUnavailable) : null,
    allowedDisruptions: allowed,
    healthy: `${current}/${desired}`,
    currentHealthy: current,
    desiredHealthy: desired,
    expectedPods: st.expectedPods ?? 0,
    // Nothing may be evicted: node drains stall on it.
    blocking: allowed === 0,
    selector: labelSelector(p.spec?.selector)
  };
}

/** `cpu` / `memory` / a metric's name: what the HPA scales on. */
function metricName(m: Obj): string {
  const body = m.resource ?? m.containerResource ?? m.pods?.metric ?? m.object?.metric ?? m.external?.metric;
  return body?.name ?? m.type ?? '?';
}

function metricValue(target: Obj | undefined): string {
  if (!target) return '<unknown>';
  if (target.averageUtilization !== undefined) return `${target.averageUtilization}%`;
  return String(target.averageValue ?? target.value ?? '<unknown>');
}

/** `cpu 45%/70%, memory <unknown>/80%`: current against target for each metric. */
function hpaMetrics(h: Obj): string {
  const current: Obj[] = h.status?.currentMetrics ?? [];
  const parts: string[] = [];
  for (const m of (h.spec?.metrics ?? []) as Obj[]) {
    const name = metricName(m);
    const cur = current.find((c) => c.type === m.type && metricName(c) === name);
    const key =
      m.type === 'Resource'
        ? 'resource'
        : m.type === 'ContainerResource'
          ? 'containerResource'
          : m.type?.toLowerCase();
    const target = m[key]?.target;
    const now = cur?.[key]?.current;
    parts.push(`${name} ${now ? metricValue(now) : '<unknown>'}/${metricValue(target)}`);
  }
  return joinList(parts);
}

function hpaCells(h: Obj): Record<string, Cell> {
  const ref = h.spec?.scaleTargetRef ?? {};
  const max: number = h.spec?.maxReplicas ?? 0;
  const current: number = h.status?.currentReplicas ?? 0;
  return {
    target: ref.name ? `${ref.kind}/${ref.name}` : null,
    min: h.spec?.minReplicas ?? 1,
    max,
    current,
    desired: h.status?.desiredReplicas ?? current,
    metrics: hpaMetrics(h),
    atMax: max > 0 && current >= max,
    lastScale: h.status?.lastScaleTime ?? null
  };
}

export const QUOTA_KINDS: KindDef[] = [
  kind(
    'Quotas',
    '',
    'v1',
    'resourcequotas',
    'ResourceQuota',
    'ResourceQuotas',
    true,
    [
      col('usage', 'Used / hard', 'list'),
      col('usedPercent', 'Max used %', 'number', {
        description: 'The most used resource, in percent of its limit'
      }),
      col('scopes', 'Scopes', 'text', { hidden: true })
    ],
    quotaCells
  ),
  kind(
    'Quotas',
    '',
    'v1',
    'limitranges',
    'LimitRange',
    'LimitRanges',
    true,
    [col('types', 'Types', 'list'), col('limits', 'Limits', 'text')],
    (l) => {
      const limits: Obj[] = l.spec?.limits ?? [];
      return { types: joinList(new Set(limits.map((x) => x.type))), limits: limitSummary(limits) };
    }
  ),
  kind(
    'Quotas',
    'policy',
    'v1',
    'poddisruptionbudgets',
    'PodDisruptionBudget',
    'PodDisruptionBudgets',
    true,
    [
      col('minAvailable', 'Min available', 'text'),
      col('maxUnavailable', 'Max unavailable', 'text'),
      col('allowedDisruptions', 'Allowed disruptions', 'number'),
      col('healthy', 'Healthy', 'text', { description: 'Current healthy / desired healthy pods' }),
      col('selector', 'Selector', 'text', { hidden: true })
    ],
    pdbCells
  ),
  kind(
    'Autoscaling',
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    'HorizontalPodAutoscalers',
    true,
    [
      col('target', 'Target', 'text'),
      col('metrics', 'Metrics', 'list', { description: 'Current / target per metric' }),
      col('min', 'Min', 'number'),
      col('max', 'Max', 'number'),
      col('current', 'Replicas', 'number'),
      col('lastScale', 'Last scale', 'age', { hidden: true })
    ],
    hpaCells
  )
];
