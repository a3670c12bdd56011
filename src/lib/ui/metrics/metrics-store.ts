/** A Svelte store over one engine metrics subscription (an object's or a cluster's usage), open while subscribed. */
import { readable, type Readable } from 'svelte/store';
import { engine } from '$lib/engine/client';
import type { MetricsSpec, MetricsUpdate } from '$lib/metrics/types';

export function metricsStore(spec: MetricsSpec): Readable<MetricsUpdate | undefined> {
  return readable<MetricsUpdate | undefined>(undefined, (set) => engine().openMetrics(spec, set));
}
