/**
 * Hashed features -> sparse TF-IDF vectors over the features seen in training.
 *
 * Why a vocabulary of hashes rather than a fixed 2^18-2^20 hashing space: a linear model leaves
 * the weights of never-seen features at zero, so keeping only the rows seen in training loses
 * nothing, avoids collisions (32-bit hashes), and keeps a 150-intent weight matrix at
 * rows x classes instead of 2^20 x classes. The model stores the hashes, never the strings.
 */
import { extractFeatures, GROUP_CHAR, GROUP_COUNT, GROUP_WORD, type FeatureSettings } from './text-features.js';
import { packArray, unpackFloat32, unpackInt32 } from './numeric.js';

export interface SparseVector {
  /** Row indices, ascending and unique. */
  idx: Int32Array;
  val: Float32Array;
}

export interface VectorizerSettings {
  /** 1 + ln(tf) instead of tf: a word said twice is not twice the evidence. */
  sublinearTf: boolean;
  /** Multiply by smoothed idf, ln((1 + n) / (1 + df)) + 1. */
  idf: boolean;
  /** Weight of each group after its own L2 normalisation: [word, char]. */
  groupWeights: [number, number];
  /** Features seen fewer times than this in training are dropped. */
  minCount: number;
}

export const DefaultVectorizerSettings = {
  sublinearTf: true, idf: true, groupWeights: [1, 1], minCount: 1,
} as const satisfies Required<VectorizerSettings>;

export class Vectorizer {
  private readonly rows = new Map<number, number>();

  private constructor(
    readonly features: FeatureSettings,
    readonly settings: VectorizerSettings,
    /** Row -> feature hash (uint32 stored as int32), group and idf. */
    private readonly hashes: Int32Array,
    private readonly groups: Uint8Array,
    private readonly idf: Float32Array,
  ) {
    for (let r = 0; r < hashes.length; r++) this.rows.set(hashes[r]! >>> 0, r);
  }

  /** Number of rows (distinct features kept). */
  get size(): number {
    return this.hashes.length;
  }

  static fit(texts: readonly string[], features: FeatureSettings, settings: VectorizerSettings): Vectorizer {
    const count = new Map<number, number>();
    const df = new Map<number, number>();
    const group = new Map<number, number>();
    for (const t of texts) {
      const f = extractFeatures(t, features);
      for (const [g, hs] of [[GROUP_WORD, f.word], [GROUP_CHAR, f.char]] as const) {
        for (const h of hs) {
          count.set(h, (count.get(h) ?? 0) + 1);
          group.set(h, g);
        }
        for (const h of new Set(hs)) df.set(h, (df.get(h) ?? 0) + 1);
      }
    }
    const kept = [...count].filter(([, c]) => c >= settings.minCount).map(([h]) => h);
    const n = texts.length;
    const hashes = Int32Array.from(kept, (h) => h | 0);
    const groups = Uint8Array.from(kept, (h) => group.get(h)!);
    const idf = Float32Array.from(kept, (h) => (settings.idf ? Math.log((1 + n) / (1 + df.get(h)!)) + 1 : 1));
    return new Vectorizer(features, settings, hashes, groups, idf);
  }

  transform(text: string): SparseVector {
    const f = extractFeatures(text, this.features);
    const rows: number[] = [];
    for (const h of f.word) { const r = this.rows.get(h); if (r !== undefined) rows.push(r); }
    for (const h of f.char) { const r = this.rows.get(h); if (r !== undefined) rows.push(r); }
    rows.sort((a, b) => a - b);
    const idx: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < rows.length; ) {
      let j = i;
      while (j < rows.length && rows[j] === rows[i]) j++;
      const tf = j - i;
      idx.push(rows[i]!);
      val.push((this.settings.sublinearTf ? 1 + Math.log(tf) : tf) * this.idf[rows[i]!]!);
      i = j;
    }
    const norm = new Float64Array(GROUP_COUNT);
    for (let k = 0; k < idx.length; k++) norm[this.groups[idx[k]!]!]! += val[k]! * val[k]!;
    const scale = Array.from(norm, (s, g) => (s > 0 ? this.settings.groupWeights[g]! / Math.sqrt(s) : 0));
    for (let k = 0; k < idx.length; k++) val[k] = val[k]! * scale[this.groups[idx[k]!]!]!;
    return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
  }

  toJSON(): object {
    return {
      features: this.features, settings: this.settings, rows: this.hashes.length,
      hashes: packArray(this.hashes), groups: packArray(this.groups), idf: packArray(this.idf),
    };
  }

  /** Rebuilds from toJSON(); `features` and `settings` are validated by the caller. */
  static fromJSON(o: { features: FeatureSettings; settings: VectorizerSettings; rows: number; hashes: string; groups: string; idf: string }): Vectorizer {
    if (!Number.isInteger(o.rows) || o.rows < 0) throw new TypeError('vectorizer.rows must be a non-negative integer');
    const groups = Uint8Array.from(Buffer.from(o.groups, 'base64'));
    if (groups.length !== o.rows || groups.some((g) => g >= GROUP_COUNT)) throw new RangeError('vectorizer.groups does not match rows');
    return new Vectorizer(o.features, o.settings, unpackInt32(o.hashes, o.rows, 'vectorizer.hashes'), groups, unpackFloat32(o.idf, o.rows, 'vectorizer.idf'));
  }
}
