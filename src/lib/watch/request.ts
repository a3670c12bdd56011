/**
 * One request of a reflector (a list page or a watch): its abort controller, tied to the
 * reflector's stop, and a stall watchdog that abandons it when no byte has come for too long. A
 * request cancelled by either rejects with `Aborted`; `withRequest` turns a stall into a
 * StreamError('stall') so the recovery policy sees what happened. Bodies are read chunk by chunk
 * and always cancelled on the way out, which gives the connection back.
 */
import type { Clock } from '../kube/clock';
import { parseRetryAfter, type Sleep } from './backoff';
import { Aborted, errorMessage, failedResponseError, nonJsonResponseError, StreamError } from './errors';
import type { Transport } from './transport';
import { WatchBackpressureError } from './websocket';

/** What every request of one reflector shares. */
export interface RequestSettings {
  transport: Transport;
  clock: Clock;
  sleep: Sleep;
  /** No byte for this long aborts the request as stalled; 0 or Infinity: never. */
  stallTimeoutMs: number;
  /** The reflector's stop: aborts every request in flight. */
  stop: AbortSignal;
  /** Called with the size of every body chunk read (after any content decoding). */
  onBytes: (bytes: number) => void;
}

/**
 * Runs `run` with a fresh request and closes it after. When the watchdog cut the request (and the
 * reflector was not stopped meanwhile), whatever `run` threw becomes a StreamError('stall').
 */
export async function withRequest<R>(
  settings: RequestSettings,
  run: (request: ApiRequest) => Promise<R>
): Promise<R> {
  const request = new ApiRequest(settings);
  try {
    return await run(request);
  } catch (error) {
    if (request.stalled && !settings.stop.aborted) {
      throw new StreamError('stall', `no data for ${settings.stallTimeoutMs} ms: the request was abandoned`);
    }
    throw error;
  } finally {
    request.close();
  }
}

/** One request: its abort controller and a watchdog that aborts it when no byte comes for too long. */
export class ApiRequest {
  readonly controller = new AbortController();
  private readonly watchdog = new AbortController();
  private lastActivity: number;
  stalled = false;
  private readonly unlink: () => void;

  constructor(private readonly settings: RequestSettings) {
    const { clock, stallTimeoutMs, stop } = settings;
    this.lastActivity = clock.now();
    const abort = () => this.controller.abort();
    if (stop.aborted) abort();
    else stop.addEventListener('abort', abort, { once: true });
    this.unlink = () => stop.removeEventListener('abort', abort);
    if (stallTimeoutMs > 0 && Number.isFinite(stallTimeoutMs)) void this.watch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Bytes arrived: the watchdog starts counting again. */
  touch(): void {
    this.lastActivity = this.settings.clock.now();
  }

  close(): void {
    this.watchdog.abort();
    this.unlink();
  }

  /** GET `url`, asking for JSON; rejects with Aborted when cancelled, whatever the transport does. */
  fetch(url: string): Promise<Response> {
    const { signal } = this;
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(new Aborted());
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.settings.transport.fetch(url, { signal, headers: { accept: 'application/json' } }).then(
        (response) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) {
            void response.body?.cancel().catch(() => {});
            return;
          }
          this.touch();
          resolve(response);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(signal.aborted ? new Aborted() : error);
        }
      );
    });
  }

  /**
   * Feeds each chunk of the body to `onChunk` until the end, or until it returns false; a broken
   * stream becomes a StreamError. The body is cancelled on the way out, which releases the connection.
   */
  async readBody(response: Response, onChunk: (chunk: Uint8Array) => boolean | void): Promise<void> {
    if (!response.body) return;
    const reader = response.body.getReader();
    const cancel = () => void reader.cancel().catch(() => {});
    this.signal.addEventListener('abort', cancel);
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          if (this.signal.aborted) throw new Aborted();
          // Cut because the reader fell behind the socket: like a broken connection, but the
          // reflector needs to know (a streaming list cut this way would only start over).
          if (error instanceof WatchBackpressureError) throw new StreamError('backpressure', error.message);
          throw new StreamError('network', `the connection broke: ${errorMessage(error)}`);
        }
        if (this.signal.aborted) throw new Aborted();
        if (result.done) return;
        this.touch();
        this.settings.onBytes(result.value.byteLength);
        if (onChunk(result.value) === false) return;
      }
    } finally {
      this.signal.removeEventListener('abort', cancel);
      cancel();
    }
  }

  /** The body as text; with a limit, only about that many characters (the rest is not read). */
  async readText(response: Response, limit = Infinity): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    await this.readBody(response, (chunk) => {
      text += decoder.decode(chunk, { stream: true });
      return text.length < limit;
    });
    return text + decoder.decode();
  }

  /** Throws for anything but a 200 with a JSON body, with the status and the start of the body. */
  async check(response: Response, url: string): Promise<void> {
    const type = response.headers.get('content-type') ?? '';
    const what = `GET ${url.split('?')[0]}`;
    if (response.ok) {
      if (!type || /json/i.test(type)) return;
      const text = await this.readText(response, 4096);
      throw nonJsonResponseError(what, response.status, type, text);
    }
    const text = await this.readText(response, 64 * 1024);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.settings.clock.now());
    throw failedResponseError(what, response, type, text, retryAfterMs);
  }

  private async watch(): Promise<void> {
    const { clock, sleep, stallTimeoutMs } = this.settings;
    while (!this.watchdog.signal.aborted && !this.controller.signal.aborted) {
      const wait = this.lastActivity + stallTimeoutMs - clock.now();
      if (wait <= 0) {
        this.stalled = true;
        this.controller.abort();
        return;
      }
      await sleep(wait, this.watchdog.signal);
    }
  }
}

/**
 * A WebSocket watch that failed to open does not say why: the browser hides the server's answer to
 * the upgrade (a 504 for a resourceVersion of another history, a 403, a 503). One plain HTTP
 * request for the same watch tells. Resolves to that failed answer (the API's Status, for the
 * reflector to read as if the watch had said it), or to undefined when the server accepts the watch
 * over HTTP (then it is the upgrade that is refused, by a proxy in between); rejects when the
 * server cannot be reached at all.
 */
export async function refusedWatchAnswer(
  http: Transport,
  path: string,
  init?: RequestInit
): Promise<Response | undefined> {
  const response = await http.fetch(path, init);
  if (!response.ok) return response;
  void response.body?.cancel().catch(() => {});
  return undefined;
}
