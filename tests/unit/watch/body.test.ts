/**
 * Bounded whole-body reads: a body within its limit is read whole (multi-byte characters split
 * across chunks included); past the limit it is refused with a message naming the request and the
 * limit, and the rest of the body is not read; an error body is read only as far as a message needs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readJsonLimited, readTextLimited, readTextPrefix } from '$lib/watch/body';

const encoder = new TextEncoder();

/** A body served in the given chunks, counting how many were pulled and whether it was cancelled. */
function served(chunks: Uint8Array[], headers: HeadersInit = {}) {
  const seen = { pulled: 0, cancelled: false };
  let i = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (i >= chunks.length) return c.close();
        seen.pulled++;
        c.enqueue(chunks[i++]);
      },
      cancel() {
        seen.cancelled = true;
      }
    },
    { highWaterMark: 0 }
  );
  return { response: new Response(body, { headers }), seen };
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const c of [...at, bytes.length]) {
    if (c > start) out.push(bytes.slice(start, c));
    start = Math.max(start, c);
  }
  return out;
}

describe('readTextLimited', () => {
  it('reads a body within the limit whole, however it is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (text, cuts) => {
          const bytes = encoder.encode(text);
          const { response } = served(cut(bytes, cuts));
          expect(await readTextLimited(response, '/apis', bytes.length)).toBe(text);
        }
      )
    );
  });

  it('refuses a body past the limit, naming the request, without reading the rest', async () => {
    const chunk = new Uint8Array(1024).fill(0x61);
    const { response, seen } = served(Array.from({ length: 1000 }, () => chunk));
    const read = readTextLimited(response, '/apis', 32 * 1024);
    await expect(read).rejects.toThrow(BodyTooLargeError);
    await expect(read).rejects.toThrow('the response of /apis was larger than 32 KB; refused');
    expect(seen.pulled).toBeLessThanOrEqual(34);
    expect(seen.cancelled).toBe(true);
  });

  it('refuses at once a body whose Content-Length says it is too large', async () => {
    const { response, seen } = served([encoder.encode('{}')], { 'content-length': String(64 * 1024 * 1024) });
    await expect(
      readTextLimited(response, '/apis/metrics.k8s.io/v1beta1/pods', 32 * 1024 * 1024)
    ).rejects.toThrow('the response of /apis/metrics.k8s.io/v1beta1/pods was larger than 32 MB; refused');
    expect(seen.pulled).toBe(0);
  });
});

describe('readJsonLimited', () => {
  it('parses JSON within the limit and fails like response.json() on anything else', async () => {
    expect(await readJsonLimited(new Response('{"kind":"APIVersions"}'), '/api', 100)).toEqual({
      kind: 'APIVersions'
    });
    await expect(readJsonLimited(new Response('<html>'), '/api', 100)).rejects.toThrow(SyntaxError);
    await expect(readJsonLimited(new Response('x'.repeat(101)), '/api', 100)).rejects.toThrow(
      BodyTooLargeError
    );
  });
});

describe('readTextPrefix', () => {
  it('reads only the start of an enormous error body', async () => {
    const chunk = encoder.encode('é'.repeat(512)); // 1 KB of two-byte characters
    const { response, seen } = served(Array.from({ length: 10_000 }, () => chunk));
    const text = await readTextPrefix(response, 64 * 1024 + 1);
    // The half character at the cut is left out, not shown as a replacement character.
    expect(text.length).toBe(32 * 1024);
    expect(text === 'é'.repeat(32 * 1024)).toBe(true);
    expect(seen.pulled).toBeLessThanOrEqual(66);
    expect(seen.cancelled).toBe(true);
  });

  it('reads a short error body whole', async () => {
    expect(await readTextPrefix(new Response('{"kind":"Status","message":"nope"}'))).toBe(
      '{"kind":"Status","message":"nope"}'
    );
  });
});
