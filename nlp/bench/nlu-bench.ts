/**
 * NLU benchmark: crossfeed's intent model and NLP.js (node-nlp, defaults) on CLINC150, BANKING77
 * and SNIPS 2017, through evaluateDataset, the code path of `crossfeed nlu eval`.
 * Run: npm run bench:nlu [-- --datasets <dir>] [-- --only clinc150,snips2017] [-- --skip-nlpjs] [-- --skip-encoder] [-- --encoder-alone]
 * "crossfeed + encoder head" is the new engine's path for a user's data (see encoderSystem).
 * The datasets are converted into a temporary folder (removed afterwards), never into the repo.
 */
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { evaluateDataset, type IntentSystem } from '../eval/evaluate.js';
import { defaultModelDir, packageRoot } from '../../data/paths.js';
import { headScores, loadSentenceEncoder, type SentenceEncoder } from '../encoder.js';
import { EmbeddingCache, trainEncoderHeadWithRule } from '../intent/encoder-head.js';
import { trainIntentModel, type HeldOut } from '../intent/index.js';
import { bestInScope, isOutOfScope, ruleProbabilities } from '../intent/oos-rule.js';
import type { EntityTrainer, EvalReport } from '../eval/types.js';
import { BENCH_DATASETS, convertDatasets, defaultDatasetsDir, type BenchDataset } from './convert-datasets.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const OOS = 'oos';

interface NlpManagerLike {
  addDocument(lang: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(lang: string, text: string): Promise<{ intent: string; score: number }>;
}

/** NLP.js with its defaults; its `None` answer (below its 0.5 threshold) counts as out-of-scope. */
const nlpjsSystem: IntentSystem = {
  name: 'NLP.js (node-nlp)',
  async train(train) {
    const { NlpManager } = createRequire(import.meta.url)('node-nlp') as { NlpManager: new (o: object) => NlpManagerLike };
    const manager = new NlpManager({ languages: ['en'], autoSave: false, nlu: { log: false } });
    for (const e of train) manager.addDocument('en', e.text, e.intent);
    await manager.train();
    return { predict: async (text) => {
      const r = await manager.process('en', text);
      return r.intent === 'None' ? OOS : r.intent;
    } };
  },
};

/**
 * The new engine's path for a user's data (`crossfeed nlu train`): an intent head on the frozen
 * pretrained encoder (data/models/encoder), averaged with crossfeed's TypeScript model. Vectors are
 * cached in var/nlu-bench-cache (keyed by the encoder's hash), so a second run skips embedding.
 * OOS: the OOS class when it wins the average, or the head's out-of-scope rule
 * (nlp/intent/oos-rule.ts), fitted by `trainEncoderHeadWithRule` on the held-out examples
 * (CLINC150's valid split) exactly as `crossfeed nlu train` fits it, and applied as the engine does.
 */
function encoderSystem(encoder: SentenceEncoder, withSparse: boolean): IntentSystem {
  const cache = new EmbeddingCache(join(packageRoot, 'var', 'nlu-bench-cache'), encoder.hash);
  return {
    name: withSparse ? 'crossfeed + encoder head' : 'encoder head alone',
    async train(train, o) {
      const vs = await cache.embed(encoder, train.map((e) => e.text), (d, t) => o.onProgress?.(d, t, 'embedding'));
      const epochs = Math.max(8, Math.min(60, Math.round(400000 / train.length)));
      let heldOut: HeldOut | undefined;
      const sparse = withSparse ? await trainIntentModel(train, {
        seed: o.seed, oosLabel: o.oosLabel, ...(o.validation ? { validation: o.validation } : {}), onHeldOut: (h) => { heldOut = h; },
      }) : undefined;
      const heldOutVectors = heldOut ? await cache.embed(encoder, heldOut.examples.map((e) => e.text)) : undefined;
      const head = trainEncoderHeadWithRule(encoder.hash, {
        train, vectors: vs, oosLabel: o.oosLabel, options: { seed: o.seed, epochs },
        ...(heldOut && heldOutVectors ? { heldOut, heldOutVectors } : {}),
      });
      return {
        predict: async (text: string) => {
          const [v] = await cache.embed(encoder, [text]);
          const p = ruleProbabilities(sparse?.predict(text).ranked, headScores(head, v!));
          const best = bestInScope(p, o.oosLabel);
          if (!best.label || best.oosWins || (head.oos && isOutOfScope(head.oos, p, v!))) return o.oosLabel;
          return best.label;
        },
      };
    },
  };
}

/** The entity trainer from nlp/entities-train, when that module is built; slot F1 is left out otherwise. */
async function loadEntityTrainer(): Promise<EntityTrainer | undefined> {
  const path = '../entities-train/index.js';
  try {
    const m = (await import(path)) as { entityTrainer?: EntityTrainer };
    return m.entityTrainer;
  } catch (err) {
    process.stderr.write(`note: no entity trainer (${(err as Error).message.split('\n')[0]}); slot F1 left out\n`);
    return undefined;
  }
}

const pct = (x: number | null) => (x === null ? '-' : (x * 100).toFixed(1));

function row(dataset: string, system: string, r: EvalReport): string {
  return `| ${dataset} | ${system} | ${pct(r.intent_accuracy)} | ${pct(r.in_scope_accuracy)} | ${pct(r.oos_recall)} | ${pct(r.macro_f1)} | ` +
    `${pct(r.entity_f1)} | ${r.train_seconds.toFixed(1)} | ${r.ms_per_utterance.toFixed(3)} |`;
}

async function main(): Promise<void> {
  const only = arg('only')?.split(',') ?? [...BENCH_DATASETS];
  const unknown = only.filter((d) => !(BENCH_DATASETS as readonly string[]).includes(d));
  if (unknown.length) throw new Error(`unknown dataset(s) ${unknown.join(', ')}; known: ${BENCH_DATASETS.join(', ')}`);
  const dirs = convertDatasets(arg('datasets') ?? defaultDatasetsDir());
  const entityTrainer = await loadEntityTrainer();
  const systems: { system?: IntentSystem; name: string }[] = [{ name: 'crossfeed' }];
  if (!args.includes('--skip-encoder')) {
    const encoder = await loadSentenceEncoder('encoder', { modelDir: defaultModelDir, threads: 1 });
    systems.push({ system: encoderSystem(encoder, true), name: 'crossfeed + encoder head' });
    if (args.includes('--encoder-alone')) systems.push({ system: encoderSystem(encoder, false), name: 'encoder head alone' });
  }
  if (!args.includes('--skip-nlpjs')) systems.push({ system: nlpjsSystem, name: nlpjsSystem.name });
  const cpu = cpus();
  const lines = [
    `NLU benchmark, ${new Date().toISOString()}, ${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length} cores, ${platform()} ${release()}, Node ${process.version}`,
    'Train split -> test split; CLINC150\'s valid split only for calibration and the OOS threshold (BANKING77 and SNIPS have none:',
    'crossfeed carves 10% of train for calibration, then trains again on all of it). Percentages; slot F1 is exact-span micro F1.',
    '',
    '| dataset | system | intent acc | in-scope acc | OOS recall | macro F1 | slot F1 | train s | ms/utt |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  try {
    for (const name of only as BenchDataset[]) {
      for (const { system, name: sysName } of systems) {
        process.stderr.write(`${name}: ${sysName} ...\n`);
        const { report } = await evaluateDataset({
          data: dirs[name], oosLabel: OOS,
          ...(system ? { system } : {}),
          ...(entityTrainer && !system ? { entityTrainer } : {}),
        });
        const line = row(name, sysName, report);
        process.stderr.write(line + '\n');
        lines.push(line);
      }
    }
  } finally {
    rmSync(dirname(dirs.clinc150), { recursive: true, force: true });
  }
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
