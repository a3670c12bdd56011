/** A Svelte store over one engine Tally (live counts and sums), open while subscribed. */
import { readable, type Readable } from 'svelte/store';
import type { TallyViewSpec } from '../engine/engine';
import type { TallyResult } from '../view/tally';

export type TallyOpener = (spec: TallyViewSpec, post: (result: TallyResult) => void) => () => void;

export function tallyStore(open: TallyOpener, spec: TallyViewSpec): Readable<TallyResult | undefined> {
  return readable<TallyResult | undefined>(undefined, (set) => open(spec, set));
}
