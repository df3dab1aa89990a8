/**
 * Speed of the trained intent model (trained on CLINC150 train, calibrated on valid): single
 * message latency p50/p99 over the test messages, batched messages/s, model size and load time,
 * and resident memory before and after 100,000 predictions (it should stay flat: predict keeps
 * no per-call state).
 * Run: npm run bench:nlu:speed [-- --datasets <dir>] [-- --predictions 100000]
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { readJsonl } from '../eval/dataset.js';
import { loadIntentModel, trainIntentModel } from '../intent/index.js';
import { convertDatasets, defaultDatasetsDir } from './convert-datasets.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const PREDICTIONS = Number(arg('predictions') ?? 100_000);
const BATCH = 64;

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const dirs = convertDatasets(arg('datasets') ?? defaultDatasetsDir());
  const dir = dirs.clinc150;
  try {
    const train = readJsonl(join(dir, 'train.jsonl')), valid = readJsonl(join(dir, 'valid.jsonl'));
    const texts = readJsonl(join(dir, 'test.jsonl')).map((e) => e.text);
    const t0 = performance.now();
    const trained = await trainIntentModel(train, { seed: 1, validation: valid });
    const trainS = (performance.now() - t0) / 1000;
    const json = JSON.stringify(trained.toJSON());
    const t1 = performance.now();
    const model = loadIntentModel(JSON.parse(json));
    const loadMs = performance.now() - t1;

    for (let i = 0; i < 2000; i++) model.predict(texts[i % texts.length]!); // warm up the JIT
    const latencies: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const t of texts) {
        const s = performance.now();
        model.predict(t);
        latencies.push(performance.now() - s);
      }
    }
    latencies.sort((a, b) => a - b);

    const batches = Math.ceil(20_000 / BATCH);
    const tb = performance.now();
    for (let b = 0; b < batches; b++) {
      const from = (b * BATCH) % texts.length;
      model.predictBatch(texts.slice(from, from + BATCH));
    }
    const perSecond = (batches * BATCH) / ((performance.now() - tb) / 1000);

    globalThis.gc?.();
    const before = process.memoryUsage();
    for (let i = 0; i < PREDICTIONS; i++) model.predict(texts[i % texts.length]!);
    globalThis.gc?.();
    const after = process.memoryUsage();

    const cpu = cpus();
    process.stdout.write([
      `intent model speed, ${new Date().toISOString()}, ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length} cores, Node ${process.version}`,
      `trained on CLINC150 (${train.length} examples, ${trained.labels.length} intents) in ${trainS.toFixed(1)} s; model JSON ${mib(json.length)} MiB, loads in ${loadMs.toFixed(0)} ms`,
      `single message: p50 ${pct(latencies, 50).toFixed(3)} ms, p99 ${pct(latencies, 99).toFixed(3)} ms, max ${latencies.at(-1)!.toFixed(3)} ms (${latencies.length} predictions)`,
      `batched (${BATCH} per call): ${perSecond.toFixed(0)} messages/s`,
      `RSS ${mib(before.rss)} MiB before, ${mib(after.rss)} MiB after ${PREDICTIONS} predictions (heap ${mib(before.heapUsed)} -> ${mib(after.heapUsed)} MiB${globalThis.gc ? '' : ', run with --expose-gc for a settled heap'})`,
    ].join('\n') + '\n');
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
}

await main();
