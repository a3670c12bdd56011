/**
 * Recovery that does not wait without reason (issue 11): a cluster re-created at the same address
 * is listed from scratch after its first 504 ResourceVersionTooLarge; `reconnect()` restarts a watch
 * that looks open through a silent outage at once, from its resourceVersion; and a watch that
 * streamed for a healthy while resets the backoff, so its next failure costs one short delay.
 */
import { tick, until } from '../../support/until';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '$lib/kube/types';
import { SimWorld } from '$lib/sim/world';
import { Backoff, ManualClock } from '$lib/watch/backoff';
import {
  Reflector,
  ServerCapabilities,
  type ReflectorOptions,
  type ReflectorState
} from '$lib/watch/reflector';
import { simTransport } from '$lib/watch/transport';

const encoder = new TextEncoder();

interface Projected {
  name: string;
  uid: string;
  rv: string;
}

function reflectorFor(
  handler: (request: Request) => Promise<Response>,
  options: Partial<ReflectorOptions<Projected>> = {}
) {
  const clock = new ManualClock(1_000_000);
  const states: ReflectorState[] = [];
  const reflector = new Reflector<Projected>({
    transport: simTransport(handler),
    cluster: 'test',
    path: '/api/v1/pods',
    streamingList: false,
    capabilities: new ServerCapabilities(),
    clock,
    sleep: clock.sleep,
    random: () => 0.5,
    transform: (o) => ({ name: o.metadata.name, uid: o.metadata.uid, rv: o.metadata.resourceVersion }),
    onState: (s) => states.push(s.state),
    ...options
  });
  return { reflector, clock, states };
}

/** What a user sees of a pods view: name, uid and resourceVersion of each row. */
const view = (reflector: Reflector<Projected>) =>
  reflector.store
    .items()
    .map((p) => `${p.name}/${p.uid}@${p.rv}`)
    .sort();

const truth = (world: SimWorld) =>
  world.cluster
    .objects(world.cluster.type('v1', 'Pod'))
    .map((p) => `${p.metadata.name}/${p.metadata.uid}@${p.metadata.resourceVersion}`)
    .sort();

const isWatch = (url: URL) => url.searchParams.get('watch') === '1';
const describeRequest = (url: URL) =>
  url.searchParams.get('sendInitialEvents')
    ? 'stream'
    : isWatch(url)
      ? `watch@${url.searchParams.get('resourceVersion')}`
      : `list@${url.searchParams.get('resourceVersion') ?? ''}`;

/**
 * One address in front of a simulated cluster that can be deleted and created again (a new
 * SimWorld with its own resourceVersion history), or whose connections can go silent.
 */
function address(first: SimWorld) {
  let world = first;
  let silent = false;
  const open = new Set<TransformStreamDefaultController<Uint8Array>>();
  const requests: URL[] = [];
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(url);
    const response = await world.handler(request);
    if (!response.body) return response;
    let own!: TransformStreamDefaultController<Uint8Array>;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        start: (c) => void open.add((own = c)),
        // A silent outage: the bytes are lost and nothing tells the client.
        transform: (chunk, c) => (silent ? undefined : c.enqueue(chunk)),
        flush: () => void open.delete(own)
      })
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return {
    handler,
    requests,
    get world() {
      return world;
    },
    /** The cluster is deleted (its connections break) and a new one answers at the same address. */
    recreate(next: SimWorld) {
      world = next;
      for (const c of open) c.error(new Error('connection reset by peer'));
      open.clear();
    },
    setSilent(value: boolean) {
      silent = value;
    }
  };
}

describe('a cluster re-created at the same address', () => {
  it('is listed from scratch after the first 504, and the view equals the new cluster', async () => {
    // The old cluster's history is far ahead of the new one's.
    const old = new SimWorld({ name: 'c', seed: 1, pods: 6, firstResourceVersion: 500_000 });
    const fresh = new SimWorld({ name: 'c', seed: 2, pods: 9 });
    const server = address(old);
    const errors: string[] = [];
    const { reflector, clock, states } = reflectorFor(server.handler, {
      onError: (e) => errors.push(e.message)
    });
    void reflector.run();
    await until(() => reflector.state === 'live' && server.requests.length === 2, 'live on the old cluster');
    expect(view(reflector)).toEqual(truth(old));
    const oldRv = reflector.lastSyncResourceVersion!;

    server.recreate(fresh);
    // The cut watch backs off once (that is the outage), then resumes from the old RV.
    await until(() => reflector.state === 'backoff', 'the cut noticed');
    const waits = states.filter((s) => s === 'backoff').length;
    clock.advance(reflector.status.nextRetryAt! - clock.now());
    await until(
      () => reflector.state === 'live' && server.requests.length === 5,
      'relisted from the new cluster'
    );

    expect(server.requests.map(describeRequest)).toEqual([
      'list@',
      `watch@${oldRv}`,
      `watch@${oldRv}`,
      // One 504, then at once a list from scratch (no resourceVersion), and a watch from it.
      'list@',
      `watch@${reflector.lastSyncResourceVersion}`
    ]);
    expect(errors.filter((e) => /too large resource version/i.test(e))).toHaveLength(1);
    expect(states.filter((s) => s === 'backoff')).toHaveLength(waits);
    // Nothing of the old cluster is left.
    expect(view(reflector)).toEqual(truth(fresh));
    expect(reflector.status).toMatchObject({ resyncing: false, state: 'live' });

    // And it follows the new cluster from there.
    const pods = fresh.cluster.type('v1', 'Pod');
    const [first] = fresh.cluster.objects(pods);
    fresh.cluster.delete(pods, first.metadata.namespace, first.metadata.name);
    await until(() => view(reflector).length === truth(fresh).length, 'the delete seen');
    expect(view(reflector)).toEqual(truth(fresh));
    reflector.stop();
    old.stop();
    fresh.stop();
  });

  it('on reload, a cached resourceVersion newer than the server’s syncs from scratch at once (streaming list)', async () => {
    const old = new SimWorld({ name: 'c', seed: 3, pods: 5, firstResourceVersion: 500_000 });
    const fresh = new SimWorld({ name: 'c', seed: 4, pods: 7 });
    // What a cache saved of the old cluster.
    const cached = old.cluster.objects(old.cluster.type('v1', 'Pod')).map((p: KubeObject) => ({
      key: `${p.metadata.namespace}/${p.metadata.name}`,
      resourceVersion: p.metadata.resourceVersion,
      item: { name: p.metadata.name, uid: p.metadata.uid, rv: p.metadata.resourceVersion }
    }));
    const server = address(fresh);
    const { reflector, states } = reflectorFor(server.handler, { streamingList: true });
    void reflector.resumeFrom(old.cluster.resourceVersion(), cached);
    await until(() => reflector.state === 'live' && !reflector.store.resyncing, 'synced');
    expect(server.requests.map(describeRequest)).toEqual([
      `watch@${old.cluster.resourceVersion()}`,
      'stream'
    ]);
    expect(states).not.toContain('backoff');
    expect(view(reflector)).toEqual(truth(fresh));
    reflector.stop();
    old.stop();
    fresh.stop();
  });
});

describe('reconnect()', () => {
  it('restarts a watch that looks open through a silent outage at once, from its resourceVersion', async () => {
    const world = new SimWorld({ name: 'c', seed: 5, pods: 6 });
    const server = address(world);
    const { reflector, clock, states } = reflectorFor(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'live' && server.requests.length === 2, 'live');
    const rv = reflector.lastSyncResourceVersion!;

    // The connection goes silent: changes meanwhile never arrive, and nothing says so.
    server.setSilent(true);
    const pods = world.cluster.type('v1', 'Pod');
    const [victim] = world.cluster.objects(pods);
    world.cluster.delete(pods, victim.metadata.namespace, victim.metadata.name);
    await tick();
    expect(view(reflector)).not.toEqual(truth(world));
    expect(reflector.state).toBe('live');

    // The cluster answers again (health recovered): the watch restarts now, not after 90 s.
    server.setSilent(false);
    const before = clock.now();
    reflector.reconnect();
    await until(() => view(reflector).length === truth(world).length, 'the missed delete');
    expect(clock.now()).toBe(before);
    expect(view(reflector)).toEqual(truth(world));
    // Resumed from the resourceVersion (the missed events replayed), not relisted.
    expect(server.requests.map(describeRequest)).toEqual(['list@', `watch@${rv}`, `watch@${rv}`]);
    expect(reflector.status).toMatchObject({ relists: 0, errors: 0, state: 'live' });
    expect(states).not.toContain('backoff');
    reflector.stop();
    world.stop();
  });

  it('ends a backoff at once', async () => {
    const world = new SimWorld({ name: 'c', seed: 6, pods: 3 });
    world.faults.add({ kind: 'status', status: 503, path: '/pods', watch: true });
    const server = address(world);
    const { reflector } = reflectorFor(server.handler);
    void reflector.run();
    await until(() => reflector.state === 'backoff', 'backing off');
    world.faults.clear();
    reflector.reconnect();
    await until(() => reflector.state === 'live', 'live');
    expect(view(reflector)).toEqual(truth(world));
    reflector.stop();
    world.stop();
  });
});

/** A watch body the test writes by hand. */
function pushStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    response: new Response(body, { headers: { 'content-type': 'application/json' } }),
    push: (event: object) => controller.enqueue(encoder.encode(JSON.stringify(event) + '\n')),
    fail: () => controller.error(new Error('connection reset by peer'))
  };
}

const bookmark = (rv: string) => ({
  type: 'BOOKMARK',
  object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: rv } }
});

/**
 * A server whose first list answers at RV 10, whose watches break at once `failures` times, and
 * then serves watches the test drives (`streams`).
 */
function flakyServer(failures: number) {
  const streams: ReturnType<typeof pushStream>[] = [];
  let lists = 0;
  let broken = 0;
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    if (!isWatch(url)) {
      lists++;
      return Response.json({
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '10' },
        items: []
      });
    }
    const stream = pushStream();
    if (broken < failures) {
      broken++;
      stream.fail();
    } else streams.push(stream);
    return stream.response;
  };
  return { handler, streams, lists: () => lists };
}

describe('backoff after a healthy period', () => {
  /** Three failures in a row, then a watch that delivers at its opening and `healthyMs` later, then breaks. */
  async function delayAfterHealthy(healthyMs: number): Promise<{ before: number[]; after: number }> {
    const server = flakyServer(3);
    const { reflector, clock } = reflectorFor(server.handler, { stallTimeoutMs: 0 });
    const before: number[] = [];
    void reflector.run();
    for (let i = 0; i < 3; i++) {
      await until(
        () => reflector.status.reconnects === i + 1 && reflector.status.nextRetryAt !== undefined,
        'backoff'
      );
      const delay = reflector.status.nextRetryAt! - clock.now();
      before.push(delay);
      clock.advance(delay);
    }
    await until(() => server.streams.length === 1 && reflector.state === 'live', 'a healthy watch');
    const [stream] = server.streams;
    stream.push(bookmark('11'));
    await until(() => reflector.lastSyncResourceVersion === '11', 'the first bookmark');
    clock.advance(healthyMs);
    stream.push(bookmark('12'));
    await until(() => reflector.lastSyncResourceVersion === '12', 'the second bookmark');
    stream.fail();
    await until(
      () => reflector.status.reconnects === 4 && reflector.status.nextRetryAt !== undefined,
      'backoff after the break'
    );
    const after = reflector.status.nextRetryAt! - clock.now();
    reflector.stop();
    return { before, after };
  }

  it('a watch that streamed for a minute costs its next failure one short delay', async () => {
    const { before, after } = await delayAfterHealthy(60_000);
    // random() = 0.5: half of a ceiling that doubles from 800 ms.
    expect(before).toEqual([400, 800, 1600]);
    // Not 3200: the minute of health (less than the 2 min without failure) reset the backoff.
    expect(after).toBe(400);
  });

  it('a watch that delivered only briefly keeps the accumulated backoff', async () => {
    const { after } = await delayAfterHealthy(5_000);
    expect(after).toBe(3200);
  });

  it('Backoff.delivered resets only for a delivery span of the healthy period', () => {
    const backoff = new Backoff({ random: () => 1, healthyAfterMs: 30_000 });
    for (let i = 0; i < 4; i++) backoff.next(0);
    expect(backoff.ceiling(0)).toBe(12_800);
    backoff.delivered(1000, 20_000);
    expect(backoff.ceiling(20_000)).toBe(12_800);
    backoff.delivered(1000, 31_000);
    expect(backoff.ceiling(31_000)).toBe(800);
  });
});
