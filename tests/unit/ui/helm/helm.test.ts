/**
 * What a Helm revision's tabs show: values masked (keys kept) until revealed, the manifest with
 * every Secret's data masked and every other document exactly as Helm rendered it.
 */
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { HelmRelease } from '$lib/kube/helm';
import { MASK } from '$lib/ui/details/object-yaml';
import { maskManifestSecrets, maskValues, tabText } from '$lib/ui/helm/helm';

const DEPLOYMENT = `---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: "app:1.2"   # pinned
          env:
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: app-db, key: password } }
`;

const SECRET = `---
# Source: app/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: app-db
type: Opaque
data:
  password: "aHVudGVyMg=="
  user: YWRtaW4=
stringData:
  dsn: |
    postgres://admin:hunter2@db/app
`;

const JSON_SECRET = `---
# Source: app/templates/token.json
{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "token"}, "data": {"token": "c3VwZXJzZWNyZXQ="}}
`;

function release(extra: Partial<HelmRelease> = {}): HelmRelease {
  return {
    name: 'app',
    namespace: 'shop',
    version: 3,
    info: { status: 'deployed', notes: 'Get the password with kubectl get secret app-db' },
    chart: {
      metadata: { name: 'app', version: '1.0.0' } as HelmRelease['chart']['metadata'],
      values: { replicaCount: 1, image: { tag: 'latest' }, db: { password: 'changeme', user: 'admin' } }
    },
    config: { replicaCount: 2, db: { password: 'hunter2' }, hosts: ['a.example', 'b.example'] },
    manifest: DEPLOYMENT + SECRET,
    ...extra
  };
}

const CLEAR = ['hunter2', 'changeme', 'aHVudGVyMg==', 'YWRtaW4=', 'a.example', 'c3VwZXJzZWNyZXQ='];

describe('Helm values', () => {
  it('are masked by default, keys kept, in both values tabs', () => {
    const values = tabText(release(), 'values');
    expect(parse(values)).toEqual({ replicaCount: MASK, db: { password: MASK }, hosts: [MASK, MASK] });
    const all = tabText(release(), 'all');
    expect(parse(all)).toEqual({
      replicaCount: MASK,
      image: { tag: MASK },
      db: { password: MASK, user: MASK },
      hosts: [MASK, MASK]
    });
    for (const text of [values, all]) for (const clear of CLEAR) expect(text).not.toContain(clear);
  });

  it('show as Helm computes them once revealed', () => {
    expect(parse(tabText(release(), 'values', true))).toEqual(release().config);
    expect(parse(tabText(release(), 'all', true))).toEqual({
      replicaCount: 2,
      image: { tag: 'latest' },
      db: { password: 'hunter2', user: 'admin' },
      hosts: ['a.example', 'b.example']
    });
  });

  it('say so when none were supplied, revealed or not', () => {
    for (const revealed of [false, true])
      expect(tabText(release({ config: null }), 'values', revealed)).toContain('No values were supplied');
  });

  it('never leak a scalar, whatever the shape', () => {
    const leaf = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.integer(),
      fc.boolean(),
      fc.double({ noNaN: true })
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('tree'), { maxKeys: 4 })
      )
    }));
    fc.assert(
      fc.property(tree, (values) => {
        const masked = maskValues(values);
        const leaves = (v: unknown): unknown[] =>
          Array.isArray(v)
            ? v.flatMap(leaves)
            : v && typeof v === 'object'
              ? Object.values(v).flatMap(leaves)
              : [v];
        expect(leaves(masked).every((l) => l === MASK)).toBe(true);
        expect(leaves(masked).length).toBe(leaves(values).length);
      })
    );
  });
});

describe('the Helm manifest', () => {
  it('masks every Secret’s data and stringData and leaves other documents byte for byte', () => {
    const text = tabText(release(), 'manifest');
    expect(text.startsWith(DEPLOYMENT)).toBe(true);
    for (const clear of CLEAR) expect(text).not.toContain(clear);
    const secret = parseAllDocuments(text)[1].toJS();
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'app-db' },
      type: 'Opaque',
      data: { password: MASK, user: MASK },
      stringData: { dsn: MASK }
    });
    // Where it came from stays, as Helm wrote it.
    expect(text).toContain('# Source: app/templates/secret.yaml');
  });

  it('is shown as Helm rendered it once revealed', () => {
    expect(tabText(release(), 'manifest', true)).toBe(DEPLOYMENT + SECRET);
  });

  it('masks a Secret written as JSON, and the Secrets of a List', () => {
    const list = `---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: { name: a }
    data: { k: c3VwZXJzZWNyZXQ= }
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: b }
    data: { k: visible }
`;
    const text = maskManifestSecrets(JSON_SECRET + list);
    expect(text).not.toContain('c3VwZXJzZWNyZXQ=');
    expect(text).toContain('visible');
    expect(parseAllDocuments(text)[0].toJS().data).toEqual({ token: MASK });
  });

  it('hides whole a document that mentions a Secret but does not parse', () => {
    const broken = `---\nkind: Secret\ndata:\n  password: "aHVudGVyMg==\n  : [\n`;
    const text = maskManifestSecrets(DEPLOYMENT + broken);
    expect(text).toBe(
      `${DEPLOYMENT}---\n# A Secret Skiff could not parse: hidden until values are revealed.\n`
    );
  });

  it('leaves a manifest without Secrets untouched, and keeps ConfigMaps and a SecretStore', () => {
    const other = `---\napiVersion: v1\nkind: ConfigMap\ndata:\n  password: visible-on-purpose\n---\nkind: SecretStore\nspec: {x: 1}\n`;
    expect(maskManifestSecrets(DEPLOYMENT + other)).toBe(DEPLOYMENT + other);
  });

  it('keeps the notes: they are text the chart wrote', () => {
    expect(tabText(release(), 'notes')).toBe('Get the password with kubectl get secret app-db');
  });
});
