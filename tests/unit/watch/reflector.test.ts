import { tick, until } from '../../support/until';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '$lib/kube/types';
import { SimWorld } from '$lib/sim/world';
import { Backoff, ManualClock, parseRetryAfter } from '$lib/watch/backoff';
import { WatchBackpressureError } from '$lib/watch/websocket';
import type { StoreChange } from '$lib/watch/object-store';
import {
  Reflector,
  ServerCapabilities,
  type ReflectorOptions,
  type ReflectorStatus
} from '$lib/watch/reflector';
import { simTransport } from '$lib/watch/transport';

const encoder = new TextEncoder();

const pod = (name: string, rv: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'ns', name, uid: name, resourceVersion: rv, creationTimestamp: '', ...extra }
});

const list = (items: KubeObject[], rv: string, continueToken?: string) =>
  Response.json({
    kind: 'PodList',
    apiVersion: 'v1',
    metadata: { resourceVersion: rv, ...(continueToken ? { continue: continueToken } : {}) },
    items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest)
  });

const status = (code: number, reason: string, message = reason, details?: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
  ...(details ? { details } : {})
});

const bookmark = (rv: string, annotations?: Record<string, string>) => ({
  type: 'BOOKMARK',
  object: {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { resourceVersion: rv, ...(annotations ? { annotations } : {}) }
  }
});

const INITIAL_END = { 'k8s.io/initial-events-end': 'true' };

type Chunk = string | Uint8Array | object;

const bytesOf = (chunk: Chunk): Uint8Array =>
  chunk instanceof Uint8Array
    ? chunk
    : encoder.encode(typeof chunk === 'string' ? chunk : JSON.stringify(chunk) + '\n');

/** A watch response the test feeds by hand: push lines, then end, break or leave it open. */
function pushStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    }
  });
  return {
    response: new Response(body, { headers: { 'content-type': 'application/json' } }),
    push: (...chunks: Chunk[]) => chunks.forEach((c) => controller.enqueue(bytesOf(c))),
    end: () => controller.close(),
    fail: (error: Error) => controller.error(error),
    get cancelled() {
      return cancelled;
    }
  };
}

/** A watch response with these chunks, then a clean end (or open, or an error). */
function watchStream(chunks: Chunk[], end: 'close' | 'open' | 'error' = 'close') {
  const stream = pushStream();
  stream.push(...chunks);
  if (end === 'close') stream.end();
  if (end === 'error') stream.fail(new Error('connection reset by peer'));
  return stream.response;
}

type Step = (url: URL) => Response | Promise<Response>;

/**
 * An API server that answers with scripted steps, in order, and records what it was asked; after
 * the script it holds a watch open (counted in `idle`) until it is cancelled.
 */
function scriptedServer(steps: Step[]) {
  const requests: URL[] = [];
  const idle: ReturnType<typeof pushStream>[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    requests.push(url);
    const step = steps.shift();
    if (step) return step(url);
    const stream = pushStream();
    idle.push(stream);
    return stream.response;
  };
  return { handler, requests, idle };
}

const query = (url: URL): Record<string, string> => Object.fromEntries(url.searchParams);
const isWatch = (url: URL) => url.searchParams.get('watch') === '1';

interface Projected {
  name: string;
  rv: string;
  managedFields: boolean;
}

function harness(
  handler: (request: Request) => Promise<Response>,
  options: Partial<ReflectorOptions<Projected>> = {}
) {
  const clock = new ManualClock(1_000_000);
  const states: ReflectorStatus[] = [];
  const changes: string[] = [];
  const reflector = new Reflector<Projected>({
    transport: simTransport(handler),
    cluster: 'test',
    path: '/api/v1/pods',
    pageSize: 2,
    streamingList: false,
    capabilities: new ServerCapabilities(),
    clock,
    sleep: clock.sleep,
    random: () => 0.5,
    transform: (o) => ({
      name: o.metadata.name,
      rv: o.metadata.resourceVersion,
      managedFields: o.metadata.managedFields !== undefined
    }),
    onState: (s) => states.push(s),
    onChange: (c: StoreChange<Projected>) => changes.push(`${c.type} ${c.key}@${c.resourceVersion}`),
    ...options
  });
  return { reflector, clock, states, changes };
}

/** Store contents as `name@rv`, sorted. */
const contents = (reflector: Reflector<Projected>) =>
  reflector.store
    .items()
    .map((i) => `${i.name}@${i.rv}`)
    .sort();

/** The delay each backoff state announced: nextRetryAt minus the clock at that moment. */
function trackDelays(clock: ManualClock, reflector: Reflector<Projected>) {
  const delays: number[] = [];
  let last: string | undefined;
  const poll = () => {
    const s = reflector.status;
    const key = `${s.state}:${s.nextRetryAt}`;
    if (key !== last && s.nextRetryAt !== undefined) delays.push(s.nextRetryAt - clock.now());
    last = key;
  };
  return { delays, poll };
}

describe('Reflector: list and watch', () => {
  it('lists every page, watches from the list RV and resumes from the newest RV seen', async () => {
    const managed = {
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply' as const,
          apiVersion: 'v1',
          time: '',
          fieldsType: 'FieldsV1' as const,
          fieldsV1: {}
        }
      ]
    };
    const server = scriptedServer([
      () => list([pod('a', '3', managed), pod('b', '4')], '10', 'page-2'),
      () => list([pod('c', '5')], '10'),
      () =>
        watchStream([
          { type: 'ADDED', object: pod('d', '11', managed) },
          { type: 'MODIFIED', object: pod('a', '12') },
          { type: 'DELETED', object: pod('b', '13') },
          bookmark('15')
        ])
    ]);
    const { reflector, changes } = harness(server.handler, { labelSelector: 'app=web' });
    const running = reflector.run();
    await until(() => server.idle.length === 1, 'the resumed watch');

    expect(changes).toEqual([
      'upsert ns/a@3',
      'upsert ns/b@4',
      'upsert ns/c@5',
      'upsert ns/d@11',
      'upsert ns/a@12',
      'delete ns/b@13'
    ]);
    // managedFields were gone before the transform saw the object.
    expect(reflector.store.items().some((i) => i.managedFields)).toBe(false);
    const [first, second, watch, resumed] = server.requests;
    expect(first.pathname).toBe('/api/v1/pods');
    expect(query(first)).toEqual({ limit: '2', labelSelector: 'app=web' });
    expect(query(second)).toEqual({ limit: '2', continue: 'page-2', labelSelector: 'app=web' });
    expect(query(watch)).toEqual({
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: '10',
      timeoutSeconds: '450',
      labelSelector: 'app=web'
    });
    // The stream ended cleanly: resume from the bookmark's RV, no relist.
    expect(query(resumed)).toMatchObject({ watch: '1', resourceVersion: '15' });
    expect(server.requests).toHaveLength(4);
    expect(reflector.status).toMatchObject({
      state: 'live',
      resourceVersion: '15',
      syncMode: 'list',
      items: 3,
      events: 3,
      bookmarks: 1,
      resumes: 1,
      relists: 0,
      reconnects: 0,
      errors: 0
    });
    reflector.stop();
    await running;
    expect(server.idle[0].cancelled).toBe(true);
    expect(reflector.state).toBe('stopped');
  });

  it('asks for a watch timeout spread over [300, 600] s', async () => {
    const timeouts: number[] = [];
    for (const r of [0, 0.25, 0.999999]) {
      const server = scriptedServer([() => list([], '1')]);
      const { reflector } = harness(server.handler, { random: () => r });
      const running = reflector.run();
      await until(() => server.idle.length === 1);
      timeouts.push(Number(server.requests[1].searchParams.get('timeoutSeconds')));
      reflector.stop();
      await running;
    }
    expect(timeouts).toEqual([300, 375, 600]);
  });

  it('restarts the list from the first page when a continue token has expired', async () => {
    const server = scriptedServer([
      () => list([pod('a', '3'), pod('b', '4')], '10', 'old-token'),
      () => Response.json(status(410, 'Expired'), { status: 410 }),
      () => list([pod('a', '3'), pod('b', '4')], '20', 'new-token'),
      () => list([], '20')
    ]);
    const { reflector, changes } = harness(server.handler);
    const running = reflector.run();
    await until(() => server.idle.length === 1);
    reflector.stop();
    await running;

    expect(changes).toEqual(['upsert ns/a@3', 'upsert ns/b@4']);
    expect(server.requests.map((url) => url.searchParams.get('continue'))).toEqual([
      null,
      'old-token',
      null,
      'new-token',
      null
    ]);
    expect(query(server.requests[4])).toMatchObject({ watch: '1', resourceVersion: '20' });
  });

  it('reads objects whose UTF-8 characters are split between chunks', async () => {
    const labelled = pod('ünïcødé-🚀', '11', { labels: { team: 'Ωmega' } });
    const bytes = encoder.encode(JSON.stringify({ type: 'ADDED', object: labelled }) + '\n');
    const server = scriptedServer([
      () => list([], '10'),
      // One byte per chunk: every multi-byte character arrives in pieces.
      () =>
        watchStream(
          [...bytes].map((b) => Uint8Array.of(b)),
          'open'
        )
    ]);
    const { reflector } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.store.size === 1);
    expect(reflector.store.get('ns/ünïcødé-🚀')).toEqual({
      name: 'ünïcødé-🚀',
      rv: '11',
      managedFields: false
    });
    expect(reflector.status.bytes).toBeGreaterThanOrEqual(bytes.length);
    reflector.stop();
  });
});

describe('Reflector: relist on 410', () => {
  it('relists at once on ERROR 410, keeping the old items marked as resyncing, and applies a diff', async () => {
    let answerRelist!: (r: Response) => void;
    const server = scriptedServer([
      () => list([pod('a', '3'), pod('b', '4')], '10'),
      () =>
        watchStream([
          { type: 'ADDED', object: pod('c', '11') },
          { type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 10 (30)') }
        ]),
      () => new Promise<Response>((resolve) => (answerRelist = resolve))
    ]);
    const { reflector, changes, states } = harness(server.handler);
    const running = reflector.run();
    await until(() => server.requests.length === 3, 'the relist');

    // While the relist runs, the old rows stay, marked as resyncing.
    expect(reflector.state).toBe('resyncing');
    expect(reflector.store.resyncing).toBe(true);
    expect(contents(reflector)).toEqual(['a@3', 'b@4', 'c@11']);
    changes.length = 0;

    answerRelist(list([pod('a', '3'), pod('c', '14'), pod('d', '15')], '20'));
    await until(() => server.idle.length === 1);
    // Only the difference: a is unchanged, b gone, c changed, d new.
    expect(changes).toEqual(['upsert ns/c@14', 'upsert ns/d@15', 'delete ns/b@4']);
    expect(reflector.store.resyncing).toBe(false);
    expect(query(server.requests[2])).toEqual({ limit: '2' });
    expect(query(server.requests[3])).toMatchObject({ watch: '1', resourceVersion: '20' });
    // The first 410 relists without waiting.
    expect(states.some((s) => s.state === 'backoff')).toBe(false);
    expect(reflector.status).toMatchObject({ relists: 1, errors: 1, state: 'live' });
    expect(reflector.status.lastError).toMatch(/410/);
    reflector.stop();
    await running;
  });

  it('treats reason Gone like Expired, and backs off when 410s repeat without progress', async () => {
    const server = scriptedServer([
      () => list([], '10'),
      () => watchStream([{ type: 'ERROR', object: status(410, 'Gone') }]),
      () => list([], '20'),
      () => watchStream([{ type: 'ERROR', object: status(410, 'Expired') }]),
      () => list([], '30')
    ]);
    const { reflector, clock } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'backoff');
    expect(server.requests).toHaveLength(4);
    // Full jitter with random() = 0.5: half of the first ceiling (800 ms).
    expect(reflector.status.nextRetryAt! - clock.now()).toBe(400);
    clock.advance(400);
    await until(() => server.idle.length === 1);
    expect(query(server.requests[5])).toMatchObject({ watch: '1', resourceVersion: '30' });
    expect(reflector.status.relists).toBe(2);
    reflector.stop();
  });
});

describe('Reflector: transient failures', () => {
  it('backs off with full jitter, doubling, honouring Retry-After, and resumes from its RV', async () => {
    const html503 =
      '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
    const server = scriptedServer([
      () => list([pod('a', '3')], '10'),
      () => Response.json(status(500, 'InternalError'), { status: 500 }),
      () => {
        throw new TypeError('fetch failed');
      },
      () => new Response(html503, { status: 503, headers: { 'content-type': 'text/html' } }),
      () => Response.json(status(429, 'TooManyRequests'), { status: 429, headers: { 'retry-after': '7' } }),
      () => watchStream([{ type: 'ERROR', object: status(500, 'InternalError', 'etcd timeout') }])
    ]);
    const { reflector, clock } = harness(server.handler);
    const { delays, poll } = trackDelays(clock, reflector);
    void reflector.run();
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      await until(() => reflector.state === 'backoff' && server.requests.length === i + 2);
      poll();
      messages.push(reflector.status.lastError ?? '');
      clock.advance(delays[i]);
    }
    await until(() => server.idle.length === 1);

    // random() = 0.5 halves each ceiling: 800, 1600, 3200, (6400 but Retry-After 7 s), 12800.
    expect(delays).toEqual([400, 800, 1600, 7000, 6400]);
    expect(messages[0]).toMatch(/HTTP 500 InternalError/);
    expect(messages[1]).toMatch(/fetch failed/);
    expect(messages[2]).toMatch(/HTTP 503/);
    expect(messages[2]).toMatch(/Service Temporarily Unavailable/);
    expect(messages[2]).toMatch(/non-JSON body \(text\/html\)/);
    expect(messages[3]).toMatch(/HTTP 429/);
    expect(messages[4]).toMatch(/etcd timeout/);
    for (const url of server.requests.slice(1))
      expect(query(url)).toMatchObject({ watch: '1', resourceVersion: '10' });
    expect(reflector.status).toMatchObject({ state: 'live', reconnects: 5, errors: 5, relists: 0 });
    expect(contents(reflector)).toEqual(['a@3']);
    reflector.stop();
  });

  it('reports a 200 answer that is an HTML page (a login proxy) with its status and text', async () => {
    const server = scriptedServer([
      () =>
        new Response('<html><body><h1>Please sign in</h1></body></html>', {
          status: 200,
          headers: { 'content-type': 'text/html; charset=utf-8' }
        }),
      () => list([], '5')
    ]);
    const { reflector, clock } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'backoff');
    expect(reflector.status.lastError).toMatch(/HTTP 200 with text\/html/);
    expect(reflector.status.lastError).toMatch(/Please sign in/);
    clock.advance(400);
    await until(() => server.idle.length === 1);
    expect(reflector.state).toBe('live');
    reflector.stop();
  });

  it('detects a stalled stream (no byte, no bookmark), aborts it and resumes from the last RV', async () => {
    const stalled = pushStream();
    const server = scriptedServer([() => list([], '10'), () => stalled.response]);
    const { reflector, clock } = harness(server.handler, { stallTimeoutMs: 1000 });
    void reflector.run();
    await until(() => reflector.state === 'live');
    stalled.push({ type: 'ADDED', object: pod('a', '11') });
    await until(() => reflector.store.size === 1);
    clock.advance(800);
    await tick();
    // A bookmark is a sign of life: the stall timer starts again.
    stalled.push(bookmark('12'));
    await until(() => reflector.status.bookmarks === 1);
    clock.advance(900);
    await tick();
    expect(reflector.state).toBe('live');
    expect(stalled.cancelled).toBe(false);
    clock.advance(100);
    await until(() => reflector.state === 'backoff');
    expect(stalled.cancelled).toBe(true);
    expect(reflector.status.lastError).toMatch(/no data for 1000 ms/);
    clock.advance(400);
    await until(() => server.idle.length === 1);
    expect(query(server.requests[2])).toMatchObject({ watch: '1', resourceVersion: '12' });
    reflector.stop();
  });

  it('drops a line cut by a broken connection and resumes from the last complete event', async () => {
    const half = JSON.stringify({ type: 'ADDED', object: pod('b', '12') }).slice(0, 30);
    const cut = pushStream();
    const server = scriptedServer([() => list([], '10'), () => cut.response]);
    const { reflector, clock } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'live');
    cut.push({ type: 'ADDED', object: pod('a', '11') }, half);
    await until(() => reflector.store.size === 1);
    cut.fail(new Error('connection reset by peer'));
    await until(() => reflector.state === 'backoff');
    expect(reflector.status.lastError).toMatch(/connection broke: connection reset by peer/);
    expect(contents(reflector)).toEqual(['a@11']);
    clock.advance(400);
    await until(() => server.idle.length === 1);
    expect(query(server.requests[2])).toMatchObject({ resourceVersion: '11' });
    expect(contents(reflector)).toEqual(['a@11']);
    reflector.stop();
  });

  it('treats a stream that ends cleanly in the middle of a line as cut', async () => {
    const half = JSON.stringify({ type: 'ADDED', object: pod('b', '12') }).slice(0, 30);
    const server = scriptedServer([
      () => list([], '10'),
      () => watchStream([{ type: 'ADDED', object: pod('a', '11') }, half])
    ]);
    const { reflector, clock } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'backoff');
    expect(reflector.status.lastError).toMatch(/ended in the middle of a line/);
    clock.advance(400);
    await until(() => server.idle.length === 1);
    expect(query(server.requests[2])).toMatchObject({ resourceVersion: '11' });
    expect(contents(reflector)).toEqual(['a@11']);
    reflector.stop();
  });

  it('resyncs a stream after a malformed line: re-watch from the last good RV, relist only on 410', async () => {
    const server = scriptedServer([
      () => list([pod('z', '5')], '10'),
      () =>
        watchStream([
          { type: 'ADDED', object: pod('a', '11') },
          '{"type":"MODIFIED","object":{"kind":<html>garbage\n',
          { type: 'ADDED', object: pod('b', '12') }
        ]),
      () => watchStream([{ type: 'ERROR', object: status(410, 'Expired') }]),
      () => list([pod('a', '11'), pod('b', '12')], '12')
    ]);
    const { reflector, clock, changes } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'backoff');
    expect(reflector.status.lastError).toMatch(/not valid JSON/);
    // Nothing after the bad line was applied.
    expect(contents(reflector)).toEqual(['a@11', 'z@5']);
    clock.advance(400);
    await until(() => server.idle.length === 1);
    const kinds = server.requests.map((u) =>
      isWatch(u) ? `watch@${u.searchParams.get('resourceVersion')}` : 'list'
    );
    expect(kinds).toEqual(['list', 'watch@10', 'watch@11', 'list', 'watch@12']);
    expect(contents(reflector)).toEqual(['a@11', 'b@12']);
    expect(changes.slice(-2)).toEqual(['upsert ns/b@12', 'delete ns/z@5']);
    reflector.stop();
  });

  it('ignores duplicate and replayed events', async () => {
    const a11 = { type: 'ADDED', object: pod('a', '11') };
    const a12 = { type: 'MODIFIED', object: pod('a', '12') };
    const a13 = { type: 'DELETED', object: pod('a', '13') };
    const server = scriptedServer([
      () => list([], '10'),
      () => watchStream([a11, a11, a12, a11, a13, a12, a11, bookmark('12')], 'open')
    ]);
    const { reflector, changes } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.status.bookmarks === 1);
    expect(changes).toEqual(['upsert ns/a@11', 'upsert ns/a@12', 'delete ns/a@13']);
    expect(reflector.status).toMatchObject({ events: 7, ignored: 4, resourceVersion: '13', items: 0 });
    reflector.stop();
  });

  it('counts a watch that ends at once without events as a failure, but resumes a long one at once', async () => {
    const long = pushStream();
    const server = scriptedServer([() => list([], '10'), () => watchStream([]), () => long.response]);
    const { reflector, clock } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'backoff');
    expect(reflector.status.lastError).toMatch(/ended at once/);
    clock.advance(400);
    await until(() => reflector.state === 'live' && server.requests.length === 3);
    clock.advance(5000);
    long.end();
    await until(() => server.idle.length === 1);
    expect(reflector.status).toMatchObject({ resumes: 1, reconnects: 1 });
    reflector.stop();
  });

  // An intended change of the earlier decision (retry after Retry-After, relist only on a second
  // 504): a resourceVersion the server has never reached belongs to another history (a cluster
  // re-created at the same address), so the first 504 ResourceVersionTooLarge lists from scratch at
  // once, as client-go does, and every item is replaced, even one at the same resourceVersion.
  it('lists from scratch at once on a too-large resourceVersion, replacing every item', async () => {
    const tooLarge = status(504, 'Timeout', 'Too large resource version: 999, current: 40', {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1
    });
    const server = scriptedServer([
      () => Response.json(tooLarge, { status: 504 }),
      () => list([pod('a', '3'), pod('b', '5')], '40')
    ]);
    const { reflector, states } = harness(server.handler);
    void reflector.resumeFrom('999', [
      { key: 'ns/a', resourceVersion: '3', item: { name: 'a', rv: '3', managedFields: true } },
      { key: 'ns/old', resourceVersion: '7', item: { name: 'old', rv: '7', managedFields: false } }
    ]);
    await until(() => server.idle.length === 1);
    const kinds = server.requests.map((u) =>
      isWatch(u) ? `watch@${u.searchParams.get('resourceVersion')}` : 'list'
    );
    expect(kinds).toEqual(['watch@999', 'list', 'watch@40']);
    expect(server.requests[1].searchParams.has('resourceVersion')).toBe(false);
    // No wait for a second 504, no backoff at all.
    expect(states.map((s) => s.state)).not.toContain('backoff');
    // Nothing of the old cluster is left: ns/old is gone, ns/a is the new one despite the same RV.
    expect(contents(reflector)).toEqual(['a@3', 'b@5']);
    expect(reflector.store.get('ns/a')?.managedFields).toBe(false);
    expect(reflector.status).toMatchObject({ state: 'live', resourceVersion: '40', resyncing: false });
    reflector.stop();
  });
});

describe('Reflector: odd answers', () => {
  it('relists when a resumed watch is refused as a bad request (a corrupt cached RV)', async () => {
    const server = scriptedServer([
      () =>
        Response.json(status(400, 'BadRequest', 'invalid resourceVersion: not-a-version'), {
          status: 400
        }),
      () => list([pod('a', '3')], '10')
    ]);
    const { reflector, clock, changes } = harness(server.handler);
    void reflector.resumeFrom('not-a-version', [
      { key: 'ns/old', resourceVersion: '1', item: { name: 'old', rv: '1', managedFields: false } }
    ]);
    await until(() => reflector.state === 'backoff');
    expect(reflector.status.lastError).toMatch(/HTTP 400 on resuming the watch/);
    expect(reflector.store.resyncing).toBe(true);
    clock.advance(400);
    await until(() => server.idle.length === 1);
    expect(changes).toEqual(['upsert ns/old@1', 'upsert ns/a@3', 'delete ns/old@1']);
    expect(query(server.requests[2])).toMatchObject({ watch: '1', resourceVersion: '10' });
    reflector.stop();
  });

  it('stops reading a non-JSON answer that never ends', async () => {
    const page = pushStream();
    const server = scriptedServer([
      () => new Response(page.response.body, { status: 200, headers: { 'content-type': 'text/plain' } })
    ]);
    const { reflector } = harness(server.handler);
    void reflector.run();
    await until(() => server.requests.length === 1);
    for (let i = 0; i < 10; i++) page.push('x'.repeat(1000));
    await until(() => reflector.state === 'backoff');
    expect(page.cancelled).toBe(true);
    expect(reflector.status.lastError).toMatch(/HTTP 200 with text\/plain instead of JSON/);
    reflector.stop();
  });

  it('resyncs a stream whose line exceeds the limit', async () => {
    const server = scriptedServer([
      () => list([], '10'),
      () =>
        watchStream([
          { type: 'ADDED', object: pod('a', '11') },
          { type: 'ADDED', object: pod('b', '12', { labels: { big: 'x'.repeat(500) } }) }
        ])
    ]);
    const { reflector, clock } = harness(server.handler, { maxLineBytes: 300 });
    void reflector.run();
    await until(() => reflector.state === 'backoff');
    expect(reflector.status.lastError).toMatch(/exceeded 300 bytes/);
    clock.advance(400);
    await until(() => server.idle.length === 1);
    expect(query(server.requests[2])).toMatchObject({ resourceVersion: '11' });
    reflector.stop();
  });
});

describe('Reflector: 401 and 403', () => {
  it('parks an unauthorized stream until retryNow()', async () => {
    const server = scriptedServer([
      () => Response.json(status(401, 'Unauthorized'), { status: 401 }),
      () => list([], '5')
    ]);
    const { reflector, clock } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'unauthorized');
    expect(reflector.status.nextRetryAt).toBe(clock.now() + 300_000);
    expect(reflector.status.lastError).toMatch(/HTTP 401 Unauthorized/);
    clock.advance(299_000);
    await tick();
    expect(server.requests).toHaveLength(1);
    reflector.retryNow();
    await until(() => server.idle.length === 1);
    expect(reflector.state).toBe('live');
    reflector.stop();
  });

  it('parks a forbidden stream and tries again on the slow schedule', async () => {
    const forbidden = status(
      403,
      'Forbidden',
      'pods is forbidden: User "viewer" cannot watch resource "pods" in API group "" at the cluster scope'
    );
    const server = scriptedServer([
      () => list([pod('a', '3')], '10'),
      () => Response.json(forbidden, { status: 403 }),
      () => Response.json(forbidden, { status: 403 })
    ]);
    const { reflector, clock } = harness(server.handler, { slowRetryMs: 60_000 });
    void reflector.run();
    await until(() => reflector.state === 'forbidden');
    expect(reflector.status.lastError).toMatch(/cannot watch resource "pods"/);
    // What was known stays.
    expect(contents(reflector)).toEqual(['a@3']);
    clock.advance(60_000);
    await until(() => server.requests.length === 3 && reflector.state === 'forbidden');
    clock.advance(60_000);
    await until(() => server.idle.length === 1);
    expect(query(server.requests[3])).toMatchObject({ watch: '1', resourceVersion: '10' });
    reflector.stop();
  });

  it('parks on a client error such as 404 in state error', async () => {
    const server = scriptedServer([
      () =>
        Response.json(status(404, 'NotFound', 'the server could not find the requested resource'), {
          status: 404
        })
    ]);
    const { reflector } = harness(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'error');
    expect(reflector.status.lastError).toMatch(/404 NotFound/);
    reflector.stop();
    expect(reflector.state).toBe('stopped');
  });
});

describe('Reflector: streaming list', () => {
  it('collects the unordered initial events and applies them at the initial-events-end bookmark', async () => {
    const stream = pushStream();
    const server = scriptedServer([() => stream.response]);
    const capabilities = new ServerCapabilities();
    const { reflector, changes } = harness(server.handler, { streamingList: true, capabilities });
    void reflector.run();
    await until(() => server.requests.length === 1);
    expect(query(server.requests[0])).toEqual({
      watch: '1',
      allowWatchBookmarks: 'true',
      sendInitialEvents: 'true',
      resourceVersionMatch: 'NotOlderThan',
      resourceVersion: '',
      timeoutSeconds: '450'
    });
    // Initial events arrive in no resourceVersion order: none may be dropped.
    stream.push(
      { type: 'ADDED', object: pod('b', '7') },
      { type: 'ADDED', object: pod('a', '9') },
      { type: 'ADDED', object: pod('c', '5') },
      { type: 'ADDED', object: pod('a', '9') },
      bookmark('10')
    );
    await until(() => reflector.status.events === 4);
    expect(reflector.state).toBe('listing');
    expect(reflector.store.size).toBe(0);
    stream.push(bookmark('12', INITIAL_END));
    await until(() => reflector.state === 'live');
    expect(contents(reflector)).toEqual(['a@9', 'b@7', 'c@5']);
    expect(reflector.store.resourceVersion).toBe('12');
    // After the initial events the stream is ordered and gated again.
    stream.push({ type: 'MODIFIED', object: pod('c', '13') }, { type: 'ADDED', object: pod('x', '11') });
    await until(() => reflector.status.events === 6);
    expect(contents(reflector)).toEqual(['a@9', 'b@7', 'c@13']);
    stream.end();
    await until(() => server.idle.length === 1);
    // A clean end resumes as a plain watch, no new list.
    expect(query(server.requests[1])).toMatchObject({ watch: '1', resourceVersion: '13' });
    expect(server.requests[1].searchParams.has('sendInitialEvents')).toBe(false);
    expect(changes).toEqual(['upsert ns/b@7', 'upsert ns/a@9', 'upsert ns/c@5', 'upsert ns/c@13']);
    expect(capabilities.supportsWatchList('test')).toBe(true);
    expect(reflector.status).toMatchObject({ syncMode: 'streaming-list', ignored: 2 });
    reflector.stop();
  });

  it('retries the streaming list when it breaks before the initial events are complete', async () => {
    const server = scriptedServer([
      () => watchStream([{ type: 'ADDED', object: pod('a', '9') }], 'error'),
      () => watchStream([{ type: 'ADDED', object: pod('b', '9') }, bookmark('12', INITIAL_END)], 'open')
    ]);
    const { reflector, clock } = harness(server.handler, { streamingList: true });
    void reflector.run();
    await until(() => reflector.state === 'backoff');
    expect(reflector.store.size).toBe(0);
    clock.advance(400);
    await until(() => reflector.state === 'live');
    expect(contents(reflector)).toEqual(['b@9']);
    expect(server.requests.every((u) => u.searchParams.get('sendInitialEvents') === 'true')).toBe(true);
    reflector.stop();
  });

  it('falls back to list + watch on 422 and remembers it per cluster', async () => {
    const world = new SimWorld({ name: 'old', seed: 2, pods: 12, watchList: false });
    const seen: string[] = [];
    const handler = (request: Request) => {
      const url = new URL(request.url);
      seen.push(url.searchParams.get('sendInitialEvents') ? 'stream' : isWatch(url) ? 'watch' : 'list');
      return world.handler(request);
    };
    const capabilities = new ServerCapabilities();
    const first = harness(handler, { streamingList: true, capabilities, cluster: 'old', pageSize: 500 });
    void first.reflector.run();
    await until(() => first.reflector.state === 'live' && seen.length === 3);
    expect(seen).toEqual(['stream', 'list', 'watch']);
    expect(first.states.some((s) => s.state === 'backoff')).toBe(false);
    expect(first.reflector.status.lastError).toMatch(/streaming list/);
    expect(capabilities.supportsWatchList('old')).toBe(false);
    const truth = world.cluster
      .objects(world.cluster.type('v1', 'Pod'))
      .map((p) => `${p.metadata.name}@${p.metadata.resourceVersion}`);
    expect(contents(first.reflector)).toEqual(truth.sort());

    // Another stream of the same cluster goes straight to list + watch.
    seen.length = 0;
    const second = harness(handler, {
      streamingList: true,
      capabilities,
      cluster: 'old',
      path: '/api/v1/namespaces/default/pods'
    });
    void second.reflector.run();
    await until(() => second.reflector.state === 'live' && seen.length === 2);
    expect(seen).toEqual(['list', 'watch']);
    // Another cluster is tried on its own.
    expect(capabilities.supportsWatchList('other')).toBeUndefined();
    first.reflector.stop();
    second.reflector.stop();
    world.stop();
  });

  it('falls back on an HTTP 422 answer as well', async () => {
    const server = scriptedServer([
      () =>
        Response.json(status(422, 'Invalid', 'sendInitialEvents is forbidden for watch'), { status: 422 }),
      () => list([pod('a', '1')], '3')
    ]);
    const capabilities = new ServerCapabilities();
    const { reflector } = harness(server.handler, { streamingList: true, capabilities });
    void reflector.run();
    await until(() => server.idle.length === 1);
    expect(capabilities.supportsWatchList('test')).toBe(false);
    expect(contents(reflector)).toEqual(['a@1']);
    reflector.stop();
  });
});

describe('Reflector: reconnect()', () => {
  it('restarts a watch from its resourceVersion, but leaves a list in progress to finish', async () => {
    let release!: () => void;
    const slowList = new Promise<void>((resolve) => (release = resolve));
    const server = scriptedServer([
      async () => {
        await slowList;
        return list([pod('a', '1')], '3');
      }
    ]);
    const { reflector } = harness(server.handler);
    void reflector.run();
    await until(() => server.requests.length === 1);
    // The cluster answered again while the list was on its way: the list is not started over.
    reflector.reconnect();
    release();
    await until(() => server.idle.length === 1);
    expect(server.requests.map((u) => (isWatch(u) ? 'watch' : 'list'))).toEqual(['list', 'watch']);
    expect(contents(reflector)).toEqual(['a@1']);
    // Now a watch: reconnect() restarts it from the resourceVersion, without a list.
    reflector.reconnect();
    await until(() => server.idle.length === 2);
    expect(server.requests.map((u) => (isWatch(u) ? 'watch' : 'list'))).toEqual(['list', 'watch', 'watch']);
    expect(query(server.requests[2])).toMatchObject({ watch: '1', resourceVersion: '3' });
    reflector.stop();
  });
});

describe('Reflector: a streaming list faster than it is read', () => {
  it('is not retried to be cut again: list + watch takes over, in pages', async () => {
    const cutStream = () => {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(JSON.stringify({ type: 'ADDED', object: pod('a', '9') }) + '\n'));
          controller.error(new WatchBackpressureError(64 * 1024));
        }
      });
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    };
    const server = scriptedServer([cutStream, () => list([pod('a', '1')], '3')]);
    const capabilities = new ServerCapabilities();
    const { reflector, states } = harness(server.handler, { streamingList: true, capabilities });
    void reflector.run();
    await until(() => server.idle.length === 1);
    expect(server.requests[1].searchParams.has('sendInitialEvents')).toBe(false);
    expect(capabilities.supportsWatchList('test')).toBe(false);
    expect(contents(reflector)).toEqual(['a@1']);
    expect(states.some((s) => s.state === 'backoff')).toBe(false);
    reflector.stop();
  });
});

describe('Reflector: resume from a known resourceVersion', () => {
  it('watches from the given RV without listing; only a 410 relists, as a diff', async () => {
    const server = scriptedServer([
      () =>
        watchStream([
          { type: 'MODIFIED', object: pod('a', '51') },
          { type: 'ERROR', object: status(410, 'Expired') }
        ]),
      // The relist is a streaming list here.
      () =>
        watchStream(
          [
            { type: 'ADDED', object: pod('b', '20') },
            { type: 'ADDED', object: pod('a', '51') },
            bookmark('60', INITIAL_END)
          ],
          'open'
        )
    ]);
    const { reflector, changes } = harness(server.handler, { streamingList: true });
    const cached = [
      { key: 'ns/a', resourceVersion: '30', item: { name: 'a', rv: '30', managedFields: false } },
      { key: 'ns/b', resourceVersion: '20', item: { name: 'b', rv: '20', managedFields: false } },
      { key: 'ns/c', resourceVersion: '40', item: { name: 'c', rv: '40', managedFields: false } }
    ];
    void reflector.resumeFrom('50', cached);
    // The cached rows are there at once.
    expect(reflector.store.size).toBe(3);
    expect(reflector.status.syncMode).toBe('resume');
    expect(reflector.state).toBe('resyncing');
    await until(() => server.requests.length === 2 && reflector.state === 'live');
    expect(query(server.requests[0])).toMatchObject({ watch: '1', resourceVersion: '50' });
    expect(server.requests[0].searchParams.has('sendInitialEvents')).toBe(false);
    expect(query(server.requests[1])).toMatchObject({ sendInitialEvents: 'true' });
    // a changed by the watch, then the relist: b unchanged (no event), c gone.
    expect(changes).toEqual([
      'upsert ns/a@30',
      'upsert ns/b@20',
      'upsert ns/c@40',
      'upsert ns/a@51',
      'delete ns/c@40'
    ]);
    expect(reflector.status).toMatchObject({ relists: 1, resourceVersion: '60', resyncing: false });
    reflector.stop();
  });
});

describe('Reflector: lifecycle', () => {
  it('stops during a backoff and tells onState every transition', async () => {
    const server = scriptedServer([
      () => list([], '1'),
      () => Response.json(status(503, 'ServiceUnavailable'), { status: 503 })
    ]);
    const { reflector, states } = harness(server.handler);
    const running = reflector.run();
    await until(() => reflector.state === 'backoff');
    reflector.stop();
    await running;
    // The error is told in the state it happened in, then the backoff.
    expect(states.map((s) => s.state)).toEqual(['listing', 'live', 'live', 'backoff', 'stopped']);
    expect(states[2].lastError).toMatch(/503/);
    expect(states.at(-1)).toMatchObject({ state: 'stopped', resourceVersion: '1' });
  });
});

describe('ManualClock', () => {
  it('wakes sleepers in deadline order when time passes them, and early on abort', async () => {
    const clock = new ManualClock(100);
    const woke: string[] = [];
    const abort = new AbortController();
    const sleeps = [
      clock.sleep(50).then(() => woke.push(`50@${clock.now()}`)),
      clock.sleep(20).then(() => woke.push(`20@${clock.now()}`)),
      clock.sleep(1000, abort.signal).then(() => woke.push(`aborted@${clock.now()}`))
    ];
    expect(clock.pending).toBe(3);
    expect(clock.nextDeadline).toBe(120);
    clock.advance(30);
    await tick();
    expect(woke).toEqual(['20@130']);
    abort.abort();
    await tick();
    clock.advance(30);
    await Promise.all(sleeps);
    expect(woke).toEqual(['20@130', 'aborted@130', '50@160']);
    expect(clock.pending).toBe(0);
  });
});

describe('Backoff', () => {
  it('draws each delay below a ceiling that doubles from 800 ms to 30 s', () => {
    const backoff = new Backoff({ random: () => 0.999999 });
    const ceilings: number[] = [];
    for (let i = 0; i < 8; i++) ceilings.push(Math.round(backoff.next(i * 1000)));
    expect(ceilings).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
    expect(new Backoff({ random: () => 0 }).next(0)).toBe(0);
  });

  it('starts again from the base after 2 minutes without a failure, or when reset', () => {
    const backoff = new Backoff({ random: () => 0.5 });
    expect(backoff.next(0)).toBe(400);
    expect(backoff.next(1000)).toBe(800);
    expect(backoff.next(1000 + 119_999)).toBe(1600);
    expect(backoff.next(1000 + 119_999 + 120_000)).toBe(400);
    backoff.next(0);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next(0)).toBe(400);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))
    ).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});
