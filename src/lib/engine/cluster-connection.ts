/**
 * How the engine reaches a real cluster: whether a URL answers like a Kubernetes API, the
 * connection of the one cluster behind `kubectl proxy` (watches over WebSocket where the proxy
 * passes upgrades, chunked HTTP otherwise), and the cluster's version.
 */
import type { KubeObject } from '../kube/types';
import { BODY_LIMITS, readJsonLimited } from '../watch/body';
import { refusedWatchAnswer } from '../watch/request';
import { httpTransport, type Transport } from '../watch/transport';
import {
  WebSocketUnavailableError,
  webSocketWatchTransport,
  type WebSocketFactory
} from '../watch/websocket';
import type { InformerRegistry } from './registry';
import type { ClusterConnection } from '../watch/budget';

/** The name rows carry for the one cluster behind `kubectl proxy` (the proxy does not tell its context). */
export const PROXY_CLUSTER_NAME = 'cluster';

const PROBE_TIMEOUT_MS = 3000;

/** Whether `transport` reaches a Kubernetes API: `GET /api` answers an APIVersions object. */
export async function isKubernetesApi(transport: Transport): Promise<boolean> {
  try {
    const response = await transport.fetch('/api', {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS)
    });
    if (!response.ok) return false;
    const body = await readJsonLimited<Partial<KubeObject>>(response, '/api', BODY_LIMITS.small);
    return body.kind === 'APIVersions';
  } catch {
    return false;
  }
}

export interface ClusterVersion {
  gitVersion?: string;
  platform?: string;
  error?: string;
}

/** The cluster's `/version`, or an error message when it does not answer. */
export async function clusterVersion(connection: ClusterConnection): Promise<ClusterVersion> {
  try {
    const response = await connection.transport('chunked').fetch('/version', {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS)
    });
    if (!response.ok) return { error: `HTTP ${response.status} from /version` };
    const body = await readJsonLimited<{ gitVersion?: unknown; platform?: unknown }>(
      response,
      '/version',
      BODY_LIMITS.small
    );
    return {
      gitVersion: typeof body.gitVersion === 'string' ? body.gitVersion : undefined,
      platform: typeof body.platform === 'string' ? body.platform : undefined
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The connection to an API at `apiBaseUrl`. With `open`, watches try WebSocket first; the first
 * success or refusal tells the registry's budget what this origin supports.
 */
export function httpConnection(
  apiBaseUrl: string,
  open: WebSocketFactory | undefined,
  registry: () => InformerRegistry | undefined
): ClusterConnection {
  const origin = new URL(apiBaseUrl).origin;
  const http = httpTransport(apiBaseUrl);
  if (!open) return { origin, transport: () => http };
  const ws = webSocketWatchTransport(apiBaseUrl, http, open);
  const watchOverWebSocket: Transport = {
    fetch: async (path, init) => {
      try {
        const response = await ws.fetch(path, init);
        if (registry()?.budget.webSocketSupport(origin) === 'unknown') {
          registry()!.budget.setWebSocketSupport(origin, 'works');
        }
        return response;
      } catch (e) {
        if (!(e instanceof WebSocketUnavailableError)) throw e;
        // The browser hides why: one plain HTTP request for the same watch asks the server. Its
        // refusal (a 504 for a resourceVersion of a re-created cluster, a 403) goes to the reflector.
        const answer = await refusedWatchAnswer(http, path, init).catch(() => null);
        if (answer) return answer;
        // Unreachable (null): that says nothing about upgrades. Accepted over HTTP (undefined): the
        // proxy in front does not pass upgrades, so from now on this origin watches over HTTP.
        if (answer === undefined) registry()?.webSocketRefused(origin);
        throw e;
      }
    }
  };
  return { origin, transport: (kind) => (kind === 'websocket' ? watchOverWebSocket : http) };
}
