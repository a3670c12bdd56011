/**
 * Which Secret keys the user has revealed on this page. One instance per opened object (the page
 * makes a new one for each object), shared by the Summary and YAML tabs, kept in memory only:
 * nothing revealed survives leaving the object.
 */
import { SvelteSet } from 'svelte/reactivity';

export class SecretReveal {
  private readonly keys = new SvelteSet<string>();

  isRevealed = (key: string): boolean => this.keys.has(key);

  get count(): number {
    return this.keys.size;
  }

  reveal(key: string): void {
    this.keys.add(key);
  }

  hide(key: string): void {
    this.keys.delete(key);
  }

  revealAll(keys: Iterable<string>): void {
    for (const key of keys) this.keys.add(key);
  }

  hideAll(): void {
    this.keys.clear();
  }
}
