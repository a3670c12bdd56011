/**
 * Serves a simulated cluster's fetch-style handler over real HTTP/1.1 (chunked watches and logs),
 * so that real kubectl and kubectl proxy can talk to it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiHandler } from '../../src/lib/sim/http';

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && chunks.length > 0;
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined
  });
}

async function send(res: ServerResponse, response: Response) {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  res.flushHeaders();
  const reader = response.body.getReader();
  // The client going away (kubectl ^C, a proxy dropping the stream) cancels the watch.
  // (The response's own close event: one per request, unlike the keep-alive socket's.)
  res.once('close', () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  } catch {
    // A stream that errors (the `cut` fault) drops the connection mid-body, as a failing proxy does.
    res.destroy();
  }
}

/**
 * A watch over WebSocket, as kube-apiserver serves it: the same request as the chunked watch, one
 * JSON event per text frame. Browsers use it to get past their 6-connections-per-origin limit.
 */
async function serveWatchOverWebSocket(ws: WebSocket, request: Request, handler: ApiHandler) {
  const response = await handler(request);
  if (response.status !== 200 || !response.body) {
    ws.close(1011, `${response.status} ${(await response.text()).slice(0, 100)}`);
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  ws.once('close', () => void reader.cancel().catch(() => {}));
  let buffered = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += value;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        ws.send(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    }
    ws.close(1000);
  } catch {
    ws.terminate(); // the `cut` fault: drop the connection
  }
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export function serveHandler(handler: ApiHandler, port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host ?? `${host}:${port}`}`;
    toRequest(req, origin)
      .then((request) => handler(request))
      .then((response) => send(res, response))
      .catch((e) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
  });
  server.keepAliveTimeout = 65_000;
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const origin = `http://${req.headers.host ?? `${host}:${port}`}`;
    const url = new URL(req.url ?? '/', origin);
    if (!/^(1|true)$/.test(url.searchParams.get('watch') ?? '')) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\nonly watch requests can be upgraded\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      void serveWatchOverWebSocket(ws, new Request(url, { headers }), handler);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        url: `http://${host}:${actual}`,
        close: () =>
          new Promise<void>((r) => {
            for (const ws of wss.clients) ws.terminate();
            server.closeAllConnections();
            server.close(() => r());
          })
      });
    });
  });
}
