/**
 * LogStream against a hostile container: 50 MB printed without a newline reaches the page as one
 * line cut with a visible marker, followed by the lines after it, and the stream never holds the
 * 50 MB (it reads them chunk by chunk and keeps at most the maximum line).
 */
import { describe, expect, it } from 'vitest';
import { LogStream } from '$lib/logs/stream';
import { LOG_LINE_BYTES } from '$lib/logs/lines';
import type { LogUpdate } from '$lib/logs/types';
import { ConnectionBudget, type ClusterConnection } from '$lib/watch/budget';
import type { Transport } from '$lib/watch/transport';

describe('LogStream against a container printing without newlines', () => {
  it('posts the start of an enormous line with a marker, then the next lines', async () => {
    const encoder = new TextEncoder();
    const chunk = new Uint8Array(1024 * 1024).fill(0x41); // 1 MB of "A"
    let served = 0;
    const transport: Transport = {
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>(
            {
              start(c) {
                c.enqueue(encoder.encode('2026-11-26T10:00:01Z '));
              },
              pull(c) {
                if (served++ < 50) c.enqueue(chunk);
                else {
                  c.enqueue(encoder.encode('\n2026-11-26T10:00:02Z after\n'));
                  c.close();
                }
              }
            },
            { highWaterMark: 0 }
          ),
          { headers: { 'content-type': 'text/plain' } }
        )
    };
    const connection: ClusterConnection = { origin: undefined, transport: () => transport };
    const updates: LogUpdate[] = [];
    const stream = new LogStream({
      spec: { cluster: 'c', namespace: 'web', pod: 'p', container: 'app', follow: false },
      connection,
      budget: new ConnectionBudget(),
      post: (u) => updates.push(u),
      flushMs: 1
    });
    stream.start();
    while (!updates.some((u) => u.state === 'complete')) await new Promise((r) => setTimeout(r, 5));
    stream.stop();
    const lines = updates.flatMap((u) => u.lines);
    expect(lines.map((l) => l.ts)).toEqual(['2026-11-26T10:00:01Z', '2026-11-26T10:00:02Z']);
    expect(lines[0].text).toMatch(/^A+ … \[line cut at 256 KB\]$/);
    expect(lines[0].text.length).toBeLessThanOrEqual(LOG_LINE_BYTES + 30);
    expect(lines[1].text).toBe('after');
    expect(served).toBe(51);
  });
});
