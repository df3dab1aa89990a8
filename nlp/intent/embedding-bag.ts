/**
 * fastText-style classifier: every feature row has a dense embedding; a message is the weighted
 * sum of its rows' embeddings (the TF-IDF weights), optionally through one ReLU hidden layer, then
 * a softmax layer. Unlike the linear model, n-grams that occur in the same intents end up with
 * similar embeddings, so it generalises differently, which is what makes the ensemble pay off.
 * Trained with plain SGD, a linearly decaying learning rate and feature dropout.
 */
import type { SparseVector } from './vectorizer.js';
import { packArray, SeededRandom, softmaxInPlace, unpackFloat32 } from './numeric.js';

export interface EmbeddingBagSettings {
  dim: number;
  /** Width of the ReLU hidden layer; 0 feeds the embedding straight to the softmax. */
  hidden: number;
  epochs: number;
  learningRate: number;
  /** Probability of dropping each feature of a training example (the rest are scaled up). */
  dropout: number;
}

export const DefaultEmbeddingBagSettings = {
  dim: 64, hidden: 0, epochs: 6, learningRate: 0.2, dropout: 0.1,
} as const satisfies Required<EmbeddingBagSettings>;

export interface EmbeddingBagShape {
  rows: number;
  classes: number;
  dim: number;
  hidden: number;
}

export class EmbeddingBag {
  readonly out: number;
  private readonly h: Float32Array;
  private readonly a: Float32Array;

  constructor(
    readonly shape: EmbeddingBagShape,
    /** rows x dim */
    readonly emb: Float32Array,
    /** dim x hidden and hidden biases (empty when hidden = 0) */
    readonly w1: Float32Array,
    readonly b1: Float32Array,
    /** out x classes, out = hidden || dim */
    readonly w2: Float32Array,
    readonly b2: Float32Array,
  ) {
    this.out = shape.hidden || shape.dim;
    this.h = new Float32Array(shape.dim);
    this.a = new Float32Array(this.out);
  }

  static init(shape: EmbeddingBagShape, seed: number): EmbeddingBag {
    const rng = new SeededRandom(seed);
    const uniform = (n: number, r: number) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * r);
    const { rows, dim, hidden, classes } = shape;
    return new EmbeddingBag(shape, uniform(rows * dim, 1 / Math.sqrt(dim)),
      uniform(dim * hidden, Math.sqrt(6 / (dim + hidden))), new Float32Array(hidden),
      new Float32Array((hidden || dim) * classes), new Float32Array(classes));
  }

  /** Class scores of `x` into `z`; `dropMask` (training only) zeroes features and rescales the rest. */
  logits(x: SparseVector, z: Float32Array, keep?: Uint8Array, scale = 1): Float32Array {
    const { dim, hidden, classes: C } = this.shape;
    const { emb, h, a, w1, w2 } = this;
    h.fill(0);
    for (let k = 0; k < x.idx.length; k++) {
      if (keep && !keep[k]) continue;
      const base = x.idx[k]! * dim, v = x.val[k]! * scale;
      for (let j = 0; j < dim; j++) h[j]! += v * emb[base + j]!;
    }
    if (hidden) {
      a.set(this.b1);
      for (let i = 0; i < dim; i++) {
        const hi = h[i]!, base = i * hidden;
        if (hi !== 0) for (let j = 0; j < hidden; j++) a[j]! += hi * w1[base + j]!;
      }
      for (let j = 0; j < hidden; j++) if (a[j]! < 0) a[j] = 0;
    } else a.set(h);
    z.set(this.b2);
    for (let j = 0; j < this.out; j++) {
      const aj = a[j]!, base = j * C;
      if (aj !== 0) for (let c = 0; c < C; c++) z[c]! += aj * w2[base + c]!;
    }
    return z;
  }

  async train(xs: readonly SparseVector[], ys: Int32Array, s: EmbeddingBagSettings, seed: number,
    afterEpoch: (epoch: number) => Promise<void>): Promise<void> {
    const { dim, hidden, classes: C } = this.shape;
    const { emb, h, a, w1, b1, w2, b2 } = this;
    const rng = new SeededRandom(seed ^ 0x5bd1e995);
    const order = Int32Array.from(xs.keys());
    const z = new Float32Array(C), da = new Float32Array(this.out), dh = new Float32Array(dim);
    const active = new Int32Array(C), g = new Float32Array(C);
    const keep = new Uint8Array(xs.reduce((m, x) => Math.max(m, x.idx.length), 0));
    const total = s.epochs * xs.length;
    let t = 0;
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      rng.shuffle(order);
      for (const i of order) {
        const x = xs[i]!, y = ys[i]!;
        let kept = 0;
        for (let k = 0; k < x.idx.length; k++) kept += keep[k] = rng.next() >= s.dropout ? 1 : 0;
        if (kept === 0) continue;
        softmaxInPlace(this.logits(x, z, keep, 1 / (1 - s.dropout)), C);
        const lr = s.learningRate * (1 - t++ / total);
        z[y]! -= 1; // z is now dLoss/dz
        // Only classes with a noticeable gradient take part in the backward pass (as in linear.ts).
        let n = 0;
        for (let c = 0; c < C; c++) if (z[c]! > 1e-3 || z[c]! < -1e-3) { active[n] = c; g[n++] = z[c]!; }
        for (let j = 0; j < this.out; j++) {
          const base = j * C, step = lr * a[j]!;
          let sum = 0;
          for (let q = 0; q < n; q++) {
            const at = base + active[q]!;
            sum += w2[at]! * g[q]!;
            w2[at]! -= step * g[q]!;
          }
          da[j] = sum;
        }
        for (let q = 0; q < n; q++) b2[active[q]!]! -= lr * g[q]!;
        if (hidden) {
          for (let j = 0; j < hidden; j++) if (a[j] === 0) da[j] = 0;
          for (let i2 = 0; i2 < dim; i2++) {
            const base = i2 * hidden, hi = h[i2]!;
            let sum = 0;
            for (let j = 0; j < hidden; j++) { sum += w1[base + j]! * da[j]!; w1[base + j]! -= lr * hi * da[j]!; }
            dh[i2] = sum;
          }
          for (let j = 0; j < hidden; j++) b1[j]! -= lr * da[j]!;
        } else dh.set(da);
        const scale = 1 / (1 - s.dropout);
        for (let k = 0; k < x.idx.length; k++) {
          if (!keep[k]) continue;
          const base = x.idx[k]! * dim, v = lr * x.val[k]! * scale;
          for (let j = 0; j < dim; j++) emb[base + j]! -= v * dh[j]!;
        }
      }
      await afterEpoch(epoch);
    }
  }

  toJSON(): object {
    return { shape: this.shape, emb: packArray(this.emb), w1: packArray(this.w1), b1: packArray(this.b1), w2: packArray(this.w2), b2: packArray(this.b2) };
  }

  static fromJSON(o: { shape: EmbeddingBagShape; emb: string; w1: string; b1: string; w2: string; b2: string }): EmbeddingBag {
    const { rows, classes, dim, hidden } = o.shape ?? {};
    for (const [k, v] of Object.entries({ rows, classes, dim, hidden })) {
      if (!Number.isInteger(v) || (v as number) < 0) throw new TypeError(`embeddingBag.shape.${k} must be a non-negative integer`);
    }
    const shape = { rows: rows!, classes: classes!, dim: dim!, hidden: hidden! };
    return new EmbeddingBag(shape, unpackFloat32(o.emb, rows! * dim!, 'embeddingBag.emb'),
      unpackFloat32(o.w1, dim! * hidden!, 'embeddingBag.w1'), unpackFloat32(o.b1, hidden!, 'embeddingBag.b1'),
      unpackFloat32(o.w2, (hidden || dim!) * classes!, 'embeddingBag.w2'), unpackFloat32(o.b2, classes!, 'embeddingBag.b2'));
  }
}
