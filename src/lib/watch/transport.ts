/**
 * How requests reach a Kubernetes API: over HTTP (kubectl proxy) or straight into an in-browser
 * simulated cluster. Both speak the same protocol, so everything above this file is shared.
 */

export interface Transport {
  /** `path` is an API path such as `/api/v1/pods?limit=500`, relative to the API root. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** The origin given to simulator requests: reserved TLD, never resolvable, never sent anywhere. */
export const SIM_ORIGIN = 'http://simulator.invalid';

/**
 * A Kubernetes API behind `baseUrl`, e.g. `http://127.0.0.1:8001/k8s/` for
 * `kubectl proxy --api-prefix=/k8s/`. The proxy adds credentials itself; an Authorization header
 * from the browser would override them, so this transport removes any it is given.
 */
export function httpTransport(baseUrl: string | URL, fetchImpl: typeof fetch = globalThis.fetch): Transport {
  const root = String(baseUrl).replace(/\/+$/, '');
  return {
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.delete('authorization');
      return fetchImpl(root + path, { ...init, headers });
    }
  };
}

/** A simulated cluster's request handler, called directly (no network, no service worker). */
export function simTransport(handler: (request: Request) => Promise<Response>): Transport {
  return {
    fetch(path, init) {
      return handler(new Request(SIM_ORIGIN + path, init));
    }
  };
}
