import { describe, expect, it } from 'vitest';
import { SimCluster } from '$lib/sim/cluster';
import {
  ProtoReader,
  decodeProtobufReview,
  decodeSelfSubjectAccessReview,
  decodeUnknown
} from '$lib/sim/protobuf';
import { selfSubjectAccessReview } from '$lib/sim/rbac';

// Hand-built protobuf, written the way gogo-generated Go code writes k8s messages:
// every non-pointer string field is present even when empty.
const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

const bytesField = (field: number, payload: number[]) => [
  ...varint(field * 8 + 2),
  ...varint(payload.length),
  ...payload
];
const str = (field: number, s: string) => bytesField(field, utf8(s));
const msg = (field: number, ...parts: number[][]) => bytesField(field, parts.flat());
const boolField = (field: number, v: boolean) => [...varint(field * 8), v ? 1 : 0];

function envelope(apiVersion: string, kind: string, raw: number[]): Uint8Array {
  return new Uint8Array([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...msg(1, str(1, apiVersion), str(2, kind)),
    ...bytesField(2, raw),
    ...str(3, ''),
    ...str(4, '')
  ]);
}

const emptyMeta = msg(1, str(1, ''), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''));
const resourceAttributes = (a: Record<string, string>) =>
  msg(
    1,
    str(1, a.namespace ?? ''),
    str(2, a.verb ?? ''),
    str(3, a.group ?? ''),
    str(4, a.version ?? ''),
    str(5, a.resource ?? ''),
    str(6, a.subresource ?? ''),
    str(7, a.name ?? '')
  );
const status = msg(3, boolField(1, false), str(2, ''), str(3, ''), boolField(4, false));

describe('protobuf wire reader', () => {
  it('reads multi-byte varints and skips every wire type', () => {
    const long = 'x'.repeat(300); // a two-byte length
    const bytes = new Uint8Array([
      ...varint(1 * 8 + 0),
      ...varint(150),
      ...varint(2 * 8 + 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      ...varint(3 * 8 + 5),
      1,
      2,
      3,
      4,
      ...str(4, long)
    ]);
    const r = new ProtoReader(bytes);
    expect(r.tag()).toEqual({ field: 1, wire: 0 });
    expect(r.varint()).toBe(150);
    expect(r.tag()).toEqual({ field: 2, wire: 1 });
    r.skip(1);
    expect(r.tag()).toEqual({ field: 3, wire: 5 });
    r.skip(5);
    expect(r.tag()).toEqual({ field: 4, wire: 2 });
    expect(r.string()).toBe(long);
    expect(r.eof()).toBe(true);
  });

  it('rejects truncated input with a 400', () => {
    const r = new ProtoReader(new Uint8Array([...varint(1 * 8 + 2), 10, 1, 2]));
    r.tag();
    expect(() => r.bytesField()).toThrow(/past the end/);
  });
});

describe('kubectl auth can-i bodies', () => {
  it('decodes the runtime.Unknown envelope', () => {
    const u = decodeUnknown(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [1, 2, 3]));
    expect(u.apiVersion).toBe('authorization.k8s.io/v1');
    expect(u.kind).toBe('SelfSubjectAccessReview');
    expect(Array.from(u.raw)).toEqual([1, 2, 3]);
    expect(u.contentEncoding).toBe('');
    expect(u.contentType).toBe('');
  });

  it('decodes a SelfSubjectAccessReview into the JSON shape, empty fields omitted', () => {
    const raw = [
      ...emptyMeta,
      ...msg(2, resourceAttributes({ namespace: 'web', verb: 'list', resource: 'secrets' })),
      ...status
    ];
    expect(decodeProtobufReview(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw))).toEqual(
      {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: {},
        spec: { resourceAttributes: { namespace: 'web', verb: 'list', resource: 'secrets' } }
      }
    );
    // A spec carrying both attribute kinds decodes as sent; the review rejects it afterwards.
    const both = [...emptyMeta, ...msg(2, resourceAttributes({ verb: 'get', resource: 'pods' }), msg(2))];
    expect(decodeSelfSubjectAccessReview(new Uint8Array(both)).spec).toEqual({
      resourceAttributes: { verb: 'get', resource: 'pods' },
      nonResourceAttributes: {}
    });
  });

  it('decodes subresource, name, group, selectors and non-resource attributes', () => {
    const full = [
      ...msg(1, str(1, 'probe'), str(3, ''), msg(11, str(1, 'team'), str(2, 'a'))),
      ...msg(
        2,
        msg(
          1,
          str(1, 'web'),
          str(2, 'patch'),
          str(3, 'apps'),
          str(4, 'v1'),
          str(5, 'deployments'),
          str(6, 'scale'),
          str(7, 'api'),
          msg(9, str(1, 'app=api'), msg(2, str(1, 'tier'), str(2, 'In'), str(3, 'a'), str(3, 'b')))
        )
      )
    ];
    expect(decodeSelfSubjectAccessReview(new Uint8Array(full))).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { name: 'probe', labels: { team: 'a' } },
      spec: {
        resourceAttributes: {
          namespace: 'web',
          verb: 'patch',
          group: 'apps',
          version: 'v1',
          resource: 'deployments',
          subresource: 'scale',
          name: 'api',
          labelSelector: {
            rawSelector: 'app=api',
            requirements: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }]
          }
        }
      }
    });
    const nonResource = [...emptyMeta, ...msg(2, msg(2, str(1, '/metrics'), str(2, 'get'))), ...status];
    expect(
      decodeProtobufReview(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', nonResource)).spec
    ).toEqual({
      nonResourceAttributes: { path: '/metrics', verb: 'get' }
    });
  });

  it('decodes a SelfSubjectRulesReview', () => {
    const raw = [...emptyMeta, ...msg(2, str(1, 'web')), ...msg(3, boolField(3, false))];
    expect(decodeProtobufReview(envelope('authorization.k8s.io/v1', 'SelfSubjectRulesReview', raw))).toEqual({
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { namespace: 'web' }
    });
  });

  it('rejects other kinds with 415 and a body without the magic with 400', () => {
    try {
      decodeProtobufReview(envelope('apps/v1', 'Deployment', emptyMeta));
      expect.unreachable();
    } catch (e) {
      expect((e as { code: number }).code).toBe(415);
    }
    try {
      decodeProtobufReview(new Uint8Array(utf8('{"kind":"SelfSubjectAccessReview"}')));
      expect.unreachable();
    } catch (e) {
      expect((e as { code: number }).code).toBe(400);
    }
  });

  it('gives the same review answer as the JSON request', () => {
    const c = new SimCluster({ name: 'pb', user: 'nobody' });
    const attrs = {
      namespace: 'web',
      verb: 'create',
      group: 'authorization.k8s.io',
      resource: 'selfsubjectrulesreviews'
    };
    const fromProto = decodeProtobufReview(
      envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [
        ...emptyMeta,
        ...msg(2, resourceAttributes(attrs))
      ])
    );
    const fromJson = {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: attrs }
    };
    expect(selfSubjectAccessReview(c, fromProto)).toEqual(selfSubjectAccessReview(c, fromJson));
    expect((selfSubjectAccessReview(c, fromProto).status as { allowed: boolean }).allowed).toBe(true);
  });
});
