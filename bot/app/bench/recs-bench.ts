/**
 * Collaborative-recommender benchmark on a seeded synthetic log (Zipf popularity, long-tailed
 * users, topical clusters). Prints popularity, item-kNN and EASE side by side on a leave-last-out
 * holdout by time, and the model the bot would serve (chosen on a validation split inside the
 * training part, as at retraining), with training time, p50/p99 latency and memory.
 * Run: npm run bench:recs [-- --items 3000 --interactions 150000 --users 5000 (held-out users scored)
 *      --algorithm auto|item-knn|ease|als|popularity --lambdas 50,100 (EASE grid) --csv <file>]
 *      npm run bench:recs -- --solve 5000   (EASE at n items only: solve time, memory, p99 of scoring)
 *      npm run bench:recs -- --sessions     (session context: this session's items weighted 1x..8x)
 *      npm run bench:recs -- --score 20000  (EASE scoring latency at n items on random weights, no solve)
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { EaseModel, easeTrainingBytes, invertSpdInPlace, easeWeightsFromInverse } from '../../../recommender/collab/ease.js';
import { seededRandom } from '../../../recommender/collab/random.js';
import type { CollabAlgorithm } from '../../../recommender/collab/types.js';
import { evaluateInteractions } from '../../../recommender/eval/evaluate.js';
import { percentile } from '../../../recommender/eval/metrics.js';
import { selectModel } from '../../../recommender/eval/select.js';
import { sessionBoostRecall, splitLastSession } from '../../../recommender/eval/session.js';
import { syntheticInteractions, toCsv } from '../../../recommender/eval/synthetic.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const num = (name: string, fallback: number): number => {
  const v = Number(arg(name) ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const print = (lines: [string, string][]) => {
  const w = Math.max(...lines.map(([k]) => k.length));
  process.stdout.write(lines.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
};

if (arg('solve')) solveOnly(num('solve', 5000));
else if (arg('score')) scoreOnly(num('score', 20000));
else if (args.includes('--sessions')) await sessions();
else await compare();

async function compare(): Promise<void> {
  const algorithm = (arg('algorithm') ?? 'auto') as CollabAlgorithm | 'auto';
  const lambdas = arg('lambdas')?.split(',').map(Number);
  const t0 = performance.now();
  const log = syntheticInteractions({ items: num('items', 3000), interactions: num('interactions', 150_000), clusters: num('clusters', 60) });
  const generateSeconds = (performance.now() - t0) / 1000;
  const csv = arg('csv');
  if (csv) writeFileSync(csv, toCsv(log));
  const rssBefore = process.memoryUsage().rss;
  let lastPhase = '';
  const e = await evaluateInteractions(log, {
    k: 10, algorithm, maxUsers: num('users', 5000), seed: 1, ...(lambdas ? { select: { lambdas }, train: { ease: { lambda: lambdas[0]! } } } : {}),
    onProgress: (_d, _t, phase) => { const p = phase.replace(/:.*/, ''); if (p !== lastPhase && process.stderr.isTTY) process.stderr.write(`  ${phase}\n`); lastPhase = p; },
  });
  const cols = e.models.map((m) => (m.algorithm === e.algorithm ? `${m.algorithm} (served)` : m.algorithm));
  const row = (f: (m: (typeof e.models)[number]) => string) => e.models.map(f);
  const table: string[][] = [
    ['', ...cols],
    ['recall@10', ...row((m) => pct(m.report.recall_at_k))],
    ['ndcg@10', ...row((m) => m.report.ndcg_at_k.toFixed(4))],
    ['coverage', ...row((m) => pct(m.report.coverage))],
    ['validation recall@10', ...row((m) => (m.report.validation_recall_at_k === undefined ? '-' : pct(m.report.validation_recall_at_k)))],
    ['training', ...row((m) => `${m.report.train_seconds.toFixed(1)} s`)],
    ['p50 / p99 per rec', ...row((m) => `${m.p50Ms.toFixed(3)} / ${m.report.p99_ms_per_recommendation.toFixed(3)} ms`)],
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  process.stdout.write(table.map((r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ')).join('\n') + '\n\n');
  const knn = e.models.find((m) => m.algorithm === 'item-knn')?.report.recall_at_k;
  const ease = e.models.find((m) => m.algorithm === 'ease')?.report;
  const lines: [string, string][] = [
    ['data', `${log.length.toLocaleString('en')} interactions, ${e.users.toLocaleString('en')} users, ${e.trainItems.toLocaleString('en')} items in training (generated in ${generateSeconds.toFixed(1)} s${csv ? `, written to ${csv}` : ''})`],
    ['served', `${e.algorithm}${e.selection ? ` (validation: ${e.selection.validationUsers} training users' latest items)` : ''}`],
  ];
  if (e.selection?.lambdas.length) lines.push(['EASE lambdas', e.selection.lambdas.map((l) => `${l.lambda}: ${pct(l.recall)}`).join(', ') + ` -> ${e.selection.lambda}`]);
  for (const f of e.selection?.figures.filter((x) => x.skipped) ?? []) lines.push(['skipped', `${f.algorithm}: ${f.skipped}`]);
  if (knn !== undefined && ease) lines.push(['EASE vs item-kNN', `${((ease.recall_at_k / Math.max(1e-9, knn) - 1) * 100).toFixed(1)}% relative recall@10 (target >= +15%)`]);
  lines.push(
    ['choose + train', `${e.report.train_seconds.toFixed(1)} s on ${e.trainInteractions.toLocaleString('en')} interactions`],
    ['memory', `RSS ${mb(process.memoryUsage().rss)} (${mb(rssBefore)} with the log loaded); EASE training needs 12 n^2 bytes = ${mb(easeTrainingBytes(e.trainItems))}`],
    ['holdout', `last interaction of ${e.evaluatedUsers.toLocaleString('en')} of ${e.testUsers.toLocaleString('en')} users with >= 2 items (seeded sample); all unseen items ranked`],
  );
  print(lines);
}

/** Session context: the last session's earlier items known, weighted 1x (no context) to 8x. */
async function sessions(): Promise<void> {
  const focus = num('focus', 0.7);
  const log = syntheticInteractions({ items: num('items', 3000), interactions: num('interactions', 150_000), clusters: num('clusters', 60), sessionFocus: focus });
  const { train: trainSet, tests } = splitLastSession(log);
  const lambdas = arg('lambdas')?.split(',').map(Number);
  const s = await selectModel(trainSet, { k: 10, refitAll: true, ...(lambdas ? { lambdas } : {}) });
  const boosts = [1, 2, 3, 5, 8];
  const table: string[][] = [['recall@10 (ndcg@10)', ...boosts.map((b) => (b === 1 ? '1x (no context)' : `${b}x`))]];
  for (const name of ['item-knn', 'ease'] as const) {
    const m = s.models[name]?.model;
    if (!m) continue;
    table.push([name + (name === s.served ? ' (served)' : ''), ...sessionBoostRecall(m, tests, 10, boosts).map((r) => `${pct(r.recall)} (${r.ndcg.toFixed(4)})`)]);
  }
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  process.stdout.write(table.map((r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ')).join('\n') + '\n\n');
  print([
    ['data', `${log.length.toLocaleString('en')} interactions in sessions (2-6 events minutes apart, days between; ${focus * 100}% of a session's topical draws in its one cluster)`],
    ['holdout', `last item of the last session of ${tests.length.toLocaleString('en')} users; that session's earlier items and all older items are the history`],
    ['EASE lambda', `${s.lambda ?? '-'} (validation on the training part)`],
  ]);
}

/** Scoring latency of EASE at n items: weights are random (the cost of a recommendation does not depend on them). */
function scoreOnly(n: number): void {
  const rand = seededRandom(6);
  const weights = new Float32Array(n * n);
  for (let i = 0; i < weights.length; i++) weights[i] = rand() - 0.5;
  const items = Array.from({ length: n }, (_, i) => `i${i}`);
  const model = new EaseModel(items, new Int32Array(n).fill(1), weights, 100, 100);
  const lat = latencies(model, items, rand);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let q = 0; q < 200; q++) model.recommend([items[q]!, items[q + 1]!], 10);
  const cpuShare = ((process.cpuUsage(cpu0).user / 1000) / (performance.now() - t0));
  print([
    ['EASE scoring', `${n.toLocaleString('en')} items, ${mb(model.weightBytes)} of weights: p50 ${percentile(lat, 50).toFixed(3)} ms, p99 ${percentile(lat, 99).toFixed(3)} ms per recommendation of 10 (histories of 1-60 items, up to 100 summed; 1,000 calls after 200 warm-up)`],
    ['CPU time', `p50 ${percentile(lat.cpu!, 50).toFixed(3)} ms, p99 ${percentile(lat.cpu!, 99).toFixed(3)} ms per recommendation (process CPU time, microsecond clock: what a call costs without waiting for a core)`],
    ['machine', `this process got ${(cpuShare * 100).toFixed(0)}% of a core while measuring (shared machine)`],
  ]);
}

/** Wall-clock and CPU time of each call (the machine is shared: CPU time is what the call itself costs). */
function latencies(model: EaseModel, items: string[], rand: () => number): Float64Array & { cpu?: Float64Array } {
  const lat: number[] = [];
  const cpu: number[] = [];
  for (let q = 0; q < 1200; q++) {
    const h = Array.from({ length: 1 + Math.floor(rand() * 60) }, () => items[Math.floor(rand() * items.length)]!);
    const c0 = process.cpuUsage();
    const t1 = performance.now();
    model.recommend(h, 10);
    if (q >= 200) {
      lat.push(performance.now() - t1);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  return Object.assign(Float64Array.from(lat), { cpu: Float64Array.from(cpu) });
}

/** EASE's solve at n items on a random sparse Gram matrix (time, memory), then scoring latency. */
function solveOnly(n: number): void {
  const rand = seededRandom(5);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const a = new Float64Array(n * n);
  // A sparse co-occurrence pattern (about 40 partners per item) plus a dominant diagonal: SPD.
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 40; c++) { const j = Math.floor(rand() * n); if (j < i) a[i * n + j]! += 1; }
    a[i * n + i] = 100 + 50 * rand();
  }
  const diag = new Float64Array(n);
  let lastShown = 0;
  invertSpdInPlace(a, n, diag, (done, total, phase) => {
    const now = performance.now();
    if (now - lastShown > 10_000) { lastShown = now; process.stderr.write(`  ${phase} ${done}/${total} after ${((now - t0) / 1000).toFixed(0)} s\n`); }
  });
  const weights = easeWeightsFromInverse(a, n, diag);
  const solveSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = process.cpuUsage(cpu0).user / 1e6;
  const peak = process.memoryUsage().rss;
  const items = Array.from({ length: n }, (_, i) => `i${i}`);
  const model = new EaseModel(items, new Int32Array(n).fill(1), weights, 100, 100);
  const l = latencies(model, items, rand);
  print([
    ['EASE solve', `${n.toLocaleString('en')} items: ${solveSeconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (Cholesky -> inverse -> weights; ${(n ** 3 / 2 / cpuSeconds / 1e9).toFixed(2)} G multiply-adds per CPU second)`],
    ['memory', `12 n^2 = ${mb(easeTrainingBytes(n))} while training, ${mb(model.weightBytes)} served; RSS ${mb(peak)} (from ${mb(rss0)})`],
    ['scoring', `p50 ${percentile(l, 50).toFixed(3)} ms, p99 ${percentile(l, 99).toFixed(3)} ms per recommendation of 10 (histories of 1-60 items, 1,000 calls after 200 warm-up)`],
  ]);
}
