/**
 * Watches over WebSocket against the simulator's Node server, directly and through real
 * kubectl proxy (which must pass the upgrade through).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { httpTransport } from '../../src/lib/watch/transport';
import {
  WebSocketUnavailableError,
  webSocketWatchTransport,
  type WebSocketLike
} from '../../src/lib/watch/websocket';
import { startKubectlProxy, startSimServer, writeKubeconfig, type SimServer } from '../support/kubectl';

let sim: SimServer;
let proxy: { url: string; stop(): void };
const open = (url: string) => new WebSocket(url) as unknown as WebSocketLike;

beforeAll(async () => {
  sim = await startSimServer({ name: 'ws', seed: 9, pods: 40, churn: 0 });
  proxy = await startKubectlProxy(writeKubeconfig(sim.server.url));
}, 60_000);

afterAll(async () => {
  proxy?.stop();
  await sim?.close();
});

async function readLines(
  res: Response,
  n: number
): Promise<{ type: string; object: { metadata: { name: string } } }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (text.split('\n').length <= n) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe.each([
  { via: 'directly', base: () => sim.server.url },
  { via: 'through kubectl proxy', base: () => proxy.url }
])('WebSocket watch $via', ({ via, base }) => {
  it('delivers events as NDJSON lines of a Response body', async () => {
    const transport = webSocketWatchTransport(base(), httpTransport(base()), open);
    const rv = sim.world.cluster.resourceVersion();
    const res = await transport.fetch(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`);
    const cm = sim.world.cluster.type('v1', 'ConfigMap');
    const names = ['ws-a', 'ws-b'].map((n) => `${n}-${via.length}`);
    for (const name of names) {
      sim.world.cluster.create(cm, 'default', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
        data: {}
      });
    }
    const events = await readLines(res, 2);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(names.map((n) => `ADDED ${n}`));
  });

  it('sends ordinary requests over HTTP', async () => {
    const transport = webSocketWatchTransport(base(), httpTransport(base()), open);
    const res = await transport.fetch('/api/v1/namespaces?limit=1');
    expect((await res.json()).kind).toBe('NamespaceList');
  });
});

it('rejects with WebSocketUnavailableError when nothing accepts the upgrade', async () => {
  const transport = webSocketWatchTransport('http://127.0.0.1:9', httpTransport('http://127.0.0.1:9'), open);
  await expect(transport.fetch('/api/v1/pods?watch=1')).rejects.toBeInstanceOf(WebSocketUnavailableError);
});
