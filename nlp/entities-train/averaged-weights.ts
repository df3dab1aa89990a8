import type { TrainingSentence } from './perceptron.js';

/**
 * Weights of the averaged perceptron. Rows of T floats, one row per feature, created only when a
 * feature first takes part in an update: features that never mattered take no memory and never
 * reach the saved model. Averaging uses the running-sum trick (Daumé 2006): `u` collects
 * `c * delta` and the average is `w - u / c`, computed once at the end instead of after every step.
 */
export class AveragedWeights {
  private w: Float32Array;
  readonly trans: Float32Array;
  readonly start: Float32Array;
  readonly end: Float32Array;
  /** Row of each feature id, -1 for none yet. */
  private readonly rowOf: Int32Array;
  /** Number of examples seen plus one: the weight each update carries into the average. */
  c = 1;
  private u: Float32Array;
  private rowFeature = new Int32Array(1024);
  private rows = 0;
  private readonly transU: Float32Array;
  private readonly startU: Float32Array;
  private readonly endU: Float32Array;

  constructor(numFeatures: number, private readonly T: number) {
    this.rowOf = new Int32Array(numFeatures).fill(-1);
    this.w = new Float32Array(1024 * T);
    this.u = new Float32Array(1024 * T);
    this.trans = new Float32Array(T * T);
    this.transU = new Float32Array(T * T);
    this.start = new Float32Array(T);
    this.startU = new Float32Array(T);
    this.end = new Float32Array(T);
    this.endU = new Float32Array(T);
  }

  /**
   * Emission scores `emit[i * T + t]` under the current weights. Token i owns feature ids
   * `s.feats[s.offsets[i]..s.offsets[i+1])`; `s.shared` fire on every token and are summed once;
   * lookup features count only when their match is `kept`.
   */
  emissions(s: TrainingSentence, kept: Uint8Array): Float64Array {
    const T = this.T;
    const n = s.offsets.length - 1;
    const emit = new Float64Array(n * T);
    const common = new Float64Array(T);
    for (let j = 0; j < s.shared.length; j++) this.addRow(common, 0, s.shared[j]!);
    for (let i = 0; i < n; i++) {
      emit.set(common, i * T);
      for (let j = s.offsets[i]!, stop = s.offsets[i + 1]!; j < stop; j++) this.addRow(emit, i * T, s.feats[j]!);
    }
    const lk = s.lookup;
    for (let j = 0; j < lk.feats.length; j++) if (kept[lk.match[j]!]) this.addRow(emit, lk.token[j]! * T, lk.feats[j]!);
    return emit;
  }

  /** Moves `step` of weight from tag `wrong` to tag `right` for feature `f`. */
  feature(f: number, right: number, wrong: number, step: number): void {
    const base = this.rowFor(f) * this.T;
    const cs = this.c * step;
    this.w[base + right] = this.w[base + right]! + step;
    this.u[base + right] = this.u[base + right]! + cs;
    this.w[base + wrong] = this.w[base + wrong]! - step;
    this.u[base + wrong] = this.u[base + wrong]! - cs;
  }

  /** Transition p -> t (`p` = -1: sentence start, `t` = -1: sentence end) gains `d`. */
  transition(p: number, t: number, d: number): void {
    const [w, u, k] = p < 0 ? [this.start, this.startU, t] : t < 0 ? [this.end, this.endU, p] : [this.trans, this.transU, p * this.T + t];
    w[k] = w[k]! + d;
    u[k] = u[k]! + this.c * d;
  }

  /** The averaged weights, with the feature id behind each row. */
  average(): { rowFeature: Int32Array; weights: Float32Array; trans: Float32Array; start: Float32Array; end: Float32Array } {
    const avg = (w: Float32Array, u: Float32Array, len: number) => Float32Array.from({ length: len }, (_, k) => w[k]! - u[k]! / this.c);
    return {
      rowFeature: this.rowFeature.slice(0, this.rows),
      weights: avg(this.w, this.u, this.rows * this.T),
      trans: avg(this.trans, this.transU, this.T * this.T),
      start: avg(this.start, this.startU, this.T),
      end: avg(this.end, this.endU, this.T),
    };
  }

  private addRow(emit: Float64Array, at: number, f: number): void {
    const r = this.rowOf[f]!;
    if (r < 0) return;
    const w = this.w;
    for (let t = 0, base = r * this.T; t < this.T; t++) emit[at + t] = emit[at + t]! + w[base + t]!;
  }

  private rowFor(f: number): number {
    const r = this.rowOf[f]!;
    if (r >= 0) return r;
    if (this.rows === this.rowFeature.length) {
      const cap = this.rows * 2;
      this.rowFeature = grow(this.rowFeature, new Int32Array(cap));
      this.w = grow(this.w, new Float32Array(cap * this.T));
      this.u = grow(this.u, new Float32Array(cap * this.T));
    }
    this.rowOf[f] = this.rows;
    this.rowFeature[this.rows] = f;
    return this.rows++;
  }
}

function grow<A extends Int32Array | Float32Array>(a: A, bigger: A): A {
  bigger.set(a);
  return bigger;
}
