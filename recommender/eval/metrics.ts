import { performance } from 'node:perf_hooks';
import type { CollabModel } from '../collab/types.js';
import type { HeldOutUser } from './holdout.js';

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
  for (const t of tests.slice(0, WARM_UP_CALLS)) model.recommend(t.history, k, [], t.boost ? { boost: t.boost } : {});
  tests.forEach((t, n) => {
    const t0 = performance.now();
    const recs = model.recommend(t.history, k, [], t.boost ? { boost: t.boost } : {});
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
