/**
 * Training pipeline: fit the vectorizer, train each ensemble member, calibrate on validation,
 * tune the OOS threshold, and (when the validation split was carved out of the training data)
 * train again on everything so that no user example is wasted.
 */
import { fitOosThreshold, fitTemperature, type ThresholdPoint } from './calibration.js';
import { DefaultEmbeddingBagSettings, EmbeddingBag, type EmbeddingBagSettings } from './embedding-bag.js';
import { LinearSoftmax, type LinearSettings } from './linear.js';
import { DefaultSvmSettings, trainLinearSvm, type SvmSettings } from './svm.js';
import { TrainedIntentModel, type Calibrated, type Member } from './model.js';
import { SeededRandom, softmaxInPlace } from './numeric.js';
import { DefaultFeatureSettings, type FeatureSettings } from './text-features.js';
import { DefaultVectorizerSettings, Vectorizer, type SparseVector, type VectorizerSettings } from './vectorizer.js';

export interface IntentExample { text: string; intent: string }

export interface TrainOptions {
  seed?: number;
  /** Label of out-of-scope examples (default `oos`); a threshold is tuned when the data has it. */
  oosLabel?: string;
  /** Held-out examples for calibration and the OOS threshold; default: a seeded 10% of `train`. */
  validation?: IntentExample[];
  onProgress?: (done: number, total: number, phase: string) => void;
  signal?: AbortSignal;
  /**
   * Called once with the held-out examples (`validation`, or the carved 10%) and the calibrated
   * probabilities (in `labels` order) of the model fitted without them, before any refit: what the
   * encoder head's out-of-scope rule is fitted on (nlp/intent/oos-rule.ts).
   */
  onHeldOut?: (heldOut: HeldOut) => void;
}

/** Held-out examples and a model's probabilities for them (rows in `labels` order). */
export interface HeldOut { examples: IntentExample[]; labels: readonly string[]; probabilities: Float64Array[] }

/** Model choices, measured on CLINC150/BANKING77/SNIPS validation splits (see README.md). */
export interface IntentTuning {
  features: FeatureSettings;
  vectorizer: VectorizerSettings;
  /** Features seen fewer times than this are dropped when training has at least `minCountFrom` examples. */
  minCountFrom: number;
  linear: LinearSettings | false;
  /** One-vs-rest linear SVM member (stored as a linear scorer). */
  svm: SvmSettings | false;
  embeddingBags: EmbeddingBagSettings[];
  /** Each member trains for at least this many example updates (small data gets more epochs). */
  minUpdates: number;
  maxEpochs: number;
}

/** Errors about the examples handed to training; the message names the example. */
export class IntentDataError extends Error {
  readonly code = 'CF_INTENT_DATA';
  constructor(message: string) {
    super(message);
    this.name = 'IntentDataError';
  }
}

export const DefaultIntentTuning: Readonly<IntentTuning> = Object.freeze<IntentTuning>({
  features: DefaultFeatureSettings,
  vectorizer: { ...DefaultVectorizerSettings, groupWeights: [1, 1], minCount: 2 },
  minCountFrom: 5000,
  linear: false,
  svm: DefaultSvmSettings,
  embeddingBags: [DefaultEmbeddingBagSettings],
  minUpdates: 40_000,
  maxEpochs: 200,
});

export async function trainWithTuning(train: IntentExample[], o: TrainOptions, tuning: Readonly<IntentTuning>): Promise<TrainedIntentModel> {
  checkExamples(train, 'training');
  const seed = o.seed ?? 1;
  const oosLabel = o.oosLabel ?? 'oos';
  const labels = [...new Set(train.map((e) => e.intent))].sort();
  if (labels.length < 2) throw new IntentDataError(`training data needs at least two intents, got ${labels.length}`);
  const index = new Map(labels.map((l, i) => [l, i]));
  if (o.validation) {
    checkExamples(o.validation, 'validation');
    const unknown = o.validation.find((e) => !index.has(e.intent));
    if (unknown) throw new IntentDataError(`validation intent "${unknown.intent}" does not occur in the training data`);
  }
  const carved = o.validation ? undefined : carveValidation(train, seed);
  const fitSet = carved?.train ?? train;
  const valid = carved?.valid ?? o.validation!;
  // Nothing carved (every intent under 5 examples): no calibration data, and nothing to train again.
  const refit = carved !== undefined && carved.valid.length > 0;

  const epochs = (base: number, n: number) => Math.min(tuning.maxEpochs, Math.max(base, Math.ceil(tuning.minUpdates / Math.max(1, n))));
  const memberEpochs = (n: number) => [
    ...(tuning.linear ? [epochs(tuning.linear.epochs, n)] : []),
    ...(tuning.svm ? [labels.length] : []),
    ...tuning.embeddingBags.map((s) => epochs(s.epochs, n)),
  ];
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const total = 2 + sum(memberEpochs(fitSet.length)) + (refit ? 1 + sum(memberEpochs(train.length)) : 0);
  let done = 0;
  const step = async (phase: string) => {
    o.onProgress?.(++done, total, phase);
    await new Promise((r) => setImmediate(r));
    o.signal?.throwIfAborted();
  };
  o.signal?.throwIfAborted();

  const fit = async (data: IntentExample[]) => {
    const vs = { ...tuning.vectorizer, minCount: data.length >= tuning.minCountFrom ? tuning.vectorizer.minCount : 1 };
    const vectorizer = Vectorizer.fit(data.map((e) => e.text), tuning.features, vs);
    await step('features');
    const xs = data.map((e) => vectorizer.transform(e.text));
    const ys = Int32Array.from(data, (e) => index.get(e.intent)!);
    const members: Member[] = [];
    if (tuning.linear) {
      const m = new LinearSoftmax(vectorizer.size, labels.length);
      await m.train(xs, ys, { ...tuning.linear, epochs: epochs(tuning.linear.epochs, data.length) }, seed, () => step('linear'));
      members.push(m);
    }
    if (tuning.svm) members.push(await trainLinearSvm(xs, ys, vectorizer.size, labels.length, tuning.svm, seed + 7, () => step('svm')));
    for (const [k, s] of tuning.embeddingBags.entries()) {
      const m = EmbeddingBag.init({ rows: vectorizer.size, classes: labels.length, dim: s.dim, hidden: s.hidden }, seed + 101 * (k + 1));
      await m.train(xs, ys, { ...s, epochs: epochs(s.epochs, data.length) }, seed + k + 1, () => step('embedding'));
      members.push(m);
    }
    return { vectorizer, members };
  };

  const first = await fit(fitSet);
  const vx = valid.map((e) => first.vectorizer.transform(e.text));
  const vy = Int32Array.from(valid, (e) => index.get(e.intent)!);
  const calibrated = calibrate(first.members, vx, vy, labels.length);
  let model = new TrainedIntentModel(labels, oosLabel, first.vectorizer, calibrated.members, calibrated.temperature, 0);
  const oos = index.get(oosLabel);
  const threshold = oos === undefined ? 0 : fitOosThreshold(thresholdPoints(model, vx, vy, oos), oos);
  if (valid.length > 0) o.onHeldOut?.({ examples: valid, labels, probabilities: vx.map((x) => model.probabilities(x)) });
  await step('calibration');
  if (refit) {
    // Same settings, seeds and number of updates on all the data; temperatures and threshold carry over.
    const all = await fit(train);
    const members = all.members.map((member, i) => ({ member, temperature: calibrated.members[i]!.temperature }));
    model = new TrainedIntentModel(labels, oosLabel, all.vectorizer, members, calibrated.temperature, threshold);
  } else model = new TrainedIntentModel(labels, oosLabel, first.vectorizer, calibrated.members, calibrated.temperature, threshold);
  o.onProgress?.(total, total, 'done');
  return model;
}

/** Member temperatures on their logits, then one more on the log of their averaged probabilities. */
function calibrate(members: Member[], vx: SparseVector[], vy: Int32Array, C: number): { members: Calibrated[]; temperature: number } {
  const z = new Float32Array(C);
  const logits = members.map((m) => {
    const scores = new Float32Array(vx.length * C);
    vx.forEach((x, i) => scores.set(m.logits(x, z), i * C));
    return scores;
  });
  const temps = logits.map((scores) => fitTemperature({ n: vx.length, classes: C, scores }, vy));
  if (members.length === 1) return { members: [{ member: members[0]!, temperature: temps[0]! }], temperature: 1 };
  const logAvg = new Float32Array(vx.length * C);
  const p = new Float32Array(C);
  for (let i = 0; i < vx.length; i++) {
    const avg = new Float64Array(C);
    logits.forEach((scores, m) => {
      p.set(scores.subarray(i * C, (i + 1) * C));
      softmaxInPlace(p, C, temps[m]!);
      for (let c = 0; c < C; c++) avg[c]! += p[c]! / members.length;
    });
    for (let c = 0; c < C; c++) logAvg[i * C + c] = Math.log(Math.max(avg[c]!, 1e-30));
  }
  return {
    members: members.map((member, i) => ({ member, temperature: temps[i]! })),
    temperature: fitTemperature({ n: vx.length, classes: C, scores: logAvg }, vy),
  };
}

function thresholdPoints(model: TrainedIntentModel, vx: SparseVector[], vy: Int32Array, oos: number): ThresholdPoint[] {
  return vx.map((x, i) => {
    const p = model.probabilities(x);
    let argmax = 0, bestInScope = oos === 0 ? 1 : 0;
    for (let c = 0; c < p.length; c++) {
      if (p[c]! > p[argmax]!) argmax = c;
      if (c !== oos && p[c]! > p[bestInScope]!) bestInScope = c;
    }
    return { gold: vy[i]!, argmax, bestInScope, bestInScopeProb: p[bestInScope]! };
  });
}

/** A seeded, stratified 10% of each intent with at least 5 examples; smaller intents stay whole in training. */
function carveValidation(train: IntentExample[], seed: number): { train: IntentExample[]; valid: IntentExample[] } {
  const rng = new SeededRandom(seed ^ 0x2545f491);
  const byIntent = new Map<string, number[]>();
  rng.shuffle(Int32Array.from(train.keys())).forEach((i) => byIntent.set(train[i]!.intent, [...(byIntent.get(train[i]!.intent) ?? []), i]));
  const held = new Set<number>();
  for (const ids of byIntent.values()) if (ids.length >= 5) ids.slice(0, Math.max(1, Math.round(ids.length / 10))).forEach((i) => held.add(i));
  return { train: train.filter((_, i) => !held.has(i)), valid: train.filter((_, i) => held.has(i)) };
}

function checkExamples(xs: unknown, what: string): asserts xs is IntentExample[] {
  if (!Array.isArray(xs) || xs.length === 0) throw new IntentDataError(`${what} data must be a non-empty array of { text, intent }`);
  xs.forEach((e: Partial<IntentExample>, i) => {
    if (typeof e?.text !== 'string' || typeof e.intent !== 'string' || e.intent === '') {
      throw new IntentDataError(`${what} example ${i} must be { text: string, intent: non-empty string }`);
    }
  });
}
