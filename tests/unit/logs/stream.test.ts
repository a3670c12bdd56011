/**
 * LogStream against a simulated cluster: follows a container's log as it is written, resumes after
 * connections cut anywhere (mid-line, mid-character, before the first byte) without losing or
 * repeating a line, polls when the browser has no connection to spare, and turns every error the
 * API gives into a state with a message.
 *
 * The simulator's clock is moved by the test (each step writes new lines); the simulator checks it
 * for new lines every few real milliseconds, and the stream's backoff is a few real milliseconds.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionBudget, type ClusterConnection } from '$lib/watch/budget';
import type { KubeObject } from '$lib/kube/types';
import { parseAnsi } from '$lib/logs/ansi';
import { LogStream, type LogStreamOptions } from '$lib/logs/stream';
import { splitTimestamp } from '$lib/logs/timestamp';
import type { LogLine, LogSpec, LogState } from '$lib/logs/types';
import { logLines } from '$lib/sim/logs';
import { SimWorld } from '$lib/sim/world';
import { simTransport } from '$lib/watch/transport';

const T0 = Date.parse('2026-11-26T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Cuts {
  /** For the n-th log request: cut the connection after this many bytes (none when missing). */
  cutAfter: (number | undefined)[];
  /** Bytes per chunk the client receives (chunks are cut anywhere, characters too). */
  chunkBytes: number;
  /** Whether the server honours `sinceTime` (else a resumed request gets the whole log again). */
  honourSinceTime: boolean;
}

const worlds: SimWorld[] = [];
const streams: LogStream[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.stop();
  for (const w of worlds.splice(0)) w.stop();
});

function podObject(name: string, image: string, state: object, extra: Partial<KubeObject['status']> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'web' },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image }] },
    status: {
      phase: 'Running',
      podIP: '10.244.1.7',
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state }],
      ...extra
    }
  } as unknown as KubeObject;
}

/** A simulated cluster with one pod `web/app-1` whose container started 90 s before T0. */
function harness(cuts: Cuts = { cutAfter: [], chunkBytes: 4096, honourSinceTime: true }, image = 'node:20') {
  const clock = { t: T0, now: () => clock.t };
  const world = new SimWorld({ name: 'logs', seed: 3, pods: 3, churn: 0, clock, http: { logIntervalMs: 2 } });
  worlds.push(world);
  const pods = world.cluster.type('v1', 'Pod');
  world.cluster.create(pods, 'web', podObject('app-1', image, { running: { startedAt: iso(T0 - 90_000) } }));
  let requests = 0;
  const paths: string[] = [];
  const handler = async (request: Request) => {
    const url = new URL(request.url);
    const response = await world.handler(request);
    if (!url.pathname.endsWith('/log') || !response.ok || !response.body) return response;
    paths.push(url.pathname + url.search);
    const since = cuts.honourSinceTime ? url.searchParams.get('sinceTime') : null;
    const cutAfter = cuts.cutAfter[requests++];
    return new Response(faulty(response.body, since, cuts.chunkBytes, cutAfter), {
      headers: response.headers
    });
  };
  const transport = simTransport(handler);
  const connection: ClusterConnection = { origin: undefined, transport: () => transport };
  const updates: { lines: LogLine[]; state: LogState; error?: string }[] = [];
  const lines = () => updates.flatMap((u) => u.lines);
  const states = () => updates.map((u) => u.state);
  const open = (spec: Partial<LogSpec> = {}, options: Partial<LogStreamOptions> = {}) => {
    const stream = new LogStream({
      spec: { cluster: 'logs', namespace: 'web', pod: 'app-1', container: 'app', follow: true, ...spec },
      connection,
      budget: new ConnectionBudget(),
      post: (u) => updates.push(u),
      flushMs: 1,
      backoff: { baseMs: 2, capMs: 4 },
      idleBackoff: { baseMs: 2, capMs: 4 },
      ...options
    });
    streams.push(stream);
    stream.start();
    return stream;
  };
  /** The log as the server has it now: `ts text` with escapes removed, as the page shows it. */
  const truth = (opts: { tailLines?: number; previous?: boolean; pod?: string } = {}) =>
    logLines(
      world.cluster.get(pods, 'web', opts.pod ?? 'app-1'),
      'app',
      { timestamps: true, ...opts },
      clock.t
    ).map((raw) => {
      const s = splitTimestamp(raw);
      return `${s.ts} ${parseAnsi(s.text).text}`;
    });
  const shown = () => lines().map((l) => `${l.ts} ${l.text}`);
  return { world, clock, pods, open, updates, lines, states, truth, shown, paths };
}

/**
 * The body as a flaky network delivers it: optionally filtered by `sinceTime` (as a real server
 * does), in chunks of `chunkBytes`, broken after `cutAfter` bytes.
 */
function faulty(
  body: ReadableStream<Uint8Array>,
  sinceTime: string | null,
  chunkBytes: number,
  cutAfter: number | undefined
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let partial = '';
  let sent = 0;
  let broken = false;
  const since = sinceTime ? splitTimestamp(`${sinceTime} `).key : '';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Broken once what came before the cut was read (erroring drops chunks not read yet).
      if (broken) return controller.error(new TypeError('network error: connection reset (test)'));
      const { done, value } = await reader.read();
      if (done) return controller.close();
      let bytes = value;
      if (since) {
        const text = partial + decoder.decode(value, { stream: true });
        const complete = text.slice(0, text.lastIndexOf('\n') + 1);
        partial = text.slice(complete.length);
        const kept = complete
          .split('\n')
          .slice(0, -1)
          .filter((l) => splitTimestamp(l).key >= since);
        bytes = encoder.encode(kept.map((l) => `${l}\n`).join(''));
      }
      for (let i = 0; i < bytes.length; i += chunkBytes) {
        let piece = bytes.subarray(i, i + chunkBytes);
        if (cutAfter !== undefined && sent + piece.length >= cutAfter) {
          piece = piece.subarray(0, cutAfter - sent);
          if (piece.length) controller.enqueue(piece.slice());
          void reader.cancel();
          broken = true;
          if (piece.length === 0) controller.error(new TypeError('network error: connection reset (test)'));
          return;
        }
        sent += piece.length;
        controller.enqueue(piece.slice());
      }
    },
    cancel() {
      void reader.cancel();
    }
  });
}

const until = async (check: () => boolean, message: string, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await realSleep(2);
  }
};

describe('LogStream', () => {
  it('follows the log: the whole log first, then each line as it is written, with ANSI as styles', async () => {
    const h = harness();
    h.open();
    await until(() => h.shown().length >= h.truth().length && h.truth().length > 0, 'initial log');
    expect(h.shown()).toEqual(h.truth());
    expect(h.states()).toContain('live');
    expect(h.lines().some((l) => l.segments?.some((s) => s.fg !== undefined))).toBe(true);
    expect(h.lines().every((l) => !l.text.includes('\x1b'))).toBe(true);
    const before = h.shown().length;
    h.clock.t += 30_000;
    await until(() => h.shown().length >= h.truth().length, 'new lines');
    expect(h.shown().length).toBeGreaterThan(before);
    expect(h.shown()).toEqual(h.truth());
    // Always asks for timestamps; never both since parameters.
    expect(h.paths[0]).toContain('timestamps=true');
  });

  it('delivers the server log exactly once, in order, however the connection is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          cutAfter: fc.array(fc.option(fc.nat(6000), { nil: undefined }), { maxLength: 6 }),
          chunkBytes: fc.integer({ min: 1, max: 700 }),
          honourSinceTime: fc.boolean()
        }),
        fc.array(fc.integer({ min: 0, max: 8000 }), { maxLength: 5 }),
        async (cuts, steps) => {
          const h = harness(cuts);
          h.open();
          for (const step of steps) {
            h.clock.t += step;
            await realSleep(3);
          }
          await until(() => h.shown().length >= h.truth().length, 'caught up');
          await realSleep(5); // a duplicate would arrive now
          expect(h.shown()).toEqual(h.truth());
          for (const s of streams.splice(0)) s.stop();
          for (const w of worlds.splice(0)) w.stop();
        }
      ),
      { numRuns: 40 }
    );
  }, 120_000);

  it('reads a tail and completes when not following', async () => {
    const h = harness();
    h.open({ follow: false, tailLines: 5 });
    await until(() => h.states().includes('complete'), 'complete');
    expect(h.shown()).toEqual(h.truth().slice(-5));
    expect(h.paths[0]).toContain('tailLines=5');
    expect(h.paths[0]).not.toContain('follow');
  });

  it('resumes from the last line with sinceTime, never with the tail again', async () => {
    const h = harness({ cutAfter: [300], chunkBytes: 64, honourSinceTime: true });
    h.open({ tailLines: 20 });
    await until(() => h.shown().length >= 20, 'tail');
    expect(h.paths[1]).toMatch(/sinceTime=2026-11-26T\d\d%3A\d\d%3A\d\dZ/);
    expect(h.paths[1]).not.toContain('tailLines');
    expect(h.shown()).toEqual(h.truth({ tailLines: 20 }));
    expect(h.states()).toContain('reconnecting');
  });

  it('says when the pod is gone, when there is no previous container, and when it may not read', async () => {
    const h = harness();
    h.open({ pod: 'nope' });
    await until(() => h.states().includes('gone'), 'gone');
    expect(h.updates.at(-1)?.error).toMatch(/nope no longer exists/);

    const p = harness();
    p.open({ previous: true });
    await until(() => p.states().includes('no-previous'), 'no previous');
    expect(p.updates.at(-1)?.error).toMatch(/no previous instance/);

    const f = harness();
    f.world.faults.add({ kind: 'status', status: 403, path: '/log' });
    f.open();
    await until(() => f.states().includes('forbidden'), 'forbidden');
    expect(f.updates.at(-1)?.error).toMatch(/may not read the logs of pod app-1/);
  });

  it('retries server errors and then delivers the log', async () => {
    const h = harness();
    h.world.faults.add({ kind: 'status', status: 503, path: '/log', times: 2 });
    h.open();
    await until(() => h.shown().length >= h.truth().length && h.truth().length > 0, 'log after 503s');
    expect(h.states()).toContain('reconnecting');
    expect(h.updates.find((u) => u.state === 'reconnecting')?.error).toMatch(/503/);
    expect(h.shown()).toEqual(h.truth());
  });

  it('waits for a container that has not started, then follows it', async () => {
    const h = harness();
    h.world.cluster.create(
      h.pods,
      'web',
      podObject('app-2', 'node:20', { waiting: { reason: 'ContainerCreating' } })
    );
    h.open({ pod: 'app-2' });
    await until(() => h.states().includes('waiting'), 'waiting');
    expect(h.updates.at(-1)?.error).toMatch(/has not started yet.*ContainerCreating/);
    h.world.cluster.mutate(h.pods, 'web', 'app-2', (pod) => {
      pod.status!.containerStatuses[0].state = { running: { startedAt: iso(T0 - 10_000) } };
    });
    await until(() => h.states().includes('live') && h.shown().length > 0, 'live');
    await until(() => h.shown().length >= h.truth({ pod: 'app-2' }).length, 'log');
    expect(h.shown()).toEqual(h.truth({ pod: 'app-2' }));
  });

  it('polls when the origin has no connection to spare, and follows once one frees up', async () => {
    const h = harness();
    const origin = 'http://127.0.0.1:8001';
    const budget = new ConnectionBudget({ connectionsPerOrigin: 3, reservedForRequests: 2 });
    budget.setWebSocketSupport(origin, 'fails');
    budget.request('a-table', origin, 'foreground', () => {});
    const transport = simTransport(h.world.handler);
    h.open({}, { budget, connection: { origin, transport: () => transport }, pollMs: 5 });
    await until(() => h.states().includes('polling') && h.shown().length > 0, 'polling');
    h.clock.t += 10_000;
    await until(() => h.shown().length >= h.truth().length, 'polled lines');
    expect(h.shown()).toEqual(h.truth());
    budget.release('a-table');
    await until(() => h.states().at(-1) === 'live', 'live after the slot freed');
    expect(budget.snapshot()[0].chunkedInUse).toBe(1);
    h.clock.t += 10_000;
    await until(() => h.shown().length >= h.truth().length, 'followed lines');
    expect(h.shown()).toEqual(h.truth());
    for (const s of streams) s.stop();
    expect(budget.snapshot()).toEqual([]);
  });

  it('sends nothing after stop', async () => {
    const h = harness();
    const stream = h.open();
    await until(() => h.shown().length > 0, 'lines');
    stream.stop();
    const count = h.updates.length;
    h.clock.t += 30_000;
    await realSleep(20);
    expect(h.updates.length).toBe(count);
  });
});
