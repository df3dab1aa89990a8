/**
 * Entity (slot) extraction trained in TypeScript from examples with character spans: a linear-chain
 * tagger over BIO tags (averaged perceptron with passive-aggressive steps, constrained Viterbi) on
 * hashed lexical features, trained in seconds by `crossfeed nlu train` with no Python, saved as JSON.
 */
import type { SpanExample } from './examples.js';
import type { EntityModel } from './model.js';
import { decodeModel } from './model-json.js';
import { LinearChainEntityTagger } from './model.js';
import { trainEntityModel } from './trainer.js';

export { checkSpanExamples, EntityExampleError, type ExampleProblem, type SpanEntity, type SpanExample } from './examples.js';
export type { EntityModel, PredictedEntity } from './model.js';
export { ENTITY_MODEL_FORMAT, ENTITY_MODEL_VERSION, EntityModelFormatError } from './model-json.js';
export { DefaultEntityTrainOptions, trainEntityModel, type EntityTrainOptions } from './trainer.js';

/** Rebuilds a model saved with `toJSON()`; throws EntityModelFormatError (code CF_ENTITY_MODEL) on anything else. */
export function loadEntityModel(json: unknown): EntityModel {
  return new LinearChainEntityTagger(decodeModel(json));
}

/** Adapter for the evaluation harness. */
export const entityTrainer = {
  async train(examples: SpanExample[], o: { seed: number }): Promise<{ predict(text: string): { start: number; end: number; label: string }[] }> {
    return trainEntityModel(examples, { seed: o.seed });
  },
};
