import { SingleBar } from 'cli-progress';
import { CollabError, type CollabAlgorithm } from '../../recommender/collab/types.js';
import { InteractionsFileError, readInteractionsCsv } from '../../recommender/eval/csv.js';
import { evaluateInteractions, type RecsEvaluation } from '../../recommender/eval/evaluate.js';

export interface RecsEvalOptions {
  interactions?: string;
  k: string;
  json: boolean;
  algorithm: string;
}

const ALGORITHMS: readonly CollabAlgorithm[] = ['item-knn', 'als', 'popularity'];
const MAX_PROBLEMS_SHOWN = 20;

/**
 * `crossfeed recs eval --interactions <file.csv> [--k 10] [--json]`: leave-last-out evaluation
 * of the collaborative model against popularity. Exit code: 0 evaluated, 2 bad input (file,
 * rows, options).
 */
export async function runRecsEval(o: RecsEvalOptions): Promise<number> {
  const file = o.interactions;
  if (!file) return fail('recs eval needs --interactions <file.csv> (header user,item,timestamp[,weight])');
  const k = Number(o.k);
  if (!Number.isInteger(k) || k < 1 || k > 1000) return fail(`--k must be a whole number from 1 to 1000, got ${JSON.stringify(o.k)}`);
  if (!ALGORITHMS.includes(o.algorithm as CollabAlgorithm)) return fail(`--algorithm must be one of ${ALGORITHMS.join(', ')}, got ${JSON.stringify(o.algorithm)}`);
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'recs eval [{bar}] {percentage}% {phase}', hideCursor: true, stream: process.stderr })
    : undefined;
  let evaluation: RecsEvaluation;
  try {
    bar?.start(1, 0, { phase: 'reading interactions' });
    const interactions = await readInteractionsCsv(file);
    evaluation = evaluateInteractions(interactions, {
      k, train: { algorithm: o.algorithm as CollabAlgorithm },
      onProgress: (done, total, phase) => { bar?.setTotal(Math.max(1, total)); bar?.update(done, { phase }); },
    });
  } catch (err) {
    bar?.stop();
    if (err instanceof InteractionsFileError) {
      for (const p of err.problems.slice(0, MAX_PROBLEMS_SHOWN)) process.stderr.write(`${file}:${p.line}: ${p.message}\n`);
      if (err.problems.length > MAX_PROBLEMS_SHOWN) process.stderr.write(`... and ${err.problems.length - MAX_PROBLEMS_SHOWN} more bad rows\n`);
      return fail(`${file}: ${err.message}`);
    }
    if (err instanceof CollabError) return fail(`${file}: ${err.message}`);
    throw err;
  } finally {
    bar?.stop();
  }
  process.stdout.write(o.json ? JSON.stringify(evaluation.report) + '\n' : renderTable(evaluation));
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`crossfeed: ${message}\n`);
  return 2;
}

function renderTable(e: RecsEvaluation): string {
  const r = e.report;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const rows: [string, string, string][] = [
    ['', e.algorithm, 'popularity'],
    [`recall@${e.k}`, pct(r.recall_at_k), pct(r.popularity_recall_at_k)],
    [`ndcg@${e.k}`, r.ndcg_at_k.toFixed(4), r.popularity_ndcg_at_k.toFixed(4)],
    ['coverage', pct(r.coverage), pct(r.popularity_coverage)],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padStart(10)}`);
  lines.push('',
    `training   ${r.train_seconds.toFixed(2)} s on ${e.trainInteractions} interactions, ${e.trainItems} items`,
    `latency    p99 ${r.p99_ms_per_recommendation.toFixed(3)} ms per recommendation (p50 ${e.p50MsPerRecommendation.toFixed(3)} ms)`,
    `holdout    last interaction of each of ${e.testUsers} users (of ${e.users}) with >= 2 distinct items`);
  return lines.join('\n') + '\n';
}
