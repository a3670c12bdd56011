/**
 * Checks that a server in front of a simulated cluster (nginx, the launcher) passes watches on the
 * way Skiff needs them: each event as it happens, over HTTP and over WebSocket.
 */
import { WebSocket } from 'ws';
import type { SimWorld } from '../../src/lib/sim/world';
import { httpTransport } from '../../src/lib/watch/transport';
import { webSocketWatchTransport, type WebSocketLike } from '../../src/lib/watch/websocket';

export interface WatchEvent {
  type: string;
  object: { metadata: { name: string } };
}

function createConfigMap(world: SimWorld, name: string) {
  world.cluster.create(world.cluster.type('v1', 'ConfigMap'), 'default', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: {}
  });
}

async function firstLine(res: Response): Promise<WatchEvent> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    while (!text.includes('\n')) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the watch ended before its first event: ${text}`);
      text += value;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  return JSON.parse(text.slice(0, text.indexOf('\n')));
}

/**
 * Opens a watch on default ConfigMaps at `base` (a cluster's API base URL), creates `name` in
 * `world` once the response headers are in, and returns the first event read. The watch has no
 * timeoutSeconds, so its response does not end: an event read here was passed on as it came, not
 * held back until the end of the body. A buffering proxy holds even the headers, so the whole
 * exchange must finish within `withinMs`.
 */
export async function watchEventWhileOpen(
  base: string,
  world: SimWorld,
  name: string,
  withinMs = 10_000
): Promise<WatchEvent> {
  const rv = world.cluster.resourceVersion();
  const controller = new AbortController();
  const exchange = async () => {
    const res = await fetch(
      new URL(`api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, base),
      {
        signal: controller.signal
      }
    );
    if (res.status !== 200) throw new Error(`watch answered ${res.status}: ${await res.text()}`);
    createConfigMap(world, name);
    return firstLine(res);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const held = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no watch event from ${base} within ${withinMs} ms while the watch was open`)),
      withinMs
    );
  });
  try {
    return await Promise.race([exchange(), held]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/**
 * Like `watchEventWhileOpen`, over WebSocket with Skiff's own transport (as the engine does); with
 * `origin`, the upgrade carries it as a browser on that origin sends it.
 */
export async function webSocketWatchEvent(
  base: string,
  world: SimWorld,
  name: string,
  origin?: string
): Promise<WatchEvent> {
  const transport = webSocketWatchTransport(
    base,
    httpTransport(base),
    (u) => new WebSocket(u, origin ? { origin } : undefined) as unknown as WebSocketLike
  );
  const rv = world.cluster.resourceVersion();
  const res = await transport.fetch(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`);
  createConfigMap(world, name);
  return firstLine(res);
}
