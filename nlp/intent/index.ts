/**
 * Intent classification trained in TypeScript: no Python, no pretrained weights.
 *
 *   const model = await trainIntentModel(examples, { seed: 1, onProgress });
 *   model.predict('有没有python入门课')  // { intent, confidence, ranked }
 *   writeFileSync('intent.json', JSON.stringify(model.toJSON()));
 *   const again = loadIntentModel(JSON.parse(readFileSync('intent.json', 'utf8')));
 *
 * How it works and what was measured: README.md in this folder.
 */
import { IntentModelError, TrainedIntentModel, type IntentPrediction } from './model.js';
import { DefaultIntentTuning, IntentDataError, trainWithTuning, type HeldOut, type IntentExample, type TrainOptions } from './train.js';

export type { HeldOut, IntentExample, IntentPrediction, TrainOptions };
export { IntentDataError, IntentModelError };

/** A trained classifier. `predict` is synchronous and allocation-light: call it per chat message. */
export interface IntentModel {
  readonly labels: readonly string[];
  predict(text: string): IntentPrediction;
  predictBatch(texts: string[]): IntentPrediction[];
  /** Plain JSON (weights as base64 Float32), for JSON.stringify and loadIntentModel. */
  toJSON(): unknown;
}

class IntentClassifier implements IntentModel {
  constructor(private readonly model: TrainedIntentModel) {}

  get labels(): readonly string[] {
    return this.model.labels;
  }

  predict(text: string): IntentPrediction {
    if (typeof text !== 'string') throw new TypeError('predict expects a string');
    return this.model.predict(text);
  }

  predictBatch(texts: string[]): IntentPrediction[] {
    return texts.map((t) => this.predict(t));
  }

  toJSON(): unknown {
    return this.model.toJSON();
  }
}

/**
 * Trains the ensemble (see README.md). Deterministic for a given seed and input order.
 * Async only to yield to the event loop between epochs, for `onProgress` and `signal`; an
 * aborted signal rejects with the signal's reason. Unusable data rejects with IntentDataError
 * (code CF_INTENT_DATA) naming the example.
 */
export async function trainIntentModel(train: IntentExample[], o: TrainOptions = {}): Promise<IntentModel> {
  return new IntentClassifier(await trainWithTuning(train, o, DefaultIntentTuning));
}

/**
 * Rebuilds a model from `toJSON()` output (parsed JSON). Throws IntentModelError (code
 * CF_INTENT_MODEL) saying what is wrong when the object is not a model, has another format
 * version, or its arrays do not match its declared shapes.
 */
export function loadIntentModel(json: unknown): IntentModel {
  return new IntentClassifier(TrainedIntentModel.fromJSON(json));
}
