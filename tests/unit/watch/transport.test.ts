import { describe, expect, it } from 'vitest';
import { httpTransport, simTransport, SIM_ORIGIN } from '$lib/watch/transport';

describe('httpTransport', () => {
  it('joins the API path to the base URL and never sends an Authorization header', async () => {
    const calls: { url: string; headers: Headers; method?: string }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, headers: new Headers(init.headers), method: init.method });
      return new Response('{}');
    }) as unknown as typeof fetch;
    const transport = httpTransport('http://127.0.0.1:8001/k8s/', fakeFetch);
    await transport.fetch('/api/v1/pods?limit=500', {
      method: 'GET',
      headers: { Authorization: 'Bearer stolen', accept: 'application/json' }
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('http://127.0.0.1:8001/k8s/api/v1/pods?limit=500');
    expect(calls[0].headers.has('authorization')).toBe(false);
    expect(calls[0].headers.get('accept')).toBe('application/json');
    expect(calls[0].method).toBe('GET');
  });
});

describe('simTransport', () => {
  it('hands the handler a Request for the path, with method, headers and body', async () => {
    const seen: Request[] = [];
    const transport = simTransport(async (request) => {
      seen.push(request);
      return new Response('ok', { status: 201 });
    });
    const response = await transport.fetch('/api/v1/namespaces/default/configmaps?dryRun=All', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"kind":"ConfigMap"}'
    });
    expect(response.status).toBe(201);
    const url = new URL(seen[0].url);
    expect(url.origin).toBe(SIM_ORIGIN);
    expect(url.pathname).toBe('/api/v1/namespaces/default/configmaps');
    expect(url.searchParams.get('dryRun')).toBe('All');
    expect(seen[0].method).toBe('POST');
    expect(seen[0].headers.get('content-type')).toBe('application/json');
    expect(await seen[0].text()).toBe('{"kind":"ConfigMap"}');
  });
});
