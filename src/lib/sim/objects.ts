/**
 * Factories for the objects of a simulated cluster, shaped like kube-apiserver JSON (v1.32):
 * server-side defaults filled, status shapes as the controllers and the kubelet write them,
 * managedFields with plausible fieldsV1 trees. Pure functions: callers pass times and a Random.
 *
 * Also the pure status computations (ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, PDB) that
 * both `populate` and the controllers use, so a freshly populated world is already reconciled.
 */
import type { KubeObject, ManagedFieldsEntry, NewObject, OwnerReference } from './types';
import type { Random } from './random';

export const KUBE_VERSION = 'v1.32.3';
export const CONTAINER_RUNTIME = 'containerd://1.7.24';

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayPrefixes = new Map<number, string>();

/** `2026-11-26T10:00:00Z`: apiserver timestamps have second precision. */
export function isoTime(ms: number): string {
  // Formatting is hot when populating large worlds: the date part is cached per day.
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / 86400);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size > 4096) dayPrefixes.clear();
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const rem = seconds - day * 86400;
  const h = Math.floor(rem / 3600);
  const m = Math.floor((rem - h * 3600) / 60);
  return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[rem - h * 3600 - m * 60]}Z`;
}

export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const FNV_PRIME = 0x01000193;

function fnvText(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * fnv32a over a canonical encoding of a JSON value (object keys sorted, undefined fields skipped):
 * equal objects hash equally whatever their key order, with no intermediate string.
 */
export function canonicalHash(value: unknown, h = 0x811c9dc5): number {
  if (value === null || value === undefined) return Math.imul(h ^ 0x7a, FNV_PRIME); // 'z'
  switch (typeof value) {
    case 'string':
      return fnvText(Math.imul(h ^ 0x22, FNV_PRIME), value) ^ 0; // '"' then the text
    case 'number':
    case 'boolean':
      return fnvText(Math.imul(h ^ 0x23, FNV_PRIME), String(value));
  }
  if (Array.isArray(value)) {
    h = Math.imul(h ^ 0x5b, FNV_PRIME); // '['
    for (const item of value) h = Math.imul(canonicalHash(item, h) ^ 0x2c, FNV_PRIME); // ','
    return Math.imul(h ^ 0x5d, FNV_PRIME); // ']'
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Objects built by the simulator mostly have sorted keys already: only sort when needed.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys.sort();
      break;
    }
  }
  h = Math.imul(h ^ 0x7b, FNV_PRIME); // '{'
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    h = Math.imul(fnvText(h, key) ^ 0x3a, FNV_PRIME); // ':'
    h = Math.imul(canonicalHash(v, h) ^ 0x2c, FNV_PRIME);
  }
  return Math.imul(h ^ 0x7d, FNV_PRIME); // '}'
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The `pod-template-hash` of a pod template, like the deployment controller's ComputeHash:
 * fnv32a of the template, printed in decimal, each digit mapped through rand.SafeEncodeString's alphabet.
 */
export function templateHash(template: unknown): string {
  const decimal = String(canonicalHash(template) >>> 0);
  let out = '';
  for (let i = 0; i < decimal.length; i++) out += SAFE_ALPHABET[decimal.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** 64 hex digits derived from a string: stable image digests (the same image has the same digest everywhere). */
export function digestOf(text: string): string {
  let out = '';
  for (let i = 0; i < 8; i++)
    out += fnv1a32(text, 0x811c9dc5 + i * 0x9e3779b1)
      .toString(16)
      .padStart(8, '0');
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Bytes(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    chunk += B64[a >> 2] + B64[((a & 3) << 4) | (b >> 4)];
    chunk += i + 1 < bytes.length ? B64[((b & 15) << 2) | (c >> 6)] : '=';
    chunk += i + 2 < bytes.length ? B64[c & 63] : '=';
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

const encoder = new TextEncoder();

/** base64 of the UTF-8 bytes of a string, as in a Secret's `data`. */
export function base64(text: string): string {
  return base64Bytes(encoder.encode(text));
}

let crcTable: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A valid gzip member whose deflate stream uses only stored (uncompressed) blocks: synchronous,
 * dependency-free and readable by any gunzip. Helm release payloads need gzip, not compression.
 */
export function gzipStored(data: Uint8Array, mtimeSeconds = 0): Uint8Array {
  const MAX_BLOCK = 65535;
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK));
  const out = new Uint8Array(10 + blocks * 5 + data.length + 8);
  const view = new DataView(out.buffer);
  out.set([0x1f, 0x8b, 8, 0], 0); // magic, CM=deflate, no flags
  view.setUint32(4, mtimeSeconds >>> 0, true);
  out[8] = 0; // XFL
  out[9] = 3; // OS = Unix
  let pos = 10;
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX_BLOCK;
    const len = Math.min(MAX_BLOCK, data.length - start);
    out[pos] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE=00 (stored)
    view.setUint16(pos + 1, len, true);
    view.setUint16(pos + 3, ~len & 0xffff, true);
    out.set(data.subarray(start, start + len), pos + 5);
    pos += 5 + len;
  }
  view.setUint32(pos, crc32(data), true);
  view.setUint32(pos + 4, data.length >>> 0, true);
  return out;
}

// Quantities ------------------------------------------------------------------------------------

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4
};

/** The value of a resource quantity (`250m` → 0.25, `1Gi` → 1073741824). Unknown forms give NaN. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)(e[0-9]+|[numkMGT]i?|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) return NaN;
  const suffix = m[2] ?? '';
  if (suffix.startsWith('e')) return Number(m[1]) * 10 ** Number(suffix.slice(1));
  return Number(m[1]) * (SUFFIX[suffix] ?? NaN);
}

/** Millicores in canonical form: 1500 → `1500m`, 2000 → `2`. */
export function formatCpu(milli: number): string {
  const m = Math.round(milli);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** Bytes in the largest binary suffix that divides them exactly: 1610612736 → `1536Mi`. */
export function formatMemory(bytes: number): string {
  const b = Math.round(bytes);
  for (const [suffix, f] of [
    ['Ti', 1024 ** 4],
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024]
  ] as const) {
    if (b !== 0 && b % f === 0) return `${b / f}${suffix}`;
  }
  return String(b);
}

/** The address `offset` places into a CIDR block: `ipInCidr('10.64.2.0/23', 300)` → `10.64.3.44`. */
export function ipInCidr(cidr: string, offset: number): string {
  const base = cidr
    .split('/')[0]
    .split('.')
    .reduce((n, octet) => n * 256 + Number(octet), 0);
  const v = base + offset;
  return `${Math.floor(v / 16777216) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
}

/** Addresses in a CIDR block (`/24` → 256). */
export function cidrSize(cidr: string): number {
  return 2 ** (32 - Number(cidr.split('/')[1] ?? 32));
}

/** `nginx:1.27` → `docker.io/library/nginx:1.27`, as the runtime reports images. */
export function normalizeImage(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return image;
  return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}

const imageIds = new Map<string, string>();

export function imageId(image: string): string {
  let id = imageIds.get(image);
  if (id === undefined) {
    const full = normalizeImage(image);
    id = `${full.replace(/:[^:/]+$/, '')}@sha256:${digestOf(full)}`;
    if (imageIds.size > 10_000) imageIds.clear();
    imageIds.set(image, id);
  }
  return id;
}

export function ownerRef(owner: KubeObject, controller = true): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller,
    blockOwnerDeletion: true
  };
}

/** The kind of the object's controlling owner (`ReplicaSet`, `Job`…), if it has one. */
export function controllerOfKind(o: {
  metadata: { ownerReferences?: OwnerReference[] };
}): string | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller)?.kind;
}

/** Does a label set satisfy a LabelSelector (`matchLabels` + `matchExpressions`)? */
export function selectorMatches(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: LabelRequirement[] } | undefined,
  labels: Record<string, string> | undefined
): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A Service's `spec.selector` (a plain map) matches when every pair is present. */
export function mapSelectorMatches(
  selector: Record<string, string> | undefined,
  labels?: Record<string, string>
) {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  for (const k in selector) if (l[k] !== selector[k]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// managedFields
// ---------------------------------------------------------------------------------------------

type Fields = Record<string, unknown>;

/** Lists merged by key (their elements appear as `k:{...}`), by field name. */
const LIST_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumes: ['name'],
  conditions: ['type'],
  podIPs: ['ip'],
  hostIPs: ['ip'],
  ownerReferences: ['uid'],
  imagePullSecrets: ['name'],
  addresses: ['type'],
  rules: [],
  webhooks: ['name']
};
/** Lists merged as sets of scalars (`v:"..."`). */
const SET_LISTS = new Set(['finalizers']);
/** Structs that are not pointers: their fieldsV1 node has no `.` entry. */
const NO_DOT = new Set([
  'metadata',
  'spec',
  'status',
  'template',
  'strategy',
  'jobTemplate',
  'updateStrategy'
]);

function listKeyFields(name: string, items: unknown[]): string[] | undefined {
  if (name === 'ports') {
    const first = items[0] as Record<string, unknown> | undefined;
    if (first && 'containerPort' in first) return ['containerPort', 'protocol'];
    if (first && 'port' in first && 'protocol' in first) return ['port', 'protocol'];
    return undefined;
  }
  const keys = LIST_KEYS[name];
  return keys && keys.length > 0 ? keys : undefined;
}

/**
 * Trees of pod specs, by identity: a Deployment, its ReplicaSets and their pods share one template
 * spec object, so its tree is computed once. Safe because stored objects are never mutated in place.
 */
const specFieldsCache = new WeakMap<object, Fields>();

/**
 * Declares that two pod specs have the same structure (they differ only in values that are not list
 * keys, like an image tag), so they share one fieldsV1 tree: the revisions of one workload.
 */
export function sameSpecShape(computed: object, other: object) {
  if (computed === other || specFieldsCache.has(other)) return;
  let tree = specFieldsCache.get(computed);
  if (!tree)
    specFieldsCache.set(computed, (tree = fieldsOfObject(computed as Record<string, unknown>, false)));
  specFieldsCache.set(other, tree);
}

function fieldsOfValue(name: string, value: unknown, dot: boolean): Fields {
  if (value === null || typeof value !== 'object') return {};
  if (name === 'spec' && !Array.isArray(value)) {
    let cached = specFieldsCache.get(value);
    if (!cached)
      specFieldsCache.set(value, (cached = fieldsOfObject(value as Record<string, unknown>, false)));
    return cached;
  }
  if (Array.isArray(value)) {
    if (SET_LISTS.has(name)) {
      const out: Fields = { '.': {} };
      for (const v of value) out[`v:${JSON.stringify(v)}`] = {};
      return out;
    }
    const keys = listKeyFields(name, value);
    if (!keys || value.length === 0) return {}; // atomic list
    const out: Fields = { '.': {} };
    for (const item of value as Record<string, unknown>[]) {
      const key: Record<string, unknown> = {};
      for (const k of keys) if (item[k] !== undefined) key[k] = item[k];
      out[`k:${JSON.stringify(key)}`] = name === 'ownerReferences' ? {} : fieldsOfObject(item, true);
    }
    return out;
  }
  const obj = value as Record<string, unknown>;
  // A LabelSelector is atomic; a Service's selector (a plain map) is not.
  if (name === 'selector' && ('matchLabels' in obj || 'matchExpressions' in obj)) return {};
  if (Object.keys(obj).length === 0) return {};
  return fieldsOfObject(obj, dot && !NO_DOT.has(name));
}

function fieldsOfObject(obj: Record<string, unknown>, dot: boolean): Fields {
  const out: Fields = dot ? { '.': {} } : {};
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    out[`f:${key}`] = fieldsOfValue(key, v, true);
  }
  return out;
}

/** The FieldsV1 tree for the fields of `partial` (an object holding the fields a manager owns). */
export function fieldsV1Of(partial: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const key of Object.keys(partial)) {
    const v = partial[key];
    if (v === undefined) continue;
    out[`f:${key}`] = fieldsOfValue(key, v, !NO_DOT.has(key));
  }
  return out;
}

export function managedEntry(
  manager: string,
  apiVersion: string,
  timeMs: number,
  fieldsV1: Fields,
  subresource?: string,
  operation: 'Update' | 'Apply' = 'Update'
): ManagedFieldsEntry {
  return {
    manager,
    operation,
    apiVersion,
    time: isoTime(timeMs),
    fieldsType: 'FieldsV1',
    fieldsV1,
    ...(subresource ? { subresource } : {})
  };
}

/** Metadata fields a client owns (labels, annotations, ownerReferences, finalizers, generateName). */
function ownedMetadata(meta: Partial<KubeObject['metadata']>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (meta.generateName) out.generateName = meta.generateName;
  if (meta.labels && Object.keys(meta.labels).length) out.labels = meta.labels;
  if (meta.annotations && Object.keys(meta.annotations).length) out.annotations = meta.annotations;
  if (meta.ownerReferences?.length) out.ownerReferences = meta.ownerReferences;
  if (meta.finalizers?.length) out.finalizers = meta.finalizers;
  return out;
}

/**
 * Adds the managedFields a real object would carry: the client that wrote it (everything but status)
 * and, when it has a status, the controller that writes the status subresource.
 */
export function withManagedFields<T extends NewObject>(
  obj: T,
  manager: string,
  timeMs: number,
  statusManager?: { manager: string; timeMs: number }
): T {
  const { apiVersion, kind: _kind, metadata, status, ...rest } = obj;
  const partial: Record<string, unknown> = { ...rest };
  const meta = ownedMetadata(metadata);
  const entries: ManagedFieldsEntry[] = [
    managedEntry(
      manager,
      apiVersion,
      timeMs,
      fieldsV1Of(Object.keys(meta).length ? { metadata: meta, ...partial } : partial)
    )
  ];
  if (status && statusManager && Object.keys(status).length) {
    entries.push(
      managedEntry(statusManager.manager, apiVersion, statusManager.timeMs, fieldsV1Of({ status }), 'status')
    );
  }
  obj.metadata.managedFields = entries;
  return obj;
}

// ---------------------------------------------------------------------------------------------
// Cluster-scoped basics
// ---------------------------------------------------------------------------------------------

export function namespace(name: string, created: number, labels: Record<string, string> = {}): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      creationTimestamp: isoTime(created),
      labels: { 'kubernetes.io/metadata.name': name, ...labels }
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' }
  };
}

export interface NodeInit {
  name: string;
  role: 'control-plane' | 'worker';
  pool: string;
  zone: string;
  region: string;
  instanceType: string;
  cpu: number; // cores
  memoryGi: number;
  maxPods: number;
  internalIP: string;
  podCIDR: string;
  created: number;
  now: number;
  rand: Random;
  unschedulable?: boolean;
  images?: string[];
}

export function node(init: NodeInit): NewObject {
  const { rand } = init;
  const memKi = init.memoryGi * 1024 * 1024 - rand.int(100_000, 300_000);
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/instance-type': init.instanceType,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': init.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': init.instanceType,
    'topology.kubernetes.io/region': init.region,
    'topology.kubernetes.io/zone': init.zone,
    'skiff.dev/node-pool': init.pool
  };
  if (init.role === 'control-plane') {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  const taints: Record<string, unknown>[] = [];
  if (init.role === 'control-plane')
    taints.push({ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' });
  if (init.unschedulable) {
    taints.push({
      effect: 'NoSchedule',
      key: 'node.kubernetes.io/unschedulable',
      timeAdded: isoTime(init.now - 3600_000)
    });
  }
  const heartbeat = isoTime(init.now - rand.int(0, 40) * 1000);
  const since = isoTime(init.created + 30_000);
  const cond = (type: string, status: string, reason: string, message: string) => ({
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: since,
    message,
    reason,
    status,
    type
  });
  const allocatableKi = memKi - 1024 * 1024 - 100 * 1024; // kube-reserved + eviction threshold
  const images = (init.images ?? []).map((image) => ({
    names: [imageId(image), normalizeImage(image)],
    sizeBytes: 10_000_000 + (fnv1a32(image) % 250_000_000)
  }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: init.name,
      creationTimestamp: isoTime(init.created),
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true'
      }
    },
    spec: {
      podCIDR: init.podCIDR,
      podCIDRs: [init.podCIDR],
      providerID: `skiff://${init.region}/${init.zone}/${init.name}`,
      ...(taints.length ? { taints } : {}),
      ...(init.unschedulable ? { unschedulable: true } : {})
    },
    status: {
      addresses: [
        { address: init.internalIP, type: 'InternalIP' },
        { address: init.name, type: 'Hostname' }
      ],
      allocatable: {
        cpu: formatCpu(init.cpu * 1000 - (init.cpu >= 8 ? 190 : 90)),
        'ephemeral-storage': '95038443245',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${allocatableKi}Ki`,
        pods: String(init.maxPods)
      },
      capacity: {
        cpu: String(init.cpu),
        'ephemeral-storage': '103124000Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: String(init.maxPods)
      },
      conditions: [
        cond(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available'
        ),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images,
      nodeInfo: {
        architecture: 'amd64',
        bootID: rand.uid(),
        containerRuntimeVersion: CONTAINER_RUNTIME,
        kernelVersion: '6.1.0-28-cloud-amd64',
        kubeProxyVersion: KUBE_VERSION,
        kubeletVersion: KUBE_VERSION,
        machineID: rand.hex(32),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: rand.uid()
      },
      runtimeHandlers: [
        { features: { recursiveReadOnlyMounts: true, userNamespaces: true }, name: 'runc' },
        { features: { recursiveReadOnlyMounts: true, userNamespaces: true }, name: '' }
      ]
    }
  };
}

/** Sets a node's Ready condition (what the node lifecycle controller does when a kubelet stops posting). */
export function setNodeReady(nodeObj: KubeObject, ready: boolean, now: number) {
  const t = isoTime(now);
  const conditions = (nodeObj.status.conditions ?? []) as Record<string, string>[];
  for (const c of conditions) {
    if (ready) {
      const fresh: Record<string, [string, string, string]> = {
        MemoryPressure: ['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
        DiskPressure: ['False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
        PIDPressure: ['False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
        Ready: ['True', 'KubeletReady', 'kubelet is posting ready status']
      };
      const f = fresh[c.type];
      if (!f) continue;
      if (c.status !== f[0]) c.lastTransitionTime = t;
      [c.status, c.reason, c.message] = f;
      c.lastHeartbeatTime = t;
    } else {
      if (c.status !== 'Unknown') c.lastTransitionTime = t;
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
    }
  }
  const taints = ((nodeObj.spec.taints ?? []) as { key: string }[]).filter(
    (x) => x.key !== 'node.kubernetes.io/unreachable'
  );
  if (!ready) {
    taints.push(
      { effect: 'NoSchedule', key: 'node.kubernetes.io/unreachable', timeAdded: t } as { key: string },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', timeAdded: t } as { key: string }
    );
  }
  if (taints.length) nodeObj.spec.taints = taints;
  else delete nodeObj.spec.taints;
}

export function nodeIsReady(nodeObj: KubeObject): boolean {
  return (nodeObj.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'
  );
}

// ---------------------------------------------------------------------------------------------
// Pod templates and pods
// ---------------------------------------------------------------------------------------------

export interface ProbeInit {
  path?: string; // httpGet when set, tcpSocket otherwise
  port: string | number;
  initialDelaySeconds?: number;
  periodSeconds?: number;
}

export interface ContainerInit {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
  env?: Record<string, unknown>[];
  envFrom?: Record<string, unknown>[];
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
  readiness?: ProbeInit;
  liveness?: ProbeInit;
  startup?: ProbeInit;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
  securityContext?: Record<string, unknown>;
}

export interface PodTemplateInit {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  containers: ContainerInit[];
  initContainers?: ContainerInit[];
  volumes?: Record<string, unknown>[];
  serviceAccountName?: string;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  nodeSelector?: Record<string, string>;
  tolerations?: Record<string, unknown>[];
  affinity?: Record<string, unknown>;
  priorityClassName?: string;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: Record<string, unknown>[];
  imagePullSecrets?: { name: string }[];
}

function probe(p: ProbeInit): Record<string, unknown> {
  const handler = p.path
    ? { httpGet: { path: p.path, port: p.port, scheme: 'HTTP' } }
    : { tcpSocket: { port: p.port } };
  return {
    failureThreshold: 3,
    ...handler,
    ...(p.initialDelaySeconds ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    periodSeconds: p.periodSeconds ?? 10,
    successThreshold: 1,
    timeoutSeconds: 1
  };
}

/** A container as the apiserver stores it: defaults filled in, keys in the apiserver's (alphabetical) order. */
export function container(c: ContainerInit): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  if (c.limits) resources.limits = c.limits;
  if (c.requests) resources.requests = c.requests;
  const tag = c.image.includes(':') ? c.image.slice(c.image.lastIndexOf(':') + 1) : 'latest';
  return {
    ...(c.args ? { args: c.args } : {}),
    ...(c.command ? { command: c.command } : {}),
    ...(c.env?.length ? { env: c.env } : {}),
    ...(c.envFrom?.length ? { envFrom: c.envFrom } : {}),
    image: c.image,
    imagePullPolicy: tag === 'latest' ? 'Always' : 'IfNotPresent',
    ...(c.liveness ? { livenessProbe: probe(c.liveness) } : {}),
    name: c.name,
    ...(c.ports?.length
      ? {
          ports: c.ports.map((p) => ({
            containerPort: p.containerPort,
            ...(p.name ? { name: p.name } : {}),
            protocol: p.protocol ?? 'TCP'
          }))
        }
      : {}),
    ...(c.readiness ? { readinessProbe: probe(c.readiness) } : {}),
    resources,
    ...(c.securityContext ? { securityContext: c.securityContext } : {}),
    ...(c.startup ? { startupProbe: probe(c.startup) } : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...(c.volumeMounts?.length ? { volumeMounts: c.volumeMounts } : {})
  };
}

/** A pod template as stored in a workload's `spec.template`. */
export type PodTemplateSpec = {
  metadata?: {
    creationTimestamp?: null;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
};

/** A `spec.template` (PodTemplateSpec) with the apiserver's defaults. */
export function podTemplate(t: PodTemplateInit): PodTemplateSpec {
  return {
    metadata: {
      creationTimestamp: null,
      labels: t.labels,
      ...(t.annotations && Object.keys(t.annotations).length ? { annotations: t.annotations } : {})
    },
    spec: {
      ...(t.affinity ? { affinity: t.affinity } : {}),
      containers: t.containers.map(container),
      dnsPolicy: t.dnsPolicy ?? (t.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst'),
      ...(t.hostNetwork ? { hostNetwork: true } : {}),
      ...(t.imagePullSecrets ? { imagePullSecrets: t.imagePullSecrets } : {}),
      ...(t.initContainers?.length ? { initContainers: t.initContainers.map(container) } : {}),
      ...(t.nodeSelector ? { nodeSelector: t.nodeSelector } : {}),
      ...(t.priorityClassName ? { priorityClassName: t.priorityClassName } : {}),
      restartPolicy: t.restartPolicy ?? 'Always',
      schedulerName: 'default-scheduler',
      securityContext: t.securityContext ?? {},
      ...(t.serviceAccountName
        ? { serviceAccount: t.serviceAccountName, serviceAccountName: t.serviceAccountName }
        : {}),
      terminationGracePeriodSeconds: t.terminationGracePeriodSeconds ?? 30,
      ...(t.tolerations ? { tolerations: t.tolerations } : {}),
      ...(t.topologySpreadConstraints ? { topologySpreadConstraints: t.topologySpreadConstraints } : {}),
      ...(t.volumes?.length ? { volumes: t.volumes } : {})
    }
  };
}

/** Tolerations the DefaultTolerationSeconds admission plugin adds to every pod. */
export const DEFAULT_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 }
];

/** Tolerations the DaemonSet controller adds to its pods. */
export const DAEMONSET_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
  { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }
];

export interface PodInit {
  name: string;
  namespace: string;
  /** The owner's `spec.template` (labels, annotations, spec). */
  template: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: Record<string, unknown>;
  };
  owner?: OwnerReference;
  generateName?: string;
  nodeName?: string;
  created: number;
  /** The random `xxxxx` of the `kube-api-access-xxxxx` volume. */
  tokenVolumeSuffix: string;
  extraLabels?: Record<string, string>;
  hostname?: string;
  subdomain?: string;
  /** Extra volumes (a StatefulSet's claims). */
  extraVolumes?: Record<string, unknown>[];
  daemonSetNode?: string;
  priority?: number;
  uid?: string;
}

/** A pod as its controller creates it and admission completes it (service account volume, tolerations…). */
export function podFromTemplate(init: PodInit): NewObject {
  const tplSpec = init.template.spec;
  const tokenVolume = `kube-api-access-${init.tokenVolumeSuffix}`;
  const saMount = {
    mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    name: tokenVolume,
    readOnly: true
  };
  const withMount = (c: Record<string, unknown>) => ({
    ...c,
    volumeMounts: [...((c.volumeMounts as unknown[]) ?? []), saMount]
  });
  const volumes = [
    ...((tplSpec.volumes as unknown[]) ?? []),
    ...(init.extraVolumes ?? []),
    {
      name: tokenVolume,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
          {
            downwardAPI: {
              items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }]
            }
          }
        ]
      }
    }
  ];
  const tolerations = init.daemonSetNode
    ? [...((tplSpec.tolerations as unknown[]) ?? []), ...DAEMONSET_TOLERATIONS]
    : [...((tplSpec.tolerations as unknown[]) ?? []), ...DEFAULT_TOLERATIONS];
  const sa = (tplSpec.serviceAccountName as string) ?? 'default';
  const spec: Record<string, unknown> = {
    ...tplSpec,
    ...(init.daemonSetNode
      ? {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchFields: [{ key: 'metadata.name', operator: 'In', values: [init.daemonSetNode] }] }
                ]
              }
            }
          }
        }
      : {}),
    containers: (tplSpec.containers as Record<string, unknown>[]).map(withMount),
    enableServiceLinks: true,
    ...(init.hostname ? { hostname: init.hostname } : {}),
    ...(tplSpec.initContainers
      ? { initContainers: (tplSpec.initContainers as Record<string, unknown>[]).map(withMount) }
      : {}),
    ...(init.nodeName ? { nodeName: init.nodeName } : {}),
    preemptionPolicy: 'PreemptLowerPriority',
    priority: init.priority ?? 0,
    serviceAccount: sa,
    serviceAccountName: sa,
    ...(init.subdomain ? { subdomain: init.subdomain } : {}),
    tolerations,
    volumes
  };
  const labels = { ...(init.template.metadata?.labels ?? {}), ...(init.extraLabels ?? {}) };
  const annotations = init.template.metadata?.annotations;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: init.name,
      ...(init.generateName ? { generateName: init.generateName } : {}),
      namespace: init.namespace,
      ...(init.uid ? { uid: init.uid } : {}),
      creationTimestamp: isoTime(init.created),
      labels,
      ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
      ...(init.owner ? { ownerReferences: [init.owner] } : {})
    },
    spec,
    status: { phase: 'Pending', qosClass: qosClass(spec) }
  };
}

/** The pod's QoS class from its containers' requests and limits. */
export function qosClass(spec: Record<string, unknown>): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [
    ...((spec.containers as Record<string, unknown>[]) ?? []),
    ...((spec.initContainers as Record<string, unknown>[]) ?? [])
  ];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const r = (c.resources ?? {}) as { requests?: Record<string, string>; limits?: Record<string, string> };
    const req = r.requests ?? {};
    const lim = r.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const res of ['cpu', 'memory']) {
      if (!lim[res]) guaranteed = false;
      else if (req[res] && parseQuantity(req[res]) !== parseQuantity(lim[res])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export type PodState =
  | 'unschedulable'
  | 'scheduled'
  | 'creating'
  | 'running'
  | 'notready'
  | 'crashloop'
  | 'imagepull'
  | 'succeeded'
  | 'failed';

export interface PodStatusInit {
  state: PodState;
  rand: Random;
  /** When the pod was bound to its node (PodScheduled). */
  scheduledAt: number;
  /** When its containers (last) started. */
  startedAt?: number;
  /** When it finished (succeeded/failed) or last crashed. */
  finishedAt?: number;
  hostIP?: string;
  podIP?: string;
  restartCount?: number;
  /** The scheduler's message for an unschedulable pod. */
  message?: string;
  exitCode?: number;
  podUid?: string;
}

function condition(
  type: string,
  status: boolean | 'False' | 'True',
  time: string,
  reason?: string,
  message?: string
) {
  return {
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(message ? { message } : {}),
    ...(reason ? { reason } : {}),
    status: typeof status === 'boolean' ? (status ? 'True' : 'False') : status,
    type
  };
}

function containerStatus(
  c: Record<string, unknown>,
  init: PodStatusInit,
  index: number,
  podName: string,
  namespaceName: string
): Record<string, unknown> {
  const image = normalizeImage(c.image as string);
  const mounts = ((c.volumeMounts as Record<string, unknown>[]) ?? []).map((m) => ({
    mountPath: m.mountPath,
    name: m.name,
    ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {})
  }));
  const started = isoTime(init.startedAt ?? init.scheduledAt);
  const base = { image, imageID: imageId(c.image as string), name: c.name as string };
  const restartCount = index === 0 ? (init.restartCount ?? 0) : 0;
  const lastTerminated =
    restartCount > 0
      ? {
          terminated: {
            containerID: `containerd://${init.rand.hex(64)}`,
            exitCode: init.exitCode ?? 1,
            finishedAt: isoTime(init.finishedAt ?? init.startedAt ?? init.scheduledAt),
            reason: (init.exitCode ?? 1) === 137 ? 'OOMKilled' : 'Error',
            startedAt: isoTime((init.finishedAt ?? init.startedAt ?? init.scheduledAt) - 45_000)
          }
        }
      : {};
  switch (init.state) {
    case 'creating':
      return {
        ...base,
        image,
        imageID: '',
        lastState: {},
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ContainerCreating' } },
        volumeMounts: mounts
      };
    case 'imagepull':
      return {
        ...base,
        imageID: '',
        lastState: {},
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          waiting: {
            message: `Back-off pulling image "${c.image as string}"`,
            reason: 'ImagePullBackOff'
          }
        },
        volumeMounts: mounts
      };
    case 'crashloop':
      if (index === 0) {
        return {
          containerID: `containerd://${init.rand.hex(64)}`,
          ...base,
          lastState: lastTerminated,
          ready: false,
          restartCount,
          started: false,
          state: {
            waiting: {
              message: `back-off ${backoffText(restartCount)} restarting failed container=${base.name} pod=${podName}_${namespaceName}(${init.podUid ?? ''})`,
              reason: 'CrashLoopBackOff'
            }
          },
          volumeMounts: mounts
        };
      }
      break;
    case 'succeeded':
    case 'failed': {
      const exitCode = init.state === 'succeeded' ? 0 : (init.exitCode ?? 1);
      return {
        containerID: `containerd://${init.rand.hex(64)}`,
        ...base,
        lastState: {},
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          terminated: {
            containerID: `containerd://${init.rand.hex(64)}`,
            exitCode,
            finishedAt: isoTime(init.finishedAt ?? init.scheduledAt),
            reason: exitCode === 0 ? 'Completed' : 'Error',
            startedAt: started
          }
        },
        volumeMounts: mounts
      };
    }
  }
  const ready = init.state === 'running' || (init.state === 'crashloop' && index > 0);
  return {
    containerID: `containerd://${init.rand.hex(64)}`,
    ...base,
    lastState: lastTerminated,
    ready,
    restartCount,
    started: true,
    state: { running: { startedAt: started } },
    volumeMounts: mounts
  };
}

/** kubelet's CrashLoopBackOff delay for a restart count: 10s doubling to 5m. */
export function backoffText(restarts: number): string {
  const seconds = Math.min(300, 10 * 2 ** Math.max(0, restarts - 1));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
}

/** A complete pod status for one of the states a pod passes through. */
export function podStatus(
  pod: { metadata: Partial<KubeObject['metadata']>; spec?: Record<string, unknown> },
  init: PodStatusInit
): KubeObject['status'] {
  const spec = pod.spec ?? {};
  const qos = qosClass(spec);
  const sched = isoTime(init.scheduledAt);
  if (init.state === 'unschedulable') {
    return {
      conditions: [
        condition(
          'PodScheduled',
          false,
          sched,
          'Unschedulable',
          init.message ?? '0/3 nodes are available: 3 Insufficient cpu.'
        )
      ],
      phase: 'Pending',
      qosClass: qos
    };
  }
  if (init.state === 'scheduled') {
    return { conditions: [condition('PodScheduled', true, sched)], phase: 'Pending', qosClass: qos };
  }
  const containers = (spec.containers as Record<string, unknown>[]) ?? [];
  const names = containers.map((c) => c.name as string);
  const name = pod.metadata.name ?? '';
  const ns = pod.metadata.namespace ?? '';
  const statuses = containers.map((c, i) => containerStatus(c, init, i, name, ns));
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const hostFields = init.hostIP ? { hostIP: init.hostIP, hostIPs: [{ ip: init.hostIP }] } : {};
  const ipFields = init.podIP ? { podIP: init.podIP, podIPs: [{ ip: init.podIP }] } : {};
  const sandboxAt = isoTime(init.scheduledAt + 2000);
  let phase = 'Running';
  let ready = unready.length === 0;
  let readyReason: string | undefined = ready ? undefined : 'ContainersNotReady';
  let readyMessage: string | undefined = ready
    ? undefined
    : `containers with unready status: [${unready.join(' ')}]`;
  let sandboxReady = true;
  if (init.state === 'creating') {
    phase = 'Pending';
    sandboxReady = false;
  } else if (init.state === 'imagepull') {
    phase = 'Pending';
  } else if (init.state === 'succeeded' || init.state === 'failed') {
    phase = init.state === 'succeeded' ? 'Succeeded' : 'Failed';
    ready = false;
    sandboxReady = false;
    readyReason = init.state === 'succeeded' ? 'PodCompleted' : 'PodFailed';
    readyMessage = undefined;
  } else if (init.state === 'notready') {
    ready = false;
    readyReason = 'ContainersNotReady';
    readyMessage = `containers with unready status: [${names[0]}]`;
    for (const s of statuses.slice(0, 1)) s.ready = false;
  }
  const readyTime = isoTime(
    ready
      ? (init.startedAt ?? init.scheduledAt) + 5000
      : (init.finishedAt ?? init.startedAt ?? init.scheduledAt)
  );
  const initContainers = (spec.initContainers as Record<string, unknown>[]) ?? [];
  return {
    conditions: [
      condition('PodReadyToStartContainers', sandboxReady, sandboxAt),
      condition('Initialized', true, sandboxAt),
      condition('Ready', ready, readyTime, readyReason, readyMessage),
      condition('ContainersReady', ready, readyTime, readyReason, readyMessage),
      condition('PodScheduled', true, sched)
    ],
    containerStatuses: statuses,
    ...hostFields,
    ...(initContainers.length
      ? {
          initContainerStatuses: initContainers.map((c) => ({
            containerID: `containerd://${init.rand.hex(64)}`,
            image: normalizeImage(c.image as string),
            imageID: imageId(c.image as string),
            lastState: {},
            name: c.name,
            ready: true,
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID: `containerd://${init.rand.hex(64)}`,
                exitCode: 0,
                finishedAt: isoTime(init.scheduledAt + 4000),
                reason: 'Completed',
                startedAt: isoTime(init.scheduledAt + 3000)
              }
            }
          }))
        }
      : {}),
    phase,
    ...ipFields,
    qosClass: qos,
    startTime: sched
  };
}

/** Flips a running pod's readiness (a failing readiness probe), keeping container ids. */
export function setPodReady(pod: KubeObject, ready: boolean, now: number) {
  const t = isoTime(now);
  const statuses = (pod.status?.containerStatuses ?? []) as Record<string, unknown>[];
  if (statuses[0]) statuses[0].ready = ready;
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = unready.length === 0;
  for (const c of (pod.status?.conditions ?? []) as Record<string, unknown>[]) {
    if (c.type !== 'Ready' && c.type !== 'ContainersReady') continue;
    const status = allReady ? 'True' : 'False';
    if (c.status !== status) c.lastTransitionTime = t;
    c.status = status;
    if (allReady) {
      delete c.reason;
      delete c.message;
    } else {
      c.reason = 'ContainersNotReady';
      c.message = `containers with unready status: [${unready.join(' ')}]`;
    }
  }
}

export function podIsReady(pod: KubeObject): boolean {
  const conditions = pod.status?.conditions as { type: string; status: string }[] | undefined;
  if (!conditions) return false;
  for (const c of conditions) if (c.type === 'Ready') return c.status === 'True';
  return false;
}

/** Counted by controllers: not terminating and not finished. */
export function podIsActive(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/**
 * managedFields of a controller-created pod: the controller's create (metadata + spec from the
 * template) and the kubelet's status updates. `controllerFields` can be shared by all pods of one owner.
 */
export function podManagedFields(
  pod: NewObject,
  controllerFields: Fields,
  created: number,
  statusTime: number,
  controllerManager = 'kube-controller-manager'
): ManagedFieldsEntry[] {
  const entries = [managedEntry(controllerManager, 'v1', created, controllerFields)];
  if (pod.status && pod.status.conditions) {
    entries.push(
      managedEntry('kubelet', 'v1', statusTime, { 'f:status': podStatusFields(pod.status) }, 'status')
    );
  }
  return entries;
}

const conditionFieldsCache = new Map<string, Fields>();
const IP_FIELDS: Fields = { '.': {}, 'f:ip': {} };

/** The kubelet's status tree (conditions keyed by type, containerStatuses atomic, IPs keyed by ip). */
function podStatusFields(status: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const key of Object.keys(status)) {
    const v = status[key];
    if (key === 'qosClass' || v === undefined) continue; // qosClass is set on create, not by the kubelet
    if (key === 'conditions') {
      const conditions = v as Record<string, unknown>[];
      const signature = conditions.map((c) => `${c.type}:${Object.keys(c).join(',')}`).join('|');
      let tree = conditionFieldsCache.get(signature);
      if (!tree) conditionFieldsCache.set(signature, (tree = fieldsOfValue('conditions', conditions, true)));
      out['f:conditions'] = tree;
    } else if (key === 'podIPs' || key === 'hostIPs') {
      const ips: Fields = { '.': {} };
      for (const ip of v as { ip: string }[]) ips[`k:{"ip":"${ip.ip}"}`] = IP_FIELDS;
      out[`f:${key}`] = ips;
    } else {
      out[`f:${key}`] = fieldsOfValue(key, v, true);
    }
  }
  return out;
}

/** The controller-owned part of a pod (what the owner's template and reference put there). */
export function podControllerFields(
  template: { metadata?: Record<string, unknown>; spec: Record<string, unknown> },
  owner?: OwnerReference,
  generateName?: string,
  extraLabels?: Record<string, string>
): Fields {
  const labels = { ...((template.metadata?.labels as Record<string, string>) ?? {}), ...(extraLabels ?? {}) };
  const annotations = template.metadata?.annotations as Record<string, string> | undefined;
  return fieldsV1Of({
    metadata: {
      ...(generateName ? { generateName } : {}),
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ...(owner ? { ownerReferences: [owner] } : {})
    },
    spec: template.spec
  });
}

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

interface MetaInit {
  name: string;
  namespace: string;
  created: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: OwnerReference;
  generation?: number;
  uid?: string;
}

function meta(m: MetaInit): NewObject['metadata'] {
  return {
    name: m.name,
    namespace: m.namespace,
    ...(m.uid ? { uid: m.uid } : {}),
    creationTimestamp: isoTime(m.created),
    ...(m.generation ? { generation: m.generation } : {}),
    ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
    ...(m.annotations && Object.keys(m.annotations).length ? { annotations: m.annotations } : {}),
    ...(m.owner ? { ownerReferences: [m.owner] } : {})
  };
}

export interface DeploymentInit extends MetaInit {
  replicas: number;
  selector: Record<string, string>;
  template: Record<string, unknown>;
  revision: number;
  strategy?: 'RollingUpdate' | 'Recreate';
}

export function deployment(d: DeploymentInit): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta({
      ...d,
      annotations: { 'deployment.kubernetes.io/revision': String(d.revision), ...(d.annotations ?? {}) }
    }),
    spec: {
      progressDeadlineSeconds: 600,
      replicas: d.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: d.selector },
      strategy:
        d.strategy === 'Recreate'
          ? { type: 'Recreate' }
          : { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: d.template
    },
    status: {}
  };
}

/** The template a ReplicaSet of a Deployment carries: the Deployment's, plus the hash label. */
export function replicaSetTemplate(template: Record<string, unknown>, hash: string): Record<string, unknown> {
  const tm = (template.metadata ?? {}) as Record<string, unknown>;
  return {
    ...template,
    metadata: {
      ...tm,
      labels: { ...((tm.labels as Record<string, string>) ?? {}), 'pod-template-hash': hash }
    }
  };
}

export interface ReplicaSetInit extends MetaInit {
  deployment: KubeObject;
  template: Record<string, unknown>; // the Deployment's template this RS was made from
  replicas: number;
  revision: number;
}

export function replicaSet(r: ReplicaSetInit): NewObject {
  const hash = templateHash(r.template);
  const d = r.deployment;
  const labels = {
    ...((r.template.metadata as { labels?: Record<string, string> }).labels ?? {}),
    'pod-template-hash': hash
  };
  const desired = d.spec.replicas ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta({
      ...r,
      name: `${d.metadata.name}-${hash}`,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(desired),
        'deployment.kubernetes.io/max-replicas': String(desired + Math.ceil(desired * 0.25)),
        'deployment.kubernetes.io/revision': String(r.revision),
        ...(r.annotations ?? {})
      },
      owner: ownerRef(d)
    }),
    spec: {
      replicas: r.replicas,
      selector: { matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } },
      template: replicaSetTemplate(r.template, hash)
    },
    status: { replicas: 0 }
  };
}

export interface StatefulSetInit extends MetaInit {
  replicas: number;
  selector: Record<string, string>;
  serviceName: string;
  template: Record<string, unknown>;
  storage: string;
  storageClassName: string;
}

export function statefulSet(s: StatefulSetInit): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(s),
    spec: {
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      podManagementPolicy: 'OrderedReady',
      replicas: s.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: s.selector },
      serviceName: s.serviceName,
      template: s.template,
      updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { creationTimestamp: null, name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: s.storage } },
            storageClassName: s.storageClassName,
            volumeMode: 'Filesystem'
          },
          status: { phase: 'Pending' }
        }
      ]
    },
    status: {}
  };
}

/** `controller-revision-hash` value of a StatefulSet or DaemonSet revision. */
export function revisionName(owner: { metadata: { name?: string } }, template: unknown): string {
  return `${owner.metadata.name}-${templateHash(template)}`;
}

export interface DaemonSetInit extends MetaInit {
  selector: Record<string, string>;
  template: Record<string, unknown>;
}

export function daemonSet(d: DaemonSetInit): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta({
      ...d,
      annotations: { 'deprecated.daemonset.template.generation': '1', ...(d.annotations ?? {}) }
    }),
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: d.selector },
      template: d.template,
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' }
    },
    status: {}
  };
}

export interface JobInit extends MetaInit {
  template: Record<string, unknown>; // pod template without the job labels
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  ttlSecondsAfterFinished?: number;
  uid: string;
}

/** Labels the Job controller puts on its selector and pod template (they embed the Job's uid). */
export function jobPodLabels(name: string, uid: string): Record<string, string> {
  return {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name
  };
}

/**
 * A Job. Its selector and pod labels embed its uid, which only the server assigns: pass `uid: ''` to
 * create the Job first, then set them from the stored uid (see `labelJob` in controllers.ts).
 */
export function job(j: JobInit): NewObject {
  const tm = (j.template.metadata ?? {}) as Record<string, unknown>;
  const nameLabels = { 'batch.kubernetes.io/job-name': j.name, 'job-name': j.name };
  const podLabels = j.uid ? jobPodLabels(j.name, j.uid) : nameLabels;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta({ ...j, uid: undefined, labels: { ...(j.labels ?? {}), ...podLabels } }),
    spec: {
      backoffLimit: j.backoffLimit ?? 6,
      completionMode: 'NonIndexed',
      completions: j.completions ?? 1,
      manualSelector: false,
      parallelism: j.parallelism ?? 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      ...(j.uid ? { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': j.uid } } } : {}),
      suspend: false,
      ...(j.ttlSecondsAfterFinished !== undefined
        ? { ttlSecondsAfterFinished: j.ttlSecondsAfterFinished }
        : {}),
      template: {
        ...j.template,
        metadata: { ...tm, labels: { ...((tm.labels as Record<string, string>) ?? {}), ...podLabels } }
      }
    },
    status: {}
  };
}

export interface CronJobInit extends MetaInit {
  schedule: string;
  template: Record<string, unknown>;
  timeZone?: string;
}

export function cronJob(c: CronJobInit): NewObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(c),
    spec: {
      concurrencyPolicy: 'Forbid',
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { creationTimestamp: null },
        spec: { backoffLimit: 2, template: c.template }
      },
      schedule: c.schedule,
      successfulJobsHistoryLimit: 3,
      suspend: false,
      ...(c.timeZone ? { timeZone: c.timeZone } : {})
    },
    status: {}
  };
}

// ---------------------------------------------------------------------------------------------
// Status computations shared by populate and the controllers
// ---------------------------------------------------------------------------------------------

type Condition = Record<string, unknown> & { type: string; status: string };

/** Keeps the previous condition's times when nothing about it changed, as controllers do. */
function carryCondition(prev: Condition[] | undefined, next: Condition): Condition {
  const old = prev?.find((c) => c.type === next.type);
  if (!old) return next;
  const same = old.status === next.status;
  const out = { ...next };
  if (same && 'lastTransitionTime' in old) out.lastTransitionTime = old.lastTransitionTime;
  if ('lastUpdateTime' in next && same && old.reason === next.reason && old.message === next.message) {
    out.lastUpdateTime = old.lastUpdateTime;
  }
  return out;
}

export function replicaSetStatus(rs: KubeObject, pods: Iterable<KubeObject>): Record<string, unknown> {
  let replicas = 0;
  let ready = 0;
  let labeled = 0;
  const templateLabels = (rs.spec.template?.metadata?.labels ?? {}) as Record<string, string>;
  for (const p of pods) {
    if (!podIsActive(p)) continue;
    replicas++;
    if (podIsReady(p)) ready++;
    if (Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)) labeled++;
  }
  return {
    ...(ready ? { availableReplicas: ready } : {}),
    ...(labeled ? { fullyLabeledReplicas: labeled } : {}),
    observedGeneration: rs.metadata.generation ?? 1,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas
  };
}

/** `25%` of 7 rounded up (surge) or down (unavailable), or an integer as is. */
export function intOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) {
    const v = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(v) : Math.floor(v);
  }
  return Number(value) || 0;
}

export function deploymentStatus(
  d: KubeObject,
  replicaSets: KubeObject[],
  newRs: KubeObject | undefined,
  now: number
): Record<string, unknown> {
  let replicas = 0;
  let ready = 0;
  for (const rs of replicaSets) {
    replicas += rs.status?.replicas ?? 0;
    ready += rs.status?.readyReplicas ?? 0;
  }
  const desired = d.spec.replicas ?? 1;
  const updated = newRs?.status?.replicas ?? 0;
  const maxUnavailable =
    d.spec.strategy?.type === 'Recreate'
      ? 0
      : intOrPercent(d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desired, false);
  const available = ready;
  const unavailable = Math.max(0, replicas - available, desired - available);
  const t = isoTime(now);
  const prev = d.status?.conditions as Condition[] | undefined;
  const isAvailable = available >= desired - maxUnavailable;
  const complete = newRs && updated === desired && replicas === desired && available === desired;
  const conditions = [
    carryCondition(prev, {
      lastTransitionTime: t,
      lastUpdateTime: t,
      message: isAvailable
        ? 'Deployment has minimum availability.'
        : 'Deployment does not have minimum availability.',
      reason: isAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      status: isAvailable ? 'True' : 'False',
      type: 'Available'
    }),
    carryCondition(prev, {
      lastTransitionTime: t,
      lastUpdateTime: t,
      message: newRs
        ? complete
          ? `ReplicaSet "${newRs.metadata.name}" has successfully progressed.`
          : `ReplicaSet "${newRs.metadata.name}" is progressing.`
        : 'Created new replica set.',
      reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
      status: 'True',
      type: 'Progressing'
    })
  ];
  return {
    ...(available ? { availableReplicas: available } : {}),
    conditions,
    observedGeneration: d.metadata.generation ?? 1,
    ...(ready ? { readyReplicas: ready } : {}),
    ...(replicas ? { replicas } : {}),
    ...(unavailable ? { unavailableReplicas: unavailable } : {}),
    ...(updated ? { updatedReplicas: updated } : {})
  };
}

export function statefulSetStatus(s: KubeObject, pods: Iterable<KubeObject>): Record<string, unknown> {
  const updateRevision = revisionName(s, s.spec.template);
  let replicas = 0;
  let ready = 0;
  let updated = 0;
  let current = 0;
  for (const p of pods) {
    if (!podIsActive(p)) continue;
    replicas++;
    if (podIsReady(p)) ready++;
    if (p.metadata.labels?.['controller-revision-hash'] === updateRevision) updated++;
    else current++;
  }
  const rolled = current === 0;
  return {
    availableReplicas: ready,
    collisionCount: 0,
    currentReplicas: rolled ? updated : current,
    currentRevision: rolled ? updateRevision : (s.status?.currentRevision ?? updateRevision),
    observedGeneration: s.metadata.generation ?? 1,
    ...(ready ? { readyReplicas: ready } : {}),
    replicas,
    updateRevision,
    ...(updated ? { updatedReplicas: updated } : {})
  };
}

export function daemonSetStatus(
  ds: KubeObject,
  pods: Iterable<KubeObject>,
  desired: number
): Record<string, unknown> {
  const revision = templateHash(ds.spec.template);
  let scheduled = 0;
  let ready = 0;
  let updated = 0;
  for (const p of pods) {
    if (!podIsActive(p)) continue;
    scheduled++;
    if (podIsReady(p)) ready++;
    if (p.metadata.labels?.['controller-revision-hash'] === revision) updated++;
  }
  return {
    currentNumberScheduled: scheduled,
    desiredNumberScheduled: desired,
    numberAvailable: ready,
    numberMisscheduled: 0,
    numberReady: ready,
    ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: updated
  };
}

export function jobStatus(j: KubeObject, pods: Iterable<KubeObject>, now: number): Record<string, unknown> {
  let active = 0;
  let ready = 0;
  let succeeded = 0;
  let failed = 0;
  let lastFinish = 0;
  for (const p of pods) {
    const phase = p.status?.phase;
    if (phase === 'Succeeded') succeeded++;
    else if (phase === 'Failed') failed++;
    else if (!p.metadata.deletionTimestamp) {
      active++;
      if (podIsReady(p)) ready++;
    }
    if (phase === 'Succeeded' || phase === 'Failed') {
      const finished = p.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt;
      if (finished) lastFinish = Math.max(lastFinish, Date.parse(finished));
    }
  }
  const prev = j.status ?? {};
  const completions = j.spec.completions ?? 1;
  const t = isoTime(now);
  const startTime = prev.startTime ?? isoTime(Date.parse(j.metadata.creationTimestamp ?? t) || now);
  const status: Record<string, unknown> = {
    ...(active ? { active } : {}),
    ...(prev.completionTime ? { completionTime: prev.completionTime } : {}),
    ...(prev.conditions ? { conditions: prev.conditions } : {}),
    ...(failed ? { failed } : {}),
    ready,
    startTime,
    ...(succeeded ? { succeeded } : {}),
    terminating: 0,
    uncountedTerminatedPods: {}
  };
  if (!prev.conditions && succeeded >= completions) {
    const done = lastFinish ? isoTime(lastFinish) : t;
    status.completionTime = done;
    status.conditions = [
      {
        lastProbeTime: done,
        lastTransitionTime: done,
        message: 'Reached expected number of succeeded pods',
        reason: 'CompletionsReached',
        status: 'True',
        type: 'SuccessCriteriaMet'
      },
      {
        lastProbeTime: done,
        lastTransitionTime: done,
        message: 'Reached expected number of succeeded pods',
        reason: 'CompletionsReached',
        status: 'True',
        type: 'Complete'
      }
    ];
  } else if (!prev.conditions && failed > (j.spec.backoffLimit ?? 6)) {
    status.conditions = [
      {
        lastProbeTime: t,
        lastTransitionTime: t,
        message: 'Job has reached the specified backoff limit',
        reason: 'BackoffLimitExceeded',
        status: 'True',
        type: 'FailureTarget'
      },
      {
        lastProbeTime: t,
        lastTransitionTime: t,
        message: 'Job has reached the specified backoff limit',
        reason: 'BackoffLimitExceeded',
        status: 'True',
        type: 'Failed'
      }
    ];
  }
  return status;
}

export function jobIsFinished(j: KubeObject): boolean {
  return ((j.status?.conditions ?? []) as Condition[]).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True'
  );
}

export function pdbStatus(pdb: KubeObject, pods: Iterable<KubeObject>, now: number): Record<string, unknown> {
  let expected = 0;
  let healthy = 0;
  for (const p of pods) {
    if (!podIsActive(p)) continue;
    expected++;
    if (podIsReady(p)) healthy++;
  }
  let desired: number;
  if (pdb.spec.minAvailable !== undefined) desired = intOrPercent(pdb.spec.minAvailable, expected, true);
  else desired = Math.max(0, expected - intOrPercent(pdb.spec.maxUnavailable ?? 0, expected, true));
  const allowed = Math.max(0, healthy - desired);
  const prev = pdb.status?.conditions as Condition[] | undefined;
  return {
    conditions: [
      carryCondition(prev, {
        lastTransitionTime: isoTime(now),
        message: '',
        observedGeneration: pdb.metadata.generation ?? 1,
        reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
        status: allowed > 0 ? 'True' : 'False',
        type: 'DisruptionAllowed'
      })
    ],
    currentHealthy: healthy,
    desiredHealthy: desired,
    disruptionsAllowed: allowed,
    expectedPods: expected,
    observedGeneration: pdb.metadata.generation ?? 1
  };
}

// ---------------------------------------------------------------------------------------------
// Networking
// ---------------------------------------------------------------------------------------------

export interface ServicePortInit {
  name: string;
  port: number;
  targetPort: number | string;
  protocol?: 'TCP' | 'UDP';
  nodePort?: number;
}

export interface ServiceInit extends MetaInit {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  clusterIP: string;
  selector?: Record<string, string>;
  ports: ServicePortInit[];
  loadBalancerIP?: string;
  headless?: boolean;
}

export function service(s: ServiceInit): NewObject {
  const type = s.type ?? 'ClusterIP';
  const external = type !== 'ClusterIP';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(s),
    spec: {
      ...(type === 'LoadBalancer' ? { allocateLoadBalancerNodePorts: true } : {}),
      clusterIP: s.headless ? 'None' : s.clusterIP,
      clusterIPs: [s.headless ? 'None' : s.clusterIP],
      ...(external ? { externalTrafficPolicy: 'Cluster' } : {}),
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: s.ports.map((p) => ({
        name: p.name,
        ...(external && p.nodePort ? { nodePort: p.nodePort } : {}),
        port: p.port,
        protocol: p.protocol ?? 'TCP',
        targetPort: p.targetPort
      })),
      ...(s.selector ? { selector: s.selector } : {}),
      sessionAffinity: 'None',
      type
    },
    status: {
      loadBalancer: s.loadBalancerIP ? { ingress: [{ ip: s.loadBalancerIP, ipMode: 'VIP' }] } : {}
    }
  };
}

export interface EndpointInit {
  pod: KubeObject;
  zone?: string;
}

/** The endpoints of a set of pods as the EndpointSlice controller writes them. */
export function endpointsOf(pods: EndpointInit[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const { pod, zone } of pods) {
    const ip = pod.status?.podIP;
    if (!ip) continue;
    const ready = podIsReady(pod) && !pod.metadata.deletionTimestamp;
    out.push({
      addresses: [ip],
      conditions: { ready, serving: podIsReady(pod), terminating: !!pod.metadata.deletionTimestamp },
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: {
        kind: 'Pod',
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        uid: pod.metadata.uid
      },
      ...(zone ? { zone } : {})
    });
  }
  return out;
}

/** The ports of a Service's EndpointSlice: the target port resolved against the pods' named ports. */
export function endpointPorts(
  svc: KubeObject | NewObject,
  samplePod?: KubeObject
): Record<string, unknown>[] {
  const ports = (svc.spec.ports ?? []) as Record<string, unknown>[];
  return ports.map((p) => {
    let port = p.targetPort;
    if (typeof port === 'string' && samplePod) {
      for (const c of samplePod.spec.containers ?? []) {
        for (const cp of c.ports ?? []) if (cp.name === port) port = cp.containerPort;
      }
    }
    if (typeof port === 'string') port = p.port;
    return { name: p.name, port, protocol: p.protocol ?? 'TCP' };
  });
}

export interface EndpointSliceInit {
  name: string;
  service: KubeObject;
  endpoints: Record<string, unknown>[];
  ports: Record<string, unknown>[];
  created: number;
  managedBy?: string;
}

export function endpointSlice(e: EndpointSliceInit): NewObject {
  const svc = e.service;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: e.name,
      ...(e.managedBy ? {} : { generateName: `${svc.metadata.name}-` }),
      namespace: svc.metadata.namespace,
      creationTimestamp: isoTime(e.created),
      labels: {
        ...(svc.metadata.labels ?? {}),
        'endpointslice.kubernetes.io/managed-by': e.managedBy ?? 'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': svc.metadata.name
      },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': isoTime(e.created) },
      ...(e.managedBy ? {} : { ownerReferences: [ownerRef(svc)] })
    },
    addressType: 'IPv4',
    endpoints: e.endpoints,
    ports: e.ports
  };
}

export interface IngressInit extends MetaInit {
  className: string;
  rules: { host: string; paths: { path: string; service: string; port: number | string }[] }[];
  tls?: { hosts: string[]; secretName: string }[];
  loadBalancerIP?: string;
}

export function ingress(i: IngressInit): NewObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(i),
    spec: {
      ingressClassName: i.className,
      rules: i.rules.map((r) => ({
        host: r.host,
        http: {
          paths: r.paths.map((p) => ({
            backend: {
              service: {
                name: p.service,
                port: typeof p.port === 'number' ? { number: p.port } : { name: p.port }
              }
            },
            path: p.path,
            pathType: 'Prefix'
          }))
        }
      })),
      ...(i.tls ? { tls: i.tls } : {})
    },
    status: { loadBalancer: i.loadBalancerIP ? { ingress: [{ ip: i.loadBalancerIP }] } : {} }
  };
}

export function ingressClass(
  name: string,
  controller: string,
  created: number,
  isDefault: boolean
): NewObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      creationTimestamp: isoTime(created),
      labels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': name },
      ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {})
    },
    spec: { controller }
  };
}

export function networkPolicy(m: MetaInit, spec: Record<string, unknown>): NewObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(m), spec };
}

// ---------------------------------------------------------------------------------------------
// Configuration and storage
// ---------------------------------------------------------------------------------------------

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

export interface HelmReleaseInit {
  name: string;
  namespace: string;
  revision: number;
  status: 'deployed' | 'superseded' | 'failed' | 'uninstalled' | 'pending-upgrade';
  chart: { name: string; version: string; appVersion: string; description?: string; home?: string };
  values: Record<string, unknown>; // chart defaults
  config: Record<string, unknown>; // user-supplied values
  manifest: string;
  firstDeployed: number;
  lastDeployed: number;
  description?: string;
  notes?: string;
}

/** The release record Helm 3 stores (what `helm get all` reads back). */
export function helmReleaseJson(h: HelmReleaseInit): Record<string, unknown> {
  const toTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000000Z');
  return {
    name: h.name,
    info: {
      first_deployed: toTime(h.firstDeployed),
      last_deployed: toTime(h.lastDeployed),
      deleted: '',
      description: h.description ?? (h.revision === 1 ? 'Install complete' : 'Upgrade complete'),
      status: h.status,
      ...(h.notes ? { notes: h.notes } : {})
    },
    chart: {
      metadata: {
        name: h.chart.name,
        home: h.chart.home ?? `https://github.com/example/${h.chart.name}`,
        version: h.chart.version,
        description: h.chart.description ?? `A Helm chart for ${h.chart.name}`,
        apiVersion: 'v2',
        appVersion: h.chart.appVersion,
        type: 'application'
      },
      lock: null,
      templates: [],
      values: h.values,
      schema: null,
      files: []
    },
    config: h.config,
    manifest: h.manifest,
    version: h.revision,
    namespace: h.namespace
  };
}

/** `data.release` of a Helm release Secret: base64 (Secret encoding) of base64 of gzip of the JSON. */
export function encodeHelmRelease(release: Record<string, unknown>, mtimeSeconds = 0): string {
  const gz = gzipStored(encoder.encode(JSON.stringify(release)), mtimeSeconds);
  return base64(base64Bytes(gz));
}

export function helmReleaseSecret(h: HelmReleaseInit): NewObject {
  const release = helmReleaseJson(h);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `sh.helm.release.v1.${h.name}.v${h.revision}`,
      namespace: h.namespace,
      creationTimestamp: isoTime(h.lastDeployed),
      labels: {
        modifiedAt: String(Math.floor(h.lastDeployed / 1000)),
        name: h.name,
        owner: 'helm',
        status: h.status,
        version: String(h.revision)
      }
    },
    data: { release: encodeHelmRelease(release, Math.floor(h.lastDeployed / 1000)) },
    type: 'helm.sh/release.v1'
  };
}

export interface PvcInit extends MetaInit {
  storage: string;
  storageClassName: string;
  volumeName?: string;
  provisioner: string;
  nodeName?: string;
}

export function persistentVolumeClaim(p: PvcInit): NewObject {
  const bound = !!p.volumeName;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      ...meta({
        ...p,
        annotations: {
          ...(bound
            ? { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' }
            : {}),
          'volume.beta.kubernetes.io/storage-provisioner': p.provisioner,
          'volume.kubernetes.io/storage-provisioner': p.provisioner,
          ...(p.nodeName ? { 'volume.kubernetes.io/selected-node': p.nodeName } : {}),
          ...(p.annotations ?? {})
        }
      }),
      finalizers: ['kubernetes.io/pvc-protection']
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: p.storage } },
      storageClassName: p.storageClassName,
      volumeMode: 'Filesystem',
      ...(p.volumeName ? { volumeName: p.volumeName } : {})
    },
    status: bound
      ? { accessModes: ['ReadWriteOnce'], capacity: { storage: p.storage }, phase: 'Bound' }
      : { phase: 'Pending' }
  };
}

export function persistentVolume(
  pvc: KubeObject,
  provisioner: string,
  created: number,
  rand: Random
): NewObject {
  const storage = pvc.spec.resources.requests.storage as string;
  const node = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: `pvc-${pvc.metadata.uid}`,
      creationTimestamp: isoTime(created),
      annotations: {
        'pv.kubernetes.io/provisioned-by': provisioner,
        'volume.kubernetes.io/provisioner-deletion-secret-name': '',
        'volume.kubernetes.io/provisioner-deletion-secret-namespace': ''
      },
      finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection']
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: pvc.metadata.name,
        namespace: pvc.metadata.namespace,
        resourceVersion: pvc.metadata.resourceVersion,
        uid: pvc.metadata.uid
      },
      csi: {
        driver: provisioner,
        fsType: 'ext4',
        volumeAttributes: {
          'storage.kubernetes.io/csiProvisionerIdentity': `${Math.floor(created / 1000) - 86400}-${rand.int(1000, 9999)}-${provisioner}`
        },
        volumeHandle: `0001-0009-rook-ceph-0000000000000001-${rand.uid()}`
      },
      ...(node
        ? {
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }
                ]
              }
            }
          }
        : {}),
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: pvc.spec.storageClassName,
      volumeMode: 'Filesystem'
    },
    status: { lastPhaseTransitionTime: isoTime(created), phase: 'Bound' }
  };
}

export function storageClass(
  name: string,
  provisioner: string,
  created: number,
  isDefault: boolean,
  parameters: Record<string, string> = {}
): NewObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      creationTimestamp: isoTime(created),
      ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {})
    },
    allowVolumeExpansion: true,
    parameters,
    provisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer'
  };
}

// ---------------------------------------------------------------------------------------------
// Identity and access
// ---------------------------------------------------------------------------------------------

export function serviceAccount(m: MetaInit, imagePullSecrets?: string[]): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(m),
    ...(imagePullSecrets?.length ? { imagePullSecrets: imagePullSecrets.map((name) => ({ name })) } : {})
  };
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export function role(m: MetaInit, rules: PolicyRule[]): NewObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(m), rules };
}

export function clusterRole(
  name: string,
  created: number,
  rules: PolicyRule[],
  labels?: Record<string, string>,
  aggregateFrom?: Record<string, string>[]
): NewObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name,
      creationTimestamp: isoTime(created),
      ...(labels ? { labels } : {}),
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }
    },
    ...(aggregateFrom
      ? { aggregationRule: { clusterRoleSelectors: aggregateFrom.map((matchLabels) => ({ matchLabels })) } }
      : {}),
    rules
  };
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

function subjects(list: Subject[]) {
  return list.map((s) =>
    s.kind === 'ServiceAccount'
      ? { kind: s.kind, name: s.name, namespace: s.namespace }
      : { apiGroup: 'rbac.authorization.k8s.io', kind: s.kind, name: s.name }
  );
}

export function roleBinding(
  m: MetaInit,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  to: Subject[]
): NewObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(m),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleRef.kind, name: roleRef.name },
    subjects: subjects(to)
  };
}

export function clusterRoleBinding(
  name: string,
  created: number,
  roleName: string,
  to: Subject[],
  labels?: Record<string, string>
): NewObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, creationTimestamp: isoTime(created), ...(labels ? { labels } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: subjects(to)
  };
}

// ---------------------------------------------------------------------------------------------
// Policy, autoscaling, scheduling, admission
// ---------------------------------------------------------------------------------------------

export interface HpaInit extends MetaInit {
  target: KubeObject | NewObject;
  minReplicas: number;
  maxReplicas: number;
  cpuTarget: number;
  cpuCurrent: number;
  memoryTarget?: number;
  memoryCurrent?: number;
  currentReplicas: number;
  lastScale?: number;
}

export function horizontalPodAutoscaler(h: HpaInit): NewObject {
  const t = isoTime(h.lastScale ?? h.created);
  const limited = h.currentReplicas >= h.maxReplicas || h.currentReplicas <= h.minReplicas;
  const metrics: Record<string, unknown>[] = [
    {
      resource: { name: 'cpu', target: { averageUtilization: h.cpuTarget, type: 'Utilization' } },
      type: 'Resource'
    }
  ];
  const current: Record<string, unknown>[] = [
    {
      resource: {
        current: { averageUtilization: h.cpuCurrent, averageValue: `${h.cpuCurrent * 2}m` },
        name: 'cpu'
      },
      type: 'Resource'
    }
  ];
  if (h.memoryTarget !== undefined) {
    metrics.push({
      resource: { name: 'memory', target: { averageUtilization: h.memoryTarget, type: 'Utilization' } },
      type: 'Resource'
    });
    current.push({
      resource: {
        current: {
          averageUtilization: h.memoryCurrent ?? 50,
          averageValue: `${(h.memoryCurrent ?? 50) * 2 + 17}Mi`
        },
        name: 'memory'
      },
      type: 'Resource'
    });
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(h),
    spec: {
      maxReplicas: h.maxReplicas,
      metrics,
      minReplicas: h.minReplicas,
      scaleTargetRef: { apiVersion: h.target.apiVersion, kind: h.target.kind, name: h.target.metadata.name }
    },
    status: {
      conditions: [
        {
          lastTransitionTime: t,
          message: 'recommended size matches current size',
          reason: 'ReadyForNewScale',
          status: 'True',
          type: 'AbleToScale'
        },
        {
          lastTransitionTime: t,
          message:
            'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
          reason: 'ValidMetricFound',
          status: 'True',
          type: 'ScalingActive'
        },
        limited
          ? {
              lastTransitionTime: t,
              message: 'the desired replica count is less than the minimum replica count',
              reason: 'TooFewReplicas',
              status: 'True',
              type: 'ScalingLimited'
            }
          : {
              lastTransitionTime: t,
              message: 'the desired count is within the acceptable range',
              reason: 'DesiredWithinRange',
              status: 'False',
              type: 'ScalingLimited'
            }
      ],
      currentMetrics: current,
      currentReplicas: h.currentReplicas,
      desiredReplicas: h.currentReplicas,
      ...(h.lastScale ? { lastScaleTime: t } : {})
    }
  };
}

export function resourceQuota(
  m: MetaInit,
  hard: Record<string, string>,
  used: Record<string, string>
): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta(m),
    spec: { hard },
    status: { hard, used }
  };
}

export function limitRange(m: MetaInit): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta(m),
    spec: {
      limits: [
        {
          default: { cpu: '500m', memory: '512Mi' },
          defaultRequest: { cpu: '100m', memory: '128Mi' },
          max: { cpu: '4', memory: '8Gi' },
          maxLimitRequestRatio: { cpu: '10' },
          type: 'Container'
        },
        { max: { storage: '200Gi' }, min: { storage: '1Gi' }, type: 'PersistentVolumeClaim' }
      ]
    }
  };
}

export function podDisruptionBudget(
  m: MetaInit,
  selector: Record<string, string>,
  budget: { minAvailable?: number | string; maxUnavailable?: number | string }
): NewObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(m),
    spec: { ...budget, selector: { matchLabels: selector } },
    status: {}
  };
}

export function priorityClass(
  name: string,
  value: number,
  created: number,
  description: string,
  globalDefault = false
): NewObject {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name, creationTimestamp: isoTime(created) },
    description,
    globalDefault,
    preemptionPolicy: 'PreemptLowerPriority',
    value
  };
}

export interface WebhookInit {
  name: string;
  service: { name: string; namespace: string; path: string };
  rules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
  caBundle: string;
  failurePolicy?: 'Fail' | 'Ignore';
  namespaceSelector?: Record<string, unknown>;
}

export function webhookConfiguration(
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration',
  name: string,
  created: number,
  webhooks: WebhookInit[],
  labels?: Record<string, string>
): NewObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name, creationTimestamp: isoTime(created), ...(labels ? { labels } : {}) },
    webhooks: webhooks.map((w) => ({
      admissionReviewVersions: ['v1'],
      clientConfig: {
        caBundle: w.caBundle,
        service: { name: w.service.name, namespace: w.service.namespace, path: w.service.path, port: 443 }
      },
      failurePolicy: w.failurePolicy ?? 'Fail',
      matchPolicy: 'Equivalent',
      name: w.name,
      namespaceSelector: w.namespaceSelector ?? {},
      objectSelector: {},
      ...(kind === 'MutatingWebhookConfiguration' ? { reinvocationPolicy: 'Never' } : {}),
      rules: w.rules.map((r) => ({ ...r, scope: '*' })),
      sideEffects: 'None',
      timeoutSeconds: 10
    }))
  };
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

export interface EventInit {
  name: string;
  involved: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion?: string;
  };
  fieldPath?: string;
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  component: string;
  host?: string;
  count?: number;
  first: number;
  last: number;
}

export function event(e: EventInit): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: e.name,
      namespace: e.involved.namespace ?? 'default',
      creationTimestamp: isoTime(e.first)
    },
    count: e.count ?? 1,
    eventTime: null,
    firstTimestamp: isoTime(e.first),
    involvedObject: {
      apiVersion: e.involved.apiVersion,
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
      kind: e.involved.kind,
      name: e.involved.name,
      ...(e.involved.namespace ? { namespace: e.involved.namespace } : {}),
      ...(e.involved.resourceVersion ? { resourceVersion: e.involved.resourceVersion } : {}),
      uid: e.involved.uid
    },
    lastTimestamp: isoTime(e.last),
    message: e.message,
    reason: e.reason,
    reportingComponent: e.component,
    reportingInstance: e.host ?? '',
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
    type: e.type
  };
}

/** Event names are `<involved name>.<16 hex digits>` (the client's timestamp in nanoseconds, in hex). */
export function eventName(involvedName: string, timeMs: number, rand: Random): string {
  const nanos = BigInt(Math.floor(timeMs)) * 1_000_000n + BigInt(rand.int(0, 999_999));
  return `${involvedName}.${nanos.toString(16).padStart(16, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// cert-manager
// ---------------------------------------------------------------------------------------------

export function certificateCrd(created: number): NewObject {
  const str = { type: 'string' };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: 'certificates.cert-manager.io',
      creationTimestamp: isoTime(created),
      generation: 1,
      labels: {
        app: 'cert-manager',
        'app.kubernetes.io/instance': 'cert-manager',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/name': 'cert-manager',
        'app.kubernetes.io/version': 'v1.16.2'
      },
      annotations: {
        'helm.sh/resource-policy': 'keep',
        'meta.helm.sh/release-name': 'cert-manager',
        'meta.helm.sh/release-namespace': 'cert-manager'
      }
    },
    spec: {
      conversion: { strategy: 'None' },
      group: 'cert-manager.io',
      names: {
        categories: ['cert-manager'],
        kind: 'Certificate',
        listKind: 'CertificateList',
        plural: 'certificates',
        shortNames: ['cert', 'certs'],
        singular: 'certificate'
      },
      scope: 'Namespaced',
      versions: [
        {
          additionalPrinterColumns: [
            { jsonPath: '.status.conditions[?(@.type=="Ready")].status', name: 'Ready', type: 'string' },
            { jsonPath: '.spec.secretName', name: 'Secret', type: 'string' },
            { jsonPath: '.spec.issuerRef.name', name: 'Issuer', priority: 1, type: 'string' },
            {
              description:
                'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
              jsonPath: '.metadata.creationTimestamp',
              name: 'Age',
              type: 'date'
            }
          ],
          name: 'v1',
          schema: {
            openAPIV3Schema: {
              description:
                'A Certificate resource should be created to ensure an up to date and signed X.509 certificate is stored in the Kubernetes Secret resource named in `spec.secretName`.',
              properties: {
                apiVersion: str,
                kind: str,
                metadata: { type: 'object' },
                spec: {
                  properties: {
                    commonName: str,
                    dnsNames: { items: str, type: 'array' },
                    duration: str,
                    issuerRef: {
                      properties: { group: str, kind: str, name: str },
                      required: ['name'],
                      type: 'object'
                    },
                    privateKey: {
                      properties: {
                        algorithm: { enum: ['RSA', 'ECDSA', 'Ed25519'], type: 'string' },
                        rotationPolicy: { enum: ['Never', 'Always'], type: 'string' },
                        size: { type: 'integer' }
                      },
                      type: 'object'
                    },
                    renewBefore: str,
                    secretName: str,
                    usages: { items: str, type: 'array' }
                  },
                  required: ['issuerRef', 'secretName'],
                  type: 'object'
                },
                status: {
                  properties: {
                    conditions: {
                      items: {
                        properties: {
                          lastTransitionTime: { format: 'date-time', type: 'string' },
                          message: str,
                          observedGeneration: { format: 'int64', type: 'integer' },
                          reason: str,
                          status: { enum: ['True', 'False', 'Unknown'], type: 'string' },
                          type: str
                        },
                        required: ['status', 'type'],
                        type: 'object'
                      },
                      type: 'array',
                      'x-kubernetes-list-map-keys': ['type'],
                      'x-kubernetes-list-type': 'map'
                    },
                    notAfter: { format: 'date-time', type: 'string' },
                    notBefore: { format: 'date-time', type: 'string' },
                    renewalTime: { format: 'date-time', type: 'string' },
                    revision: { type: 'integer' }
                  },
                  type: 'object'
                }
              },
              type: 'object'
            }
          },
          served: true,
          storage: true,
          subresources: { status: {} }
        }
      ]
    },
    status: {
      acceptedNames: {
        categories: ['cert-manager'],
        kind: 'Certificate',
        listKind: 'CertificateList',
        plural: 'certificates',
        shortNames: ['cert', 'certs'],
        singular: 'certificate'
      },
      conditions: [
        {
          lastTransitionTime: isoTime(created),
          message: 'no conflicts found',
          reason: 'NoConflicts',
          status: 'True',
          type: 'NamesAccepted'
        },
        {
          lastTransitionTime: isoTime(created),
          message: 'the initial names have been accepted',
          reason: 'InitialNamesAccepted',
          status: 'True',
          type: 'Established'
        }
      ],
      storedVersions: ['v1']
    }
  };
}

export interface CertificateInit extends MetaInit {
  dnsNames: string[];
  secretName: string;
  issuer: string;
  ready: boolean;
  notBefore: number;
  revision: number;
}

export function certificate(c: CertificateInit): NewObject {
  const t = isoTime(c.notBefore);
  const notAfter = c.notBefore + 90 * 86400_000;
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: meta({ ...c, generation: 1 }),
    spec: {
      dnsNames: c.dnsNames,
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: c.issuer },
      privateKey: { algorithm: 'ECDSA', rotationPolicy: 'Always', size: 256 },
      secretName: c.secretName,
      usages: ['digital signature', 'key encipherment']
    },
    status: {
      conditions: [
        c.ready
          ? {
              lastTransitionTime: t,
              message: 'Certificate is up to date and has not expired',
              observedGeneration: 1,
              reason: 'Ready',
              status: 'True',
              type: 'Ready'
            }
          : {
              lastTransitionTime: t,
              message: `Issuing certificate as Secret does not exist`,
              observedGeneration: 1,
              reason: 'DoesNotExist',
              status: 'False',
              type: 'Ready'
            }
      ],
      ...(c.ready
        ? {
            notAfter: isoTime(notAfter),
            notBefore: t,
            renewalTime: isoTime(notAfter - 30 * 86400_000),
            revision: c.revision
          }
        : {})
    }
  };
}
