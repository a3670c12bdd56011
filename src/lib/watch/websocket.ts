/**
 * Watches over WebSocket. Browsers allow 6 HTTP/1.1 connections per origin (shared by every tab and
 * worker), and a chunked watch holds one for minutes; WebSockets do not count against that limit,
 * kube-apiserver serves a watch over one (one JSON event per text frame) and kubectl proxy passes
 * the upgrade through. This transport turns the frames back into the NDJSON body of a Response, so
 * the Reflector reads both kinds of watch the same way.
 *
 * Backpressure: a browser WebSocket cannot be paused, so frames that the reader has not taken yet
 * are queued, up to a bound in bytes. Past it the socket is closed and the body fails with
 * WatchBackpressureError: the reflector resumes the watch from the last resourceVersion it
 * applied, so nothing is lost, and a slow consumer never holds gigabytes of events.
 */
import type { Transport } from './transport';

/** The part of the WebSocket interface this transport uses (the browser's, or `ws` in Node tests). */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

/** Bytes of events queued for a slow reader before the watch is cut (and resumed). */
export const WEBSOCKET_QUEUE_BYTES = 16 * 1024 * 1024;

export interface WebSocketWatchOptions {
  /** Bytes of unread events queued at most. Default WEBSOCKET_QUEUE_BYTES. */
  maxQueuedBytes?: number;
}

/** The reader fell too far behind the socket: the watch was cut, to be resumed. */
export class WatchBackpressureError extends Error {
  constructor(readonly limit: number) {
    super(
      `the watch fell more than ${Math.round(limit / 1024)} KB of events behind; ` +
        'the WebSocket was closed and the watch resumes from its last resourceVersion'
    );
    this.name = 'WatchBackpressureError';
  }
}

export class WebSocketUnavailableError extends Error {
  constructor(url: string, detail: string) {
    super(`WebSocket watch to ${url} failed before it opened (${detail})`);
  }
}

export function isWatchRequest(path: string, init?: RequestInit): boolean {
  const method = (init?.method ?? 'GET').toUpperCase();
  const q = path.includes('?') ? new URLSearchParams(path.slice(path.indexOf('?') + 1)) : undefined;
  return method === 'GET' && !!q && /^(1|true)$/.test(q.get('watch') ?? '');
}

/**
 * `baseUrl` is the API root over HTTP (e.g. `http://127.0.0.1:8001/k8s/`); watch requests go to the
 * same path over ws(s)://, everything else through `http`. Rejects with WebSocketUnavailableError
 * when the upgrade fails, so the caller can fall back to a chunked watch.
 */
export function webSocketWatchTransport(
  baseUrl: string | URL,
  http: Transport,
  open: WebSocketFactory,
  options: WebSocketWatchOptions = {}
): Transport {
  const maxQueued = options.maxQueuedBytes ?? WEBSOCKET_QUEUE_BYTES;
  const root = String(baseUrl).replace(/\/+$/, '').replace(/^http/, 'ws');
  const encoder = new TextEncoder();
  return {
    fetch(path, init) {
      if (!isWatchRequest(path, init)) return http.fetch(path, init);
      const url = root + path;
      return new Promise<Response>((resolve, reject) => {
        const signal = init?.signal;
        if (signal?.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
        let ws: WebSocketLike;
        try {
          ws = open(url);
        } catch (e) {
          return reject(new WebSocketUnavailableError(url, String(e)));
        }
        let opened = false;
        /** The body failed (backpressure) or was cancelled: later frames are dropped. */
        let done = false;
        let controller!: ReadableStreamDefaultController<Uint8Array>;
        // desiredSize = maxQueued − bytes queued and not read yet.
        const body = new ReadableStream<Uint8Array>(
          {
            start: (c) => void (controller = c),
            cancel: () => {
              done = true;
              ws.close(1000);
            }
          },
          new ByteLengthQueuingStrategy({ highWaterMark: maxQueued })
        );
        const abort = () => {
          ws.close(1000);
          if (!opened) reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
          else controller.error(signal?.reason ?? new DOMException('aborted', 'AbortError'));
        };
        signal?.addEventListener('abort', abort, { once: true });
        ws.onopen = () => {
          opened = true;
          resolve(new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
        };
        ws.onmessage = (ev) => {
          if (done) return;
          const data =
            typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer);
          const bytes = encoder.encode(data.endsWith('\n') ? data : data + '\n');
          const room = controller.desiredSize ?? 0;
          // An event larger than the whole bound still passes when nothing else waits.
          if (bytes.byteLength > room && room < maxQueued) {
            done = true;
            signal?.removeEventListener('abort', abort);
            ws.close(1000);
            controller.error(new WatchBackpressureError(maxQueued));
            return;
          }
          try {
            controller.enqueue(bytes);
          } catch {
            // stream already cancelled
          }
        };
        ws.onerror = () => {
          // onclose follows with the code; nothing to do here
        };
        ws.onclose = (ev) => {
          signal?.removeEventListener('abort', abort);
          if (done) return;
          if (!opened)
            return reject(
              new WebSocketUnavailableError(url, `code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}`)
            );
          try {
            // A clean close ends the watch like the end of a chunked body; anything else is a drop.
            if (ev.code === 1000) controller.close();
            else
              controller.error(new Error(`watch WebSocket closed with code ${ev.code} ${ev.reason}`.trim()));
          } catch {
            // stream already cancelled
          }
        };
      });
    }
  };
}
