import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionBudget, type Lease, type Priority } from '$lib/watch/budget';

const ORIGIN = 'http://127.0.0.1:8001';

describe('ConnectionBudget', () => {
  it('gives every informer a WebSocket where the origin accepts them', () => {
    const budget = new ConnectionBudget();
    const leases = Array.from({ length: 12 }, (_, i) =>
      budget.request(`i${i}`, ORIGIN, 'background', () => {})
    );
    expect(leases.every((l) => l?.kind === 'websocket')).toBe(true);
  });

  it('keeps connections free for requests when watches must be chunked', () => {
    const budget = new ConnectionBudget({ connectionsPerOrigin: 6, reservedForRequests: 2 });
    budget.setWebSocketSupport(ORIGIN, 'fails');
    const leases = Array.from({ length: 8 }, (_, i) =>
      budget.request(`i${i}`, ORIGIN, 'background', () => {})
    );
    expect(leases.filter(Boolean)).toHaveLength(4);
    expect(budget.snapshot()[0]).toMatchObject({
      chunkedInUse: 4,
      chunkedSlots: 4,
      waiting: ['i4', 'i5', 'i6', 'i7']
    });
  });

  it('lets a view on screen take a slot from a background informer, which is told', () => {
    const budget = new ConnectionBudget({ connectionsPerOrigin: 3, reservedForRequests: 2 });
    budget.setWebSocketSupport(ORIGIN, 'fails');
    let revoked = false;
    budget.request('bg', ORIGIN, 'background', () => (revoked = true));
    const lease = budget.request('fg', ORIGIN, 'foreground', () => {});
    expect(lease?.kind).toBe('chunked');
    expect(revoked).toBe(true);
    expect(budget.leaseOf('bg')).toBeUndefined();
    expect(budget.nextCatchUp(ORIGIN)).toBe('bg');
  });

  it('hands a freed slot to the next waiting informer and rotates catch-ups', () => {
    const budget = new ConnectionBudget({ connectionsPerOrigin: 3, reservedForRequests: 2 });
    budget.setWebSocketSupport(ORIGIN, 'fails');
    const granted: string[] = [];
    budget.onGranted = (id) => granted.push(id);
    const first = budget.request('a', ORIGIN, 'background', () => {})!;
    budget.request('b', ORIGIN, 'background', () => {});
    budget.request('c', ORIGIN, 'background', () => {});
    expect([budget.nextCatchUp(ORIGIN), budget.nextCatchUp(ORIGIN), budget.nextCatchUp(ORIGIN)]).toEqual([
      'b',
      'c',
      'b'
    ]);
    first.release();
    expect(granted).toEqual(['b']);
    expect(budget.leaseOf('b')?.kind).toBe('chunked');
  });

  it('property: never more chunked watches than slots; a foreground informer never waits while a background one holds a slot', () => {
    type Op =
      | { op: 'request'; id: number; priority: Priority }
      | { op: 'priority'; id: number; priority: Priority }
      | { op: 'release'; id: number }
      | { op: 'end'; id: number };
    const id = fc.integer({ min: 0, max: 9 });
    const priority = fc.constantFrom<Priority>('foreground', 'background');
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('request' as const), id, priority }),
      fc.record({ op: fc.constant('priority' as const), id, priority }),
      fc.record({ op: fc.constant('release' as const), id }),
      fc.record({ op: fc.constant('end' as const), id })
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (ops, slots) => {
        const budget = new ConnectionBudget({ connectionsPerOrigin: slots + 2, reservedForRequests: 2 });
        budget.setWebSocketSupport(ORIGIN, 'fails');
        const priorities = new Map<string, Priority>();
        const leases = new Map<string, Lease>();
        budget.onGranted = (i, l) => leases.set(i, l);
        for (const o of ops) {
          const key = `i${o.id}`;
          if (o.op === 'request') {
            priorities.set(key, o.priority);
            const l = budget.request(key, ORIGIN, o.priority, () => leases.delete(key));
            if (l) leases.set(key, l);
            else leases.delete(key);
          } else if (o.op === 'priority' && priorities.has(key)) {
            priorities.set(key, o.priority);
            const l = budget.setPriority(key, o.priority);
            if (l) leases.set(key, l);
          } else if (o.op === 'release') {
            priorities.delete(key);
            leases.delete(key);
            budget.release(key);
          } else if (o.op === 'end') {
            const l = leases.get(key);
            leases.delete(key);
            l?.release(); // the watch ended; the informer waits for a slot (it may get one back at once)
          }
          const [snap] = budget.snapshot();
          if (!snap) continue;
          expect(snap.chunkedInUse).toBeLessThanOrEqual(slots);
          const holders = [...priorities.keys()].filter((k) => budget.leaseOf(k));
          const fgWaiting = snap.waiting.some((k) => priorities.get(k) === 'foreground');
          if (fgWaiting) expect(holders.every((k) => priorities.get(k) === 'foreground')).toBe(true);
          // What the informers were told matches what the budget holds.
          for (const k of priorities.keys()) expect(!!budget.leaseOf(k)).toBe(leases.has(k));
        }
      }),
      { numRuns: 300 }
    );
  });
});
