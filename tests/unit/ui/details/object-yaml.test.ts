/** The YAML tab's text: Secret values masked unless revealed, managedFields only when asked. */
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '$lib/kube/types';
import {
  base64Bytes,
  decodeSecretValue,
  LAST_APPLIED,
  MASK,
  objectYaml,
  shownAnnotations
} from '$lib/ui/details/object-yaml';

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

/** A Secret created with `kubectl apply`: kubectl keeps its copy, values in clear, in an annotation. */
function applied(data: Record<string, string>, stringData?: Record<string, string>): KubeObject {
  const copy = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop' },
    data,
    stringData
  };
  const base = secret(data);
  return {
    ...base,
    metadata: {
      ...base.metadata,
      annotations: { team: 'payments', [LAST_APPLIED]: JSON.stringify(copy) + '\n' }
    }
  };
}

describe("a Secret's last-applied-configuration annotation", () => {
  const obj = applied(
    { password: b64('hunter2'), user: b64('admin') },
    { dsn: 'postgres://admin:hunter2@db' }
  );

  it('is masked in the YAML, key by key, until revealed', () => {
    const text = objectYaml(obj);
    for (const clear of [b64('hunter2'), b64('admin'), 'hunter2']) expect(text).not.toContain(clear);
    const copy = JSON.parse(parse(text).metadata.annotations[LAST_APPLIED]);
    expect(copy.data).toEqual({ password: MASK, user: MASK });
    expect(copy.stringData).toEqual({ dsn: MASK });
    expect(copy.metadata).toEqual({ name: 'db', namespace: 'shop' });
    expect(parse(text).metadata.annotations.team).toBe('payments');

    const revealedUser = objectYaml(obj, { revealed: (k) => k === 'user' });
    expect(JSON.parse(parse(revealedUser).metadata.annotations[LAST_APPLIED]).data).toEqual({
      password: MASK,
      user: b64('admin')
    });
    expect(revealedUser).not.toContain(b64('hunter2'));
  });

  it('is masked in the Summary’s annotations (what the page shows and copies) until revealed', () => {
    const shown = shownAnnotations(obj)!;
    expect(shown.team).toBe('payments');
    expect(shown[LAST_APPLIED]).not.toContain(b64('hunter2'));
    expect(shown[LAST_APPLIED]).not.toContain('hunter2');
    expect(JSON.parse(shown[LAST_APPLIED]).data).toEqual({ password: MASK, user: MASK });
    const all = shownAnnotations(obj, () => true)!;
    expect(JSON.parse(all[LAST_APPLIED])).toEqual(JSON.parse(obj.metadata.annotations![LAST_APPLIED]));
    // The object itself is not changed: masking is only what the page shows.
    expect(obj.metadata.annotations![LAST_APPLIED]).toContain(b64('hunter2'));
  });

  it('is masked whole when it is not the JSON kubectl writes', () => {
    const odd = secret({ password: b64('hunter2') });
    for (const text of ['{"data": {"password": "aHVudGVyMg==", ', '["aHVudGVyMg=="]', '"aHVudGVyMg=="']) {
      odd.metadata.annotations = { [LAST_APPLIED]: text };
      expect(shownAnnotations(odd)![LAST_APPLIED]).toBe(MASK);
      expect(objectYaml(odd)).not.toContain('aHVudGVyMg==');
    }
    odd.metadata.annotations = { [LAST_APPLIED]: '{"kind": "Secret", "data": "aHVudGVyMg=="}' };
    expect(JSON.parse(shownAnnotations(odd)![LAST_APPLIED]).data).toBe(MASK);
  });

  it('of any other kind is shown as it is', () => {
    const configMap: KubeObject = { ...applied({ token: 'not-secret' }), kind: 'ConfigMap' };
    expect(shownAnnotations(configMap)).toBe(configMap.metadata.annotations);
    expect(parse(objectYaml(configMap)).metadata.annotations[LAST_APPLIED]).toBe(
      configMap.metadata.annotations![LAST_APPLIED]
    );
  });

  it('never leaks an unrevealed value, whatever the keys and which are revealed', () => {
    const key = fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(key, { minLength: 1, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        (keys, shown) => {
          // Distinct values that appear nowhere else in the object.
          const plain = Object.fromEntries(keys.map((k, i) => [k, `s3cr3t-${i}-value`]));
          const data = Object.fromEntries(keys.map((k) => [k, b64(plain[k])]));
          const revealed = new Set(keys.filter((_, i) => shown[i]));
          const isRevealed = (k: string) => revealed.has(k);
          const obj = applied(data, plain);
          const yaml = objectYaml(obj, { revealed: isRevealed });
          const annotation = shownAnnotations(obj, isRevealed)![LAST_APPLIED];
          const copy = JSON.parse(annotation);
          for (const k of keys) {
            expect(copy.data[k]).toBe(revealed.has(k) ? data[k] : MASK);
            expect(copy.stringData[k]).toBe(revealed.has(k) ? plain[k] : MASK);
            if (revealed.has(k)) continue;
            for (const text of [yaml, annotation]) {
              expect(text).not.toContain(data[k]);
              expect(text).not.toContain(plain[k]);
            }
          }
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
