/**
 * A small seeded pseudo-random generator (mulberry32). The simulator never uses Math.random or
 * crypto.getRandomValues: the same seed must give the same cluster, the same churn, the same uids.
 */

const HEX = '0123456789abcdef';
/** Kubernetes' rand.String alphabet (no vowels, no look-alike characters): pod and RS name suffixes. */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: `weighted([['a', 3], ['b', 1]])` returns 'a' three times as often as 'b'. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.next() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return choices[choices.length - 1][0];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** n lowercase hex digits. */
  hex(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += HEX[(this.next() * 16) | 0];
    return out;
  }

  /** n characters of Kubernetes' name-suffix alphabet, like the `x7k2p` in `web-7c5ddbdf54-x7k2p`. */
  suffix(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += NAME_SUFFIX_ALPHABET[(this.next() * NAME_SUFFIX_ALPHABET.length) | 0];
    return out;
  }

  /** An RFC 4122 version-4-looking uid, e.g. `3f2a1c4e-9b7d-4e21-a8f3-5c6d7e8f9a0b`. */
  uid(): string {
    const variant = HEX[8 + ((this.next() * 4) | 0)];
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }

  /** A new generator whose sequence depends on this one's state, for independent sub-streams. */
  fork(): Random {
    return new Random((this.next() * 4294967296) >>> 0);
  }
}

/**
 * A well-mixed 32-bit hash of the parts (FNV-1a over each part and a separator, then murmur3's
 * finalizer): values that are a pure function of their inputs, where no generator state is kept
 * (log lines by time slot, metrics by scrape).
 */
export function hashOf(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
