/**
 * The patch formats kube-apiserver accepts: JSON merge patch (RFC 7386), strategic merge patch
 * (lists of named items merge by key) and JSON patch (RFC 6902). Server-side apply uses the
 * strategic merge of the applied configuration.
 */
import { ApiError } from '../kube/types';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return structuredClone(patch as Json);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The key that identifies items of a list in strategic merge (containers by name, ports by port…). */
const MERGE_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'ip', 'type', 'topologyKey'];

function mergeKeyOf(items: Json[]): string | undefined {
  if (items.length === 0 || !items.every(isObject)) return undefined;
  return MERGE_KEYS.find((k) => (items as JsonObject[]).every((i) => k in i));
}

function strategicList(target: Json[], patch: Json[]): Json[] {
  const key = mergeKeyOf(patch) ?? mergeKeyOf(target);
  if (!key || !target.every(isObject)) return patch.filter((p) => !(isObject(p) && '$patch' in p)) as Json[];
  const out = [...(target as JsonObject[])];
  for (const item of patch as JsonObject[]) {
    const idx = out.findIndex((t) => t[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (item.$patch === 'replace') {
      return patch.filter((p) => isObject(p) && p.$patch !== 'replace');
    } else if (idx >= 0) out[idx] = strategicMerge(out[idx], item) as JsonObject;
    else out.push(strategicMerge(undefined, item) as JsonObject);
  }
  return out;
}

/** Strategic merge patch: like merge patch, but lists of keyed objects merge item by item. */
export function strategicMerge(target: unknown, patch: unknown): Json {
  if (Array.isArray(patch))
    return Array.isArray(target) ? strategicList(target, patch) : strategicList([], patch);
  if (!isObject(patch)) return structuredClone(patch as Json);
  if (patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return strategicMerge(undefined, rest);
  }
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    // Directives that only steer ordering or retention do not change content here.
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k.startsWith('$deleteFromPrimitiveList/'))
      continue;
    if (v === null) delete out[k];
    else out[k] = strategicMerge(out[k], v);
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new ApiError(422, 'Invalid', `invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], op: string): [JsonObject | Json[], string] {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new ApiError(
        422,
        'Invalid',
        `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path`
      );
    }
    cur = next;
  }
  return [cur as JsonObject | Json[], parts[parts.length - 1]];
}

function getAt(doc: Json, parts: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: unknown, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json patch must be an array of operations');
  let doc = structuredClone(target as Json);
  for (const raw of ops) {
    const op = raw as { op: string; path: string; from?: string; value?: Json };
    const parts = pointer(op.path);
    const write = (value: Json) => {
      if (parts.length === 0) {
        doc = value;
        return;
      }
      const [parent, key] = parentOf(doc, parts, op.op);
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : Number(key);
        if (op.op === 'add' || op.op === 'copy' || op.op === 'move') parent.splice(i, 0, value);
        else parent[i] = value;
      } else parent[key] = value;
    };
    const remove = (ps: string[]) => {
      const [parent, key] = parentOf(doc, ps, op.op);
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else if (key in parent) delete parent[key];
      else
        throw new ApiError(422, 'Invalid', `remove operation does not apply: doc is missing key: ${op.path}`);
    };
    switch (op.op) {
      case 'add':
      case 'replace':
        if (op.op === 'replace' && getAt(doc, parts) === undefined)
          throw new ApiError(
            422,
            'Invalid',
            `replace operation does not apply: doc is missing key: ${op.path}`
          );
        write(structuredClone(op.value as Json));
        break;
      case 'remove':
        remove(parts);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, parts)) !== JSON.stringify(op.value))
          throw new ApiError(422, 'Invalid', `testing value ${op.path} failed`);
        break;
      case 'copy':
      case 'move': {
        const from = pointer(op.from ?? '');
        const value = getAt(doc, from);
        if (value === undefined)
          throw new ApiError(422, 'Invalid', `${op.op} operation does not apply: missing from ${op.from}`);
        if (op.op === 'move') remove(from);
        write(structuredClone(value));
        break;
      }
      default:
        throw new ApiError(422, 'Invalid', `unexpected json patch operation: ${op.op}`);
    }
  }
  return doc;
}
