import { performance } from 'node:perf_hooks';
import { DefaultEaseOptions, easeDoesNotFit, type EaseOptions } from '../collab/ease.js';
import { solveEaseInWorker, type EaseSolver } from '../collab/ease-solver.js';
import { trainItemKnn, type ItemKnnOptions } from '../collab/item-knn.js';
import { buildMatrix } from '../collab/matrix.js';
import { PopularityModel } from '../collab/popularity.js';
import { seededRandom } from '../collab/random.js';
import type { CollabModel, Interaction, ProgressCallback } from '../collab/types.js';
import { scoreModel } from './metrics.js';
import { splitLastByTime, type HeldOutUser } from './holdout.js';

/** The models the selection compares, simplest first (on a tie the simpler one is served). */
export const SELECTABLE = ['popularity', 'item-knn', 'ease'] as const;
export type SelectableAlgorithm = (typeof SELECTABLE)[number];

export interface ValidationFigures {
  algorithm: SelectableAlgorithm;
  recall: number;
  ndcg: number;
  trainSeconds: number;
  /** EASE: the lambda these figures are for (the best one tried). */
  lambda?: number;
  /** Why the model was not a candidate (e.g. EASE above its item limit or memory budget). */
  skipped?: string;
}

export interface Selection {
  served: SelectableAlgorithm;
  k: number;
  /** Users whose latest interaction was held out for validation (after sampling). */
  validationUsers: number;
  figures: ValidationFigures[];
  /** Every EASE lambda tried, with its validation recall@k. */
  lambdas: { lambda: number; recall: number }[];
  lambda?: number;
  /** The served model, retrained on the whole log given (validation items included). */
  model: CollabModel;
  /** With `refitAll`: every candidate retrained on the whole log (EASE with the chosen lambda). */
  models: Partial<Record<SelectableAlgorithm, { model: CollabModel; trainSeconds: number }>>;
}

export interface SelectOptions {
  k?: number;
  candidates?: readonly SelectableAlgorithm[];
  itemKnn?: ItemKnnOptions;
  ease?: EaseOptions;
  /** EASE lambdas to try; default: mean interactions per item x 0.25, 1, 4, extended by factors of 4 while the best is at an edge, then refined by factors of 2. */
  lambdas?: readonly number[];
  /** Score at most this many validation users (a seeded sample). */
  maxValidationUsers?: number;
  seed?: number;
  /** Retrain every candidate on the whole log, not only the served one (for side-by-side evaluation). */
  refitAll?: boolean;
  solveEase?: EaseSolver;
  onProgress?: ProgressCallback;
  /** Stops a running EASE solve (the selection rejects with an AbortError). */
  signal?: AbortSignal;
}

export const DefaultSelectOptions = { k: 10, maxValidationUsers: 5000, seed: 7 } as const;

/** Coarse lambda grid as multiples of the mean interactions per item (EASE's lambda scales with the counts). */
export const LAMBDA_GRID_FACTORS = [0.25, 1, 4] as const;

/**
 * Above `short` items the lambda search is cut to {0.5, 2, 8} x the mean (3 solves), above `single`
 * to 2 x the mean (1 solve): a solve costs about 47 CPU-seconds x (n / 5,000)^3.
 */
export const LAMBDA_SEARCH_ITEMS = { short: 5000, single: 10_000 } as const;

/**
 * Chooses the model to serve by measurement on this log alone: each user's latest distinct item
 * is held out (time split), popularity, item-kNN and EASE (lambda by the same validation) are
 * trained on the rest and scored by recall@k, and the best is retrained on the whole log.
 */
export async function selectModel(log: readonly Interaction[], options: SelectOptions = {}): Promise<Selection> {
  const o = { ...DefaultSelectOptions, ...options };
  const candidates = o.candidates ?? SELECTABLE;
  const solve = o.solveEase ?? solveEaseInWorker;
  const progress = o.onProgress;
  const { train: fitSet, tests: allTests } = splitLastByTime(log);
  const tests = sample(allTests, o.maxValidationUsers, o.seed);
  const figures: ValidationFigures[] = [];
  const lambdas: { lambda: number; recall: number }[] = [];
  const score = (model: CollabModel) => scoreModel(model, tests, o.k, model.itemCount);
  let bestLambda: number | undefined;
  const canValidate = tests.length > 0 && fitSet.length > 0;

  if (canValidate) {
    for (const algorithm of candidates) {
      if (algorithm === 'ease') continue;
      const t0 = performance.now();
      const model = algorithm === 'popularity' ? popularityModel(fitSet) : trainItemKnn(fitSet, o.itemKnn ?? {}, progress);
      const trainSeconds = (performance.now() - t0) / 1000;
      const m = score(model);
      figures.push({ algorithm, recall: m.recall, ndcg: m.ndcg, trainSeconds });
    }
    if (candidates.includes('ease')) {
      const t0 = performance.now();
      const matrix = buildMatrix(fitSet, { maxItemsPerUser: o.ease?.maxItemsPerUser ?? DefaultEaseOptions.maxItemsPerUser });
      const why = easeDoesNotFit(matrix.items.length, o.ease);
      if (why) figures.push({ algorithm: 'ease', recall: 0, ndcg: 0, trainSeconds: 0, skipped: why });
      else {
        let best: { lambda: number; recall: number; ndcg: number } | undefined;
        const tryLambda = async (lambda: number) => {
          if (lambdas.some((l) => l.lambda === lambda)) return;
          const model = await solve(matrix, { ...o.ease, lambda }, progress && ((d, t, phase) => progress(d, t, `EASE lambda ${fmt(lambda)}: ${phase}`)), o.signal);
          const m = score(model);
          lambdas.push({ lambda, recall: m.recall });
          if (!best || m.recall > best.recall) best = { lambda, recall: m.recall, ndcg: m.ndcg };
        };
        if (o.lambdas) for (const l of o.lambdas) await tryLambda(l);
        else {
          const mean = matrix.itemsOf.length / Math.max(1, matrix.items.length);
          const n = matrix.items.length;
          if (n > LAMBDA_SEARCH_ITEMS.short) {
            // Each solve takes minutes here (n^3): one lambda, or a short grid, instead of the full search.
            const factors = n > LAMBDA_SEARCH_ITEMS.single ? [2] : [0.5, 2, 8];
            for (const f of factors) await tryLambda(roundLambda(f * mean));
          } else {
            for (const f of LAMBDA_GRID_FACTORS) await tryLambda(roundLambda(f * mean));
            // Best at an edge of the grid: keep going that way (factor 4) while it improves.
            for (let step = 0; step < 3; step++) {
              const tried = lambdas.map((l) => l.lambda);
              const b = best!.lambda;
              if (b === Math.max(...tried)) await tryLambda(roundLambda(b * 4));
              else if (b === Math.min(...tried)) await tryLambda(roundLambda(b / 4));
              else break;
              if (best!.lambda === b) break;
            }
            // Refine between the best point and its neighbours (a factor of 2 each way).
            const b = best!.lambda;
            await tryLambda(roundLambda(b / 2));
            await tryLambda(roundLambda(b * 2));
          }
        }
        bestLambda = best!.lambda;
        figures.push({ algorithm: 'ease', recall: best!.recall, ndcg: best!.ndcg, trainSeconds: (performance.now() - t0) / 1000 / Math.max(1, lambdas.length), lambda: bestLambda });
      }
    }
  }
  // Highest recall wins; on a tie the higher NDCG, then the simpler (earlier) model. Without validation data: item-kNN.
  const ranked = figures.filter((f) => !f.skipped).sort((a, b) => b.recall - a.recall || b.ndcg - a.ndcg || SELECTABLE.indexOf(a.algorithm) - SELECTABLE.indexOf(b.algorithm));
  const served: SelectableAlgorithm = ranked[0]?.algorithm ?? (candidates.includes('item-knn') ? 'item-knn' : candidates[0] ?? 'popularity');

  const models: Selection['models'] = {};
  const refit = async (algorithm: SelectableAlgorithm) => {
    const t0 = performance.now();
    let model: CollabModel;
    if (algorithm === 'popularity') model = popularityModel(log);
    else if (algorithm === 'item-knn') model = trainItemKnn(log, o.itemKnn ?? {}, progress);
    else {
      const lambda = bestLambda ?? o.ease?.lambda ?? DefaultEaseOptions.lambda;
      const matrix = buildMatrix(log, { maxItemsPerUser: o.ease?.maxItemsPerUser ?? DefaultEaseOptions.maxItemsPerUser });
      if (easeDoesNotFit(matrix.items.length, o.ease)) return;
      model = await solve(matrix, { ...o.ease, lambda }, progress && ((d, t, phase) => progress(d, t, `EASE (lambda ${fmt(lambda)}) on the whole log: ${phase}`)), o.signal);
    }
    models[algorithm] = { model, trainSeconds: (performance.now() - t0) / 1000 };
  };
  for (const algorithm of o.refitAll ? candidates : [served]) await refit(algorithm);
  // EASE chosen on the validation split but the whole log has more items than it may handle.
  if (!models[served] && !models['item-knn']) await refit('item-knn');
  const chosen = models[served] ?? models['item-knn'];
  return {
    served: models[served] ? served : 'item-knn', k: o.k, validationUsers: tests.length, figures, lambdas,
    ...(bestLambda !== undefined ? { lambda: bestLambda } : {}),
    model: chosen!.model, models,
  };
}

function popularityModel(log: readonly Interaction[]): PopularityModel {
  const m = buildMatrix(log, { maxItemsPerUser: Number.MAX_SAFE_INTEGER });
  return new PopularityModel(m.items, m.popularity);
}

/** Two significant digits (readable grids: 0.25 x 58.3 -> 15, not 14.575). */
function roundLambda(x: number): number {
  return Math.max(0.01, Number(Math.max(x, 1e-6).toPrecision(2)));
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

export function sample<T>(list: readonly T[], max: number, seed: number): T[] {
  if (list.length <= max) return [...list];
  const rand = seededRandom(seed);
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [copy[i], copy[j]] = [copy[j]!, copy[i]!]; }
  return copy.slice(0, max);
}

export type { HeldOutUser };
