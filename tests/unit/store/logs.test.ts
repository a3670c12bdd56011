/**
 * The page's log buffer and store: lines of several pods, arriving in batches in any interleaving,
 * end up in timestamp order (a tie keeps arrival order), bounded to the newest lines with the
 * dropped ones counted; the store opens and closes one stream per pod and container, gives each pod
 * a stable colour, and holds the view still while paused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogLine, LogSpec, LogUpdate } from '$lib/logs/types';
import { LogBuffer } from '$lib/logs/buffer';
import { logStore, type LogsView } from '$lib/store/logs';

const ts = (second: number, nanos = 0) =>
  `2026-11-26T10:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.${String(nanos).padStart(9, '0')}Z`;
const line = (pod: string, second: number, text = `${pod}@${second}`): LogLine => ({
  pod,
  container: 'app',
  ts: ts(second),
  text
});

describe('LogBuffer', () => {
  it('merges the batches of several pods by timestamp, whatever their interleaving, keeping the newest', () => {
    const podLog = fc
      .array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 })
      .map((gaps) => gaps.reduce<number[]>((acc, g) => [...acc, (acc.at(-1) ?? 0) + g], []));
    fc.assert(
      fc.property(
        fc.array(podLog, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 8 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 80 }),
        (pods, schedule, capacity) => {
          const logs = pods.map((seconds, p) =>
            seconds.map((s, i) => line(`pod-${p}`, s, `pod-${p} line ${i}`))
          );
          const buffer = new LogBuffer(capacity);
          const arrived: LogLine[] = [];
          const send = (p: number, n: number) => {
            const batch = logs[p].splice(0, n);
            arrived.push(...batch);
            buffer.add(batch);
          };
          for (const [p, n] of schedule) send(p % logs.length, n);
          for (let p = 0; p < logs.length; p++) send(p, Infinity);
          // The model: every line ever received, sorted by time (stable: arrival order for ties).
          const model = [...arrived].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
          const kept = model.slice(Math.max(0, model.length - capacity));
          expect(buffer.lines.map((l) => l.text)).toEqual(kept.map((l) => l.text));
          expect(buffer.dropped).toBe(model.length - kept.length);
        }
      )
    );
  });
});

/** A fake engine: records open streams and lets the test post to them. */
function fakeEngine() {
  const open = new Map<string, (u: LogUpdate) => void>();
  const opened: LogSpec[] = [];
  const opener = (spec: LogSpec, post: (u: LogUpdate) => void) => {
    const key = `${spec.pod}/${spec.container}`;
    opened.push(spec);
    open.set(key, post);
    return () => open.delete(key);
  };
  return { open, opened, opener };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('logStore', () => {
  const base = { cluster: 'c', namespace: 'web', follow: true, tailLines: 100 };

  it('opens a stream per pod and container, closes those no longer wanted, and merges their lines', async () => {
    const engine = fakeEngine();
    const store = logStore(engine.opener, base, { notifyMs: 0 });
    let view: LogsView | undefined;
    const unsubscribe = store.subscribe((v) => (view = v));
    store.setTargets([
      { pod: 'a', container: 'app' },
      { pod: 'b', container: 'app' }
    ]);
    expect([...engine.open.keys()]).toEqual(['a/app', 'b/app']);
    expect(engine.opened[0]).toEqual({ ...base, pod: 'a', container: 'app' });
    engine.open.get('a/app')!({ lines: [line('a', 1), line('a', 3)], state: 'live' });
    engine.open.get('b/app')!({ lines: [line('b', 2)], state: 'live' });
    await tick();
    expect(view!.lines.map((l) => l.text)).toEqual(['a@1', 'b@2', 'a@3']);
    const colors = Object.fromEntries(view!.sources.map((s) => [s.pod, s.color]));
    expect(colors.a).not.toBe(colors.b);

    store.setTargets([
      { pod: 'b', container: 'app' },
      { pod: 'c', container: 'app' }
    ]);
    expect([...engine.open.keys()]).toEqual(['b/app', 'c/app']);
    await tick();
    const after = Object.fromEntries(view!.sources.map((s) => [s.pod, s.color]));
    expect(after.b).toBe(colors.b);
    expect(after.c).not.toBe(after.b);
    // The lines of a pod that went stay.
    expect(view!.lines.map((l) => l.text)).toContain('a@1');

    unsubscribe();
    expect(engine.open.size).toBe(0);
  });

  it('holds the view still while paused, counts what arrives, and shows it on resume', async () => {
    const engine = fakeEngine();
    const store = logStore(engine.opener, base, { notifyMs: 0 });
    let view: LogsView | undefined;
    store.subscribe((v) => (view = v));
    store.setTargets([{ pod: 'a', container: 'app' }]);
    const post = engine.open.get('a/app')!;
    post({ lines: [line('a', 1)], state: 'live' });
    store.pause();
    post({ lines: [line('a', 2), line('a', 3)], state: 'live' });
    await tick();
    expect(view!.paused).toBe(true);
    expect(view!.lines.map((l) => l.text)).toEqual(['a@1']);
    expect(view!.newWhilePaused).toBe(2);
    expect(store.all().map((l) => l.text)).toEqual(['a@1', 'a@2', 'a@3']);
    store.resume();
    await tick();
    expect(view!.paused).toBe(false);
    expect(view!.lines.map((l) => l.text)).toEqual(['a@1', 'a@2', 'a@3']);
  });

  it('reports each stream state and error', async () => {
    const engine = fakeEngine();
    const store = logStore(engine.opener, base, { notifyMs: 0 });
    let view: LogsView | undefined;
    store.subscribe((v) => (view = v));
    store.setTargets([{ pod: 'a', container: 'app' }]);
    engine.open.get('a/app')!({ lines: [], state: 'forbidden', error: 'You may not read the logs of pod a' });
    await tick();
    expect(view!.sources).toEqual([
      {
        pod: 'a',
        container: 'app',
        state: 'forbidden',
        error: 'You may not read the logs of pod a',
        color: 0
      }
    ]);
  });
});
