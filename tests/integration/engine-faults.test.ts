/**
 * The whole engine under faults, as a property: random cluster changes interleaved with every
 * fault the simulator injects; once the faults stop, every view equals the server's truth.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src/lib/engine/engine';
import type { Fault } from '../../src/lib/sim/faults';
import { SimWorld } from '../../src/lib/sim/world';
import { applyWindowDiff, EMPTY_WINDOW } from '../../src/lib/view/apply';
import type { WindowState } from '../../src/lib/view/types';
import type { ResourceRef } from '../../src/lib/kube/types';

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const CONFIGMAPS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true
};

let engines: Engine[] = [];
afterEach(() => {
  for (const e of engines) e.stop();
  engines = [];
});

type Change = { op: 'add' | 'label' | 'delete'; i: number };
const change = fc.record({
  op: fc.constantFrom<Change['op']>('add', 'label', 'delete'),
  i: fc.integer({ min: 0, max: 11 })
});
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constantFrom<Fault['kind']>('cut', 'stall', 'malformed', 'error410', 'duplicate', 'replay'),
    afterEvents: fc.integer({ min: 0, max: 3 }),
    watch: fc.constant(true),
    live: fc.constant(true) // strikes the watch that is open, not only the next one
  }),
  fc.record({
    kind: fc.constant<Fault['kind']>('status'),
    status: fc.constantFrom(429, 500, 503, 504),
    retryAfterSeconds: fc.constant(0)
  }),
  fc.record({ kind: fc.constantFrom<Fault['kind']>('html', 'compact') })
);

describe('engine under faults', () => {
  it('property: when the faults stop, every view equals the server', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            change.map((c) => ({ change: c })),
            fault.map((f) => ({ fault: f }))
          ),
          { minLength: 5, maxLength: 25 }
        ),
        fc.constantFrom<string | undefined>(undefined, 'web'),
        async (steps, namespace) => {
          const world = new SimWorld({
            name: 'faulty',
            seed: 21,
            pods: 30,
            churn: 0,
            watchList: steps.length % 2 === 0,
            http: { bookmarkIntervalMs: 50 }
          });
          const engine = new Engine({
            demoClusters: () => [{ name: 'faulty', handler: world.handler, stop: () => world.stop() }],
            viewIntervalMs: 10,
            reflector: { backoff: { baseMs: 5, capMs: 40 }, stallTimeoutMs: 300, minWatchDurationMs: 0 }
          });
          engines.push(engine);
          const windows: Record<string, WindowState> = { pods: EMPTY_WINDOW, configmaps: EMPTY_WINDOW };
          for (const [name, resource] of [
            ['pods', PODS],
            ['configmaps', CONFIGMAPS]
          ] as const) {
            await engine.open(
              'view',
              {
                resource,
                namespaces: namespace ? [namespace] : undefined,
                window: { offset: 0, limit: 10_000 }
              },
              (d) => (windows[name] = applyWindowDiff(windows[name], d))
            );
          }
          const cm = world.cluster.type('v1', 'ConfigMap');
          const ns = namespace ?? 'default';
          for (const step of steps) {
            if ('fault' in step) world.faults.add(step.fault);
            else {
              const name = `p-${step.change.i}`;
              const exists = world.cluster.find(cm, ns, name);
              if (step.change.op === 'add' && !exists) {
                world.cluster.create(cm, ns, {
                  apiVersion: 'v1',
                  kind: 'ConfigMap',
                  metadata: { name },
                  data: { v: '0' }
                });
              } else if (step.change.op === 'label' && exists) {
                world.cluster.mutate(cm, ns, name, (o) => (o.metadata.labels = { n: String(Math.random()) }));
              } else if (step.change.op === 'delete' && exists) world.cluster.delete(cm, ns, name);
            }
            await new Promise((r) => setTimeout(r, 5));
          }
          await new Promise((r) => setTimeout(r, 150)); // bookmarks (every 50 ms) meet the faults still armed
          const struck = world.faults.struck.length;
          world.faults.clear();
          if (steps.some((s) => 'fault' in s && s.fault.live)) expect(struck).toBeGreaterThan(0);
          const truth = (resource: 'Pod' | 'ConfigMap') =>
            world.cluster
              .objects(world.cluster.type('v1', resource), namespace)
              .map((o) => `faulty/${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`)
              .sort();
          const shown = (w: WindowState) => w.rows.map((r) => `${r.key}@${r.resourceVersion}`).sort();
          await vi.waitFor(
            () => {
              expect(shown(windows.configmaps)).toEqual(truth('ConfigMap'));
              expect(shown(windows.pods)).toEqual(truth('Pod'));
            },
            { timeout: 15_000, interval: 50 }
          );
          engine.stop();
        }
      ),
      { numRuns: 25, seed: 20261126 }
    );
  }, 240_000);
});
