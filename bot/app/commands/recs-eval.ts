import { SingleBar } from 'cli-progress';
import { CollabError, type CollabAlgorithm } from '../../../recommender/collab/types.js';
import { InteractionsFileError, readInteractionsCsv } from '../../../recommender/eval/csv.js';
import { evaluateInteractions, type RecsEvaluation } from '../../../recommender/eval/evaluate.js';

export interface RecsEvalOptions {
  interactions?: string;
  k: string;
  json: boolean;
  algorithm: string;
}

const ALGORITHMS: readonly (CollabAlgorithm | 'auto')[] = ['auto', 'item-knn', 'ease', 'als', 'popularity'];
const MAX_PROBLEMS_SHOWN = 20;

/**
 * `crossfeed recs eval --interactions <file.csv> [--k 10] [--json]`: leave-last-out evaluation
 * by time of popularity, item-kNN and EASE side by side, and of the model the bot would serve
 * (chosen on a validation split inside the training part, as at retraining). Exit code: 0 evaluated, 2 bad input (file,
 * rows, options).
 */
export async function runRecsEval(o: RecsEvalOptions): Promise<number> {
  const file = o.interactions;
  if (!file) return fail('recs eval needs --interactions <file.csv> (header user,item,timestamp[,weight])');
  const k = Number(o.k);
  if (!Number.isInteger(k) || k < 1 || k > 1000) return fail(`--k must be a whole number from 1 to 1000, got ${JSON.stringify(o.k)}`);
  if (!ALGORITHMS.includes(o.algorithm as CollabAlgorithm | 'auto')) return fail(`--algorithm must be one of ${ALGORITHMS.join(', ')}, got ${JSON.stringify(o.algorithm)}`);
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'recs eval [{bar}] {percentage}% {phase}', hideCursor: true, stream: process.stderr })
    : undefined;
  let evaluation: RecsEvaluation;
  try {
    bar?.start(1, 0, { phase: 'reading interactions' });
    const interactions = await readInteractionsCsv(file);
    evaluation = await evaluateInteractions(interactions, {
      k, algorithm: o.algorithm as CollabAlgorithm | 'auto',
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
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const header = ['', ...e.models.map((m) => (m.algorithm === e.algorithm ? `${m.algorithm} (served)` : m.algorithm))];
  const rows: string[][] = [
    header,
    [`recall@${e.k}`, ...e.models.map((m) => pct(m.report.recall_at_k))],
    [`ndcg@${e.k}`, ...e.models.map((m) => m.report.ndcg_at_k.toFixed(4))],
    ['coverage', ...e.models.map((m) => pct(m.report.coverage))],
    ['p99 / rec', ...e.models.map((m) => `${m.report.p99_ms_per_recommendation.toFixed(3)} ms`)],
    ['training', ...e.models.map((m) => `${m.report.train_seconds.toFixed(2)} s`)],
  ];
  if (e.selection) {
    rows.push([`valid. recall@${e.k}`, ...e.models.map((m) => (m.report.validation_recall_at_k === undefined ? '-' : pct(m.report.validation_recall_at_k)))]);
    if (e.models.some((m) => m.report.lambda !== undefined)) rows.push(['lambda', ...e.models.map((m) => (m.report.lambda === undefined ? '' : String(m.report.lambda)))]);
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  const r = e.report;
  lines.push('', `served     ${e.algorithm}${e.selection ? ` (best recall@${e.k} on the validation split: each training user's latest item, ${e.selection.validationUsers} users)` : ' (--algorithm)'}`);
  const skipped = e.selection?.figures.filter((f) => f.skipped) ?? [];
  for (const f of skipped) lines.push(`skipped    ${f.algorithm}: ${f.skipped}`);
  if (e.selection?.lambdas.length) lines.push(`lambdas    ${e.selection.lambdas.map((l) => `${l.lambda}: ${pct(l.recall)}`).join(', ')} (validation recall@${e.k})`);
  lines.push(
    `training   ${r.train_seconds.toFixed(2)} s to choose and train the served model on ${e.trainInteractions} interactions, ${e.trainItems} items`,
    `latency    p99 ${r.p99_ms_per_recommendation.toFixed(3)} ms per recommendation (p50 ${e.p50MsPerRecommendation.toFixed(3)} ms)`,
    `holdout    last interaction of each of ${e.testUsers} users (of ${e.users}) with >= 2 distinct items; all unseen items ranked`);
  return lines.join('\n') + '\n';
}
