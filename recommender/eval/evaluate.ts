import { performance } from 'node:perf_hooks';
import { train, type TrainOptions } from '../collab/index.js';
import { seededRandom } from '../collab/random.js';
import type { CollabModel, Interaction, ProgressCallback } from '../collab/types.js';
import { splitLastByTime, type HeldOutUser } from './holdout.js';

/** The `crossfeed recs eval --json` object: exactly these keys (see recommender/collab/README.md). */
export interface RecsEvalReport {
  recall_at_k: number;
  ndcg_at_k: number;
  coverage: number;
  popularity_recall_at_k: number;
  popularity_ndcg_at_k: number;
  popularity_coverage: number;
  train_seconds: number;
  p99_ms_per_recommendation: number;
}

export interface RecsEvaluation {
  report: RecsEvalReport;
  k: number;
  algorithm: string;
  users: number;
  testUsers: number;
  evaluatedUsers: number;
  trainItems: number;
  trainInteractions: number;
  p50MsPerRecommendation: number;
  model: CollabModel;
}

export interface RecsEvalOptions {
  k?: number;
  train?: TrainOptions;
  /** Score at most this many held-out users (a seeded sample); default all. */
  maxUsers?: number;
  seed?: number;
  onProgress?: ProgressCallback;
}

const WARM_UP_CALLS = 200;

export interface RankMetrics {
  recall: number;
  ndcg: number;
  coverage: number;
  latenciesMs: Float64Array;
}

/** Recall@k, NDCG@k (one relevant item, so ideal DCG is 1) and catalog coverage of one model. */
export function scoreModel(model: CollabModel, tests: readonly HeldOutUser[], k: number, catalogSize: number, onDone?: (n: number) => void): RankMetrics {
  let hits = 0;
  let dcg = 0;
  const shown = new Set<string>();
  const latenciesMs = new Float64Array(tests.length);
  // Warm up first: latency is reported for a warm (JIT-compiled) model, as in a running bot.
  for (const t of tests.slice(0, WARM_UP_CALLS)) model.recommend(t.history, k);
  tests.forEach((t, n) => {
    const t0 = performance.now();
    const recs = model.recommend(t.history, k);
    latenciesMs[n] = performance.now() - t0;
    const rank = recs.findIndex((r) => r.itemId === t.heldOut);
    if (rank >= 0) { hits++; dcg += 1 / Math.log2(rank + 2); }
    for (const r of recs) shown.add(r.itemId);
    if ((n & 0x3ff) === 0) onDone?.(n);
  });
  const users = Math.max(1, tests.length);
  return { recall: hits / users, ndcg: dcg / users, coverage: shown.size / Math.max(1, catalogSize), latenciesMs };
}

export function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Leave-last-out evaluation of the collaborative model against the popularity baseline. */
export function evaluateInteractions(interactions: readonly Interaction[], o: RecsEvalOptions = {}): RecsEvaluation {
  const k = o.k ?? 10;
  const { train: trainSet, tests: allTests } = splitLastByTime(interactions);
  let tests = allTests;
  if (o.maxUsers !== undefined && tests.length > o.maxUsers) {
    const rand = seededRandom(o.seed ?? 1);
    const copy = [...tests];
    for (let i = copy.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [copy[i], copy[j]] = [copy[j]!, copy[i]!]; }
    tests = copy.slice(0, o.maxUsers);
  }
  const t0 = performance.now();
  const model = train(trainSet, o.train ?? {}, o.onProgress);
  const trainSeconds = (performance.now() - t0) / 1000;
  const popularity = train(trainSet, { algorithm: 'popularity' });
  const catalog = model.itemCount;
  const m = scoreModel(model, tests, k, catalog, (n) => o.onProgress?.(n, tests.length, 'scoring model'));
  const p = scoreModel(popularity, tests, k, catalog, (n) => o.onProgress?.(n, tests.length, 'scoring popularity'));
  o.onProgress?.(tests.length, tests.length, 'done');
  return {
    report: {
      recall_at_k: m.recall, ndcg_at_k: m.ndcg, coverage: m.coverage,
      popularity_recall_at_k: p.recall, popularity_ndcg_at_k: p.ndcg, popularity_coverage: p.coverage,
      train_seconds: trainSeconds, p99_ms_per_recommendation: percentile(m.latenciesMs, 99),
    },
    k, algorithm: model.algorithm, users: new Set(interactions.map((x) => x.user)).size, testUsers: allTests.length,
    evaluatedUsers: tests.length, trainItems: catalog, trainInteractions: trainSet.length,
    p50MsPerRecommendation: percentile(m.latenciesMs, 50), model,
  };
}
