/** The printer-column JSONPath evaluator and the label selector strings cells carry. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelSelector } from '$lib/kinds/cells';
import { compileJsonPath, evaluateJsonPath, JsonPathError } from '$lib/kube/jsonpath';
import type { KubeObject } from '$lib/kube/types';
import { matchesSelectorObject, parseLabelSelector } from '$lib/sim/selectors';

const cert = {
  metadata: {
    name: 'web-tls',
    labels: { 'app.kubernetes.io/name': 'web' },
    annotations: { 'cert-manager.io/issuer-name': 'letsencrypt' }
  },
  spec: { dnsNames: ['a.example.com', 'b.example.com'], issuerRef: { name: 'letsencrypt' }, replicas: 3 },
  status: {
    conditions: [
      { type: 'Issuing', status: 'False', observedGeneration: 1 },
      { type: 'Ready', status: 'True', observedGeneration: 2 }
    ],
    addresses: [{ value: '10.0.0.1' }, { value: '10.0.0.2' }]
  }
};

describe('evaluateJsonPath', () => {
  it('follows fields, indices, wildcards and filters as CRD printer columns use them', () => {
    expect(evaluateJsonPath('.spec.issuerRef.name', cert)).toEqual(['letsencrypt']);
    expect(evaluateJsonPath('.spec.dnsNames[0]', cert)).toEqual(['a.example.com']);
    expect(evaluateJsonPath('.spec.dnsNames[-1]', cert)).toEqual(['b.example.com']);
    expect(evaluateJsonPath('.spec.dnsNames', cert)).toEqual([['a.example.com', 'b.example.com']]);
    expect(evaluateJsonPath('.status.addresses[*].value', cert)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(evaluateJsonPath('.status.conditions[?(@.type=="Ready")].status', cert)).toEqual(['True']);
    expect(evaluateJsonPath(".status.conditions[?(@.type=='Issuing')].status", cert)).toEqual(['False']);
    expect(evaluateJsonPath('.status.conditions[?(@.observedGeneration>1)].type', cert)).toEqual(['Ready']);
    expect(evaluateJsonPath('.status.conditions[?(@.type!="Ready")].type', cert)).toEqual(['Issuing']);
    expect(evaluateJsonPath('.status.conditions[?(@.reason)].type', cert)).toEqual([]);
    expect(evaluateJsonPath('.metadata.labels.app\\.kubernetes\\.io/name', cert)).toEqual(['web']);
    expect(evaluateJsonPath(".metadata.annotations['cert-manager.io/issuer-name']", cert)).toEqual([
      'letsencrypt'
    ]);
    expect(evaluateJsonPath('{.spec.replicas}', cert)).toEqual([3]);
    expect(evaluateJsonPath('$.spec.replicas', cert)).toEqual([3]);
    expect(evaluateJsonPath('spec.replicas', cert)).toEqual([3]);
  });

  it('finds nothing on missing fields, out-of-range indices and the wrong shapes', () => {
    expect(evaluateJsonPath('.spec.missing.deeper', cert)).toEqual([]);
    expect(evaluateJsonPath('.spec.dnsNames[5]', cert)).toEqual([]);
    expect(evaluateJsonPath('.spec.issuerRef[0]', cert)).toEqual([]);
    expect(evaluateJsonPath('.spec.dnsNames.name', cert)).toEqual([]);
    expect(evaluateJsonPath('.status.conditions[?(@.type=="Gone")].status', cert)).toEqual([]);
    expect(evaluateJsonPath('.a', null)).toEqual([]);
    expect(evaluateJsonPath('.spec.constructor', cert)).toEqual([]);
  });

  it('rejects what it does not support, and compiles each path once', () => {
    // `..a` was rejected here before the simulator's evaluator (which has recursive descent, as
    // kubectl does) became this one; it is now supported (see the simulator cases below).
    for (const bad of ['.a[', '.a[x]', '.a[1:x]', '.a[?(type=="x")]', '.a[?(@.b==)]'])
      expect(() => compileJsonPath(bad), bad).toThrow(JsonPathError);
    expect(evaluateJsonPath('..value', cert)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(compileJsonPath('.status.phase')).toBe(compileJsonPath('.status.phase'));
  });

  const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,8}$/);
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
  const tree = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
      fc.array(tie('node'), { maxLength: 3 })
    )
  })).node;

  it('agrees with direct access for `.a.b` paths on random objects', () => {
    fc.assert(
      fc.property(tree, fc.array(key, { minLength: 1, maxLength: 4 }), (obj, keys) => {
        let direct: unknown = obj;
        for (const k of keys)
          direct =
            direct !== null &&
            typeof direct === 'object' &&
            !Array.isArray(direct) &&
            Object.hasOwn(direct, k)
              ? (direct as Record<string, unknown>)[k]
              : undefined;
        const found = evaluateJsonPath(`.${keys.join('.')}`, obj);
        expect(found).toEqual(direct === undefined ? [] : [direct]);
      })
    );
  });

  it('agrees with kubectl grammar (as the simulator evaluated it) on wildcards, indices and filters', () => {
    const item = fc.record({
      type: fc.constantFrom('Ready', 'Synced', 'Other'),
      status: fc.constantFrom('True', 'False'),
      n: fc.integer({ min: 0, max: 3 })
    });
    const obj = fc.record({ status: fc.record({ conditions: fc.array(item, { maxLength: 5 }) }) });
    type Condition = { type: string; status: string; n: number };
    // What each path means, written out by hand.
    const meaning: Record<string, (conditions: Condition[]) => unknown[]> = {
      '.status.conditions[*].type': (cs) => cs.map((c) => c.type),
      '.status.conditions[0].status': (cs) => cs.slice(0, 1).map((c) => c.status),
      '.status.conditions[1].n': (cs) => cs.slice(1, 2).map((c) => c.n),
      '.status.conditions[?(@.type=="Ready")].status': (cs) =>
        cs.filter((c) => c.type === 'Ready').map((c) => c.status),
      '.status.conditions[?(@.status!="True")].type': (cs) =>
        cs.filter((c) => c.status !== 'True').map((c) => c.type),
      '.status.conditions[?(@.n>1)].type': (cs) => cs.filter((c) => c.n > 1).map((c) => c.type)
    };
    const path = fc.constantFrom(...Object.keys(meaning));
    fc.assert(
      fc.property(obj, path, (o, p) => {
        expect(evaluateJsonPath(p, o)).toEqual(meaning[p](o.status.conditions));
      })
    );
  });
});

// These cases tested the simulator's own evaluator (sim/table/jsonpath.ts) before it became this one.
describe('evaluateJsonPath, as the simulator prints CRD columns with it', () => {
  const doc = {
    spec: { 'app.kubernetes.io/name': 'x', items: [{ n: 1 }, { n: 2 }, { n: 3 }] },
    status: {
      conditions: [
        { type: 'Ready', status: 'False', age: 3 },
        { type: 'Synced', status: 'True', age: 10 }
      ]
    }
  };
  it('supports fields, indices, slices, wildcards, quoted keys and filters', () => {
    expect(evaluateJsonPath('.spec.items[0].n', doc)).toEqual([1]);
    expect(evaluateJsonPath('.spec.items[-1].n', doc)).toEqual([3]);
    expect(evaluateJsonPath('.spec.items[*].n', doc)).toEqual([1, 2, 3]);
    expect(evaluateJsonPath('.spec.items[0:2].n', doc)).toEqual([1, 2]);
    expect(evaluateJsonPath("{.spec['app.kubernetes.io/name']}", doc)).toEqual(['x']);
    expect(evaluateJsonPath('.status.conditions[?(@.type=="Synced")].status', doc)).toEqual(['True']);
    expect(evaluateJsonPath(".status.conditions[?(@.type == 'Ready')].status", doc)).toEqual(['False']);
    expect(evaluateJsonPath('.status.conditions[?(@.age > 5)].type', doc)).toEqual(['Synced']);
    expect(evaluateJsonPath('.status.conditions[?(@.missing)].type', doc)).toEqual([]);
    expect(evaluateJsonPath('..n', doc)).toEqual([1, 2, 3]);
    expect(evaluateJsonPath('.nope.deeper', doc)).toEqual([]);
  });

  it('supports unions, stepped and negative slices', () => {
    expect(evaluateJsonPath('.spec.items[0,2].n', doc)).toEqual([1, 3]);
    expect(evaluateJsonPath(".status.conditions[0]['type','status']", doc)).toEqual(['Ready', 'False']);
    expect(evaluateJsonPath('.spec.items[::2].n', doc)).toEqual([1, 3]);
    expect(evaluateJsonPath('.spec.items[-2:].n', doc)).toEqual([2, 3]);
    expect(evaluateJsonPath('..type', doc)).toEqual(['Ready', 'Synced']);
  });
});

describe('labelSelector', () => {
  it('writes matchLabels and every expression operator in selector syntax', () => {
    expect(
      labelSelector({
        matchLabels: { app: 'web', tier: 'front' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'staging'] },
          { key: 'track', operator: 'NotIn', values: ['canary'] },
          { key: 'owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' }
        ]
      })
    ).toBe('app=web,tier=front,env in (prod,staging),track notin (canary),owner,!legacy');
    expect(labelSelector({})).toBe('');
    expect(labelSelector(undefined)).toBeNull();
  });

  it('selects exactly the labels the selector object selects', () => {
    const k = fc.constantFrom('app', 'tier', 'env', 'example.com/team');
    const v = fc.constantFrom('a', 'b', 'c');
    const expr = fc.oneof(
      fc.record({
        key: k,
        operator: fc.constantFrom('In', 'NotIn'),
        values: fc.uniqueArray(v, { minLength: 1, maxLength: 3 })
      }),
      fc.record({ key: k, operator: fc.constantFrom('Exists', 'DoesNotExist') })
    );
    const selector = fc.record({
      matchLabels: fc.dictionary(k, v, { maxKeys: 2 }),
      matchExpressions: fc.array(expr, { maxLength: 3 })
    });
    const labels = fc.dictionary(k, v, { maxKeys: 4 });
    fc.assert(
      fc.property(selector, labels, (sel, l) => {
        const obj = { metadata: { labels: l } } as unknown as KubeObject;
        expect(parseLabelSelector(labelSelector(sel)!)(obj)).toBe(matchesSelectorObject(sel, l));
      })
    );
  });
});
