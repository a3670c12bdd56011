/**
 * Helm release Secrets: decoding what the simulator and what Helm itself (real deflate) write,
 * refusing what is (or claims to be) too large to decode, and decoding each Secret version once.
 */
import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { kindById } from '$lib/kinds/catalog';
import { decodeHelmRelease, gunzipBounded, HELM_DECODE_LIMITS, HelmReleaseTooLarge } from '$lib/kube/helm';
import type { KubeObject } from '$lib/kube/types';
import {
  encodeHelmRelease,
  helmReleaseJson,
  helmReleaseSecret,
  type HelmReleaseInit
} from '$lib/sim/objects';
import { project } from '$lib/kinds/projection';

// The real decoder, counted: the projection must not decode a Secret version twice.
vi.mock('$lib/kube/helm', async (importOriginal) => {
  const real = await importOriginal<typeof import('$lib/kube/helm')>();
  return { ...real, decodeHelmRelease: vi.fn(real.decodeHelmRelease) };
});

const MB = 1024 * 1024;

/** Secret data as Helm writes it: base64 (the Secret's) of base64 of the bytes. */
const twice = (bytes: Uint8Array) => Buffer.from(Buffer.from(bytes).toString('base64')).toString('base64');

/**
 * A gzip bomb: `megabytes` MB of zeros from a few KB of input. One deflated MB of zeros, flushed
 * to a byte boundary and not final, repeats as often as wanted; an empty final block ends it.
 * `isize` is what the trailer claims (the true size mod 2^32 unless told to lie).
 */
function gzipBomb(megabytes: number, isize = (megabytes * MB) % 2 ** 32): Uint8Array {
  const block = deflateRawSync(Buffer.alloc(MB), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const end = deflateRawSync(Buffer.alloc(0));
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(isize >>> 0, 4); // CRC left 0: nothing should get far enough to check it
  return Buffer.concat([header, ...Array<Buffer>(megabytes).fill(block), end, trailer]);
}

/** What `f` throws, if anything. */
function refusal(f: () => unknown): Error | undefined {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

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

  it('decodes a release with a large manifest, well within the limits', () => {
    const manifest = Array.from({ length: 40_000 }, (_, i) => `# line ${i}: ${'x'.repeat(i % 80)}\n`).join(
      ''
    );
    const json = JSON.stringify(helmReleaseJson({ ...init, manifest }));
    expect(json.length).toBeGreaterThan(2 * MB);
    const r = decodeHelmRelease(twice(gzipSync(Buffer.from(json), { level: 6 })));
    expect(r.manifest).toBe(manifest);
    expect(r.chart.metadata.appVersion).toBe('2.0.1');
  });
});

describe('bounded decoding', () => {
  const LIMIT = HELM_DECODE_LIMITS.maxReleaseBytes;

  it('refuses a gzip bomb whose trailer lies, stopping near the limit', () => {
    // 1 GB of zeros from about 1 MB of gzip; the trailer claims 1000 bytes.
    const bomb = gzipBomb(1024, 1000);
    expect(bomb.length).toBeLessThan(2 * MB);
    expect(refusal(() => gunzipBounded(bomb, LIMIT))).toEqual(
      new HelmReleaseTooLarge('release too large to decode (over 16 MB)')
    );
    // The same through the Secret's encoding, from a few KB: 64 MB is four times the limit.
    const small = gzipBomb(64, 1000);
    expect(small.length).toBeLessThan(128 * 1024);
    expect(refusal(() => decodeHelmRelease(twice(small)))).toBeInstanceOf(HelmReleaseTooLarge);
    // The bound is on what is inflated, whatever the bomb holds: 1 MB more than a 1 MB bound is
    // refused, exactly 1 MB passes.
    expect(refusal(() => gunzipBounded(gzipBomb(2, 0), MB))?.message).toBe(
      'release too large to decode (over 1 MB)'
    );
    const exact = gunzipBounded(gzipBomb(1, 0), MB);
    expect(exact).toHaveLength(MB);
    expect(exact.every((b) => b === 0)).toBe(true);
  });

  it('refuses a gzip whose trailer claims more than the limit, without inflating it', () => {
    // After the header comes no deflate data at all: inflating would fail as corrupt, not too large.
    const claims = (size: number) => {
      const gz = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(16, 0xff)]);
      gz.writeUInt32LE(size, gz.length - 4);
      return gz;
    };
    expect(() => gunzipBounded(claims(1000), LIMIT)).toThrow(/invalid|unexpected|EOF/i);
    expect(() => gunzipBounded(claims(1000), LIMIT)).not.toThrow(HelmReleaseTooLarge);
    expect(() => gunzipBounded(claims(LIMIT), LIMIT)).not.toThrow(HelmReleaseTooLarge);
    expect(() => gunzipBounded(claims(LIMIT + 1), LIMIT)).toThrow(HelmReleaseTooLarge);
    expect(() => gunzipBounded(claims(LIMIT + MB), LIMIT)).toThrow(
      'release too large to decode (its gzip trailer claims 17 MB, over 16 MB)'
    );
    expect(() => decodeHelmRelease(twice(claims(2 ** 32 - 1)))).toThrow(
      'release too large to decode (its gzip trailer claims 4 GB, over 16 MB)'
    );
    // An honest bomb says what it holds, and is refused before any of it is inflated.
    expect(() => decodeHelmRelease(twice(gzipBomb(1024)))).toThrow(
      'release too large to decode (its gzip trailer claims 1 GB, over 16 MB)'
    );
  });

  it('refuses an oversized payload before decoding it', () => {
    const payload = 'A'.repeat(HELM_DECODE_LIMITS.maxEncodedChars + 1);
    expect(() => decodeHelmRelease(payload)).toThrow(
      'release too large to decode (its Secret data is over 4 MB)'
    );
    // Without gzip, the JSON itself is held to the output limit.
    const raw = Buffer.alloc(2 * MB, 0x20);
    expect(() => decodeHelmRelease(twice(raw), { maxEncodedChars: 8 * MB, maxReleaseBytes: MB })).toThrow(
      'release too large to decode (over 1 MB)'
    );
  });
});

describe('Helm release Secrets in the catalog', () => {
  const secrets = kindById('secrets')!;
  /** How many times the projection has decoded a payload. */
  const decodes = () => vi.mocked(decodeHelmRelease).mock.calls.length;

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

  it('show a release too large to decode as an error, with what its labels say', () => {
    const labels = { name: 'shop', owner: 'helm', version: '7', status: 'deployed' };
    const row = project('c', secretObject(twice(gzipBomb(64, 1000)), labels), secrets.resource);
    expect(row.cells).toMatchObject({
      release: 'shop',
      revision: 7,
      chart: null,
      appVersion: null,
      status: 'Error: release too large to decode (over 16 MB)'
    });
    const claimed = project('c', secretObject(twice(gzipBomb(1024)), labels), secrets.resource);
    expect(claimed.cells.status).toBe(
      'Error: release too large to decode (its gzip trailer claims 1 GB, over 16 MB)'
    );
  });

  it('decode each version of a release Secret once', () => {
    const s = helmReleaseSecret(init) as KubeObject;
    const at = (resourceVersion: string, extra: Record<string, string> = {}) =>
      ({
        ...s,
        metadata: {
          ...s.metadata,
          uid: 'u-once',
          resourceVersion,
          annotations: extra
        }
      }) as KubeObject;
    const before = decodes();
    const decoded = () => decodes() - before;
    const first = project('c', at('10'), secrets.resource).cells;
    expect(first).toMatchObject({ chart: 'shop-1.4.2', appVersion: '2.0.1', revision: 4 });
    expect(decoded()).toBe(1);
    // The same version again (a relist, another informer): the same cells, not decoded again.
    expect(project('c', at('10'), secrets.resource).cells).toEqual(first);
    expect(project('other', at('10'), secrets.resource).cells).toEqual(first);
    expect(decoded()).toBe(1);
    // A new version is decoded once; so is a refused one, which is not retried either.
    project('c', at('11', { note: 'touched' }), secrets.resource);
    project('c', at('11', { note: 'touched' }), secrets.resource);
    expect(decoded()).toBe(2);
    const bomb = { ...at('12'), data: { release: twice(gzipBomb(64, 1000)) } } as KubeObject;
    project('c', bomb, secrets.resource);
    expect(project('c', bomb, secrets.resource).cells.status).toMatch(/^Error: release too large/);
    expect(decoded()).toBe(3);
    // Another payload under the same uid and version (another cluster) is decoded for itself.
    const other = helmReleaseSecret({ ...init, chart: { ...init.chart, version: '9.9.9' } }) as KubeObject;
    const same = { ...other, metadata: { ...other.metadata, uid: 'u-once', resourceVersion: '10' } };
    expect(project('c', same as KubeObject, secrets.resource).cells.chart).toBe('shop-9.9.9');
    expect(decoded()).toBe(4);
  });
});
