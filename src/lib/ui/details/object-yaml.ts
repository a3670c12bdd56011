/**
 * The YAML tab's text: the object as `kubectl get -o yaml` would print it, with a Secret's values
 * masked unless the user revealed them in the Summary tab, and managedFields left out unless asked.
 * A Secret's `kubectl.kubernetes.io/last-applied-configuration` annotation (kubectl's copy of the
 * Secret as applied, data and stringData in clear) is masked with the same reveal, key by key.
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
  if (values === null || values === undefined) return values;
  // Not a map of keys (malformed, or a hand-edited annotation): nothing to reveal by key.
  if (typeof values !== 'object' || Array.isArray(values)) return MASK;
  // fromEntries defines own properties: a Secret key `__proto__` (valid in Kubernetes) stays a key.
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, revealed(key) ? value : MASK])
  );
}

export function isSecret(obj: Pick<KubeObject, 'kind' | 'apiVersion'>): boolean {
  return obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * kubectl's last-applied copy of a Secret with its data and stringData masked like the Secret's
 * own (a revealed key shows its value). Text that is not a JSON object (hand-edited, cut) could
 * hold anything: it is masked whole.
 */
export function maskLastApplied(text: string, revealed: (key: string) => boolean): string {
  let applied: unknown;
  try {
    applied = JSON.parse(text);
  } catch {
    return MASK;
  }
  if (!applied || typeof applied !== 'object' || Array.isArray(applied)) return MASK;
  const shown: Record<string, unknown> = { ...(applied as Record<string, unknown>) };
  if ('data' in shown) shown.data = masked(shown.data, revealed);
  if ('stringData' in shown) shown.stringData = masked(shown.stringData, revealed);
  // A nested copy (an annotation of the applied object) is masked whole: it repeats the values.
  const meta = shown.metadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const annotations = (meta as Record<string, unknown>).annotations;
    if (annotations && typeof annotations === 'object' && LAST_APPLIED in annotations)
      shown.metadata = { ...meta, annotations: { ...annotations, [LAST_APPLIED]: MASK } };
  }
  return JSON.stringify(shown) + (text.endsWith('\n') ? '\n' : '');
}

/**
 * The annotations as the page shows them: a Secret's last-applied copy masked unless its keys are
 * revealed; any other kind's as they are (a ConfigMap's data is not secret).
 */
export function shownAnnotations(
  obj: Pick<KubeObject, 'kind' | 'apiVersion' | 'metadata'>,
  revealed: (key: string) => boolean = () => false
): Record<string, string> | undefined {
  const annotations = obj.metadata.annotations;
  if (!annotations || !isSecret(obj) || !(LAST_APPLIED in annotations)) return annotations;
  // fromEntries: an annotation key `__proto__` stays a key.
  return Object.fromEntries(
    Object.entries(annotations).map(([k, v]) => [
      k,
      k === LAST_APPLIED ? maskLastApplied(String(v), revealed) : v
    ])
  );
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
    const annotations = shownAnnotations(obj, revealed);
    if (annotations !== obj.metadata.annotations) shown.metadata = { ...shown.metadata, annotations };
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
