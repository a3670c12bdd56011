/**
 * Accept header negotiation: the media ranges a client accepts, in its order of preference, and the
 * transformed answers (Table, PartialObjectMetadata) it may ask for with `;as=...;g=meta.k8s.io`.
 */

export type AcceptAs = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface AcceptChoice {
  /** The transformed kind the client asked for; undefined means the object or list itself. */
  as: AcceptAs | undefined;
  /** Only protobuf is acceptable: the simulator cannot answer (406). */
  protobufOnly: boolean;
  /** Some media type we can produce is acceptable. */
  acceptable: boolean;
  /** meta.k8s.io version for `as` answers. */
  version: 'v1' | 'v1beta1';
  mediaType: 'application/json' | 'application/yaml' | undefined;
}

export interface MediaRange {
  type: string;
  /** Parameters other than q, names lowercased, values unquoted. */
  params: Record<string, string>;
  q: number;
}

/** The media ranges of an Accept header in the order written, without the refused ones (q=0). */
export function parseMediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.split(';').map((p) => p.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0)
          params[p.slice(0, eq).trim().toLowerCase()] = p
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      delete params.q;
      return { type: type.toLowerCase(), params, q: Number.isNaN(q) ? 1 : q };
    })
    .filter((r) => r.type !== '' && r.q > 0);
}

/** Most preferred first: by q, ties in the header's order. */
function byPreference(ranges: MediaRange[]): MediaRange[] {
  return ranges
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.q - a.r.q || a.i - b.i)
    .map(({ r }) => r);
}

const AS_KINDS = new Set<string>(['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList']);

/**
 * Choose the answer for an Accept header the way the API server negotiates: the first acceptable
 * media range wins; `as=Table;g=meta.k8s.io;v=v1` asks for a Table, a range naming something we
 * cannot produce (another group, APIGroupDiscoveryList, protobuf) is skipped.
 */
export function parseAccept(acceptHeader: string | null | undefined): AcceptChoice {
  const header = (acceptHeader ?? '').trim();
  const none: AcceptChoice = {
    as: undefined,
    protobufOnly: false,
    acceptable: true,
    version: 'v1',
    mediaType: 'application/json'
  };
  if (header === '') return none;
  let sawProtobuf = false;
  for (const r of byPreference(parseMediaRanges(header))) {
    let mediaType: AcceptChoice['mediaType'];
    if (r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*')
      mediaType = 'application/json';
    else if (r.type === 'application/yaml') mediaType = 'application/yaml';
    else {
      if (r.type === 'application/vnd.kubernetes.protobuf') sawProtobuf = true;
      continue;
    }
    const as = r.params.as;
    if (as === undefined) return { ...none, mediaType };
    if (!AS_KINDS.has(as) || r.params.g !== 'meta.k8s.io') continue;
    if (r.params.v !== 'v1' && r.params.v !== 'v1beta1') continue;
    return { as: as as AcceptAs, protobufOnly: false, acceptable: true, version: r.params.v, mediaType };
  }
  return { as: undefined, protobufOnly: sawProtobuf, acceptable: false, version: 'v1', mediaType: undefined };
}
