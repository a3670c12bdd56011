import { afterEach, describe, expect, it, vi } from 'vitest';
import { InformerRegistry } from '$lib/engine/registry';
import { SimWorld } from '$lib/sim/world';
import { simTransport } from '$lib/watch/transport';
import type { ResourceRef } from '$lib/kube/types';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

let stop: (() => void)[] = [];
afterEach(() => {
  for (const s of stop) s();
  stop = [];
});

/** A registry over one in-process simulated cluster, counting the watches it is asked for and still has open. */
function setup(lingerMs = 60_000) {
  const world = new SimWorld({ name: 'w', seed: 3, pods: 10, churn: 0 });
  let opened = 0;
  let open = 0;
  const transport = simTransport(async (request) => {
    const response = await world.handler(request);
    if (!new URL(request.url).searchParams.has('watch') || !response.body) return response;
    opened++;
    open++;
    // Counts the watch as closed when the informer aborts it (or the body ends).
    let closed = false;
    const close = () => (closed ? undefined : ((closed = true), open--));
    request.signal.addEventListener('abort', close);
    const reader = response.body.getReader();
    const body = new ReadableStream({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          close();
          controller.close();
        } else controller.enqueue(value);
      },
      cancel: () => (close(), reader.cancel())
    });
    return new Response(body, { status: response.status, headers: response.headers });
  });
  const registry = new InformerRegistry({
    connection: () => ({ origin: undefined, transport: () => transport }),
    lingerMs
  });
  stop.push(
    () => registry.dispose(),
    () => world.stop()
  );
  return { registry, watches: () => ({ opened, open }) };
}

describe('InformerRegistry', () => {
  it('takes back a lingering informer as it is: one watch, not a second one left running', async () => {
    const { registry, watches } = setup();
    const spec = { cluster: 'w', resource: PODS };
    const informer = registry.acquire(spec, true);
    await vi.waitFor(() => expect(informer.state).toBe('live'));
    expect(watches()).toEqual({ opened: 1, open: 1 });
    for (let i = 0; i < 3; i++) {
      registry.release(informer, true);
      expect(registry.acquire(spec, true)).toBe(informer);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(watches()).toEqual({ opened: 1, open: 1 });
    registry.dispose();
    await vi.waitFor(() => expect(watches().open).toBe(0));
  });

  it('release of an informer that was dropped does not touch the one now under its key', async () => {
    const { registry } = setup(10);
    const spec = { cluster: 'w', resource: PODS };
    const old = registry.acquire(spec, true);
    registry.dropCluster('w');
    const now = registry.acquire(spec, true);
    expect(now).not.toBe(old);
    registry.release(old, true);
    // Had it counted against `now`, `now` would have no user left and be gone after its linger.
    await new Promise((r) => setTimeout(r, 50));
    expect(registry.informers()).toEqual([now]);
    await vi.waitFor(() => expect(now.state).toBe('live'));
  });
});
