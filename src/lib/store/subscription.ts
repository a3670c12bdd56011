/**
 * A Svelte store over one engine subscription (an object, a tally, metrics…): open while
 * subscribed, holding the latest update and nothing else.
 */
import { readable, type Readable } from 'svelte/store';
import { engine, type EngineClient } from '../client/engine';
import type { SpecOf, SubscriptionKind, UpdateOf } from '../engine/protocol';

export function subscriptionStore<K extends SubscriptionKind>(
  kind: K,
  spec: SpecOf<K>,
  subscribe: EngineClient['subscribe'] = (k, s, post) => engine().subscribe(k, s, post)
): Readable<UpdateOf<K> | undefined> {
  return readable<UpdateOf<K> | undefined>(undefined, (set) => subscribe(kind, spec, set));
}
