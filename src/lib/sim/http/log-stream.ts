/** A pod's log as a response: the selected text, or with `follow=true` a stream of lines as they are written. */
import { logQuery } from '../log-query';
import { followLogs, logText } from '../logs';
import { encoder } from './responses';
import type { HandlerContext } from './types';

export function podLogResponse(
  { cluster, options }: HandlerContext,
  namespace: string,
  name: string,
  q: URLSearchParams
): Response {
  const opts = logQuery(name, q); // 400 and 422 come before the pod is looked up, as on the apiserver
  const pod = cluster.get(cluster.type('v1', 'Pod'), namespace, name);
  const headers = { 'content-type': 'text/plain' };
  const now = cluster.clock.now();
  const initial = logText(pod, opts.container, opts, now);
  if (!opts.follow) return new Response(initial, { headers });
  const pods = cluster.type('v1', 'Pod');
  let stop = () => {};
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(initial));
      stop = followLogs(
        pod,
        opts.container,
        opts,
        cluster.clock,
        options.logIntervalMs ?? 1000,
        (line) => !closed && controller.enqueue(encoder.encode(line + '\n')),
        {
          // The stream ends when the container exits or the pod is deleted, as kubelet's does.
          getPod: () => cluster.find(pods, namespace, name) ?? null,
          onEnd: () => {
            if (!closed) controller.close();
            closed = true;
          }
        }
      );
    },
    cancel() {
      closed = true;
      stop();
    }
  });
  return new Response(body, { headers });
}
