/**
 * A short history per object: the last N samples in a ring, oldest first when read. Samples come
 * in time order; one with the same time as the newest replaces it (a second view of the same poll),
 * an older one is ignored (a late answer). Reads return a snapshot that later pushes never change,
 * so rows can carry it across the worker boundary as it is.
 */
import type { Sample, Series } from './types';

export const HISTORY_LENGTH = 60;

export class HistoryRing {
  private readonly at: Float64Array;
  private readonly cpu: Float64Array;
  private readonly memory: Float64Array;
  /** Index of the oldest sample. */
  private start = 0;
  private count = 0;
  private snapshot: Series | undefined;
  /** When a sample last came for it, on the engine's clock (the cluster's may differ). */
  touchedAt = -Infinity;

  constructor(readonly capacity = HISTORY_LENGTH) {
    this.at = new Float64Array(capacity);
    this.cpu = new Float64Array(capacity);
    this.memory = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Time of the newest sample, or -Infinity. */
  get lastAt(): number {
    return this.count ? this.at[(this.start + this.count - 1) % this.capacity] : -Infinity;
  }

  latest(): Sample | undefined {
    if (!this.count) return undefined;
    const i = (this.start + this.count - 1) % this.capacity;
    return { at: this.at[i], cpu: this.cpu[i], memory: this.memory[i] };
  }

  /** Adds a sample; returns whether the history changed. */
  push(sample: Sample): boolean {
    const last = this.lastAt;
    if (sample.at < last) return false;
    let i: number;
    if (sample.at === last) {
      i = (this.start + this.count - 1) % this.capacity;
      if (this.cpu[i] === sample.cpu && this.memory[i] === sample.memory) return false;
    } else if (this.count < this.capacity) {
      i = (this.start + this.count++) % this.capacity;
    } else {
      i = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    this.at[i] = sample.at;
    this.cpu[i] = sample.cpu;
    this.memory[i] = sample.memory;
    this.snapshot = undefined;
    return true;
  }

  /** The samples, oldest first; the same object until the next change. */
  series(): Series {
    if (this.snapshot) return this.snapshot;
    const s: Series = { at: [], cpu: [], memory: [] };
    for (let k = 0; k < this.count; k++) {
      const i = (this.start + k) % this.capacity;
      s.at.push(this.at[i]);
      s.cpu.push(this.cpu[i]);
      s.memory.push(this.memory[i]);
    }
    return (this.snapshot = s);
  }
}

/**
 * Histories by id (`<kind id>|<row key>`, or `cluster|<name>`). Histories that stopped getting
 * samples (a deleted pod) are dropped by `prune`, by the engine's clock: a cluster whose clock is
 * off does not lose its history.
 */
export class MetricsHistory {
  private readonly rings = new Map<string, HistoryRing>();
  /** Bumped on every change, so a cache knows whether there is anything new to write. */
  revision = 0;

  constructor(private readonly capacity = HISTORY_LENGTH) {}

  get size(): number {
    return this.rings.size;
  }

  /** Adds a sample; `now` (the engine's clock, default the sample's time) keeps the history alive. */
  record(id: string, sample: Sample, now = sample.at): boolean {
    let ring = this.rings.get(id);
    if (!ring) this.rings.set(id, (ring = new HistoryRing(this.capacity)));
    ring.touchedAt = Math.max(ring.touchedAt, now);
    const changed = ring.push(sample);
    if (changed) this.revision++;
    return changed;
  }

  get(id: string): HistoryRing | undefined {
    return this.rings.get(id);
  }

  /** Drops every history that got no sample since `before`. */
  prune(before: number): void {
    for (const [id, ring] of this.rings) {
      if (ring.touchedAt < before) {
        this.rings.delete(id);
        this.revision++;
      }
    }
  }

  /** Drops the histories whose ids pass `which` (a cluster that left). */
  forget(which: (id: string) => boolean): void {
    for (const id of this.rings.keys()) {
      if (which(id)) {
        this.rings.delete(id);
        this.revision++;
      }
    }
  }

  /** The histories whose ids pass `which` (one cluster's, for the cache). */
  entries(which: (id: string) => boolean = () => true): [string, Series][] {
    const out: [string, Series][] = [];
    for (const [id, ring] of this.rings) if (which(id)) out.push([id, ring.series()]);
    return out;
  }

  /** Puts back cached histories (before any live sample of them; samples merge by time). */
  restore(entries: Iterable<[string, Series]>, now?: number): void {
    for (const [id, s] of entries) {
      const n = Math.min(s.at.length, s.cpu.length, s.memory.length);
      for (let i = 0; i < n; i++) {
        if ([s.at[i], s.cpu[i], s.memory[i]].every(Number.isFinite))
          this.record(id, { at: s.at[i], cpu: s.cpu[i], memory: s.memory[i] }, now);
      }
    }
  }
}

/** The id of an object's history. */
export function historyId(kindId: string, key: string): string {
  return `${kindId}|${key}`;
}
