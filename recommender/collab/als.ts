import { buildMatrix } from './matrix.js';
import { knownIndices, PopularityRanking } from './popularity.js';
import { seededRandom } from './random.js';
import { decodeFloat32, decodeInt32, encodeArray, TopK } from './topk.js';
import { CollabError, type CollabModel, type CollabModelJSON, type Interaction, type ProgressCallback, type ScoredItem } from './types.js';

export interface AlsOptions {
  factors?: number;
  iterations?: number;
  /** L2 regularisation. */
  lambda?: number;
  /** Confidence of an observed entry: 1 + alpha * weight. */
  alpha?: number;
  /** Conjugate-gradient steps per row and half-iteration (warm-started, so few are needed). */
  cgSteps?: number;
  maxItemsPerUser?: number;
  maxHistory?: number;
  seed?: number;
}

export const DefaultAlsOptions = {
  factors: 32, iterations: 8, lambda: 0.1, alpha: 20, cgSteps: 3, maxItemsPerUser: 300, maxHistory: 200, seed: 7,
} as const satisfies Required<AlsOptions>;

/**
 * Implicit-feedback matrix factorisation (Hu, Koren and Volinsky's weighted ALS) solved with a
 * few warm-started conjugate-gradient steps per row (Takacs et al.). A user is folded in at
 * query time from their history, so users need not be known at training time.
 */
export class AlsModel implements CollabModel {
  readonly algorithm = 'als' as const;
  private readonly index: Map<string, number>;
  private readonly ranking: PopularityRanking;
  private readonly gram: Float64Array;

  constructor(
    private readonly items: readonly string[],
    private readonly popularity: Int32Array,
    readonly factors: number,
    /** Item factors, row-major items x factors. */
    private readonly Y: Float32Array,
    private readonly lambda: number,
    private readonly alpha: number,
    private readonly maxHistory: number,
  ) {
    this.index = new Map(items.map((id, i) => [id, i]));
    this.ranking = new PopularityRanking(items, popularity);
    this.gram = gramian(Y, items.length, factors);
  }

  get itemCount(): number {
    return this.items.length;
  }

  recommend(history: readonly string[], k: number, exclude: Iterable<string> = []): ScoredItem[] {
    if (!(k > 0)) return [];
    const f = this.factors;
    const hist: number[] = [];
    const seen = new Set<number>();
    for (let h = history.length - 1; h >= 0 && hist.length < this.maxHistory; h--) {
      const i = this.index.get(history[h]!);
      if (i !== undefined && !seen.has(i)) { seen.add(i); hist.push(i); }
    }
    const skip = knownIndices(this.index, [...history, ...exclude]);
    if (hist.length === 0) return this.ranking.fill([], k, (i) => skip.has(i));
    // Solve (YtY + sum (c-1) y y^T + lambda I) x = sum c y exactly (f x f Cholesky).
    const A = Float64Array.from(this.gram);
    const b = new Float64Array(f);
    const c = 1 + this.alpha;
    for (const i of hist) {
      const o = i * f;
      for (let a = 0; a < f; a++) {
        const ya = this.Y[o + a]!;
        b[a]! += c * ya;
        for (let d = 0; d <= a; d++) A[a * f + d]! += (c - 1) * ya * this.Y[o + d]!;
      }
    }
    for (let a = 0; a < f; a++) A[a * f + a]! += this.lambda;
    const x = choleskySolve(A, b, f);
    const top = new TopK(k);
    const Y = this.Y;
    for (let i = 0, o = 0, n = this.items.length; i < n; i++, o += f) {
      let s = 0;
      for (let a = 0; a < f; a++) s += Y[o + a]! * x[a]!;
      if (!skip.has(i)) top.push(i, s);
    }
    return top.drain().map(({ id, score }) => ({ itemId: this.items[id]!, score }));
  }

  similar(itemId: string, k: number): ScoredItem[] {
    const i = this.index.get(itemId);
    if (i === undefined || !(k > 0)) return [];
    const f = this.factors;
    const Y = this.Y;
    const norm = (j: number) => { let s = 0; for (let a = 0; a < f; a++) s += Y[j * f + a]! ** 2; return Math.sqrt(s) || 1; };
    const ni = norm(i);
    const top = new TopK(k);
    for (let j = 0; j < this.items.length; j++) {
      if (j === i) continue;
      let s = 0;
      for (let a = 0; a < f; a++) s += Y[i * f + a]! * Y[j * f + a]!;
      top.push(j, s / (ni * norm(j)));
    }
    return top.drain().map(({ id, score }) => ({ itemId: this.items[id]!, score }));
  }

  toJSON(): CollabModelJSON {
    return {
      format: 'crossfeed-collab', version: 1, algorithm: 'als', items: [...this.items],
      data: { factors: this.factors, lambda: this.lambda, alpha: this.alpha, maxHistory: this.maxHistory, popularity: encodeArray(this.popularity), Y: encodeArray(this.Y) },
    };
  }

  static fromData(items: string[], data: CollabModelJSON['data']): AlsModel {
    const f = Number(data.factors);
    const Y = decodeFloat32(String(data.Y));
    const popularity = decodeInt32(String(data.popularity));
    if (!(f > 0) || Y.length !== items.length * f || popularity.length !== items.length) {
      throw new CollabError('BAD_MODEL_JSON', 'als model arrays do not match its item list');
    }
    return new AlsModel(items, popularity, f, Y, Number(data.lambda), Number(data.alpha), Number(data.maxHistory) || DefaultAlsOptions.maxHistory);
  }
}

/** Lower triangle of Y^T Y (plus the mirrored upper, so callers can read either). */
function gramian(Y: Float32Array, n: number, f: number): Float64Array {
  const G = new Float64Array(f * f);
  for (let i = 0; i < n; i++) {
    const o = i * f;
    for (let a = 0; a < f; a++) {
      const ya = Y[o + a]!;
      for (let d = 0; d <= a; d++) G[a * f + d]! += ya * Y[o + d]!;
    }
  }
  for (let a = 0; a < f; a++) for (let d = 0; d < a; d++) G[d * f + a] = G[a * f + d]!;
  return G;
}

/** Solves A x = b for symmetric positive-definite A, reading only A's lower triangle. */
function choleskySolve(A: Float64Array, b: Float64Array, f: number): Float64Array {
  for (let j = 0; j < f; j++) {
    let s = A[j * f + j]!;
    for (let k = 0; k < j; k++) s -= A[j * f + k]! ** 2;
    const d = Math.sqrt(Math.max(s, 1e-12));
    A[j * f + j] = d;
    for (let i = j + 1; i < f; i++) {
      let t = A[i * f + j]!;
      for (let k = 0; k < j; k++) t -= A[i * f + k]! * A[j * f + k]!;
      A[i * f + j] = t / d;
    }
  }
  const y = new Float64Array(f);
  for (let i = 0; i < f; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= A[i * f + k]! * y[k]!;
    y[i] = t / A[i * f + i]!;
  }
  for (let i = f - 1; i >= 0; i--) {
    let t = y[i]!;
    for (let k = i + 1; k < f; k++) t -= A[k * f + i]! * y[k]!;
    y[i] = t / A[i * f + i]!;
  }
  return y;
}

/**
 * One half-iteration: refreshes every row of X (rows of the sparse matrix ptr/idx/val) against
 * the fixed factors Y, a few CG steps per row starting from the row's current value.
 */
function halfStep(ptr: Int32Array, idx: Int32Array, val: Float32Array, X: Float32Array, Y: Float32Array, nY: number, f: number, o: Required<AlsOptions>): void {
  const G = gramian(Y, nY, f);
  const r = new Float64Array(f), p = new Float64Array(f), Ap = new Float64Array(f), x = new Float64Array(f);
  const rows = ptr.length - 1;
  for (let u = 0; u < rows; u++) {
    const xo = u * f;
    for (let a = 0; a < f; a++) x[a] = X[xo + a]!;
    // r = b - A x, with b = sum c y and A = G + sum (c-1) y y^T + lambda I.
    for (let a = 0; a < f; a++) {
      let s = 0;
      for (let d = 0; d < f; d++) s += G[a * f + d]! * x[d]!;
      r[a] = -s - o.lambda * x[a]!;
    }
    for (let q = ptr[u]!; q < ptr[u + 1]!; q++) {
      const yo = idx[q]! * f;
      const c = 1 + o.alpha * val[q]!;
      let yx = 0;
      for (let a = 0; a < f; a++) yx += Y[yo + a]! * x[a]!;
      const coef = c - (c - 1) * yx;
      for (let a = 0; a < f; a++) r[a]! += coef * Y[yo + a]!;
    }
    let rs = 0;
    for (let a = 0; a < f; a++) { p[a] = r[a]!; rs += r[a]! ** 2; }
    for (let step = 0; step < o.cgSteps && rs > 1e-12; step++) {
      for (let a = 0; a < f; a++) {
        let s = 0;
        for (let d = 0; d < f; d++) s += G[a * f + d]! * p[d]!;
        Ap[a] = s + o.lambda * p[a]!;
      }
      for (let q = ptr[u]!; q < ptr[u + 1]!; q++) {
        const yo = idx[q]! * f;
        const c1 = o.alpha * val[q]!;
        let yp = 0;
        for (let a = 0; a < f; a++) yp += Y[yo + a]! * p[a]!;
        const coef = c1 * yp;
        for (let a = 0; a < f; a++) Ap[a]! += coef * Y[yo + a]!;
      }
      let pAp = 0;
      for (let a = 0; a < f; a++) pAp += p[a]! * Ap[a]!;
      const step_ = rs / pAp;
      let rsNew = 0;
      for (let a = 0; a < f; a++) { x[a]! += step_ * p[a]!; r[a]! -= step_ * Ap[a]!; rsNew += r[a]! ** 2; }
      for (let a = 0; a < f; a++) p[a] = r[a]! + (rsNew / rs) * p[a]!;
      rs = rsNew;
    }
    for (let a = 0; a < f; a++) X[xo + a] = x[a]!;
  }
}

export function trainAls(interactions: readonly Interaction[], options: AlsOptions = {}, onProgress?: ProgressCallback): AlsModel {
  const o = { ...DefaultAlsOptions, ...options };
  if (!(o.factors >= 1) || !(o.iterations >= 1) || !(o.lambda > 0) || !(o.alpha >= 0) || !(o.cgSteps >= 1) || !(o.maxItemsPerUser >= 2) || !(o.maxHistory >= 1)) {
    throw new CollabError('BAD_OPTIONS', `als options out of range: ${JSON.stringify(o)}`);
  }
  const m = buildMatrix(interactions, { maxItemsPerUser: o.maxItemsPerUser }, onProgress);
  const f = o.factors;
  const nItems = m.items.length;
  const rand = seededRandom(o.seed);
  const X = new Float32Array(m.userCount * f);
  const Y = new Float32Array(nItems * f).map(() => (rand() - 0.5) * 0.1);
  for (let it = 0; it < o.iterations; it++) {
    onProgress?.(it, o.iterations, 'factorising');
    halfStep(m.userPtr, m.itemsOf, m.userValues, X, Y, nItems, f, o);
    halfStep(m.itemPtr, m.usersOf, m.itemValues, Y, X, m.userCount, f, o);
  }
  onProgress?.(o.iterations, o.iterations, 'factorising');
  return new AlsModel(m.items, m.popularity, f, Y, o.lambda, o.alpha, o.maxHistory);
}
