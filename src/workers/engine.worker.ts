/**
 * The engine's worker: one Engine per origin, shared by every tab through a SharedWorker (a
 * dedicated Worker per tab where SharedWorker is missing), exposed over comlink. Each tab is an
 * owner: it pings while open and says when it is shown or hidden; a tab that stops pinging is gone
 * and its views close.
 */
import * as Comlink from 'comlink';
import { SnapshotCache } from '$lib/cache/snapshot-cache';
import {
  Engine,
  type EngineInfo,
  type EngineTelemetry,
  type StartOptions,
  type ViewSpec,
  type ViewUpdate
} from '$lib/engine/engine';
import { createDemoClusters } from '$lib/sim/demo';
import type { ObjectRef, ObjectUpdate } from '$lib/engine/object-watch';
import type { WindowDiff } from '$lib/view/types';
import type { WebSocketLike } from '$lib/watch/websocket';

const engine = new Engine({
  demoClusters: () => createDemoClusters(),
  cache: new SnapshotCache(),
  webSocket:
    typeof WebSocket === 'undefined' ? undefined : (url) => new WebSocket(url) as unknown as WebSocketLike,
  onError: (error) => console.warn('[skiff engine]', error)
});

const TAB_TIMEOUT_MS = 20_000;
const lastPing = new Map<string, number>();
setInterval(() => {
  const now = Date.now();
  for (const [owner, at] of lastPing) {
    if (now - at < TAB_TIMEOUT_MS) continue;
    lastPing.delete(owner);
    engine.closeOwner(owner);
  }
}, TAB_TIMEOUT_MS / 2);

const api = {
  start(options?: StartOptions): Promise<EngineInfo> {
    return engine.start(options);
  },

  /** `post` must be wrapped in `Comlink.proxy` by the caller. */
  openView(spec: ViewSpec, post: (diff: WindowDiff) => void, owner: string): Promise<number> {
    lastPing.set(owner, Date.now());
    return engine.openView(spec, (diff) => void post(diff), owner);
  },

  updateView(id: number, update: ViewUpdate): void {
    engine.updateView(id, update);
  },

  resetView(id: number): void {
    engine.resetView(id);
  },

  closeView(id: number): void {
    engine.closeView(id);
  },

  /** `post` must be wrapped in `Comlink.proxy` by the caller. */
  openObject(ref: ObjectRef, post: (update: ObjectUpdate) => void, owner: string): Promise<number> {
    lastPing.set(owner, Date.now());
    return engine.openObject(ref, (update) => void post(update), owner);
  },

  closeObject(id: number): void {
    engine.closeObject(id);
  },

  /** Every few seconds from each open tab, with whether it is shown. */
  ping(owner: string, visible: boolean): void {
    lastPing.set(owner, Date.now());
    engine.setOwnerVisible(owner, visible);
  },

  closeOwner(owner: string): void {
    lastPing.delete(owner);
    engine.closeOwner(owner);
  },

  telemetry(): EngineTelemetry {
    return engine.telemetry();
  },

  retryAll(): void {
    engine.retryAll();
  }
};

export type EngineApi = typeof api;

// A SharedWorker gets one `connect` per tab; a dedicated Worker talks to its one tab directly.
const scope = globalThis as unknown as { onconnect?: unknown; SharedWorkerGlobalScope?: unknown };
if (
  typeof scope.SharedWorkerGlobalScope !== 'undefined' &&
  globalThis instanceof (scope.SharedWorkerGlobalScope as typeof Object)
) {
  (globalThis as unknown as { onconnect: (e: MessageEvent) => void }).onconnect = (e) =>
    Comlink.expose(api, e.ports[0]);
} else {
  Comlink.expose(api);
}
