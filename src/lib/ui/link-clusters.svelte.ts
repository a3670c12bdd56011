/**
 * Clusters from a link (`?cluster=NAME@URL`) on another origin than the page wait for the user:
 * `askLinkClusters` (registered with the config as its confirmer) shows the dialog and answers
 * with the user's choice.
 */
import type { ClusterConfig } from '$lib/engine/engine';

interface Pending {
  clusters: ClusterConfig[];
  answer: (show: boolean) => void;
}

let pending = $state.raw<Pending | undefined>();

export const linkConfirmation = {
  get pending(): Pending | undefined {
    return pending;
  },
  answer(show: boolean): void {
    const p = pending;
    pending = undefined;
    p?.answer(show);
  }
};

/** Shows the confirmation dialog for these clusters; resolves true when the user chose to show them. */
export function askLinkClusters(clusters: ClusterConfig[]): Promise<boolean> {
  linkConfirmation.answer(false);
  return new Promise((resolve) => (pending = { clusters, answer: resolve }));
}
