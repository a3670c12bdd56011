/**
 * The benchmark's API server: a simulated cluster served over real HTTP in its own process (as a
 * real API server is), so the client's CPU and heap figures hold only the client. The parent drives
 * it over IPC (see SimCommand): bursts and steady churn of pod changes, and byte counts of what it
 * served. Every change sets the label LABEL_SEQ to a global sequence number, so the client can tell
 * which change a row it shows carries.
 *
 * Started by harness.ts (`fork` with `--import tsx`); not a script to run by hand.
 */
import type { ApiHandler } from '../../src/lib/sim/http';
import type { ResourceType } from '../../src/lib/kube/types';
import { SimWorld } from '../../src/lib/sim/world';
import { serveHandler } from '../sim/node-server';
import type { ByteCounts, PodRef, SimCommand, SimReply } from './protocol';
import { LABEL_SEQ } from './protocol';

const pods = Number(process.env.BENCH_PODS ?? 10_000);
// The default history (20,000 changes) is what a warm reload must resume within.

const world = new SimWorld({ name: 'bench', seed: 7, pods, churn: 0 });
const cluster = world.cluster;
const podType: ResourceType = cluster.type('v1', 'Pod');
// Controllers and churn never run (no world.start()): the only changes are the ones asked for.
const allPods: PodRef[] = cluster
  .objects(podType)
  .map((p) => ({ namespace: p.metadata.namespace!, name: p.metadata.name }));

let hot: PodRef[] = [];
let seq = 0;
let bytes: ByteCounts = emptyCounts();

function emptyCounts(): ByteCounts {
  return { list: 0, streamingList: 0, watch: 0, other: 0, podRequests: 0, listRequests: 0 };
}

/** One change: a new label value, as a controller writing status would make a new resourceVersion. */
function change(p: PodRef): number {
  const s = ++seq;
  cluster.mutate(podType, p.namespace, p.name, (o) => {
    o.metadata.labels = { ...o.metadata.labels, [LABEL_SEQ]: String(s) };
  });
  return s;
}

// A small deterministic generator, so runs pick the same pods.
let state = 0x9e3779b9;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
}
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];

const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

/** `count` changes on random pods as fast as the server makes them, then one on a window pod. */
async function burst(count: number) {
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    change(pick(allPods));
    // Let the HTTP layer write what is queued, as a busy API server interleaves writes and sends.
    if (i % 200 === 199) await yieldToIo();
  }
  const sentinel = pick(hot.length ? hot : allPods);
  const sentinelSeq = change(sentinel);
  return { t0, t1: Date.now(), sentinel, sentinelSeq };
}

/**
 * Steady churn for `durationMs`: `rate` changes/s on random pods plus `hotRate` changes/s on the
 * window's pods; returns every window change with its time, for the latency figures.
 */
async function churn(durationMs: number, rate: number, hotRate: number) {
  const changes: { pod: PodRef; seq: number; at: number }[] = [];
  const start = Date.now();
  let made = 0;
  let madeHot = 0;
  let total = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(durationMs, Date.now() - start);
      while (made < (rate * elapsed) / 1000) {
        change(pick(allPods));
        made++;
        total++;
      }
      while (madeHot < (hotRate * elapsed) / 1000) {
        const pod = pick(hot.length ? hot : allPods);
        const s = change(pod);
        changes.push({ pod, seq: s, at: Date.now() });
        madeHot++;
        total++;
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  return { changes, total };
}

/** Counts response body bytes by request kind, for pods (the collection the views show). */
function counting(handler: ApiHandler): ApiHandler {
  return async (request) => {
    const response = await handler(request);
    const url = new URL(request.url);
    const isPods = /\/pods$/.test(url.pathname);
    if (!response.body) return response;
    const watch = /^(1|true)$/.test(url.searchParams.get('watch') ?? '');
    const kind: keyof ByteCounts = !isPods
      ? 'other'
      : !watch
        ? 'list'
        : url.searchParams.get('sendInitialEvents') === 'true'
          ? 'streamingList'
          : 'watch';
    if (isPods) {
      bytes.podRequests++;
      if (kind !== 'watch') bytes.listRequests++;
    }
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes[kind] += chunk.byteLength;
        controller.enqueue(chunk);
      }
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers
    });
  };
}

const server = await serveHandler(counting(world.handler));

function reply(message: SimReply) {
  process.send!(message);
}

process.on('message', (raw) => {
  const command = raw as SimCommand;
  void (async () => {
    switch (command.type) {
      case 'window':
        hot = command.pods;
        return reply({ type: 'ok', id: command.id });
      case 'burst':
        return reply({ type: 'burst', id: command.id, ...(await burst(command.count)) });
      case 'churn':
        return reply({
          type: 'churn',
          id: command.id,
          ...(await churn(command.durationMs, command.rate, command.hotRate))
        });
      case 'bytes': {
        const counts = bytes;
        if (command.reset) bytes = emptyCounts();
        return reply({ type: 'bytes', id: command.id, bytes: counts });
      }
      case 'stop':
        await server.close();
        reply({ type: 'ok', id: command.id });
        process.exit(0);
    }
  })();
});

reply({
  type: 'ready',
  id: 0,
  url: server.url,
  pods: allPods.length,
  resourceVersion: cluster.resourceVersion()
});
