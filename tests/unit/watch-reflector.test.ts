import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/lib/sim/types';
import { Reflector, type ReflectorStore } from '../../src/lib/watch/reflector';
import { simTransport } from '../../src/lib/watch/transport';

const pod = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'ns', name, uid: name, resourceVersion: rv, creationTimestamp: '' }
});

const list = (items: KubeObject[], rv: string, continueToken?: string) =>
  Response.json({
    kind: 'PodList',
    apiVersion: 'v1',
    metadata: { resourceVersion: rv, continue: continueToken },
    items
  });

const status = (code: number, reason: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: reason,
  reason,
  code
});

/** A watch response whose events arrive each split over two chunks; open streams end when cancelled. */
function watchStream(events: unknown[], options: { open?: boolean; onCancel?: () => void } = {}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of events) {
        const line = JSON.stringify(event) + '\n';
        const middle = Math.floor(line.length / 2);
        controller.enqueue(encoder.encode(line.slice(0, middle)));
        controller.enqueue(encoder.encode(line.slice(middle)));
      }
      if (!options.open) controller.close();
    },
    cancel: options.onCancel
  });
  return new Response(body, { headers: { 'content-type': 'application/json' } });
}

type Step = (url: URL) => Response | Promise<Response>;

/**
 * An API server that answers requests with scripted steps, in order, and records what it was
 * asked; after the script it holds a watch open until it is cancelled.
 */
function scriptedServer(steps: Step[]) {
  const requests: URL[] = [];
  let cancelled = 0;
  let idle: () => void = () => {};
  const reachedEnd = new Promise<void>((resolve) => (idle = resolve));
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    requests.push(url);
    const step = steps.shift();
    if (step) return step(url);
    idle();
    return watchStream([], { open: true, onCancel: () => cancelled++ });
  };
  return { handler, requests, reachedEnd, cancelled: () => cancelled };
}

function recordingStore() {
  const calls: string[] = [];
  const store: ReflectorStore = {
    replace: (objects, rv) => calls.push(`replace ${objects.map((o) => o.metadata.name).join(',')} @${rv}`),
    upsert: (object) => calls.push(`upsert ${object.metadata.name}@${object.metadata.resourceVersion}`),
    remove: (object) => calls.push(`remove ${object.metadata.name}`)
  };
  return { store, calls };
}

function query(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams);
}

function reflectorFor(handler: (r: Request) => Promise<Response>, store: ReflectorStore) {
  const sleeps: number[] = [];
  const errors: unknown[] = [];
  const reflector = new Reflector({
    transport: simTransport(handler),
    path: '/api/v1/pods',
    store,
    pageSize: 2,
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    onError: (error) => errors.push(error)
  });
  return { reflector, sleeps, errors };
}

describe('Reflector', () => {
  it('lists every page, watches from the list RV and resumes from the newest RV seen', async () => {
    const server = scriptedServer([
      () => list([pod('a', '3'), pod('b', '4')], '10', 'page-2'),
      () => list([pod('c', '5')], '10'),
      () =>
        watchStream([
          { type: 'ADDED', object: pod('d', '11') },
          { type: 'MODIFIED', object: pod('a', '12') },
          { type: 'DELETED', object: pod('b', '13') },
          { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '15' } } }
        ])
    ]);
    const { store, calls } = recordingStore();
    const { reflector, errors } = reflectorFor(server.handler, store);
    const running = reflector.run();
    await server.reachedEnd;

    expect(calls).toEqual(['replace a,b,c @10', 'upsert d@11', 'upsert a@12', 'remove b']);
    const [first, second, watch, resumed] = server.requests;
    expect(first.pathname).toBe('/api/v1/pods');
    expect(query(first)).toEqual({ limit: '2' });
    expect(query(second)).toEqual({ limit: '2', continue: 'page-2' });
    expect(query(watch)).toMatchObject({ watch: '1', resourceVersion: '10', allowWatchBookmarks: 'true' });
    const timeout = Number(query(watch).timeoutSeconds);
    expect(timeout).toBeGreaterThanOrEqual(300);
    expect(timeout).toBeLessThanOrEqual(600);
    // The stream ended cleanly: resume from the bookmark's RV, no relist.
    expect(query(resumed)).toMatchObject({ watch: '1', resourceVersion: '15' });
    expect(reflector.lastSyncResourceVersion).toBe('15');

    reflector.stop();
    await running;
    expect(server.cancelled()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('relists at once when the watch reports ERROR 410 Expired', async () => {
    const server = scriptedServer([
      () => list([pod('a', '3')], '10'),
      () =>
        watchStream([
          { type: 'ADDED', object: pod('b', '11') },
          { type: 'ERROR', object: status(410, 'Expired') }
        ]),
      () => list([pod('b', '11'), pod('c', '40')], '50'),
      () => watchStream([{ type: 'DELETED', object: pod('c', '51') }])
    ]);
    const { store, calls } = recordingStore();
    const { reflector, sleeps, errors } = reflectorFor(server.handler, store);
    const running = reflector.run();
    await server.reachedEnd;
    reflector.stop();
    await running;

    expect(calls).toEqual(['replace a @10', 'upsert b@11', 'replace b,c @50', 'remove c']);
    expect(query(server.requests[2])).toEqual({ limit: '2' });
    expect(query(server.requests[3])).toMatchObject({ watch: '1', resourceVersion: '50' });
    expect(query(server.requests[4])).toMatchObject({ watch: '1', resourceVersion: '51' });
    expect(sleeps).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('restarts the list from the first page when a continue token has expired', async () => {
    const server = scriptedServer([
      () => list([pod('a', '3'), pod('b', '4')], '10', 'old-token'),
      () => Response.json(status(410, 'Expired'), { status: 410 }),
      () => list([pod('a', '3'), pod('b', '4')], '20', 'new-token'),
      () => list([], '20')
    ]);
    const { store, calls } = recordingStore();
    const { reflector } = reflectorFor(server.handler, store);
    const running = reflector.run();
    await server.reachedEnd;
    reflector.stop();
    await running;

    expect(calls).toEqual(['replace a,b @20']);
    expect(server.requests.map((url) => url.searchParams.get('continue'))).toEqual([
      null,
      'old-token',
      null,
      'new-token',
      null
    ]);
  });

  it('backs off after other failures, doubling the delay, and keeps its RV', async () => {
    const server = scriptedServer([
      () => list([pod('a', '3')], '10'),
      () => Response.json(status(500, 'InternalError'), { status: 500 }),
      () => {
        throw new TypeError('network down');
      },
      () => watchStream([{ type: 'ERROR', object: status(500, 'InternalError') }])
    ]);
    const { store, calls } = recordingStore();
    const { reflector, sleeps, errors } = reflectorFor(server.handler, store);
    const running = reflector.run();
    await server.reachedEnd;
    reflector.stop();
    await running;

    expect(calls).toEqual(['replace a @10']);
    expect(errors).toHaveLength(3);
    // random() = 0.5 puts the jitter at 75% of the delay: 800, 1600, 3200 ms.
    expect(sleeps).toEqual([600, 1200, 2400]);
    for (const url of server.requests.slice(1)) {
      expect(query(url)).toMatchObject({ watch: '1', resourceVersion: '10' });
    }
  });
});
