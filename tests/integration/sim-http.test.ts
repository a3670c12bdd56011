/**
 * The simulated cluster's HTTP behaviour as a client sees it through fetch, with MSW (msw/node)
 * putting the cluster behind a URL: paging, watch streaming, bookmarks, Table output, RBAC,
 * logs and every injected fault.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simHandlers } from '../../src/lib/sim/msw';
import { SimWorld } from '../../src/lib/sim/world';

const BASE = 'http://cluster.test/k8s';
const VIEWER = 'http://viewer.test/k8s';

const world = new SimWorld({
  name: 'msw',
  seed: 11,
  pods: 300,
  churn: 0,
  http: { bookmarkIntervalMs: 50, logIntervalMs: 20 }
});
const viewer = new SimWorld({
  name: 'msw-viewer',
  seed: 12,
  pods: 30,
  churn: 0,
  user: { name: 'viewer', role: 'viewer' }
});
const server = setupServer(...simHandlers(BASE, world), ...simHandlers(VIEWER, viewer));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => world.faults.clear());
afterAll(() => {
  server.close();
  world.stop();
  viewer.stop();
});

const pods = () => world.cluster.type('v1', 'Pod');

/** Reads a watch stream line by line until `stop` says enough or the stream ends. */
async function readWatch(
  res: Response,
  stop: (events: { type: string; object: Record<string, unknown> }[]) => boolean
) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { type: string; object: Record<string, unknown> }[] = [];
  const raw: string[] = [];
  let buf = '';
  let error: unknown;
  try {
    while (!stop(events)) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += value;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        raw.push(line);
        events.push(JSON.parse(line));
      }
    }
  } catch (e) {
    error = e;
  }
  // Not awaited: MSW tees streamed bodies, and the cancel settles only when both branches are done.
  void reader.cancel().catch(() => {});
  return { events, raw, rest: buf, error };
}

describe('lists', () => {
  it('pages a list with limit and continue and reports the remaining count', async () => {
    const first = await (await fetch(`${BASE}/api/v1/pods?limit=100`)).json();
    expect(first.kind).toBe('PodList');
    expect(first.items).toHaveLength(100);
    expect(first.metadata.remainingItemCount).toBe(world.cluster.objects(pods()).length - 100);
    const second = await (
      await fetch(`${BASE}/api/v1/pods?limit=100&continue=${encodeURIComponent(first.metadata.continue)}`)
    ).json();
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(second.items[0].metadata.name).not.toBe(first.items[0].metadata.name);
  });

  it('answers Table output with kubectl columns when asked', async () => {
    const res = await fetch(`${BASE}/api/v1/namespaces/kube-system/pods`, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json' }
    });
    const table = await res.json();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age'
    ]);
    expect(table.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('answers PartialObjectMetadata lists', async () => {
    const res = await fetch(`${BASE}/apis/apps/v1/deployments`, {
      headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' }
    });
    const body = await res.json();
    expect(body.kind).toBe('PartialObjectMetadataList');
    expect(body.items[0].spec).toBeUndefined();
    expect(body.items[0].metadata.name).toBeTruthy();
  });

  it('serves discovery and aggregated discovery', async () => {
    const version = await (await fetch(`${BASE}/version`)).json();
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    const res = await fetch(`${BASE}/apis`, {
      headers: {
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'
      }
    });
    expect(res.headers.get('content-type')).toContain('as=APIGroupDiscoveryList');
    const body = await res.json();
    expect(body.items.map((g: { metadata: { name: string } }) => g.metadata.name)).toContain(
      'cert-manager.io'
    );
  });

  it('answers 404 with a Status for unknown objects', async () => {
    const res = await fetch(`${BASE}/api/v1/namespaces/default/pods/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });
});

describe('watch', () => {
  it('streams changes after a resourceVersion, with bookmarks when asked', async () => {
    const rv = world.cluster.resourceVersion();
    const res = await fetch(
      `${BASE}/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=10&resourceVersion=${rv}&allowWatchBookmarks=true`
    );
    const cm = world.cluster.type('v1', 'ConfigMap');
    world.cluster.create(cm, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'watch-me' },
      data: { a: '1' }
    });
    const { events } = await readWatch(res, (ev) => ev.some((e) => e.type === 'BOOKMARK'));
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watch-me' } } });
    const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
    expect(Number((bookmark.object.metadata as { resourceVersion: string }).resourceVersion)).toBeGreaterThan(
      Number(rv)
    );
  });

  it('ends the stream cleanly at timeoutSeconds', async () => {
    const res = await fetch(
      `${BASE}/api/v1/nodes?watch=1&resourceVersion=${world.cluster.resourceVersion()}&timeoutSeconds=1`
    );
    const t0 = Date.now();
    const { error } = await readWatch(res, () => false);
    expect(error).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('sends ERROR 410 for a compacted resourceVersion', async () => {
    const rv = world.cluster.resourceVersion();
    world.cluster.mutate(
      pods(),
      'web',
      world.cluster.objects(pods(), 'web')[0].metadata.name,
      (o) => (o.metadata.labels = { ...o.metadata.labels, touched: 'yes' })
    );
    world.cluster.compact();
    const res = await fetch(`${BASE}/api/v1/pods?watch=1&timeoutSeconds=10&resourceVersion=${rv}`);
    expect(res.status).toBe(200);
    const { events } = await readWatch(res, () => false);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });

  it('serves the streaming list with its initial-events-end bookmark', async () => {
    const res = await fetch(
      `${BASE}/api/v1/namespaces/web/pods?watch=1&timeoutSeconds=10&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=`
    );
    const { events } = await readWatch(res, (ev) => ev.some((e) => e.type === 'BOOKMARK'));
    const end = events.findIndex((e) => e.type === 'BOOKMARK');
    expect(end).toBe(world.cluster.objects(pods(), 'web').length);
    expect(
      (events[end].object.metadata as { annotations: Record<string, string> }).annotations[
        'k8s.io/initial-events-end'
      ]
    ).toBe('true');
  });

  it('watches as Table rows, with column definitions only in the first event', async () => {
    const rv = world.cluster.resourceVersion();
    const res = await fetch(
      `${BASE}/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=10&resourceVersion=${rv}`,
      {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' }
      }
    );
    const cm = world.cluster.type('v1', 'ConfigMap');
    for (const n of ['t1', 't2'])
      world.cluster.create(cm, 'default', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: n },
        data: {}
      });
    const { events } = await readWatch(res, (ev) => ev.length >= 2);
    expect(events[0].object.kind).toBe('Table');
    expect((events[0].object.columnDefinitions as unknown[]).length).toBeGreaterThan(0);
    expect(events[1].object.columnDefinitions).toBeNull();
    expect((events[1].object.rows as { cells: unknown[] }[])[0].cells[0]).toBe('t2');
  });
});

describe('faults', () => {
  async function watchWith(kind: Parameters<SimWorld['faults']['add']>[0]) {
    world.faults.add({ ...kind, path: '/configmaps' });
    const res = await fetch(
      `${BASE}/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=10&resourceVersion=${world.cluster.resourceVersion()}`
    );
    const cm = world.cluster.type('v1', 'ConfigMap');
    for (let i = 0; i < 3; i++)
      world.cluster.create(cm, 'default', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { generateName: 'f-' },
        data: {}
      });
    return res;
  }

  it('cuts a stream in the middle of a line', async () => {
    const res = await watchWith({ kind: 'cut', afterEvents: 1 });
    const { events, rest, error } = await readWatch(res, () => false);
    expect(events).toHaveLength(1);
    expect(rest.length).toBeGreaterThan(0); // half a line arrived
    expect(error).toBeDefined();
  });

  it('sends a malformed line', async () => {
    world.faults.add({ kind: 'malformed', path: '/configmaps', afterEvents: 0 });
    const res = await fetch(
      `${BASE}/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=10&resourceVersion=${world.cluster.resourceVersion()}`
    );
    world.cluster.create(world.cluster.type('v1', 'ConfigMap'), 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'm-' },
      data: {}
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('ADDED')) text += (await reader.read()).value;
    void reader.cancel();
    expect(() => JSON.parse(text.split('\n')[0])).toThrow();
  });

  it('duplicates and replays events', async () => {
    const dup = await watchWith({ kind: 'duplicate', afterEvents: 1 });
    const d = await readWatch(dup, (ev) => ev.length >= 4);
    expect(d.raw[1]).toBe(d.raw[2]);
    const rep = await watchWith({ kind: 'replay', afterEvents: 2, count: 2 });
    const r = await readWatch(rep, (ev) => ev.length >= 5);
    expect(r.raw.slice(2, 4)).toEqual(r.raw.slice(0, 2));
  });

  it('sends ERROR 410 in the middle of a healthy watch', async () => {
    const res = await watchWith({ kind: 'error410', afterEvents: 2 });
    const { events } = await readWatch(res, () => false);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ERROR']);
  });

  it('stalls a stream: no bytes, no bookmarks', async () => {
    world.faults.add({ kind: 'stall', path: '/configmaps', afterEvents: 0 });
    const res = await fetch(
      `${BASE}/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=10&allowWatchBookmarks=true&resourceVersion=${world.cluster.resourceVersion()}`
    );
    const reader = res.body!.getReader();
    const outcome = await Promise.race([
      reader.read().then(() => 'data'),
      new Promise((r) => setTimeout(() => r('silence'), 400))
    ]);
    void reader.cancel();
    expect(outcome).toBe('silence');
  });

  it('answers 429 with Retry-After, 5xx with a Status, and HTML error pages', async () => {
    world.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 3, path: '/pods' });
    const r429 = await fetch(`${BASE}/api/v1/pods?limit=1`);
    expect(r429.status).toBe(429);
    expect(r429.headers.get('retry-after')).toBe('3');
    for (const status of [500, 503, 504]) {
      world.faults.add({ kind: 'status', status, path: '/pods' });
      const r = await fetch(`${BASE}/api/v1/pods?limit=1`);
      expect(r.status).toBe(status);
      expect((await r.json()).code).toBe(status);
    }
    world.faults.add({ kind: 'html', status: 502, path: '/pods' });
    const html = await fetch(`${BASE}/api/v1/pods?limit=1`);
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toContain('<title>502 Bad Gateway</title>');
    expect((await fetch(`${BASE}/api/v1/pods?limit=1`)).status).toBe(200); // armed once
  });
});

describe('permissions, logs and metrics', () => {
  it('forbids a viewer from listing secrets cluster-wide but not in web', async () => {
    const all = await fetch(`${VIEWER}/api/v1/secrets`);
    expect(all.status).toBe(403);
    expect((await all.json()).message).toBe(
      'secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" at the cluster scope'
    );
    expect((await fetch(`${VIEWER}/api/v1/namespaces/web/secrets`)).status).toBe(200);
    const review = await fetch(`${VIEWER}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        spec: { resourceAttributes: { verb: 'watch', resource: 'secrets', namespace: 'payments' } }
      })
    });
    expect((await review.json()).status.allowed).toBe(false);
  });

  it('follows a pod log line by line', async () => {
    const pod = world.cluster.list(pods(), { fieldSelector: 'status.phase=Running', namespace: 'web' })
      .items[0];
    const c = pod.spec.containers[0].name;
    const res = await fetch(
      `${BASE}/api/v1/namespaces/web/pods/${pod.metadata.name}/log?container=${c}&follow=true&tailLines=2`
    );
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (text.split('\n').length < 5) text += (await reader.read()).value;
    void reader.cancel();
    expect(text.split('\n').length).toBeGreaterThanOrEqual(5);
  });

  it('serves metrics that name running pods', async () => {
    const body = await (await fetch(`${BASE}/apis/metrics.k8s.io/v1beta1/namespaces/web/pods`)).json();
    expect(body.kind).toBe('PodMetricsList');
    expect(body.items[0].containers[0].usage.cpu).toMatch(/^\d+n$/);
  });
});
