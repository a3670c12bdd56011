/**
 * A WebSocket watch that fails to open: the browser hides the server's answer to the upgrade, so
 * the connection asks once over plain HTTP for the same watch. The server's refusal (a 504 for the
 * resourceVersion of a re-created cluster) reaches the reflector as if the watch had answered it;
 * only a watch the server accepts over HTTP means the proxy refuses upgrades.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpConnection } from '$lib/engine/cluster-connection';
import type { InformerRegistry } from '$lib/engine/registry';
import { ManualClock } from '$lib/watch/backoff';
import { Reflector, ServerCapabilities } from '$lib/watch/reflector';
import { WebSocketUnavailableError, type WebSocketLike } from '$lib/watch/websocket';

/** A WebSocket whose upgrade is refused: closed with 1006 before it opened, as browsers report it. */
const refusedSocket = (): WebSocketLike => {
  const ws: WebSocketLike = {
    onopen: null,
    onmessage: null,
    onerror: null,
    onclose: null,
    close() {}
  };
  setTimeout(() => ws.onclose?.({ code: 1006, reason: '' }), 0);
  return ws;
};

const tooLarge = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Too large resource version: 900, current: 40',
  reason: 'Timeout',
  code: 504,
  details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] }
};

function fakeRegistry() {
  const refused: string[] = [];
  const registry = {
    budget: { webSocketSupport: () => 'works', setWebSocketSupport: () => {} },
    webSocketRefused: (origin: string) => refused.push(origin)
  } as unknown as InformerRegistry;
  return { registry, refused };
}

const WATCH = '/api/v1/pods?watch=1&resourceVersion=900';

afterEach(() => vi.unstubAllGlobals());

describe('a WebSocket watch that fails to open', () => {
  it('hands the server’s refusal, learnt over HTTP, to the caller and keeps WebSocket for the origin', async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return Response.json(tooLarge, { status: 504 });
    });
    const { registry, refused } = fakeRegistry();
    const connection = httpConnection('http://proxy.test/k8s/', refusedSocket, () => registry);
    const response = await connection.transport('websocket').fetch(WATCH);
    expect(response.status).toBe(504);
    expect(asked).toEqual([`http://proxy.test/k8s${WATCH}`]);
    expect(refused).toEqual([]);
  });

  it('is the proxy refusing upgrades when the same watch works over HTTP', async () => {
    let cancelled = false;
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(new ReadableStream({ cancel: () => void (cancelled = true) }), {
          headers: { 'content-type': 'application/json' }
        })
    );
    const { registry, refused } = fakeRegistry();
    const connection = httpConnection('http://proxy.test/k8s/', refusedSocket, () => registry);
    await expect(connection.transport('websocket').fetch(WATCH)).rejects.toBeInstanceOf(
      WebSocketUnavailableError
    );
    expect(refused).toEqual(['http://proxy.test']);
    // The probe's watch is not kept open.
    expect(cancelled).toBe(true);
  });

  it('says nothing about upgrades when the server cannot be reached at all', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const { registry, refused } = fakeRegistry();
    const connection = httpConnection('http://proxy.test/k8s/', refusedSocket, () => registry);
    await expect(connection.transport('websocket').fetch(WATCH)).rejects.toBeInstanceOf(
      WebSocketUnavailableError
    );
    expect(refused).toEqual([]);
  });

  it('a reflector resuming over WebSocket from a re-created cluster’s old RV lists from scratch at once', async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      const u = new URL(url);
      asked.push(u.searchParams.get('watch') ? `watch@${u.searchParams.get('resourceVersion')}` : 'list');
      if (u.searchParams.get('resourceVersion') === '900') return Response.json(tooLarge, { status: 504 });
      if (!u.searchParams.get('watch'))
        return Response.json({
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '40' },
          items: []
        });
      return new Response(new ReadableStream(), { headers: { 'content-type': 'application/json' } });
    });
    const { registry } = fakeRegistry();
    const connection = httpConnection('http://proxy.test/k8s/', refusedSocket, () => registry);
    const clock = new ManualClock();
    const states: string[] = [];
    const reflector = new Reflector({
      transport: connection.transport('websocket'),
      cluster: 'c',
      path: '/api/v1/pods',
      streamingList: false,
      capabilities: new ServerCapabilities(),
      clock,
      sleep: clock.sleep,
      onState: (s) => states.push(s.state)
    });
    const old = { metadata: { name: 'old', namespace: 'ns', uid: 'u', resourceVersion: '800' } };
    void reflector.resumeFrom('900', [{ key: 'ns/old', resourceVersion: '800', item: old as never }]);
    for (let i = 0; i < 200 && reflector.lastSyncResourceVersion !== '40'; i++)
      await new Promise((r) => setTimeout(r, 0));
    // The 504 hidden behind the failed upgrade was learnt over HTTP; no backoff was waited.
    expect(asked.slice(0, 2)).toEqual(['watch@900', 'list']);
    expect(reflector.store.size).toBe(0);
    expect(states).not.toContain('backoff');
    reflector.stop();
  });
});
