/**
 * Watches over WebSocket. Browsers allow 6 HTTP/1.1 connections per origin (shared by every tab and
 * worker), and a chunked watch holds one for minutes; WebSockets do not count against that limit,
 * kube-apiserver serves a watch over one (one JSON event per text frame) and kubectl proxy passes
 * the upgrade through. This transport turns the frames back into the NDJSON body of a Response, so
 * the Reflector reads both kinds of watch the same way.
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
  open: WebSocketFactory
): Transport {
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
        let controller!: ReadableStreamDefaultController<Uint8Array>;
        const body = new ReadableStream<Uint8Array>({
          start: (c) => void (controller = c),
          cancel: () => ws.close(1000)
        });
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
          const data =
            typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer);
          try {
            controller.enqueue(encoder.encode(data.endsWith('\n') ? data : data + '\n'));
          } catch {
            // stream already cancelled
          }
        };
        ws.onerror = () => {
          // onclose follows with the code; nothing to do here
        };
        ws.onclose = (ev) => {
          signal?.removeEventListener('abort', abort);
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
