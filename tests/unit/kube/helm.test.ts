/** Helm release Secrets: decoding what the simulator and what Helm itself (real deflate) write. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { kindById } from '$lib/kinds/catalog';
import { decodeHelmRelease } from '$lib/kube/helm';
import type { KubeObject } from '$lib/kube/types';
import {
  encodeHelmRelease,
  helmReleaseJson,
  helmReleaseSecret,
  type HelmReleaseInit
} from '$lib/sim/objects';
import { project } from '$lib/kinds/projection';

const DEPLOYED = Date.parse('2026-10-01T12:00:00Z');

const init: HelmReleaseInit = {
  name: 'shop',
  namespace: 'web',
  revision: 4,
  status: 'deployed',
  chart: { name: 'shop', version: '1.4.2', appVersion: '2.0.1' },
  values: { replicaCount: 1, image: { tag: 'latest' } },
  config: { replicaCount: 3, ingress: { enabled: true } },
  manifest: '---\n# Source: shop/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\n',
  firstDeployed: DEPLOYED - 30 * 86_400_000,
  lastDeployed: DEPLOYED,
  notes: 'Ünïcode notes ✓'
};

function secretObject(release: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: 'sh.helm.release.v1.shop.v4',
      namespace: 'web',
      uid: 'u1',
      resourceVersion: '1',
      creationTimestamp: '2026-10-01T12:00:00Z',
      labels
    },
    data: { release }
  };
}

describe('decodeHelmRelease', () => {
  it('round-trips a release the simulator encodes', () => {
    const json = helmReleaseJson(init);
    const r = decodeHelmRelease(encodeHelmRelease(json));
    expect(r).toMatchObject({
      name: 'shop',
      namespace: 'web',
      version: 4,
      config: init.config,
      manifest: init.manifest,
      info: { status: 'deployed', description: 'Upgrade complete', notes: 'Ünïcode notes ✓' },
      chart: { metadata: { name: 'shop', version: '1.4.2', appVersion: '2.0.1' }, values: init.values }
    });
    expect(Date.parse(r.info.last_deployed!)).toBe(DEPLOYED);
  });

  it('inflates real (compressed) gzip as Helm writes it, and payloads without gzip', () => {
    const json = JSON.stringify(helmReleaseJson(init));
    const twice = (bytes: Buffer) => Buffer.from(bytes.toString('base64')).toString('base64');
    const compressed = gzipSync(Buffer.from(json), { level: 9 });
    expect(compressed.length).toBeLessThan(json.length);
    expect(decodeHelmRelease(twice(compressed)).config).toEqual(init.config);
    expect(decodeHelmRelease(twice(Buffer.from(json))).chart.metadata.version).toBe('1.4.2');
  });

  it('refuses what is not a release', () => {
    const twice = (text: string) => Buffer.from(Buffer.from(text).toString('base64')).toString('base64');
    expect(() => decodeHelmRelease(twice('{"kind":"Pod"}'))).toThrow();
    expect(() => decodeHelmRelease('not base64 at all!')).toThrow();
  });
});

describe('Helm release Secrets in the catalog', () => {
  const secrets = kindById('secrets')!;

  it('get release cells from the payload, and nothing of the payload itself', () => {
    const s = helmReleaseSecret({ ...init, status: 'superseded' }) as KubeObject;
    s.metadata = { ...s.metadata, uid: 'u1', resourceVersion: '1' } as KubeObject['metadata'];
    const cells = project('c', s, secrets.resource).cells;
    expect(cells).toMatchObject({
      type: 'helm.sh/release.v1',
      keys: 1,
      keyNames: 'release',
      release: 'shop',
      chart: 'shop-1.4.2',
      appVersion: '2.0.1',
      revision: 4,
      status: 'superseded',
      updated: new Date(DEPLOYED).toISOString()
    });
    for (const v of Object.values(cells))
      if (typeof v === 'string') expect(v).not.toContain(s.data.release.slice(0, 16));
  });

  it("fall back to Helm's labels when the payload cannot be read", () => {
    const cells = project(
      'c',
      secretObject('garbage', {
        name: 'shop',
        version: '7',
        status: 'failed',
        modifiedAt: String(DEPLOYED / 1000)
      }),
      secrets.resource
    ).cells;
    expect(cells).toMatchObject({
      release: 'shop',
      revision: 7,
      status: 'failed',
      chart: null,
      updated: new Date(DEPLOYED).toISOString()
    });
  });
});
