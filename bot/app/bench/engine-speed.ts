/**
 * Whole-engine speed, as the bot runs it: shipped transformers.js intent + entity models, the
 * TypeScript-trained models and the rules. Single-message latency (`parse`), batched throughput
 * (`parseBatch`, messages in arrival order), and resident memory over a long run of batches.
 * Run: npm run bench:nlu:engine [-- --messages 20000] [-- --soak 100000] [-- --batches 8,32,64] [-- --dtype fp32|q8] [-- --batch-worker]
 * (default precision: q8 where the model folder has onnx/model_quantized.onnx, as the bot loads it)
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NluEngine } from '../../../nlp/engine.js';
import { modelDtype } from '../../../nlp/models.js';
import { catalogLexicon } from '../../../nlp/rules/catalog-lexicon.js';
import { loadTrainedModels } from '../../../nlp/trained-models.js';
import { loadConfig } from '../../config.js';
import { readCatalogFile } from '../../../data/catalog/importer.js';
import { packageRoot, seedCatalogDir } from '../../../data/paths.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const N = Number(arg('messages', '20000'));
const SOAK = Number(arg('soak', '100000'));
const BATCHES = arg('batches', '8,32,64').split(',').map(Number);
const dtypeArg = arg('dtype', '');
const dtype = dtypeArg === 'fp32' || dtypeArg === 'q8' ? dtypeArg : undefined;

const config = loadConfig();
const batchWorker = process.argv.includes('--batch-worker') || config.nlu.batchWorker;
const items = (await Promise.all(['courses.json', 'coupons.json', 'insurance.json'].map((f) => readCatalogFile(join(seedCatalogDir, f))))).flatMap((r) => r.items);
const t0 = performance.now();
// The same engine loadNlu (bot/app/app.ts) builds, with the model precision as a switch.
const nlu = await NluEngine.load({
  modelDir: config.models.dir, threads: config.models.threads, dtype, batchWorker,
  trained: loadTrainedModels(config.nlu.trainedDir), lexicon: catalogLexicon(items),
});
const loadMs = performance.now() - t0;
const holdout = parse(readFileSync(join(packageRoot, 'data', 'nlu', 'eval', 'product-holdout.yaml'), 'utf8')) as { intents: Record<string, string[]> };
const noise = readFileSync(join(packageRoot, 'data', 'nlu', 'eval', 'chat-noise.txt'), 'utf8').split('\n').filter(Boolean);
// Requests and chat noise interleaved, roughly as a live chat mixes them.
const texts = [...Object.values(holdout.intents).flat(), ...noise].map((t, k) => ({ t, key: (k * 7919) % 1009 })).sort((a, b) => a.key - b.key).map((x) => x.t);
const text = (k: number) => texts[k % texts.length]!;

const mib = () => process.memoryUsage().rss / 2 ** 20;
const settle = () => globalThis.gc?.();
const out = (line: string) => process.stdout.write(line + '\n');
const cpu = cpus();
const used = ['intent', 'entities'].map((m) => `${m} ${modelDtype(m, { modelDir: config.models.dir, threads: 1, dtype })}`).join(', ');
out(`whole engine (transformers.js ${used}, TypeScript-trained models, rules${batchWorker ? '; entity models in a worker thread' : ''}), ${new Date().toISOString()}`);
out(`  ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}, Node ${process.version}, onnxruntime threads ${config.models.threads}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
out(`  models loaded in ${loadMs.toFixed(0)} ms; ${texts.length} distinct messages (held-out requests + chat noise), cycled`);

await nlu.parseBatch(texts); // warm-up: every shape once
for (let k = 0; k < 300; k++) await nlu.parse(text(k));

const times: number[] = [];
const ts = performance.now();
for (let k = 0; k < N; k++) {
  const s = performance.now();
  await nlu.parse(text(k));
  times.push(performance.now() - s);
}
const singleRate = N / ((performance.now() - ts) / 1000);
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(2);
out(`  parse, one message at a time (${N}): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${times.at(-1)!.toFixed(1)} ms, ${singleRate.toFixed(0)} messages/s`);

{
  // Many chats at once: each caller awaits its own parse; waiting calls coalesce into batches.
  const CALLERS = 256;
  let next = 0;
  const s = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, async () => {
    while (next < N) await nlu.parse(text(next++));
  }));
  out(`  parse from ${CALLERS} concurrent callers (${N}): ${(N / ((performance.now() - s) / 1000)).toFixed(0)} messages/s`);
}

for (const B of BATCHES) {
  const count = Math.max(N, 64 * B);
  const s = performance.now();
  for (let k = 0; k < count; k += B) await nlu.parseBatch(Array.from({ length: Math.min(B, count - k) }, (_, j) => text(k + j)));
  out(`  parseBatch, ${String(B).padStart(2)} per call (${count}): ${(count / ((performance.now() - s) / 1000)).toFixed(0)} messages/s`);
}

const SOAK_BATCH = 64;
settle();
const before = mib();
const marks: string[] = [];
const ss = performance.now();
for (let k = 0; k < SOAK; k += SOAK_BATCH) {
  await nlu.parseBatch(Array.from({ length: Math.min(SOAK_BATCH, SOAK - k) }, (_, j) => text(k + j)));
  if ((k / SOAK_BATCH) % Math.ceil(SOAK / SOAK_BATCH / 4) === 0 && k > 0) marks.push(`${mib().toFixed(0)} @ ${k}`);
}
const soakS = (performance.now() - ss) / 1000;
settle();
out(`  RSS over ${SOAK} messages in batches of ${SOAK_BATCH}: ${before.toFixed(0)} MiB before, ${marks.join(', ')}, ${mib().toFixed(0)} MiB after` +
  ` (${(SOAK / soakS).toFixed(0)} messages/s${globalThis.gc ? ', gc before and after' : ''})`);
