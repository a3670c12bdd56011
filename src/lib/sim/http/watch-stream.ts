/**
 * A watch as a streaming response: one JSON event per line, bookmarks while it is open, the end at
 * timeoutSeconds, and the injected stream faults (cut, stall, malformed line, 410, duplicate, replay).
 */
import type { Fault } from '../faults';
import { ApiError, type KubeObject, type ResourceType, type WatchEvent } from '../../kube/types';
import { JSON_TYPE, watchOptions } from './request';
import { encoder, representation, transform } from './responses';
import type { HandlerContext } from './types';

export function watchResponse(
  { cluster, options }: HandlerContext,
  path: string,
  rt: ResourceType,
  namespace: string | undefined,
  name: string | undefined,
  q: URLSearchParams,
  accept: string,
  fault: Fault | undefined
): Response {
  const faults = options.faults;
  const opts = watchOptions(namespace, name, q);
  const r = representation(accept, q);
  const timeoutSeconds =
    Number(q.get('timeoutSeconds') ?? 0) || (options.maxWatchSeconds ?? 1800 + Math.random() * 1800);
  let sentColumns = false;
  const encode = (e: WatchEvent): string => {
    let object: unknown = e.object;
    if (r.as && e.type !== 'BOOKMARK' && e.type !== 'ERROR') {
      // A Table watch event carries one row; columnDefinitions only in the first event.
      object = transform(
        rt,
        [e.object],
        r,
        cluster.clock.now(),
        { resourceVersion: e.object.metadata.resourceVersion },
        true,
        !sentColumns
      );
      sentColumns = true;
    }
    return JSON.stringify({ type: e.type, object }) + '\n';
  };

  let stopWatch = () => {};
  const timers: ReturnType<typeof setTimeout>[] = []; // timeouts and intervals
  let closed = false;
  let sent = 0;
  const recent: string[] = []; // for the replay fault
  let stalled = false;

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (error?: Error) => {
        if (closed) return;
        closed = true;
        stopWatch();
        for (const t of timers) clearTimeout(t); // clearTimeout also clears intervals
        if (error) controller.error(error);
        else controller.close();
      };
      const push = (line: string) => {
        if (closed || stalled) return;
        if (!fault && faults) {
          const live = faults.takeLive(path);
          if (live) fault = { ...live, afterEvents: sent + (live.afterEvents ?? 0) };
        }
        if (fault && sent >= (fault.afterEvents ?? 0) && !closed) {
          const f = fault;
          fault = undefined;
          switch (f.kind) {
            case 'cut':
              controller.enqueue(encoder.encode(line.slice(0, Math.max(1, line.length >> 1))));
              // Error a moment later: erroring a stream discards what is still queued in it.
              stalled = true;
              timers.push(setTimeout(() => finish(new Error('connection reset by peer (injected)')), 20));
              return;
            case 'stall':
              stalled = true; // nothing more, not even bookmarks, until the client gives up
              return;
            case 'malformed':
              controller.enqueue(encoder.encode('{"type":"MODIFIED","object":{"kind":<html>garbage\n'));
              break;
            case 'error410':
              controller.enqueue(
                encoder.encode(
                  encode({
                    type: 'ERROR',
                    object: new ApiError(
                      410,
                      'Expired',
                      `too old resource version: ${opts.resourceVersion ?? 0} (${cluster.resourceVersion()})`
                    ).toStatus() as unknown as KubeObject
                  })
                )
              );
              return finish();
            case 'duplicate':
              controller.enqueue(encoder.encode(line));
              break;
            case 'replay':
              for (const old of recent.slice(-(f.count ?? 5))) controller.enqueue(encoder.encode(old));
              break;
          }
        }
        controller.enqueue(encoder.encode(line));
        sent++;
        recent.push(line);
        if (recent.length > 20) recent.shift();
      };
      try {
        const handle = cluster.watch(rt, opts, (e) => {
          push(encode(e));
          if (e.type === 'ERROR') finish();
        });
        stopWatch = () => handle.stop();
      } catch (e) {
        // Errors found before any event (422, 504) are sent as the watch's only event, as the server
        // does once it has committed to a 200.
        push(
          encode({
            type: 'ERROR',
            object: (e instanceof ApiError
              ? e
              : new ApiError(500, 'InternalError', String(e))
            ).toStatus() as unknown as KubeObject
          })
        );
        return finish();
      }
      if (opts.allowWatchBookmarks) {
        const every = options.bookmarkIntervalMs ?? 60_000;
        timers.push(
          setInterval(() => push(encode({ type: 'BOOKMARK', object: cluster.bookmark(rt) })), every)
        );
      }
      timers.push(setTimeout(() => finish(), timeoutSeconds * 1000));
    },
    cancel() {
      closed = true;
      stopWatch();
      for (const t of timers) clearTimeout(t); // clearTimeout also clears intervals
    }
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-cache, private' }
  });
}
