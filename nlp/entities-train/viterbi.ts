import type { TagSet } from './bio.js';

/**
 * Scores of one sentence: `emit[i * T + t]` for tag t at token i, `trans[p * T + t]` for tag p
 * followed by t, and `start` / `end` for the first and last tag. Disallowed BIO transitions are
 * skipped outright rather than given a large negative weight, so no score can override them.
 */
export interface Lattice {
  readonly n: number;
  readonly emit: Float64Array;
  readonly trans: Float32Array;
  readonly start: Float32Array;
  readonly end: Float32Array;
}

/** The best tag path under the BIO constraints. */
export function viterbi(tags: TagSet, x: Lattice): { path: Int32Array; score: number } {
  const T = tags.size;
  const { n, trans, end } = x;
  const path = new Int32Array(n);
  if (n === 0) return { path, score: 0 };
  const delta = forward(tags, x);
  let best = -Infinity;
  for (let t = 0; t < T; t++) {
    const s = delta[(n - 1) * T + t]! + end[t]!;
    if (s > best) { best = s; path[n - 1] = t; }
  }
  // Back-pointers are recomputed along the one winning path instead of stored for every cell:
  // the same sums in the same order, so the same argmax, at T reads per token.
  for (let i = n - 1; i > 0; i--) {
    const t = path[i]!;
    let top = -Infinity;
    for (let p = 0; p < T; p++) {
      if (!tags.allowed(p, t)) continue;
      const s = delta[(i - 1) * T + p]! + trans[p * T + t]!;
      if (s > top) { top = s; path[i - 1] = p; }
    }
  }
  return { path, score: best };
}

/**
 * delta[i * T + t]: the best score of a path over tokens 0..i ending in tag t (emission of i
 * included). O and B-x accept any predecessor, so those are scanned predecessor-major along
 * contiguous rows of `trans`; I-x accepts only B-x and I-x, two reads.
 */
function forward(tags: TagSet, x: Lattice): Float64Array {
  const T = tags.size, F = tags.firstInside, L = tags.labels.length;
  const { n, emit, trans, start } = x;
  const delta = new Float64Array(n * T);
  const best = new Float64Array(T);
  for (let t = 0; t < T; t++) delta[t] = tags.canStart[t] ? start[t]! + emit[t]! : -Infinity;
  for (let i = 1; i < n; i++) {
    const prev = (i - 1) * T, cur = i * T;
    best.fill(-Infinity);
    for (let p = 0; p < T; p++) {
      const d = delta[prev + p]!;
      if (d === -Infinity) continue;
      const row = p * T;
      for (let t = 0; t < F; t++) best[t] = Math.max(best[t]!, d + trans[row + t]!);
    }
    for (let t = F; t < T; t++) {
      best[t] = Math.max(delta[prev + t - L]! + trans[(t - L) * T + t]!, delta[prev + t]! + trans[t * T + t]!);
    }
    for (let t = 0; t < T; t++) delta[cur + t] = best[t]! + emit[cur + t]!;
  }
  return delta;
}

/**
 * Max-marginals: `mm[i * T + t]` is the score of the best whole path that puts tag t at token i.
 * They give each decoded span an exact margin against the best path without it (see `spanMargin`).
 */
export function maxMarginals(tags: TagSet, x: Lattice): Float64Array {
  const T = tags.size;
  const { n, emit, trans, end } = x;
  const alpha = forward(tags, x);
  const beta = new Float64Array(n * T);
  for (let t = 0; t < T; t++) beta[(n - 1) * T + t] = end[t]!;
  for (let i = n - 2; i >= 0; i--) {
    for (let p = 0; p < T; p++) {
      let best = -Infinity;
      for (let t = 0; t < T; t++) {
        if (!tags.allowed(p, t)) continue;
        const s = trans[p * T + t]! + emit[(i + 1) * T + t]! + beta[(i + 1) * T + t]!;
        if (s > best) best = s;
      }
      beta[i * T + p] = best;
    }
  }
  for (let k = 0; k < n * T; k++) alpha[k] = alpha[k]! + beta[k]!;
  return alpha;
}

/**
 * How much better the best path is than the best path that lacks the span (tokens first..last,
 * B tag `b`): such a path either leaves B off the first token, leaves I off a later token, or
 * runs the span on with one more I.
 */
export function spanMargin(tags: TagSet, mm: Float64Array, n: number, best: number, first: number, last: number, b: number): number {
  const T = tags.size;
  let rival = -Infinity;
  for (let i = first; i <= last; i++) {
    const own = i === first ? b : b + tags.labels.length;
    for (let t = 0; t < T; t++) if (t !== own && mm[i * T + t]! > rival) rival = mm[i * T + t]!;
  }
  if (last + 1 < n) rival = Math.max(rival, mm[(last + 1) * T + b + tags.labels.length]!);
  return best - rival;
}
