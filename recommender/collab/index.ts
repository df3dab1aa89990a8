import { AlsModel, trainAls, type AlsOptions } from './als.js';
import { EaseModel, trainEase, type EaseOptions } from './ease.js';
import { ItemKnnModel, trainItemKnn, type ItemKnnOptions } from './item-knn.js';
import { buildMatrix } from './matrix.js';
import { PopularityModel } from './popularity.js';
import { CollabError, type CollabAlgorithm, type CollabModel, type CollabModelJSON, type Interaction, type ProgressCallback } from './types.js';

export * from './types.js';
export { DefaultAlsOptions, type AlsOptions } from './als.js';
export { DefaultItemKnnOptions, type ItemKnnOptions } from './item-knn.js';
export { DefaultEaseOptions, EaseModel, easeDoesNotFit, easeTrainingBytes, type EaseOptions } from './ease.js';

export interface TrainOptions {
  /** Default 'item-knn': it won on our evaluation (see recommender/collab/README.md). */
  algorithm?: CollabAlgorithm;
  itemKnn?: ItemKnnOptions;
  als?: AlsOptions;
  ease?: EaseOptions;
}

export const DefaultTrainOptions = { algorithm: 'item-knn', itemKnn: {}, als: {}, ease: {} } as const satisfies Required<TrainOptions>;

/**
 * Trains a collaborative model from implicit interactions. Throws CollabError: EMPTY_INPUT for no
 * interactions, BAD_INTERACTION (with its 1-based position) for a malformed one, BAD_OPTIONS.
 */
export function train(interactions: readonly Interaction[], options: TrainOptions = {}, onProgress?: ProgressCallback): CollabModel {
  const o = { ...DefaultTrainOptions, ...options };
  switch (o.algorithm) {
    case 'item-knn': return trainItemKnn(interactions, o.itemKnn, onProgress);
    case 'als': return trainAls(interactions, o.als, onProgress);
    case 'ease': return trainEase(interactions, o.ease, onProgress);
    case 'popularity': {
      const m = buildMatrix(interactions, { maxItemsPerUser: Number.MAX_SAFE_INTEGER }, onProgress);
      return new PopularityModel(m.items, m.popularity);
    }
    default: throw new CollabError('BAD_OPTIONS', `unknown algorithm ${JSON.stringify(o.algorithm)}`);
  }
}

/** Restores a model saved with `JSON.stringify(model)` (or `model.toJSON()`). */
export function fromJSON(json: unknown): CollabModel {
  const j = (typeof json === 'string' ? safeParse(json) : json) as Partial<CollabModelJSON> | null;
  if (!j || j.format !== 'crossfeed-collab' || j.version !== 1 || !Array.isArray(j.items) || typeof j.data !== 'object' || j.data === null) {
    throw new CollabError('BAD_MODEL_JSON', 'not a crossfeed-collab version 1 model');
  }
  try {
    switch (j.algorithm) {
      case 'item-knn': return ItemKnnModel.fromData(j.items, j.data);
      case 'als': return AlsModel.fromData(j.items, j.data);
      case 'ease': return EaseModel.fromData(j.items, j.data);
      case 'popularity': return PopularityModel.fromData(j.items, j.data);
      default: throw new CollabError('BAD_MODEL_JSON', `unknown algorithm ${JSON.stringify(j.algorithm)}`);
    }
  } catch (err) {
    if (err instanceof CollabError) throw err;
    throw new CollabError('BAD_MODEL_JSON', `model data is damaged: ${(err as Error).message}`, { cause: err });
  }
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (err) {
    throw new CollabError('BAD_MODEL_JSON', `model is not JSON: ${(err as Error).message}`, { cause: err });
  }
}
