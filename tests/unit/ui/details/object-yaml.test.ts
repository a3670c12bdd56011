/** The YAML tab's text: Secret values masked unless revealed, managedFields only when asked. */
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '$lib/kube/types';
import { base64Bytes, decodeSecretValue, MASK, objectYaml } from '$lib/ui/details/object-yaml';

function secret(data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: 'db',
      namespace: 'shop',
      uid: 'u1',
      resourceVersion: '7',
      creationTimestamp: '2024-01-01T00:00:00Z'
    },
    data,
    ...extra
  };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('objectYaml of a Secret', () => {
  it('masks every value and keeps every key when nothing is revealed', () => {
    const text = objectYaml(secret({ password: b64('hunter2'), user: b64('admin') }));
    expect(text).not.toContain(b64('hunter2'));
    expect(text).not.toContain(b64('admin'));
    expect(parse(text).data).toEqual({ password: MASK, user: MASK });
  });

  it('shows the stored (base64) value of revealed keys only', () => {
    const text = objectYaml(secret({ password: b64('hunter2'), user: b64('admin') }), {
      revealed: (key) => key === 'user'
    });
    expect(parse(text).data).toEqual({ password: MASK, user: b64('admin') });
  });

  it('masks stringData too, and leaves other kinds alone', () => {
    const withStringData = secret({}, { stringData: { token: 'plain-secret' } });
    expect(objectYaml(withStringData)).not.toContain('plain-secret');
    const configMap = { ...secret({}), kind: 'ConfigMap', data: { token: 'not-secret' } };
    expect(parse(objectYaml(configMap)).data).toEqual({ token: 'not-secret' });
  });

  it('never leaks an unrevealed value, whatever the keys and values', () => {
    const key = fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/);
    const value = fc.string({ minLength: 6, maxLength: 40 });
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }),
        fc.boolean(),
        (plain, revealFirst) => {
          const keys = Object.keys(plain);
          const data = Object.fromEntries(keys.map((k) => [k, b64(plain[k])]));
          const revealed = new Set(revealFirst ? [keys[0]] : []);
          // As a Map: keys like `__proto__` (valid Secret keys) must be read back as keys.
          const yaml = objectYaml(secret(data), { revealed: (k) => revealed.has(k) });
          const shown = (parse(yaml, { mapAsMap: true }) as Map<string, Map<string, string>>).get('data')!;
          for (const k of keys) expect(shown.get(k)).toBe(revealed.has(k) ? data[k] : MASK);
          const shownElsewhere = (k: string) => [...revealed].some((r) => data[r] === data[k]);
          for (const k of keys)
            if (!revealed.has(k) && !shownElsewhere(k)) expect(yaml).not.toContain(data[k]);
        }
      )
    );
  });
});

describe('objectYaml and managedFields', () => {
  const withManaged: KubeObject = {
    ...secret({}),
    kind: 'ConfigMap',
    metadata: {
      ...secret({}).metadata,
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'v1',
          time: '2024-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {}
        }
      ]
    }
  };

  it('hides them by default and shows them when asked', () => {
    expect(objectYaml(withManaged)).not.toContain('managedFields');
    expect(parse(objectYaml(withManaged, { managedFields: true })).metadata.managedFields[0].manager).toBe(
      'kubectl'
    );
  });

  it('prints long values on one line, as kubectl does', () => {
    const long = 'x'.repeat(300);
    const text = objectYaml({ ...withManaged, data: { long } });
    expect(text).toContain(`long: ${long}\n`);
  });
});

describe('decodeSecretValue', () => {
  it('decodes UTF-8 text', () => {
    expect(decodeSecretValue(b64('pässwörd ✓'))).toEqual({ kind: 'text', text: 'pässwörd ✓' });
    expect(decodeSecretValue('')).toEqual({ kind: 'text', text: '' });
  });

  it('reports binary data by size and bad base64 as invalid', () => {
    expect(decodeSecretValue(Buffer.from([0xff, 0xfe, 0x00, 0x80]).toString('base64'))).toEqual({
      kind: 'binary',
      bytes: 4
    });
    expect(decodeSecretValue('not base64!')).toEqual({ kind: 'invalid' });
    expect(decodeSecretValue(undefined)).toEqual({ kind: 'invalid' });
  });
});

describe('base64Bytes', () => {
  it('is the decoded length, padding or not', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'pässwörd'])
      expect(base64Bytes(b64(text))).toBe(Buffer.byteLength(text));
    expect(base64Bytes(undefined)).toBe(0);
  });
});
