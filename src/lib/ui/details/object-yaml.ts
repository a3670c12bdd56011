/**
 * The YAML tab's text: the object as `kubectl get -o yaml` would print it, with a Secret's values
 * masked unless the user revealed them in the Summary tab, and managedFields left out unless asked.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '$lib/kube/types';

export const MASK = '••••';

export interface YamlOptions {
  /** Whether the Secret key `key` is revealed; every value is masked when absent. */
  revealed?: (key: string) => boolean;
  /** Keep metadata.managedFields (when the object still has them). Default false. */
  managedFields?: boolean;
}

function masked(values: unknown, revealed: (key: string) => boolean): unknown {
  if (!values || typeof values !== 'object') return values;
  // fromEntries defines own properties: a Secret key `__proto__` (valid in Kubernetes) stays a key.
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, revealed(key) ? value : MASK])
  );
}

export function isSecret(obj: Pick<KubeObject, 'kind' | 'apiVersion'>): boolean {
  return obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

export function objectYaml(obj: KubeObject, options: YamlOptions = {}): string {
  const revealed = options.revealed ?? (() => false);
  let shown: KubeObject = obj;
  if (!options.managedFields && obj.metadata.managedFields) {
    const { managedFields: _hidden, ...metadata } = obj.metadata;
    shown = { ...shown, metadata };
  }
  if (isSecret(obj)) {
    shown = { ...shown };
    if ('data' in obj) shown.data = masked(obj.data, revealed);
    if ('stringData' in obj) shown.stringData = masked(obj.stringData, revealed);
  }
  // lineWidth 0: long values (certificates, JSON annotations) stay on one line, as kubectl prints them.
  return stringify(shown, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** How many bytes a base64 text decodes to (without decoding it). */
export function base64Bytes(base64: unknown): number {
  if (typeof base64 !== 'string') return 0;
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

/** A Secret value, base64-decoded: its text when it is UTF-8, else its size (it is binary). */
export type DecodedValue =
  { kind: 'text'; text: string } | { kind: 'binary'; bytes: number } | { kind: 'invalid' };

export function decodeSecretValue(base64: unknown): DecodedValue {
  if (typeof base64 !== 'string') return { kind: 'invalid' };
  let raw: string;
  try {
    raw = atob(base64);
  } catch {
    return { kind: 'invalid' };
  }
  const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  try {
    return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { kind: 'binary', bytes: bytes.length };
  }
}
