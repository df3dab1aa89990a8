import { buildMatrix, type InteractionMatrix } from './matrix.js';
import { knownIndices, PopularityRanking } from './popularity.js';
import { decodeFloat32, decodeInt32, encodeArray, TopK } from './topk.js';
import { CollabError, type CollabModel, type CollabModelJSON, type Interaction, type ProgressCallback, type RecommendOptions, type ScoredItem } from './types.js';

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"): the item x item weights
 * B = I - P diag(1/diag P), P = (X^T X + lambda I)^-1, so that diag(B) = 0. A user's scores are
 * the sum of the rows of B for the items in their history. Closed form, one hyperparameter.
 *
 * Cost: the Gram matrix from the sparse interactions (sum over users of their items squared), then
 * about n^3/2 multiply-adds for the inverse (Cholesky, triangular inverse, product; n = items), in
 * Float64. Memory while training: 8 n^2 bytes (the working matrix) + 4 n^2 bytes (the Float32
 * weights that are served); 4 n^2 bytes once trained. See docs/recommender.md for measured figures.
 */
export interface EaseOptions {
  /** L2 regularisation added to the Gram diagonal. Chosen by validation when selecting models. */
  lambda?: number;
  /** Above this many items EASE is not trained (item-kNN stays): the solve grows as n^3. */
  maxItems?: number;
  /** Above this many bytes of training memory (12 n^2) EASE is not trained. */
  memoryBudgetBytes?: number;
  /** Most recent distinct items per user used in training (bounds the Gram matrix's cost). */
  maxItemsPerUser?: number;
  /** Most recent history items summed per recommendation (bounds latency: one row of n floats each). */
  maxHistory?: number;
}

export const DefaultEaseOptions = {
  lambda: 200,
  maxItems: 20_000,
  memoryBudgetBytes: 5 * 2 ** 30,
  maxItemsPerUser: 1000,
  maxHistory: 100,
} as const satisfies Required<EaseOptions>;

/** Bytes EASE needs while training on n items (the Float64 working matrix and the Float32 weights). */
export function easeTrainingBytes(n: number): number {
  return 12 * n * n;
}

/** Why EASE can't be trained on n items under these options, or undefined when it can. */
export function easeDoesNotFit(n: number, options: EaseOptions = {}): string | undefined {
  const o = { ...DefaultEaseOptions, ...options };
  if (n > o.maxItems) return `${n} items is above the EASE limit of ${o.maxItems}`;
  const bytes = easeTrainingBytes(n);
  if (bytes > o.memoryBudgetBytes) return `${n} items need ${(bytes / 2 ** 30).toFixed(2)} GiB, above the EASE memory budget of ${(o.memoryBudgetBytes / 2 ** 30).toFixed(2)} GiB`;
  return undefined;
}

/**
 * The lower triangle (row-major, A[i*n+j] with j <= i) of X^T X + lambda I, with X binary
 * (an interaction is an interaction: weights are used by item-kNN, not here).
 */
export function gramLower(m: InteractionMatrix, lambda: number, onProgress?: ProgressCallback): Float64Array {
  const n = m.items.length;
  const a = new Float64Array(n * n);
  for (let u = 0; u < m.userCount; u++) {
    const s = m.userPtr[u]!, e = m.userPtr[u + 1]!;
    // itemsOf is sorted by item within each user, so (p, q <= p) walks the lower triangle.
    for (let p = s; p < e; p++) {
      const row = m.itemsOf[p]! * n;
      for (let q = s; q <= p; q++) a[row + m.itemsOf[q]!]! += 1;
    }
    if ((u & 0x3fff) === 0) onProgress?.(u, m.userCount, 'gram');
  }
  for (let i = 0; i < n; i++) a[i * n + i]! += lambda;
  return a;
}

/**
 * Inverts the symmetric positive definite matrix whose lower triangle is in `a` (n x n, row-major),
 * in place: on return the lower triangle (j < i) holds P = A^-1 and `diag` its diagonal. The upper
 * triangle is used as scratch. Three O(n^3/6) passes, each blocked over 4 rows so that one load
 * of a streamed row feeds several multiply-adds:
 *   1. Cholesky A = L L^T (row by row; L's diagonal kept in `diag`);
 *   2. W = L^-1, column by column (forward substitution), stored transposed in the upper triangle;
 *   3. P = W^T W, whose entries are dot products of rows of W^T, written into the lower triangle.
 */
export function invertSpdInPlace(a: Float64Array, n: number, diag: Float64Array, onProgress?: ProgressCallback): void {
  const total = n;
  // 1. Cholesky-Banachiewicz, 4 rows i at a time.
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rows = Math.min(4, n - i0);
    const r0 = i0 * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    // Columns j < i0: shared by the block; row j of L is streamed once for all 4 rows.
    for (let j = 0; j < i0; j++) {
      const rj = j * n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      if (rows === 4) {
        for (let k = 0; k < j; k++) {
          const l = a[rj + k]!;
          s0 += a[r0 + k]! * l; s1 += a[r1 + k]! * l; s2 += a[r2 + k]! * l; s3 += a[r3 + k]! * l;
        }
        const d = diag[j]!;
        a[r0 + j] = (a[r0 + j]! - s0) / d; a[r1 + j] = (a[r1 + j]! - s1) / d;
        a[r2 + j] = (a[r2 + j]! - s2) / d; a[r3 + j] = (a[r3 + j]! - s3) / d;
      } else {
        for (let r = 0; r < rows; r++) {
          const ri = r0 + r * n;
          let s = 0;
          for (let k = 0; k < j; k++) s += a[ri + k]! * a[rj + k]!;
          a[ri + j] = (a[ri + j]! - s) / diag[j]!;
        }
      }
    }
    // The block's own triangle.
    for (let r = 0; r < rows; r++) {
      const i = i0 + r, ri = i * n;
      for (let j = i0; j <= i; j++) {
        const rj = j * n;
        let s = 0;
        for (let k = 0; k < j; k++) s += a[ri + k]! * a[rj + k]!;
        const v = a[ri + j]! - s;
        if (j < i) a[ri + j] = v / diag[j]!;
        else {
          if (!(v > 0)) throw new CollabError('BAD_OPTIONS', `EASE: the Gram matrix is not positive definite at item ${i} (raise lambda)`);
          diag[i] = Math.sqrt(v);
        }
      }
    }
    if ((i0 & 63) === 0) onProgress?.(i0, total, 'cholesky');
  }
  // 2. W = L^-1 column by column: w[j] = 1/L[j][j]; w[i] = -(sum_{j<=k<i} L[i][k] w[k]) / L[i][i].
  //    Four columns at once in scratch vectors (zero below their start), then stored as rows of W^T.
  const w: Float64Array[] = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const wd = new Float64Array(n); // diagonal of W (= of W^T)
  for (let j0 = 0; j0 < n; j0 += 4) {
    const cols = Math.min(4, n - j0);
    const w0 = w[0]!, w1 = w[1]!, w2 = w[2]!, w3 = w[3]!;
    for (let c = 0; c < 4; c++) w[c]!.fill(0, j0, n);
    // The 4x4 triangle at the top of the block.
    for (let c = 0; c < cols; c++) {
      const j = j0 + c;
      const wc = w[c]!;
      wc[j] = 1 / diag[j]!;
      for (let i = j + 1; i < j0 + cols; i++) {
        const ri = i * n;
        let s = 0;
        for (let k = j; k < i; k++) s += a[ri + k]! * wc[k]!;
        wc[i] = -s / diag[i]!;
      }
    }
    for (let i = j0 + cols; i < n; i++) {
      const ri = i * n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = j0; k < i; k++) {
        const l = a[ri + k]!;
        s0 += l * w0[k]!; s1 += l * w1[k]!; s2 += l * w2[k]!; s3 += l * w3[k]!;
      }
      const d = diag[i]!;
      w0[i] = -s0 / d; w1[i] = -s1 / d; w2[i] = -s2 / d; w3[i] = -s3 / d;
    }
    for (let c = 0; c < cols; c++) {
      const j = j0 + c, rj = j * n, wc = w[c]!;
      wd[j] = wc[j]!;
      for (let i = j + 1; i < n; i++) a[rj + i] = wc[i]!;
    }
    if ((j0 & 63) === 0) onProgress?.(j0, total, 'inverse');
  }
  // 3. P[i][j] (j >= i) = sum_{k >= j} W^T[i][k] W^T[j][k]; W^T[j][j] = wd[j]. Written to a[j*n+i].
  //    Row i of W^T must stay intact until its block is done, and lower-triangle writes never touch it.
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rows = Math.min(4, n - i0);
    // Pairs inside the block (both i and j in [i0, i0 + rows)).
    for (let r = 0; r < rows; r++) {
      const i = i0 + r, ri = i * n;
      for (let j = i; j < i0 + rows; j++) {
        const rj = j * n;
        let s = (j === i ? wd[i]! : a[ri + j]!) * wd[j]!;
        for (let k = j + 1; k < n; k++) s += a[ri + k]! * a[rj + k]!;
        if (j === i) diag[i] = s; else a[rj + i] = s;
      }
    }
    if (rows < 4) {
      for (let r = 0; r < rows; r++) {
        const i = i0 + r, ri = i * n;
        for (let j = i0 + rows; j < n; j++) {
          const rj = j * n;
          let s = a[ri + j]! * wd[j]!;
          for (let k = j + 1; k < n; k++) s += a[ri + k]! * a[rj + k]!;
          a[rj + i] = s;
        }
      }
    } else {
      const r0 = i0 * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      for (let j = i0 + 4; j < n; j++) {
        const rj = j * n, d = wd[j]!;
        let s0 = a[r0 + j]! * d, s1 = a[r1 + j]! * d, s2 = a[r2 + j]! * d, s3 = a[r3 + j]! * d;
        for (let k = j + 1; k < n; k++) {
          const v = a[rj + k]!;
          s0 += a[r0 + k]! * v; s1 += a[r1 + k]! * v; s2 += a[r2 + k]! * v; s3 += a[r3 + k]! * v;
        }
        a[rj + i0] = s0; a[rj + i0 + 1] = s1; a[rj + i0 + 2] = s2; a[rj + i0 + 3] = s3;
      }
    }
    if ((i0 & 63) === 0) onProgress?.(i0, total, 'product');
  }
  onProgress?.(total, total, 'product');
}

/** B as Float32 rows: B[h][j] = -P[h][j] / P[j][j] for j != h, 0 on the diagonal. */
export function easeWeightsFromInverse(a: Float64Array, n: number, pDiag: Float64Array): Float32Array {
  const b = new Float32Array(n * n);
  for (let h = 0; h < n; h++) {
    const rh = h * n;
    for (let j = 0; j < h; j++) b[rh + j] = -a[rh + j]! / pDiag[j]!;
    for (let j = h + 1; j < n; j++) b[rh + j] = -a[j * n + h]! / pDiag[j]!;
  }
  return b;
}

/** Trains EASE weights on a prepared matrix. Throws CollabError('BAD_OPTIONS') when it does not fit. */
export function easeWeights(m: InteractionMatrix, options: EaseOptions = {}, onProgress?: ProgressCallback): Float32Array {
  const o = { ...DefaultEaseOptions, ...options };
  if (!(o.lambda > 0)) throw new CollabError('BAD_OPTIONS', `EASE lambda must be > 0, got ${o.lambda}`);
  const n = m.items.length;
  const why = easeDoesNotFit(n, o);
  if (why) throw new CollabError('BAD_OPTIONS', why);
  const a = gramLower(m, o.lambda, onProgress);
  const diag = new Float64Array(n);
  invertSpdInPlace(a, n, diag, onProgress);
  return easeWeightsFromInverse(a, n, diag);
}

export class EaseModel implements CollabModel {
  readonly algorithm = 'ease' as const;
  private readonly index: Map<string, number>;
  private readonly ranking: PopularityRanking;
  private readonly acc: Float64Array;

  constructor(
    private readonly items: readonly string[],
    private readonly popularity: Int32Array,
    /** n x n row-major Float32: row h is what having seen item h adds to every item's score. */
    private readonly weights: Float32Array,
    readonly lambda: number,
    private readonly maxHistory: number,
  ) {
    if (weights.length !== items.length * items.length) throw new CollabError('BAD_MODEL_JSON', 'EASE weights do not match its item list');
    this.index = new Map(items.map((id, i) => [id, i]));
    this.ranking = new PopularityRanking(items, popularity);
    this.acc = new Float64Array(items.length);
  }

  get itemCount(): number {
    return this.items.length;
  }

  /** Bytes held by the served weights. */
  get weightBytes(): number {
    return this.weights.byteLength;
  }

  recommend(history: readonly string[], k: number, exclude: Iterable<string> = [], options: RecommendOptions = {}): ScoredItem[] {
    if (!(k > 0)) return [];
    const n = this.items.length;
    const skip = knownIndices(this.index, [...history, ...exclude]);
    const { acc, weights } = this;
    acc.fill(0);
    const seen = new Set<number>();
    const boost = options.boost;
    // Most recent first; the history is given oldest first.
    for (let h = history.length - 1; h >= 0 && seen.size < this.maxHistory; h--) {
      const i = this.index.get(history[h]!);
      if (i === undefined || seen.has(i)) continue;
      seen.add(i);
      const w = boost?.get(history[h]!) ?? 1;
      const row = weights.subarray(i * n, i * n + n);
      if (w === 1) for (let j = 0; j < n; j++) acc[j]! += row[j]!;
      else for (let j = 0; j < n; j++) acc[j]! += w * row[j]!;
    }
    const out: ScoredItem[] = [];
    if (seen.size > 0) {
      // Seen and excluded items drop out of the running (cheaper than a Set lookup per item).
      for (const j of skip) acc[j] = Number.NEGATIVE_INFINITY;
      const top = new TopK(k);
      for (let j = 0; j < n; j++) { const v = acc[j]!; if (v !== Number.NEGATIVE_INFINITY) top.push(j, v); }
      for (const { id, score } of top.drain()) out.push({ itemId: this.items[id]!, score });
    }
    if (out.length < k) {
      const taken = new Set(out.map((o) => this.index.get(o.itemId)!));
      this.ranking.fill(out, k, (i) => skip.has(i) || taken.has(i));
    }
    return out;
  }

  similar(itemId: string, k: number): ScoredItem[] {
    const i = this.index.get(itemId);
    if (i === undefined || !(k > 0)) return [];
    const n = this.items.length;
    const top = new TopK(k);
    for (let j = 0; j < n; j++) if (j !== i) top.push(j, this.weights[i * n + j]!);
    return top.drain().filter((x) => x.score > 0).map(({ id, score }) => ({ itemId: this.items[id]!, score }));
  }

  toJSON(): CollabModelJSON {
    return {
      format: 'crossfeed-collab', version: 1, algorithm: 'ease', items: [...this.items],
      data: { lambda: this.lambda, maxHistory: this.maxHistory, popularity: encodeArray(this.popularity), weights: encodeArray(this.weights) },
    };
  }

  static fromData(items: string[], data: CollabModelJSON['data']): EaseModel {
    const popularity = decodeInt32(String(data.popularity));
    if (popularity.length !== items.length) throw new CollabError('BAD_MODEL_JSON', 'EASE popularity does not match its item list');
    return new EaseModel(items, popularity, decodeFloat32(String(data.weights)), Number(data.lambda), Number(data.maxHistory) || DefaultEaseOptions.maxHistory);
  }
}

export function trainEase(interactions: readonly Interaction[], options: EaseOptions = {}, onProgress?: ProgressCallback): EaseModel {
  const o = { ...DefaultEaseOptions, ...options };
  if (!(o.maxItemsPerUser >= 2) || !(o.maxHistory >= 1)) throw new CollabError('BAD_OPTIONS', `EASE options out of range: ${JSON.stringify(o)}`);
  const m = buildMatrix(interactions, { maxItemsPerUser: o.maxItemsPerUser }, onProgress);
  return new EaseModel(m.items, m.popularity, easeWeights(m, o, onProgress), o.lambda, o.maxHistory);
}
