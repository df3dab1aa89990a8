/**
 * The trained intent model: a vectorizer, an ensemble of classifiers whose temperature-calibrated
 * probabilities are averaged, a final temperature on that average, and the OOS threshold.
 * Serialises to one JSON object with base64 Float32 weights (format `crossfeed-intent`, version 1).
 */
import { EmbeddingBag } from './embedding-bag.js';
import { LinearSoftmax } from './linear.js';
import { softmaxInPlace } from './numeric.js';
import { checkFeatureSettings } from './text-features.js';
import { Vectorizer, type SparseVector, type VectorizerSettings } from './vectorizer.js';

export const MODEL_FORMAT = 'crossfeed-intent';
export const MODEL_VERSION = 1;

/** A classifier the ensemble can hold: anything that scores a sparse vector. */
export type Member = LinearSoftmax | EmbeddingBag;

export interface Calibrated {
  member: Member;
  /** Temperature of this member's logits, fitted on validation. */
  temperature: number;
}

export interface IntentPrediction {
  intent: string;
  /** Calibrated probability of `intent` (for a threshold OOS: 1 - best in-scope probability). */
  confidence: number;
  /** Every label with its calibrated probability, best first; sums to 1. */
  ranked: { intent: string; confidence: number }[];
}

/** Errors from loading a model file carry this code (house style: tests assert on codes). */
export class IntentModelError extends Error {
  readonly code = 'CF_INTENT_MODEL';
  constructor(message: string, options?: { cause: unknown }) {
    super(`intent model: ${message}`, options);
    this.name = 'IntentModelError';
  }
}

export class TrainedIntentModel {
  private readonly oosIndex: number;
  private readonly z: Float32Array;
  private readonly avg: Float64Array;

  constructor(
    readonly labels: readonly string[],
    readonly oosLabel: string,
    readonly vectorizer: Vectorizer,
    readonly members: readonly Calibrated[],
    /** Temperature applied to the log of the averaged member probabilities. */
    readonly temperature: number,
    /** Predict OOS when the best in-scope probability is below this (0 when there is no OOS label). */
    readonly threshold: number,
  ) {
    this.oosIndex = labels.indexOf(oosLabel);
    this.z = new Float32Array(labels.length);
    this.avg = new Float64Array(labels.length);
  }

  /** Calibrated probabilities for a vector, into a fresh array. */
  probabilities(x: SparseVector): Float64Array {
    const C = this.labels.length, avg = this.avg, z = this.z;
    avg.fill(0);
    for (const { member, temperature } of this.members) {
      softmaxInPlace(member.logits(x, z), C, temperature);
      for (let c = 0; c < C; c++) avg[c]! += z[c]! / this.members.length;
    }
    const p = new Float64Array(C);
    for (let c = 0; c < C; c++) p[c] = Math.log(Math.max(avg[c]!, 1e-30));
    return softmaxInPlace(p, C, this.temperature) as Float64Array;
  }

  predict(text: string): IntentPrediction {
    const p = this.probabilities(this.vectorizer.transform(text));
    const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]! || a - b);
    const ranked = order.map((c) => ({ intent: this.labels[c]!, confidence: p[c]! }));
    const best = order[0]!;
    if (this.oosIndex < 0 || best === this.oosIndex) return { intent: this.labels[best]!, confidence: p[best]!, ranked };
    if (p[best]! < this.threshold) return { intent: this.oosLabel, confidence: 1 - p[best]!, ranked };
    return { intent: this.labels[best]!, confidence: p[best]!, ranked };
  }

  toJSON(): object {
    return {
      format: MODEL_FORMAT, version: MODEL_VERSION, labels: this.labels, oosLabel: this.oosLabel,
      temperature: this.temperature, threshold: this.threshold, vectorizer: this.vectorizer.toJSON(),
      members: this.members.map(({ member, temperature }) => ({
        kind: member instanceof LinearSoftmax ? 'linear' : 'embedding-bag', temperature, weights: member.toJSON(),
      })),
    };
  }

  static fromJSON(json: unknown): TrainedIntentModel {
    const o = record(json, 'the model');
    if (o.format !== MODEL_FORMAT) throw new IntentModelError(`not a crossfeed intent model (format is ${JSON.stringify(o.format)})`);
    if (o.version !== MODEL_VERSION) throw new IntentModelError(`unsupported version ${JSON.stringify(o.version)}; this build reads version ${MODEL_VERSION}, retrain with \`crossfeed nlu train\``);
    const labels = o.labels;
    if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string') || new Set(labels).size !== labels.length) {
      throw new IntentModelError('labels must be at least two distinct strings');
    }
    if (typeof o.oosLabel !== 'string') throw new IntentModelError('oosLabel must be a string');
    const temperature = positive(o.temperature, 'temperature');
    const threshold = o.threshold;
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) throw new IntentModelError('threshold must be a number in [0, 1]');
    try {
      const v = record(o.vectorizer, 'vectorizer');
      const vectorizer = Vectorizer.fromJSON({ ...(v as { rows: number; hashes: string; groups: string; idf: string }), features: checkFeatureSettings(v.features), settings: checkVectorizerSettings(v.settings) });
      if (!Array.isArray(o.members) || o.members.length === 0) throw new TypeError('members must be a non-empty array');
      const members = o.members.map((m, i): Calibrated => {
        const r = record(m, `members[${i}]`);
        const member = r.kind === 'linear' ? LinearSoftmax.fromJSON(record(r.weights, 'weights') as never)
          : r.kind === 'embedding-bag' ? EmbeddingBag.fromJSON(record(r.weights, 'weights') as never)
          : undefined;
        if (!member) throw new TypeError(`members[${i}].kind ${JSON.stringify(r.kind)} is unknown`);
        const { rows, classes } = member instanceof LinearSoftmax ? member : member.shape;
        if (rows !== vectorizer.size || classes !== labels.length) throw new RangeError(`members[${i}] is ${rows} x ${classes}, expected ${vectorizer.size} x ${labels.length}`);
        return { member, temperature: positive(r.temperature, `members[${i}].temperature`) };
      });
      return new TrainedIntentModel(labels, o.oosLabel, vectorizer, members, temperature, threshold);
    } catch (err) {
      if (err instanceof IntentModelError) throw err;
      throw new IntentModelError(`corrupt or truncated: ${(err as Error).message}`, { cause: err });
    }
  }
}

function record(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new IntentModelError(`${what} must be a JSON object`);
  return x as Record<string, unknown>;
}

function positive(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new IntentModelError(`${what} must be a positive number`);
  return x;
}

function checkVectorizerSettings(x: unknown): VectorizerSettings {
  const o = record(x, 'vectorizer.settings');
  const gw = o.groupWeights;
  if (typeof o.sublinearTf !== 'boolean' || typeof o.idf !== 'boolean' || typeof o.minCount !== 'number'
    || !Array.isArray(gw) || gw.length !== 2 || !gw.every((w) => typeof w === 'number' && Number.isFinite(w))) {
    throw new TypeError('vectorizer.settings is malformed');
  }
  return { sublinearTf: o.sublinearTf, idf: o.idf, minCount: o.minCount, groupWeights: [gw[0] as number, gw[1] as number] };
}
