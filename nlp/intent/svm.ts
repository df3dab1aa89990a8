/**
 * One-vs-rest linear SVM (L2-regularised squared hinge) trained by dual coordinate descent with
 * shrinking, the method of LIBLINEAR (Hsieh et al., ICML 2008). The bias is an extra feature of
 * value 1, so it is regularised like the weights. The result is a plain linear scorer: it is stored
 * as a `LinearSoftmax` (same row-major rows x classes weights), and calibration turns its margins
 * into probabilities with a temperature like any other member.
 *
 * Why next to logistic regression: on sparse n-grams a max-margin fit generalises a little better
 * than a few SGD epochs of softmax (the sparse SVM floor of the NLU issue is exactly this model),
 * and the two disagree often enough that the ensemble gains from both.
 */
import { LinearSoftmax } from './linear.js';
import { SeededRandom } from './numeric.js';
import type { SparseVector } from './vectorizer.js';

export interface SvmSettings {
  /** Cost of a margin violation (LIBLINEAR's -c); smaller is more regularised. */
  c: number;
  /** Stop when the projected-gradient spread falls below this (LIBLINEAR's -e). */
  tolerance: number;
  /** Upper bound on passes over the data per class. */
  maxIterations: number;
}

export const DefaultSvmSettings = { c: 1, tolerance: 0.1, maxIterations: 60 } as const satisfies Required<SvmSettings>;

/** Trains one binary SVM per class; `afterClass` runs between classes (progress, abort). */
export async function trainLinearSvm(xs: readonly SparseVector[], ys: Int32Array, rows: number, classes: number,
  s: SvmSettings, seed: number, afterClass: (c: number) => Promise<void>): Promise<LinearSoftmax> {
  const model = new LinearSoftmax(rows, classes);
  const n = xs.length;
  const diag = 0.5 / s.c;
  const w = new Float64Array(rows);
  const alpha = new Float64Array(n);
  const index = new Int32Array(n);
  const qd = new Float64Array(n);
  const rng = new SeededRandom(seed);
  // Q_ii = x_i . x_i + 1 (bias) + 1 / (2C) for the squared hinge.
  xs.forEach((x, i) => {
    let q = 1 + diag;
    for (let k = 0; k < x.val.length; k++) q += x.val[k]! * x.val[k]!;
    qd[i] = q;
  });
  for (let c = 0; c < classes; c++) {
    const b = binarySvm(xs, ys, c, qd, diag, s, rng, w, alpha, index);
    for (let row = 0; row < rows; row++) model.w[row * classes + c] = w[row]!;
    model.b[c] = b;
    await afterClass(c);
  }
  return model;
}

/** Dual coordinate descent for one class against the rest; fills `w`, returns the bias. */
function binarySvm(xs: readonly SparseVector[], ys: Int32Array, cls: number, qd: Float64Array, diag: number,
  s: SvmSettings, rng: SeededRandom, w: Float64Array, alpha: Float64Array, index: Int32Array): number {
  const n = xs.length;
  w.fill(0);
  alpha.fill(0);
  let bias = 0;
  for (let i = 0; i < n; i++) index[i] = i;
  let active = n;
  let pgMaxOld = Number.POSITIVE_INFINITY;
  for (let iter = 0; iter < s.maxIterations; iter++) {
    let pgMax = Number.NEGATIVE_INFINITY, pgMin = Number.POSITIVE_INFINITY;
    // Shuffle the active set (Fisher-Yates over its prefix).
    for (let i = active - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = index[i]!; index[i] = index[j]!; index[j] = t;
    }
    for (let s2 = 0; s2 < active; s2++) {
      const i = index[s2]!;
      const x = xs[i]!;
      const y = ys[i] === cls ? 1 : -1;
      let dot = bias;
      for (let k = 0; k < x.idx.length; k++) dot += w[x.idx[k]!]! * x.val[k]!;
      const g = y * dot - 1 + diag * alpha[i]!;
      let pg = 0;
      if (alpha[i] === 0) {
        if (g > pgMaxOld) {
          // At the bound and far from moving: leave it out of this pass and the next ones.
          active--;
          index[s2] = index[active]!; index[active] = i;
          s2--;
          continue;
        }
        if (g < 0) pg = g;
      } else pg = g;
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i]!;
        const next = Math.max(old - g / qd[i]!, 0);
        alpha[i] = next;
        const d = (next - old) * y;
        for (let k = 0; k < x.idx.length; k++) w[x.idx[k]!]! += d * x.val[k]!;
        bias += d;
      }
    }
    if (pgMax - pgMin <= s.tolerance) {
      if (active === n) break;
      // Converged on the shrunk set: check everything once more before stopping.
      active = n;
      pgMaxOld = Number.POSITIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Number.POSITIVE_INFINITY : pgMax;
  }
  return bias;
}
