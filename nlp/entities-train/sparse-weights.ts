import type { LookupFeatures, SentenceFeatures } from './features.js';

/**
 * The trained weights as the model keeps and saves them: only the non-zero entries of each
 * feature's row. Training touches a feature's row only at the gold and the wrongly predicted tags,
 * so about 5% of the dense rows x tags matrix is non-zero (SNIPS: 1.0 M of 21 M), which makes the
 * saved model about ten times smaller and scoring a token proportionally cheaper.
 */
export class SparseRows {
  private readonly rowOf = new Map<number, number>();

  /**
   * Row r belongs to the feature with hash `features[r]` and owns entries `rowEnds[r-1]..rowEnds[r]`
   * (from 0 for r = 0): weight `weights[k]` for tag `tags[k]`.
   */
  constructor(readonly features: Uint32Array, readonly rowEnds: Uint32Array, readonly tags: Uint16Array,
    readonly weights: Float32Array) {
    features.forEach((h, r) => this.rowOf.set(h, r));
  }

  static fromDense(features: Uint32Array, dense: Float32Array, T: number): SparseRows {
    const rowEnds = new Uint32Array(features.length);
    const tags: number[] = [];
    const weights: number[] = [];
    for (let r = 0; r < features.length; r++) {
      for (let t = 0; t < T; t++) {
        const v = dense[r * T + t]!;
        if (v !== 0) {
          tags.push(t);
          weights.push(v);
        }
      }
      rowEnds[r] = tags.length;
    }
    return new SparseRows(features, rowEnds, Uint16Array.from(tags), Float32Array.from(weights));
  }

  /** Emission scores `emit[i * T + t]` of a sentence, lookup features included. */
  emissions(f: SentenceFeatures, lookup: LookupFeatures, T: number): Float64Array {
    const n = f.offsets.length - 1;
    const emit = new Float64Array(n * T);
    const common = new Float64Array(T);
    for (const h of f.sentence) this.add(common, 0, h);
    for (let i = 0; i < n; i++) {
      emit.set(common, i * T);
      for (let j = f.offsets[i]!; j < f.offsets[i + 1]!; j++) this.add(emit, i * T, f.hashes[j]!);
    }
    lookup.hashes.forEach((h, k) => this.add(emit, lookup.token[k]! * T, h));
    return emit;
  }

  private add(emit: Float64Array, at: number, hash: number): void {
    const r = this.rowOf.get(hash);
    if (r === undefined) return;
    for (let k = r === 0 ? 0 : this.rowEnds[r - 1]!, stop = this.rowEnds[r]!; k < stop; k++) {
      const t = at + this.tags[k]!;
      emit[t] = emit[t]! + this.weights[k]!;
    }
  }
}
