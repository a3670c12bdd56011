/** PickSet: the churn's pools of candidates (pods, Deployments, nodes), picked from at random. */
import type { Random } from '../random';

/** A set with O(1) insert, delete and uniform random pick, in a deterministic order. */
export class PickSet<T> {
  private items: T[] = [];
  private keys: string[] = [];
  private index = new Map<string, number>();

  get size() {
    return this.items.length;
  }

  set(key: string, item: T) {
    const i = this.index.get(key);
    if (i !== undefined) {
      this.items[i] = item;
      return;
    }
    this.index.set(key, this.items.length);
    this.items.push(item);
    this.keys.push(key);
  }

  delete(key: string) {
    const i = this.index.get(key);
    if (i === undefined) return;
    const last = this.items.length - 1;
    this.items[i] = this.items[last];
    this.keys[i] = this.keys[last];
    this.index.set(this.keys[i], i);
    this.items.pop();
    this.keys.pop();
    this.index.delete(key);
  }

  has(key: string) {
    return this.index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  pick(rand: Random): T | undefined {
    return this.items.length ? this.items[Math.floor(rand.next() * this.items.length)] : undefined;
  }
}
