/**
 * An estimate of what the engine holds, for the diagnostics page: the rows of every informer and
 * their size (a sample of each store serialized, times its count), and the JS heap where the
 * runtime reports it. Cheap enough to run on each telemetry poll.
 */
import type { EngineMemory } from './api';
import type { Informer } from './informer';

const SAMPLE = 16;

export function engineMemory(informers: Informer[]): EngineMemory {
  let rows = 0;
  let bytes = 0;
  for (const informer of informers) {
    const count = informer.store.size;
    if (count === 0) continue;
    rows += count;
    let chars = 0;
    let sampled = 0;
    for (const key of informer.store.keys()) {
      chars += JSON.stringify(informer.store.get(key)).length;
      if (++sampled === SAMPLE) break;
    }
    bytes += Math.round((chars / sampled) * count * 2);
  }
  return { rows, estimatedRowBytes: bytes, heapUsedBytes: heapUsed() };
}

function heapUsed(): number | undefined {
  const perf = globalThis.performance as Performance & { memory?: { usedJSHeapSize?: number } };
  if (typeof perf?.memory?.usedJSHeapSize === 'number') return perf.memory.usedJSHeapSize;
  const proc = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process;
  return proc?.memoryUsage?.().heapUsed;
}
