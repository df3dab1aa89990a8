import { performance } from 'node:perf_hooks';
import { train, type TrainOptions } from '../collab/index.js';
import type { EaseModel } from '../collab/ease.js';
import type { CollabAlgorithm, CollabModel, Interaction, ProgressCallback } from '../collab/types.js';
import { splitLastByTime } from './holdout.js';
import { percentile, scoreModel } from './metrics.js';
import { sample, selectModel, type SelectOptions, type Selection } from './select.js';

export { percentile, scoreModel, type RankMetrics } from './metrics.js';

/** One model's figures on the held-out last items (the per-model objects of `--json`). */
export interface ModelReport {
  recall_at_k: number;
  ndcg_at_k: number;
  coverage: number;
  train_seconds: number;
  p99_ms_per_recommendation: number;
  /** recall@k on the validation split (inside the training log) that chose the served model. */
  validation_recall_at_k?: number;
  /** EASE: the regularisation chosen by validation. */
  lambda?: number;
}

/**
 * The `crossfeed recs eval --json` object (see recommender/collab/README.md): the original keys
 * describe the served model (and the popularity baseline); `served` names it, and each model
 * evaluated has an object of its own under its name.
 */
export interface RecsEvalReport {
  recall_at_k: number;
  ndcg_at_k: number;
  coverage: number;
  popularity_recall_at_k: number;
  popularity_ndcg_at_k: number;
  popularity_coverage: number;
  train_seconds: number;
  p99_ms_per_recommendation: number;
  served: CollabAlgorithm;
  popularity?: ModelReport;
  'item-knn'?: ModelReport;
  ease?: ModelReport;
  als?: ModelReport;
}

export interface RecsEvaluation {
  report: RecsEvalReport;
  k: number;
  algorithm: CollabAlgorithm;
  users: number;
  testUsers: number;
  evaluatedUsers: number;
  trainItems: number;
  trainInteractions: number;
  p50MsPerRecommendation: number;
  model: CollabModel;
  /** The model choice on the training log's own validation split (algorithm 'auto'). */
  selection?: Selection;
  /** Models side by side, in the order printed. */
  models: { algorithm: CollabAlgorithm; report: ModelReport; p50Ms: number }[];
}

export interface RecsEvalOptions {
  k?: number;
  /** 'auto' (default): choose among popularity, item-kNN and EASE on a validation split of the training log. */
  algorithm?: CollabAlgorithm | 'auto';
  train?: TrainOptions;
  select?: Omit<SelectOptions, 'k' | 'onProgress' | 'refitAll'>;
  /** Score at most this many held-out users (a seeded sample); default all. */
  maxUsers?: number;
  seed?: number;
  onProgress?: ProgressCallback;
}

/**
 * Leave-last-out evaluation by time: each user's last distinct item is held out and every unseen
 * item is ranked. With algorithm 'auto' the served model is chosen exactly as the bot chooses it,
 * on a second time split inside the training part only, so the test items never guide the choice.
 */
export async function evaluateInteractions(interactions: readonly Interaction[], o: RecsEvalOptions = {}): Promise<RecsEvaluation> {
  const k = o.k ?? 10;
  const algorithm = o.algorithm ?? o.train?.algorithm ?? 'auto';
  const { train: trainSet, tests: allTests } = splitLastByTime(interactions);
  const tests = o.maxUsers !== undefined ? sample(allTests, o.maxUsers, o.seed ?? 1) : allTests;
  const t0 = performance.now();
  const trained: { algorithm: CollabAlgorithm; model: CollabModel; trainSeconds: number; validation?: number; lambda?: number }[] = [];
  let selection: Selection | undefined;
  let served: CollabAlgorithm;
  if (algorithm === 'auto') {
    selection = await selectModel(trainSet, { ...o.select, k, refitAll: true, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
    served = selection.served;
    for (const [name, v] of Object.entries(selection.models)) {
      const f = selection.figures.find((x) => x.algorithm === name);
      trained.push({
        algorithm: name as CollabAlgorithm, model: v.model, trainSeconds: v.trainSeconds,
        ...(f && !f.skipped ? { validation: f.recall } : {}),
        ...(name === 'ease' ? { lambda: (v.model as EaseModel).lambda } : {}),
      });
    }
  } else {
    served = algorithm;
    for (const a of algorithm === 'popularity' ? ['popularity' as const] : ['popularity' as const, algorithm]) {
      const t1 = performance.now();
      const model = train(trainSet, { ...o.train, algorithm: a }, a === algorithm ? o.onProgress : undefined);
      trained.push({ algorithm: a, model, trainSeconds: (performance.now() - t1) / 1000, ...(a === 'ease' ? { lambda: (model as EaseModel).lambda } : {}) });
    }
  }
  const totalSeconds = (performance.now() - t0) / 1000;
  const catalog = trained[0]!.model.itemCount;
  const models: RecsEvaluation['models'] = [];
  for (const t of trained) {
    const m = scoreModel(t.model, tests, k, catalog, (n) => o.onProgress?.(n, tests.length, `scoring ${t.algorithm}`));
    models.push({
      algorithm: t.algorithm, p50Ms: percentile(m.latenciesMs, 50),
      report: {
        recall_at_k: m.recall, ndcg_at_k: m.ndcg, coverage: m.coverage, train_seconds: t.trainSeconds,
        p99_ms_per_recommendation: percentile(m.latenciesMs, 99),
        ...(t.validation !== undefined ? { validation_recall_at_k: t.validation } : {}),
        ...(t.lambda !== undefined ? { lambda: t.lambda } : {}),
      },
    });
  }
  o.onProgress?.(tests.length, tests.length, 'done');
  const s = models.find((m) => m.algorithm === served)!;
  const p = models.find((m) => m.algorithm === 'popularity')!;
  const report: RecsEvalReport = {
    recall_at_k: s.report.recall_at_k, ndcg_at_k: s.report.ndcg_at_k, coverage: s.report.coverage,
    popularity_recall_at_k: p.report.recall_at_k, popularity_ndcg_at_k: p.report.ndcg_at_k, popularity_coverage: p.report.coverage,
    train_seconds: algorithm === 'auto' ? totalSeconds : s.report.train_seconds, p99_ms_per_recommendation: s.report.p99_ms_per_recommendation,
    served,
  };
  for (const m of models) report[m.algorithm] = m.report;
  return {
    report, k, algorithm: served, users: new Set(interactions.map((x) => x.user)).size, testUsers: allTests.length,
    evaluatedUsers: tests.length, trainItems: catalog, trainInteractions: trainSet.length,
    p50MsPerRecommendation: s.p50Ms, model: trained.find((t) => t.algorithm === served)!.model,
    ...(selection ? { selection } : {}), models,
  };
}
