/**
 * The little protobuf kubectl speaks to us. Typed clients send built-in kinds as
 * `application/vnd.kubernetes.protobuf`: the 4-byte magic `k8s\0`, then a runtime.Unknown envelope
 * { typeMeta(1){apiVersion(1), kind(2)}, raw(2), contentEncoding(3), contentType(4) } whose `raw` is
 * the object's own message. We decode the envelope and the two kinds `kubectl auth can-i` sends
 * (field numbers from k8s.io/api/authorization/v1/generated.proto) into the JSON shape a JSON
 * request would have produced (empty strings omitted, as omitempty does).
 */
import { ApiError } from '../kube/types';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_MAGIC = new Uint8Array([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

function malformed(why: string): ApiError {
  return new ApiError(400, 'BadRequest', `the body of the request could not be decoded as protobuf: ${why}`);
}

/** Protobuf wire-format reader: varints, length-delimited fields, and skipping of the rest. */
export class ProtoReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  eof(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** A varint as a number (exact up to 2^53; kube messages use small ones). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw malformed('unexpected end of data in varint');
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw malformed('varint longer than 10 bytes');
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field === 0) throw malformed('field number 0');
    return { field, wire: t % 8 };
  }

  bytesField(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.bytes.length) throw malformed('length-delimited field runs past the end');
    const out = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    return new TextDecoder('utf-8', { fatal: false }).decode(this.bytesField());
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  skip(wire: number) {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_BYTES:
        this.bytesField();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
    }
    throw malformed(`unsupported wire type ${wire}`);
  }

  private advance(n: number) {
    if (this.pos + n > this.bytes.length) throw malformed('fixed-width field runs past the end');
    this.pos += n;
  }
}

/** Read every field of a message, handing each to `onField`; fields it does not take are skipped. */
function readMessage(bytes: Uint8Array, onField: (field: number, wire: number, r: ProtoReader) => boolean) {
  const r = new ProtoReader(bytes);
  while (!r.eof()) {
    const { field, wire } = r.tag();
    if (!onField(field, wire, r)) r.skip(wire);
  }
}

/** Decode a message of string fields (and repeated strings) into an object, by field number. */
function readStrings(
  bytes: Uint8Array,
  names: Record<number, string>,
  repeated: Record<number, string> = {}
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  readMessage(bytes, (field, wire, r) => {
    if (wire !== WIRE_BYTES) return false;
    if (names[field]) {
      const v = r.string();
      if (v !== '') out[names[field]] = v;
      return true;
    }
    if (repeated[field]) {
      const key = repeated[field];
      ((out[key] ??= []) as string[]).push(r.string());
      return true;
    }
    return false;
  });
  return out;
}

export interface RuntimeUnknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Strip the `k8s\0` magic and decode the runtime.Unknown envelope. */
export function decodeUnknown(body: Uint8Array): RuntimeUnknown {
  if (body.length < 4 || PROTOBUF_MAGIC.some((b, i) => body[i] !== b)) {
    throw malformed('missing the "k8s\\x00" prefix');
  }
  const out: RuntimeUnknown = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(0),
    contentEncoding: '',
    contentType: ''
  };
  readMessage(body.subarray(4), (field, wire, r) => {
    if (wire !== WIRE_BYTES) return false;
    switch (field) {
      case 1: {
        const tm = readStrings(r.bytesField(), { 1: 'apiVersion', 2: 'kind' });
        out.apiVersion = (tm.apiVersion as string) ?? '';
        out.kind = (tm.kind as string) ?? '';
        return true;
      }
      case 2:
        out.raw = r.bytesField();
        return true;
      case 3:
        out.contentEncoding = r.string();
        return true;
      case 4:
        out.contentType = r.string();
        return true;
    }
    return false;
  });
  return out;
}

/** ObjectMeta: name(1), generateName(2), namespace(3), labels(11), annotations(12). */
function decodeObjectMeta(bytes: Uint8Array): Record<string, unknown> {
  const meta = readStrings(bytes, { 1: 'name', 2: 'generateName', 3: 'namespace' });
  readMessage(bytes, (field, wire, r) => {
    if ((field !== 11 && field !== 12) || wire !== WIRE_BYTES) return false;
    const entry = readStrings(r.bytesField(), { 1: 'key', 2: 'value' });
    const map = (meta[field === 11 ? 'labels' : 'annotations'] ??= {}) as Record<string, string>;
    map[String(entry.key ?? '')] = String(entry.value ?? '');
    return true;
  });
  return meta;
}

/** FieldSelectorAttributes / LabelSelectorAttributes: rawSelector(1), requirements(2){key, operator, values}. */
function decodeSelectorAttributes(bytes: Uint8Array): Record<string, unknown> {
  const out = readStrings(bytes, { 1: 'rawSelector' });
  readMessage(bytes, (field, wire, r) => {
    if (field !== 2 || wire !== WIRE_BYTES) return false;
    const req = readStrings(r.bytesField(), { 1: 'key', 2: 'operator' }, { 3: 'values' });
    ((out.requirements ??= []) as unknown[]).push(req);
    return true;
  });
  return out;
}

/** ResourceAttributes: namespace(1) verb(2) group(3) version(4) resource(5) subresource(6) name(7) fieldSelector(8) labelSelector(9). */
function decodeResourceAttributes(bytes: Uint8Array): Record<string, unknown> {
  const out = readStrings(bytes, {
    1: 'namespace',
    2: 'verb',
    3: 'group',
    4: 'version',
    5: 'resource',
    6: 'subresource',
    7: 'name'
  });
  readMessage(bytes, (field, wire, r) => {
    if ((field !== 8 && field !== 9) || wire !== WIRE_BYTES) return false;
    out[field === 8 ? 'fieldSelector' : 'labelSelector'] = decodeSelectorAttributes(r.bytesField());
    return true;
  });
  return out;
}

/** SelfSubjectAccessReview { metadata(1), spec(2){ resourceAttributes(1), nonResourceAttributes(2){path, verb} } }. */
export function decodeSelfSubjectAccessReview(raw: Uint8Array): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec: {}
  };
  readMessage(raw, (field, wire, r) => {
    if (wire !== WIRE_BYTES) return false;
    if (field === 1) {
      out.metadata = decodeObjectMeta(r.bytesField());
      return true;
    }
    if (field === 2) {
      const spec: Record<string, unknown> = {};
      readMessage(r.bytesField(), (f, w, sr) => {
        if (w !== WIRE_BYTES) return false;
        if (f === 1) spec.resourceAttributes = decodeResourceAttributes(sr.bytesField());
        else if (f === 2) spec.nonResourceAttributes = readStrings(sr.bytesField(), { 1: 'path', 2: 'verb' });
        else return false;
        return true;
      });
      out.spec = spec;
      return true;
    }
    return false; // status (3) is the server's to fill
  });
  return out;
}

/** SelfSubjectRulesReview { metadata(1), spec(2){ namespace(1) } }. */
export function decodeSelfSubjectRulesReview(raw: Uint8Array): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec: {}
  };
  readMessage(raw, (field, wire, r) => {
    if (wire !== WIRE_BYTES) return false;
    if (field === 1) out.metadata = decodeObjectMeta(r.bytesField());
    else if (field === 2) out.spec = readStrings(r.bytesField(), { 1: 'namespace' });
    else return false;
    return true;
  });
  return out;
}

const DECODERS: Record<string, (raw: Uint8Array) => Record<string, unknown>> = {
  'authorization.k8s.io/v1 SelfSubjectAccessReview': decodeSelfSubjectAccessReview,
  'authorization.k8s.io/v1 SelfSubjectRulesReview': decodeSelfSubjectRulesReview
};

/**
 * Decode a protobuf request body into the JSON object the JSON path would have. Kinds we cannot
 * decode get 415, as a server without that serializer answers.
 */
export function decodeProtobufReview(body: Uint8Array): Record<string, unknown> {
  const unknown = decodeUnknown(body);
  const decode = DECODERS[`${unknown.apiVersion} ${unknown.kind}`];
  if (!decode || unknown.contentEncoding !== '') {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`
    );
  }
  return decode(unknown.raw);
}
