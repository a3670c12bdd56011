/** ConfigMaps and Secrets: opaque, TLS, registry credentials and service account tokens. */
import type { Random } from '../random';
import type { KubeObject, NewObject } from '../../kube/types';
import { base64, base64Bytes } from './format';
import { meta, type MetaInit } from './meta';

export function configMap(m: MetaInit, data: Record<string, string>): NewObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(m), data };
}

export function secret(m: MetaInit, type: string, stringData: Record<string, string>): NewObject {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(stringData)) data[k] = base64(v);
  return { apiVersion: 'v1', kind: 'Secret', metadata: meta(m), data, type };
}

/** A PEM block of the right shape (random base64 body): certificates, keys, CA bundles. */
export function pem(label: string, rand: Random, bytes = 900): string {
  const body = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) body[i] = (rand.next() * 256) | 0;
  const b64 = base64Bytes(body);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function tlsSecret(m: MetaInit, rand: Random): NewObject {
  return secret(m, 'kubernetes.io/tls', {
    'tls.crt': pem('CERTIFICATE', rand, 1100),
    'tls.key': pem('PRIVATE KEY', rand, 1190)
  });
}

export function dockerConfigSecret(m: MetaInit, registry: string, user: string, password: string): NewObject {
  const auth = base64(`${user}:${password}`);
  return secret(m, 'kubernetes.io/dockerconfigjson', {
    '.dockerconfigjson': JSON.stringify({ auths: { [registry]: { username: user, password, auth } } })
  });
}

export function serviceAccountTokenSecret(
  m: MetaInit,
  serviceAccount: KubeObject,
  rand: Random,
  caCrt: string
): NewObject {
  const token = `eyJhbGciOiJSUzI1NiIsImtpZCI6I${rand.hex(40)}.${base64(JSON.stringify({ iss: 'kubernetes/serviceaccount', sub: `system:serviceaccount:${m.namespace}:${serviceAccount.metadata.name}` })).replace(/=+$/, '')}.${rand.hex(86)}`;
  const s = secret(
    {
      ...m,
      annotations: {
        'kubernetes.io/service-account.name': serviceAccount.metadata.name,
        'kubernetes.io/service-account.uid': serviceAccount.metadata.uid
      }
    },
    'kubernetes.io/service-account-token',
    { 'ca.crt': caCrt, namespace: m.namespace, token }
  );
  return s;
}
