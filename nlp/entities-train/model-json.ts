import { z } from 'zod';

/**
 * The saved tagger: plain JSON with the weights as little-endian Float32 in base64, about a third
 * the size of a number array and bit-exact on reload. `version` names the feature templates as well
 * as the layout: weights are meaningless under other templates, so a mismatch is refused, not guessed.
 */

export const ENTITY_MODEL_FORMAT = 'crossfeed-entity-tagger';
export const ENTITY_MODEL_VERSION = 1;

const modelJsonSchema = z.object({
  format: z.literal(ENTITY_MODEL_FORMAT),
  version: z.literal(ENTITY_MODEL_VERSION),
  labels: z.array(z.string().min(1)),
  lookups: z.record(z.string(), z.array(z.string())),
  /** The word-cluster table the features used (its id), when they used one. */
  wordClusters: z.string().min(1).optional(),
  /** FNV-1a hash of each feature that has a weight row, Uint32 base64. */
  features: z.string(),
  /** Sparse rows (see SparseRows): end of each row's entries (Uint32), entry tags (Uint16), entry weights (Float32). */
  rowEnds: z.string(),
  tags: z.string(),
  weights: z.string(),
  transitions: z.string(),
  start: z.string(),
  end: z.string(),
}).strict();

export type EntityModelJson = z.infer<typeof modelJsonSchema>;

export interface EntityModelParts {
  labels: string[];
  lookups: Record<string, string[]>;
  wordClusters?: string | undefined;
  features: Uint32Array;
  rowEnds: Uint32Array;
  tags: Uint16Array;
  weights: Float32Array;
  trans: Float32Array;
  start: Float32Array;
  end: Float32Array;
}

export class EntityModelFormatError extends Error {
  readonly code = 'CF_ENTITY_MODEL';
  constructor(problem: string) {
    super(`not a usable crossfeed entity model: ${problem}. Retrain it with \`crossfeed nlu train\`.`);
  }
}

export function encodeModel(p: EntityModelParts): EntityModelJson {
  return {
    format: ENTITY_MODEL_FORMAT,
    version: ENTITY_MODEL_VERSION,
    labels: [...p.labels],
    lookups: p.lookups,
    ...(p.wordClusters ? { wordClusters: p.wordClusters } : {}),
    features: toBase64(p.features),
    rowEnds: toBase64(p.rowEnds),
    tags: toBase64(p.tags),
    weights: toBase64(p.weights),
    transitions: toBase64(p.trans),
    start: toBase64(p.start),
    end: toBase64(p.end),
  };
}

export function decodeModel(json: unknown): EntityModelParts {
  const parsed = modelJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EntityModelFormatError(`${issue?.path.join('.') || 'model'}: ${issue?.message ?? 'invalid'}`);
  }
  const m = parsed.data;
  if (new Set(m.labels).size !== m.labels.length) throw new EntityModelFormatError('labels repeat');
  const T = 1 + 2 * m.labels.length;
  const features = fromBase64(m.features, 'features', 'u32') as Uint32Array;
  const rowEnds = fromBase64(m.rowEnds, 'rowEnds', 'u32') as Uint32Array;
  const tags = fromBase64(m.tags, 'tags', 'u16') as Uint16Array;
  const weights = fromBase64(m.weights, 'weights', 'f32') as Float32Array;
  const trans = fromBase64(m.transitions, 'transitions', 'f32') as Float32Array;
  const start = fromBase64(m.start, 'start', 'f32') as Float32Array;
  const end = fromBase64(m.end, 'end', 'f32') as Float32Array;
  const expect = (name: string, got: number, want: number) => {
    if (got !== want) throw new EntityModelFormatError(`${name} holds ${got} values, expected ${want}`);
  };
  if (new Set(features).size !== features.length) throw new EntityModelFormatError('a feature hash repeats');
  expect('rowEnds', rowEnds.length, features.length);
  expect('tags', tags.length, weights.length);
  expect('last row end', rowEnds[rowEnds.length - 1] ?? 0, weights.length);
  if (rowEnds.some((e, r) => e < (rowEnds[r - 1] ?? 0))) throw new EntityModelFormatError('rowEnds decrease');
  if (tags.some((t) => t >= T)) throw new EntityModelFormatError(`a tag is out of range for ${m.labels.length} labels`);
  expect('transitions', trans.length, T * T);
  expect('start', start.length, T);
  expect('end', end.length, T);
  for (const [name, a] of [['weights', weights], ['transitions', trans], ['start', start], ['end', end]] as const) {
    if (!a.every(Number.isFinite)) throw new EntityModelFormatError(`${name} contain a value that is not a finite number`);
  }
  return { labels: m.labels, lookups: m.lookups, wordClusters: m.wordClusters, features, rowEnds, tags, weights, trans, start, end };
}

// Little-endian whatever the host, so a model saved on one machine loads bit-exact on any other.
function toBase64(a: Float32Array | Uint32Array | Uint16Array): string {
  const size = a.BYTES_PER_ELEMENT;
  const view = new DataView(new ArrayBuffer(a.length * size));
  a.forEach((v, k) => {
    if (a instanceof Float32Array) view.setFloat32(k * 4, v, true);
    else if (a instanceof Uint32Array) view.setUint32(k * 4, v, true);
    else view.setUint16(k * 2, v, true);
  });
  return Buffer.from(view.buffer).toString('base64');
}

function fromBase64(s: string, name: string, kind: 'f32' | 'u32' | 'u16'): Float32Array | Uint32Array | Uint16Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new EntityModelFormatError(`${name} is not base64`);
  const bytes = Buffer.from(s, 'base64');
  const size = kind === 'u16' ? 2 : 4;
  if (bytes.length % size !== 0) throw new EntityModelFormatError(`${name} is not a whole number of ${size}-byte values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = bytes.length / size;
  if (kind === 'u16') return Uint16Array.from({ length: n }, (_, k) => view.getUint16(k * 2, true));
  return kind === 'f32'
    ? Float32Array.from({ length: n }, (_, k) => view.getFloat32(k * 4, true))
    : Uint32Array.from({ length: n }, (_, k) => view.getUint32(k * 4, true));
}
