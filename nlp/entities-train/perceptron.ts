import { AveragedWeights } from './averaged-weights.js';
import type { TagSet } from './bio.js';
import { type Lattice, viterbi } from './viterbi.js';

/**
 * Averaged structured perceptron over BIO tags, with passive-aggressive steps against a
 * loss-augmented decode (1-best MIRA): decode each example with the current weights, and where a
 * path comes within its number of wrong tokens of the gold one, move just enough weight from the
 * features of the wrong tags to those of the right ones. Averaging the weights over all steps
 * (Collins 2002) puts it in a CRF's league at a fraction of the cost: no forward-backward, no
 * exponentials. On a SNIPS train/dev split it beat the plain perceptron's unit steps by 0.6 F1.
 */

export interface TrainingSentence {
  /** Feature ids of each token: token i owns `feats[offsets[i]..offsets[i+1])`. */
  readonly feats: Int32Array;
  readonly offsets: Int32Array;
  /** Features every token shares. */
  readonly shared: Int32Array;
  readonly gold: Int32Array;
  /** Lookup features: `feats[k]` fires on token `token[k]` and comes from lookup match `match[k]`. */
  readonly lookup: { readonly token: Int32Array; readonly match: Int32Array; readonly feats: Int32Array; readonly matches: number };
}

export interface PerceptronOptions {
  epochs: number;
  seed: number;
  /**
   * Chance that a lookup match is shown to the learner in a given epoch. When the lookups list every
   * value the examples use, always showing them teaches "in lookup => entity" and nothing else; hiding
   * matches at random makes the context features learn too, as they must for values no lookup lists.
   */
  lookupKeep: number;
  onEpoch?: ((done: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** mulberry32: small, fast, and the same sequence on every platform for a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// PA-I aggressiveness cap. Steps on these features are around 0.01, so the cap only stops one
// odd example (a long sentence with a huge violation) from swinging the weights.
const MAX_STEP = 1;

// Yield to the event loop this often so that an abort or a progress bar can run during an epoch.
const YIELD_EVERY = 512;

export async function trainPerceptron(tags: TagSet, data: readonly TrainingSentence[], numFeatures: number,
  o: PerceptronOptions): Promise<ReturnType<AveragedWeights['average']>> {
  const T = tags.size;
  const wt = new AveragedWeights(numFeatures, T);
  const order = Int32Array.from(data, (_, i) => i);
  const shuffleRand = mulberry32(o.seed);
  // A stream of its own, so that adding lookups does not change the example order.
  const dropRand = mulberry32(o.seed ^ 0x9e3779b9);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, shuffleRand);
    for (let k = 0; k < order.length; k++) {
      if (k % YIELD_EVERY === 0) {
        await new Promise((r) => setImmediate(r));
        o.signal?.throwIfAborted();
      }
      const s = data[order[k]!]!;
      const n = s.gold.length;
      const lk = s.lookup;
      const kept = Uint8Array.from({ length: lk.matches }, () => (dropRand() < o.lookupKeep ? 1 : 0));
      const emit = wt.emissions(s, kept);
      const pred = lossAugmentedBest(tags, { n, emit, trans: wt.trans, start: wt.start, end: wt.end }, s.gold);
      const step = passiveAggressiveStep(s, pred, emit, wt, T, kept);
      if (step <= 0) {
        wt.c++;
        continue;
      }
      for (let i = 0; i < n; i++) {
        const g = s.gold[i]!, p = pred[i]!;
        if (g !== p) {
          for (let j = s.offsets[i]!; j < s.offsets[i + 1]!; j++) wt.feature(s.feats[j]!, g, p, step);
          for (let j = 0; j < s.shared.length; j++) wt.feature(s.shared[j]!, g, p, step);
        }
        const gp = i > 0 ? s.gold[i - 1]! : -1, pp = i > 0 ? pred[i - 1]! : -1;
        if (g === p && gp === pp) continue;
        wt.transition(gp, g, step);
        wt.transition(pp, p, -step);
      }
      for (let j = 0; j < lk.feats.length; j++) {
        const i = lk.token[j]!;
        if (kept[lk.match[j]!] && s.gold[i] !== pred[i]) wt.feature(lk.feats[j]!, s.gold[i]!, pred[i]!, step);
      }
      if (n > 0 && s.gold[n - 1] !== pred[n - 1]) {
        wt.transition(s.gold[n - 1]!, -1, step);
        wt.transition(pred[n - 1]!, -1, -step);
      }
      wt.c++;
    }
    o.onEpoch?.(epoch + 1, o.epochs);
  }
  return wt.average();
}

function shuffle(a: Int32Array, rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * Loss-augmented decoding: every wrong tag gets one point of bonus, so the decoder returns the path
 * that most violates "gold beats every path by at least its number of wrong tokens". Updating
 * against it trains for a margin, not just for the right answer on the training example.
 * `x.emit` is modified in place.
 */
function lossAugmentedBest(tags: TagSet, x: Lattice, gold: Int32Array): Int32Array {
  const T = tags.size;
  for (let i = 0; i < x.n; i++) {
    for (let t = 0; t < T; t++) if (t !== gold[i]) x.emit[i * T + t] = x.emit[i * T + t]! + 1;
  }
  return viterbi(tags, x).path;
}

/**
 * Passive-aggressive (PA-I, Crammer et al. 2006) step: the smallest change that gives gold its
 * required margin over `pred`, capped at MAX_STEP. Zero when gold already wins by enough.
 * `emit` still holds the loss bonus, which `pathScore` of the two paths accounts for exactly.
 */
function passiveAggressiveStep(s: TrainingSentence, pred: Int32Array, emit: Float64Array, wt: AveragedWeights, T: number,
  kept: Uint8Array): number {
  let loss = 0;
  let norm = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] === s.gold[i]) continue;
    loss++;
    // Squared norm of the feature difference: each feature counts once for gold and once for pred,
    // and two transitions change around a wrong token (an upper bound when updates coincide).
    norm += 2 * (s.offsets[i + 1]! - s.offsets[i]! + s.shared.length) + 4;
  }
  if (loss === 0) return 0;
  for (let j = 0; j < s.lookup.feats.length; j++) {
    if (kept[s.lookup.match[j]!] && pred[s.lookup.token[j]!] !== s.gold[s.lookup.token[j]!]) norm += 2;
  }
  const x = { emit, trans: wt.trans, start: wt.start, end: wt.end };
  // With the bonus, score(pred) = plain(pred) + loss and score(gold) = plain(gold).
  const violation = pathScore(x, pred, T) - pathScore(x, s.gold, T);
  return Math.min(MAX_STEP, violation / norm);
}

function pathScore(x: { emit: Float64Array; trans: Float32Array; start: Float32Array; end: Float32Array }, path: Int32Array, T: number): number {
  const n = path.length;
  if (n === 0) return 0;
  let sc = x.start[path[0]!]! + x.end[path[n - 1]!]!;
  for (let i = 0; i < n; i++) {
    sc += x.emit[i * T + path[i]!]!;
    if (i > 0) sc += x.trans[path[i - 1]! * T + path[i]!]!;
  }
  return sc;
}
