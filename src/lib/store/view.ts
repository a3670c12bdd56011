/**
 * A Svelte store over one engine View: it holds the window on screen (never the whole list) and
 * applies the engine's diffs to it, nothing else. Opening and closing follow its subscribers.
 */
import { readable, type Readable } from 'svelte/store';
import type { ViewHandle } from '../client/engine';
import type { ViewSpec, ViewUpdate } from '../engine/engine';
import { applyWindowDiff, EMPTY_WINDOW, WindowDiffError } from '../view/apply';
import type { WindowDiff, WindowState } from '../view/types';
import type { Row } from '../watch/row';

/** Opens a view in the engine; `post` receives its diffs. */
export type ViewOpener = (spec: ViewSpec, post: (diff: WindowDiff) => void) => ViewHandle;

export interface ViewStore extends Readable<WindowState> {
  /** Change the filter, sort, window or visibility of the open view. */
  update(update: ViewUpdate): void;
  /** Every row that matches the filter, in sort order (a CSV export); [] while the view is closed. */
  exportRows(): Promise<Row[]>;
}

export function viewStore(open: ViewOpener, spec: ViewSpec): ViewStore {
  let handle: ViewHandle | undefined;
  let latest: ViewSpec = spec;
  const store = readable<WindowState>(EMPTY_WINDOW, (set) => {
    let state = EMPTY_WINDOW;
    let waitingForReset = false;
    handle = open(latest, (diff) => {
      if (waitingForReset && !diff.rows) return;
      try {
        state = applyWindowDiff(state, diff);
        waitingForReset = false;
        set(state);
      } catch (e) {
        // A lost diff: ask for the whole window again and ignore patches until it comes.
        if (!(e instanceof WindowDiffError)) throw e;
        waitingForReset = true;
        handle?.reset();
      }
    });
    return () => {
      handle?.close();
      handle = undefined;
    };
  });
  return {
    subscribe: store.subscribe,
    update(update) {
      latest = { ...latest, ...update };
      handle?.update(update);
    },
    exportRows() {
      return handle?.exportRows() ?? Promise.resolve([]);
    }
  };
}
