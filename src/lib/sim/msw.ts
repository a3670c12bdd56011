/**
 * MSW request handlers that put a simulated cluster behind a URL, for integration tests in Node
 * (msw/node) and for browser tests. `baseUrl` is where the API lives, e.g. `http://cluster.test/k8s`.
 */
import { http } from 'msw';
import type { SimWorld } from './world';

export function simHandlers(baseUrl: string, world: SimWorld) {
  const root = baseUrl.replace(/\/+$/, '');
  const handler = world.handlerAt(new URL(root).pathname.replace(/\/+$/, ''));
  return [http.all(`${root}/*`, ({ request }) => handler(request))];
}
