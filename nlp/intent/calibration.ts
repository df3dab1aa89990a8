/**
 * Post-hoc calibration on a validation split, which the classifiers never trained on:
 *  - temperature scaling (Guo et al. 2017): one scalar T dividing the log-scores, fitted to
 *    minimise the negative log-likelihood, so that `confidence` behaves like a probability;
 *  - the out-of-scope threshold: below it, the best in-scope probability is not trusted and the
 *    answer is the OOS label.
 */

/** Row-major n x classes log-scores (logits or log-probabilities). */
export interface ScoreMatrix {
  n: number;
  classes: number;
  scores: Float32Array;
}

function meanNll(m: ScoreMatrix, gold: Int32Array, temperature: number): number {
  let nll = 0;
  for (let i = 0; i < m.n; i++) {
    const off = i * m.classes;
    let max = -Infinity;
    for (let c = 0; c < m.classes; c++) max = Math.max(max, m.scores[off + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < m.classes; c++) sum += Math.exp(m.scores[off + c]! / temperature - max);
    nll += Math.log(sum) + max - m.scores[off + gold[i]!]! / temperature;
  }
  return nll / Math.max(1, m.n);
}

/** The temperature in [0.02, 50] with the lowest validation NLL (golden-section search on log T; NLL is unimodal in T). */
export function fitTemperature(m: ScoreMatrix, gold: Int32Array): number {
  if (m.n === 0) return 1;
  const phi = (Math.sqrt(5) - 1) / 2;
  let lo = Math.log(0.02), hi = Math.log(50);
  let x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
  let f1 = meanNll(m, gold, Math.exp(x1)), f2 = meanNll(m, gold, Math.exp(x2));
  for (let it = 0; it < 40; it++) {
    if (f1 <= f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - phi * (hi - lo); f1 = meanNll(m, gold, Math.exp(x1)); }
    else { lo = x1; x1 = x2; f1 = f2; x2 = lo + phi * (hi - lo); f2 = meanNll(m, gold, Math.exp(x2)); }
  }
  return Math.exp((lo + hi) / 2);
}

/** One validation example after calibration: its gold label, best in-scope label and that label's probability. */
export interface ThresholdPoint {
  gold: number;
  bestInScope: number;
  bestInScopeProb: number;
  /** Label with the highest probability overall (can be the OOS label itself). */
  argmax: number;
}

/**
 * The OOS threshold: the one that catches the most validation OOS examples while giving up at most
 * `inScopeBudget` (absolute, default 1 point) of in-scope validation accuracy compared with no
 * threshold. An example is answered OOS when its argmax is OOS or its best in-scope probability is
 * under the threshold. Why a budget rather than plain accuracy over in-scope + OOS: validation
 * splits hold few OOS examples (CLINC150: 100 of 3,100) so plain accuracy barely moves the
 * threshold, while live chat holds many; and balanced accuracy ((in-scope acc + OOS recall) / 2)
 * measured on CLINC150 valid pushed the threshold to 0.87 and in-scope accuracy down 10 points.
 * Ties go to the lowest threshold.
 */
export function fitOosThreshold(points: readonly ThresholdPoint[], oos: number, inScopeBudget = 0.01): number {
  const inScope = points.filter((p) => p.gold !== oos);
  const outScope = points.filter((p) => p.gold === oos);
  if (inScope.length === 0 || outScope.length === 0) return 0;
  const candidates = [0, ...new Set(points.map((p) => p.bestInScopeProb + 1e-6))].sort((a, b) => a - b);
  const rates = (t: number) => {
    const saysOos = (p: ThresholdPoint) => p.argmax === oos || p.bestInScopeProb < t;
    return {
      inAcc: inScope.filter((p) => !saysOos(p) && p.bestInScope === p.gold).length / inScope.length,
      oosRecall: outScope.filter(saysOos).length / outScope.length,
    };
  };
  const floor = rates(0).inAcc - inScopeBudget - 1e-9;
  let best = 0, bestRecall = rates(0).oosRecall;
  for (const t of candidates) {
    if (t > 0.99) break;
    const r = rates(t);
    if (r.inAcc < floor) break; // in-scope accuracy only falls as the threshold rises
    if (r.oosRecall > bestRecall) { bestRecall = r.oosRecall; best = t; }
  }
  return best;
}
