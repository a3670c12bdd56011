/**
 * The WebSocket watch adapter under a reader slower than the socket: frames queue up to a bound in
 * bytes, and past it the socket is closed and the body fails with the backpressure reason (the
 * reflector resumes from its last resourceVersion), instead of holding everything the server sends.
 * A reader that keeps up gets every event, in order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchBackpressureError, webSocketWatchTransport, type WebSocketLike } from '$lib/watch/websocket';
import type { Transport } from '$lib/watch/transport';

class FakeSocket implements WebSocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  closed = false;
  /** Frames sent while the socket was open. */
  accepted = 0;
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }
  send(data: string): void {
    if (this.closed) return;
    this.accepted++;
    this.onmessage?.({ data });
  }
}

const http: Transport = { fetch: () => Promise.reject(new Error('no HTTP in this test')) };

async function openWatch(maxQueuedBytes: number) {
  let socket!: FakeSocket;
  const transport = webSocketWatchTransport('http://k8s.invalid/', http, () => (socket = new FakeSocket()), {
    maxQueuedBytes
  });
  const pending = transport.fetch('/api/v1/pods?watch=1&resourceVersion=5');
  socket.onopen?.({});
  const response = await pending;
  return { socket, response };
}

const event = (i: number, pad = 0) =>
  JSON.stringify({
    type: 'MODIFIED',
    object: { metadata: { name: `pod-${i}`, resourceVersion: String(i) }, pad: 'x'.repeat(pad) }
  });

describe('WebSocket watch backpressure', () => {
  it('closes the socket and fails the body once a stalled reader is a bound behind', async () => {
    const bound = 64 * 1024;
    const { socket, response } = await openWatch(bound);
    const frame = event(0, 1000);
    // A fast server: ten times the bound, while nobody reads.
    for (let i = 0; i < (10 * bound) / frame.length; i++) socket.send(event(i, 1000));
    expect(socket.closed).toBe(true);
    // What was accepted before closing stays within the bound (plus the frame that overflowed).
    expect(socket.accepted * (frame.length + 1)).toBeLessThanOrEqual(bound + 2 * (frame.length + 1));
    const reader = response.body!.getReader();
    const failure = await reader.read().then(
      () => undefined,
      (e: unknown) => e
    );
    expect(failure).toBeInstanceOf(WatchBackpressureError);
    expect(String((failure as Error).message)).toMatch(
      /fell more than 64 KB of events behind.*resumes from its last resourceVersion/
    );
  });

  it('passes one event larger than the whole bound when nothing else waits', async () => {
    const { socket, response } = await openWatch(1024);
    const big = event(1, 4096);
    socket.send(big);
    expect(socket.closed).toBe(false);
    const { value } = await response.body!.getReader().read();
    expect(new TextDecoder().decode(value)).toBe(`${big}\n`);
  });

  it('gives a reader that keeps up every event, in order, whatever the bursts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 20 }),
        async (bursts) => {
          const frame = event(0, 200);
          // Room for the largest burst: a reader that reads between bursts never falls a bound behind.
          const { socket, response } = await openWatch(Math.max(...bursts) * (frame.length + 20));
          const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
          let text = '';
          let n = 0;
          for (const burst of bursts) {
            for (let i = 0; i < burst; i++) socket.send(event(n++, 200));
            // The reader drains what is queued before the next burst.
            while (text.split('\n').length - 1 < n) {
              const { value, done } = await reader.read();
              if (done) break;
              text += value;
            }
          }
          socket.close(1000);
          expect(socket.closed).toBe(true);
          const names = text
            .split('\n')
            .filter(Boolean)
            .map((l) => (JSON.parse(l) as { object: { metadata: { name: string } } }).object.metadata.name);
          expect(names).toEqual(Array.from({ length: n }, (_, i) => `pod-${i}`));
        }
      )
    );
  });
});
