import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENCODER_DIM, headScores, type EncoderHead, type SentenceEncoder } from '../encoder.js';
import { mulberry32 } from '../entities-train/perceptron.js';
import { classCentroids, fitOosRule, ruleProbabilities, type OosRule } from './oos-rule.js';
import type { HeldOut, IntentExample } from './train.js';

/**
 * An intent head on frozen encoder vectors, trained in TypeScript by `crossfeed nlu train`:
 * multinomial logistic regression on the unit vectors (logits = scale * W.v + b), the same form
 * as the head nlp/train/train_encoder.py ships, so the engine uses either the same way.
 *
 * Embedding a data set is the slow part (about 2-5 ms a sentence on a shared core), so vectors are
 * cached on disk per encoder: `<cacheDir>/encoder-<first 16 hex of the model's sha256>.bin`, records
 * of [20-byte sha1 of the text][384 float32]. Another encoder file means another cache file.
 */

export interface TrainedEncoderHead extends EncoderHead {
  format: 'crossfeed-encoder-head';
  version: 1;
  /** sha256 of the encoder ONNX file the head was trained on; the engine refuses another. */
  encoderHash: string;
  /** Out-of-scope rule fitted on held-out examples (nlp/intent/oos-rule.ts); absent without OOS examples. */
  oos?: OosRule;
}

const RECORD = 20 + 4 * ENCODER_DIM;

export class EmbeddingCache {
  private readonly file: string;
  private readonly map = new Map<string, Float32Array>();

  constructor(dir: string, encoderHash: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `encoder-${encoderHash.slice(0, 16)}.bin`);
    if (existsSync(this.file)) {
      const buf = readFileSync(this.file);
      // A torn last record (crash while appending) is ignored; everything before it is kept.
      for (let off = 0; off + RECORD <= buf.length; off += RECORD) {
        const key = buf.subarray(off, off + 20).toString('hex');
        const v = new Float32Array(ENCODER_DIM);
        for (let k = 0; k < ENCODER_DIM; k++) v[k] = buf.readFloatLE(off + 20 + 4 * k);
        this.map.set(key, v);
      }
    }
  }

  get size(): number {
    return this.map.size;
  }

  /** Vectors for `texts`, embedding (in chunks, with progress) only those not cached yet. */
  async embed(encoder: SentenceEncoder, texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    const keys = texts.map(keyOf);
    const missing = [...new Set(keys.flatMap((k, i) => (this.map.has(k) ? [] : [i])).map((i) => texts[i]!))];
    const total = texts.length;
    let done = total - missing.length;
    onProgress?.(done, total);
    const CHUNK = 64;
    for (let i = 0; i < missing.length; i += CHUNK) {
      const chunk = missing.slice(i, i + CHUNK);
      const vs = await encoder.embed(chunk);
      const buf = Buffer.alloc(RECORD * chunk.length);
      chunk.forEach((t, j) => {
        const key = keyOf(t);
        this.map.set(key, vs[j]!);
        Buffer.from(key, 'hex').copy(buf, j * RECORD);
        for (let k = 0; k < ENCODER_DIM; k++) buf.writeFloatLE(vs[j]![k]!, j * RECORD + 20 + 4 * k);
      });
      appendFileSync(this.file, buf);
      done += chunk.length;
      onProgress?.(Math.min(done, total), total);
    }
    return keys.map((k) => this.map.get(k)!);
  }
}

function keyOf(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export interface HeadTrainOptions {
  seed?: number;
  epochs?: number;
  scale?: number;
  l2?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Softmax regression by mini-batch SGD with momentum; deterministic for a seed. */
export function trainEncoderHead(vectors: readonly Float32Array[], labels: readonly string[], encoderHash: string, o: HeadTrainOptions = {}): TrainedEncoderHead {
  const names = [...new Set(labels)].sort();
  const K = names.length;
  const D = ENCODER_DIM;
  const scale = o.scale ?? 20;
  const epochs = o.epochs ?? 60;
  const l2 = o.l2 ?? 1e-4;
  const y = labels.map((l) => names.indexOf(l));
  // Start at the class centroids (what a nearest-centroid classifier would do), then refine.
  const W = Array.from({ length: K }, () => new Float64Array(D));
  const counts = new Array<number>(K).fill(0);
  vectors.forEach((v, i) => { counts[y[i]!]!++; for (let d = 0; d < D; d++) W[y[i]!]![d]! += v[d]!; });
  for (const w of W) { const n = Math.hypot(...w) || 1; for (let d = 0; d < D; d++) w[d]! /= n; }
  const b = new Float64Array(K);
  const vW = Array.from({ length: K }, () => new Float64Array(D));
  const vb = new Float64Array(K);
  const rng = mulberry32(o.seed ?? 13);
  const order = vectors.map((_, i) => i);
  const BATCH = 32;
  const lr0 = 0.05;
  const p = new Float64Array(K);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
    const lr = lr0 * (1 - epoch / epochs);
    for (let s = 0; s < order.length; s += BATCH) {
      const gW = Array.from({ length: K }, () => new Float64Array(D));
      const gb = new Float64Array(K);
      const batch = order.slice(s, s + BATCH);
      for (const i of batch) {
        const v = vectors[i]!;
        let m = -Infinity;
        for (let k = 0; k < K; k++) { let z = b[k]!; const w = W[k]!; for (let d = 0; d < D; d++) z += scale * w[d]! * v[d]!; p[k] = z; if (z > m) m = z; }
        let zsum = 0;
        for (let k = 0; k < K; k++) { p[k] = Math.exp(p[k]! - m); zsum += p[k]!; }
        for (let k = 0; k < K; k++) {
          const g = p[k]! / zsum - (k === y[i] ? 1 : 0);
          if (Math.abs(g) < 1e-4) continue;
          gb[k]! += g;
          const gw = gW[k]!;
          for (let d = 0; d < D; d++) gw[d]! += g * scale * v[d]!;
        }
      }
      for (let k = 0; k < K; k++) {
        const w = W[k]!, gw = gW[k]!, mw = vW[k]!;
        for (let d = 0; d < D; d++) { mw[d] = 0.9 * mw[d]! + gw[d]! / batch.length + l2 * w[d]!; w[d]! -= lr * mw[d]!; }
        vb[k] = 0.9 * vb[k]! + gb[k]! / batch.length;
        b[k]! -= lr * vb[k]!;
      }
    }
    o.onProgress?.(epoch + 1, epochs);
  }
  return {
    format: 'crossfeed-encoder-head', version: 1, encoderHash, labels: names, scale,
    weight: W.map((w) => Array.from(w, (x) => Math.round(x * 1e6) / 1e6)), bias: Array.from(b, (x) => Math.round(x * 1e6) / 1e6),
  };
}

export interface HeadWithRuleInput {
  train: readonly IntentExample[];
  /** Encoder vectors of `train`, in the same order. */
  vectors: readonly Float32Array[];
  /** The TypeScript model's held-out probabilities (`trainIntentModel`'s onHeldOut) and those examples' vectors. */
  heldOut?: HeldOut;
  heldOutVectors?: readonly Float32Array[];
  oosLabel?: string;
  options?: HeadTrainOptions;
  /** Epochs of the head trained without the held-out examples (when they were carved out of `train`). */
  onHeldOutProgress?: (done: number, total: number) => void;
}

/**
 * The head on all of `train`, with the out-of-scope rule fitted on the held-out examples when they
 * include OOS ones. When the held-out examples were carved out of `train` (no validation split), a
 * head and centroids are fitted once more without them, the way the TypeScript model was, so that
 * the rule is never fitted on what the models saw; the rule's settings then carry over.
 */
export function trainEncoderHeadWithRule(encoderHash: string, i: HeadWithRuleInput): TrainedEncoderHead {
  const labels = i.train.map((e) => e.intent);
  const head = trainEncoderHead(i.vectors, labels, encoderHash, i.options ?? {});
  const oos = i.oosLabel;
  const held = i.heldOut;
  if (oos === undefined || !held || !i.heldOutVectors || !held.examples.some((e) => e.intent === oos)) return head;
  const heldSet = new Set(held.examples);
  const keep = i.train.flatMap((e, k) => (heldSet.has(e) ? [] : [k]));
  const carved = keep.length < i.train.length;
  const { onProgress: _, ...rest } = i.options ?? {};
  const judge = carved
    ? trainEncoderHead(keep.map((k) => i.vectors[k]!), keep.map((k) => labels[k]!), encoderHash, { ...rest, ...(i.onHeldOutProgress ? { onProgress: i.onHeldOutProgress } : {}) })
    : head;
  const points = held.examples.map((e, k) => ({
    gold: e.intent,
    p: ruleProbabilities(held.labels.map((l, c) => ({ intent: l, confidence: held.probabilities[k]![c]! })), headScores(judge, i.heldOutVectors![k]!)),
    vector: i.heldOutVectors![k]!,
  }));
  const rule = fitOosRule(points, classCentroids(keep.map((k) => i.vectors[k]!), keep.map((k) => labels[k]!), oos), { oosLabel: oos });
  if (!rule) return head;
  const all = carved ? classCentroids(i.vectors, labels, oos) : { labels: rule.labels, centroids: rule.centroids };
  return { ...head, oos: { ...rule, ...all } };
}

/** Checks a head file's shape and that it belongs to `encoderHash`; throws naming the file otherwise. */
export function checkEncoderHead(json: unknown, file: string, encoderHash?: string): TrainedEncoderHead {
  const h = json as Partial<TrainedEncoderHead>;
  const fail = (why: string) => { throw new Error(`${file}: ${why}; run \`crossfeed nlu train\` again`); };
  if (h?.format !== 'crossfeed-encoder-head' || h.version !== 1) fail('not a crossfeed encoder head (format/version)');
  if (!Array.isArray(h.labels) || !Array.isArray(h.weight) || !Array.isArray(h.bias) || typeof h.scale !== 'number') fail('labels, weight, bias or scale missing');
  if (h.weight!.length !== h.labels!.length || h.bias!.length !== h.labels!.length || h.weight!.some((r) => !Array.isArray(r) || r.length !== ENCODER_DIM)) fail('weight shape does not match the labels');
  const r = h.oos;
  if (r !== undefined && (typeof r?.oosLabel !== 'string' || typeof r.cosineWeight !== 'number' || typeof r.threshold !== 'number' ||
    !Array.isArray(r.labels) || !Array.isArray(r.centroids) || r.centroids.length !== r.labels.length ||
    r.centroids.some((c) => !Array.isArray(c) || c.length !== ENCODER_DIM))) fail('out-of-scope rule (oos) malformed');
  if (encoderHash && h.encoderHash !== encoderHash) fail('trained on a different encoder than data/models/encoder');
  return h as TrainedEncoderHead;
}
