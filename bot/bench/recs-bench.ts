/**
 * Collaborative-recommender benchmark on a seeded synthetic log (100,000 items, 1,000,000
 * interactions, Zipf popularity, long-tailed users, topical clusters). Prints training time,
 * p50/p99 recommendation latency, memory (RSS) and recall@10 against popularity on a
 * leave-last-out holdout. Targets (issue 5): training <= 30 s, p99 <= 5 ms on 2 cores.
 * Run: npm run bench:recs [-- --algorithm item-knn|als --items 100000 --interactions 1000000
 *      --users 20000 (held-out users scored) --csv <file> (also write the log as CSV)]
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CollabAlgorithm } from '../../recommender/collab/types.js';
import { evaluateInteractions } from '../../recommender/eval/evaluate.js';
import { syntheticInteractions, toCsv } from '../../recommender/eval/synthetic.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const num = (name: string, fallback: number): number => {
  const v = Number(arg(name) ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const algorithm = (arg('algorithm') ?? 'item-knn') as CollabAlgorithm;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

const t0 = performance.now();
const log = syntheticInteractions({ items: num('items', 100_000), interactions: num('interactions', 1_000_000) });
const generateSeconds = (performance.now() - t0) / 1000;
const csv = arg('csv');
if (csv) writeFileSync(csv, toCsv(log));
const rssBefore = process.memoryUsage().rss;
const e = evaluateInteractions(log, { k: 10, train: { algorithm }, maxUsers: num('users', 20_000), seed: 1 });
const r = e.report;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const lines: [string, string][] = [
  ['data', `${log.length.toLocaleString('en')} interactions, ${e.users.toLocaleString('en')} users, ${e.trainItems.toLocaleString('en')} items in training (generated in ${generateSeconds.toFixed(1)} s${csv ? `, written to ${csv}` : ''})`],
  ['model', algorithm],
  ['training', `${r.train_seconds.toFixed(1)} s on ${e.trainInteractions.toLocaleString('en')} interactions (target <= 30 s)`],
  ['latency', `p50 ${e.p50MsPerRecommendation.toFixed(3)} ms, p99 ${r.p99_ms_per_recommendation.toFixed(3)} ms per recommendation of 10 (target p99 <= 5 ms)`],
  ['memory', `RSS ${mb(process.memoryUsage().rss)} (${mb(rssBefore)} with the log loaded, before training)`],
  ['recall@10', `${pct(r.recall_at_k)} model vs ${pct(r.popularity_recall_at_k)} popularity (${(r.recall_at_k / Math.max(1e-9, r.popularity_recall_at_k)).toFixed(2)}x)`],
  ['ndcg@10', `${r.ndcg_at_k.toFixed(4)} model vs ${r.popularity_ndcg_at_k.toFixed(4)} popularity`],
  ['coverage', `${pct(r.coverage)} model vs ${pct(r.popularity_coverage)} popularity`],
  ['holdout', `last interaction of ${e.evaluatedUsers.toLocaleString('en')} of ${e.testUsers.toLocaleString('en')} users with >= 2 items (seeded sample)`],
];
const w = Math.max(...lines.map(([k]) => k.length));
process.stdout.write(lines.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
