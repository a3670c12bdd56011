/**
 * Logs through the Engine: openLogs streams a demo cluster's container log to `post`, an unknown
 * cluster is refused, and closing the stream, the tab that opened it (closeOwner) or the engine
 * stops every post.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '$lib/engine/engine';
import type { LogUpdate } from '$lib/logs/types';
import { createDemoClusters } from '$lib/sim/demo';

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

async function setup() {
  const demo = createDemoClusters([{ name: 'one', seed: 5, pods: 20, churn: 0, http: { logIntervalMs: 5 } }]);
  const engine = new Engine({ demoClusters: () => demo });
  cleanup.push(() => engine.stop());
  await engine.start();
  const world = demo[0].world;
  const pod = world.cluster
    .objects(world.cluster.type('v1', 'Pod'))
    .find((p) => p.status?.phase === 'Running' && p.spec?.containers.length === 1)!;
  const spec = {
    cluster: 'one',
    namespace: pod.metadata.namespace!,
    pod: pod.metadata.name,
    container: pod.spec!.containers[0].name as string,
    follow: true,
    tailLines: 5
  };
  return { engine, spec };
}

describe('Engine logs', () => {
  it('streams a container log to post, and closeLogs stops it', async () => {
    const { engine, spec } = await setup();
    const updates: LogUpdate[] = [];
    const id = await engine.open('logs', spec, (u) => updates.push(u), 'tab-1');
    await vi.waitFor(() => expect(updates.flatMap((u) => u.lines).length).toBeGreaterThanOrEqual(5));
    expect(updates.at(-1)?.state).toBe('live');
    expect(updates.flatMap((u) => u.lines)[0]).toMatchObject({ pod: spec.pod, container: spec.container });
    engine.close(id);
    const count = updates.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(updates.length).toBe(count);
  });

  it('closes the streams of a tab that went, and of a stopped engine', async () => {
    const { engine, spec } = await setup();
    const a: LogUpdate[] = [];
    const b: LogUpdate[] = [];
    await engine.open('logs', spec, (u) => a.push(u), 'tab-a');
    await engine.open('logs', spec, (u) => b.push(u), 'tab-b');
    await vi.waitFor(() => expect(a.length && b.length).toBeGreaterThan(0));
    engine.closeOwner('tab-a');
    const [countA, countB] = [a.length, b.length];
    // tab-b's stream is unaffected: its log keeps coming (one line about every 1.5 s of the real clock).
    await vi.waitFor(() => expect(b.length).toBeGreaterThan(countB), { timeout: 8000 });
    expect(a.length).toBe(countA);
    engine.stop();
    const afterStop = b.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(b.length).toBe(afterStop);
  }, 15_000);

  it('refuses an unknown cluster', async () => {
    const { engine, spec } = await setup();
    await expect(engine.open('logs', { ...spec, cluster: 'nope' }, () => {})).rejects.toThrow(
      /unknown cluster "nope"/
    );
  });
});
