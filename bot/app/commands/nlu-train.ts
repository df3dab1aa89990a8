import { MultiBar, Presets } from 'cli-progress';
import { join } from 'node:path';
import { packageRoot } from '../../../data/paths.js';
import { openStore } from '../store.js';
import { seedCatalogIfEmpty } from '../../../data/catalog/seed.js';
import { readWholeFaqFile } from '../../../data/faq/format.js';
import { seedFaqIfEmpty } from '../../../data/faq/seed.js';
import type { FaqStore } from '../../../data/support.js';
import { trainEntityModel } from '../../../nlp/entities-train/index.js';
import { trainIntentModel, type HeldOut } from '../../../nlp/intent/index.js';
import { normalizeText } from '../../../nlp/intent/text-features.js';
import { loadTopicLexicon } from '../../../nlp/rules/topics.js';
import { ENCODER_HEAD_FILE, ENTITY_FILE, INTENT_FILE, saveTrainedModel, SYNONYMS_FILE } from '../../../nlp/trained-models.js';
import { EmbeddingCache, trainEncoderHeadWithRule } from '../../../nlp/intent/encoder-head.js';
import { loadSentenceEncoder } from '../../../nlp/encoder.js';
import { loadNluExamples } from '../../../nlp/training-data.js';
import { ENTITY_LABELS } from '../../../nlp/types.js';
import { catalogLexicon } from '../../../nlp/rules/catalog-lexicon.js';
import { loadConfig } from '../../config.js';

export const SHIPPED_NLU_DATA = join(packageRoot, 'data', 'nlu', 'intents');

/**
 * `crossfeed nlu train`: trains the intent classifier and the entity tagger in TypeScript on the
 * shipped examples plus the deployment's own YAML folders, and writes them where the bot reads
 * them (nlu.trainedDir). No Python. Restart the bot to use them.
 *
 * The FAQ's own phrasings (the knowledge base in the database, or `--faq <file>`) are added to the
 * `faq` intent's examples, for the intent models only: a question phrased like an FAQ entry is
 * then read as a support question, not as a request for a coupon or a course. `--no-faq-phrasings`
 * leaves them out.
 */
export async function runNluTrain(o: { config?: string; data?: string[]; out?: string; seed?: string; encoderHead?: boolean; faq?: string; faqPhrasings?: boolean }): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const dirs = [SHIPPED_NLU_DATA, ...config.nlu.dataDirs, ...(o.data ?? [])];
  const outDir = o.out ?? config.nlu.trainedDir;
  const seed = o.seed === undefined ? 13 : Number(o.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${o.seed}"`);
  const examples = loadNluExamples(dirs, new Set(ENTITY_LABELS));
  const intents = new Set(examples.map((e) => e.intent));
  process.stderr.write(`crossfeed: ${examples.length} examples, ${intents.size} intents from ${dirs.join(', ')}\n`);

  // Lookups: catalog vocabulary and topic phrasings help the tagger with values it has not seen.
  const store = await openStore(config.database);
  let lookups: Record<string, string[]>;
  let faqQuestions: string[] = [];
  try {
    await seedCatalogIfEmpty(store.catalog);
    lookups = {};
    for (const e of [...loadTopicLexicon(), ...catalogLexicon(await store.catalog.list())]) (lookups[e.label] ??= []).push(e.phrase);
    if (o.faqPhrasings !== false) faqQuestions = (o.faq ? await readWholeFaqFile(o.faq) : await storeFaqEntries(store.faq)).flatMap((e) => e.questions);
  } finally {
    await store.close();
  }
  const faqExamples = faqIntentExamples(examples, faqQuestions);
  if (o.faqPhrasings !== false) process.stderr.write(`crossfeed: ${faqExamples.length} FAQ phrasings added to the faq intent's examples (from ${o.faq ?? 'the knowledge base'})\n`);

  const bars = process.stderr.isTTY ? new MultiBar({ format: '{name} [{bar}] {percentage}% {phase}', hideCursor: true, stream: process.stderr }, Presets.shades_classic) : undefined;
  const intentBar = bars?.create(1, 0, { name: 'intents ', phase: '' });
  const withHead = o.encoderHead !== false;
  const encoderBar = withHead ? bars?.create(1, 0, { name: 'encoder ', phase: '' }) : undefined;
  const entityBar = bars?.create(1, 0, { name: 'entities', phase: '' });
  const started = performance.now();
  try {
    const intentExamples = [...examples.map((e) => ({ text: e.text, intent: e.intent })), ...faqExamples];
    let heldOut: HeldOut | undefined;
    const intentModel = await trainIntentModel(intentExamples, {
      seed, oosLabel: 'oos', onHeldOut: (h) => { heldOut = h; },
      onProgress: (done, total, phase) => { intentBar?.setTotal(total); intentBar?.update(done, { phase }); },
    });
    const entityModel = await trainEntityModel(examples.map((e) => ({ text: e.text, entities: e.entities.map(({ start, end, label }) => ({ start, end, label })) })), {
      seed, lookups,
      onProgress: (done, total) => { entityBar?.setTotal(total); entityBar?.update(done, { phase: 'epochs' }); },
    });
    // A head on the frozen pretrained encoder (nlp/encoder.ts), with vectors cached on disk per encoder file.
    let head: unknown;
    if (withHead) {
      const encoder = await loadSentenceEncoder('encoder', { modelDir: config.models.dir, threads: config.models.threads });
      // The cache lives with the deployment's models (nlu.trainedDir), never in the shipped folder.
      const cache = new EmbeddingCache(join(config.nlu.trainedDir, 'cache'), encoder.hash);
      const vectors = await cache.embed(encoder, intentExamples.map((e) => e.text), (done, total) => { encoderBar?.setTotal(total); encoderBar?.update(done, { phase: 'embedding' }); });
      const heldOutVectors = heldOut ? await cache.embed(encoder, heldOut.examples.map((e) => e.text)) : undefined;
      // The head on all examples, then (with OOS examples) its out-of-scope rule, fitted on the 10%
      // the TypeScript model held out, with a head trained without them (nlp/intent/oos-rule.ts).
      const bar = (phase: string) => (done: number, total: number) => { encoderBar?.setTotal(total); encoderBar?.update(done, { phase }); };
      head = trainEncoderHeadWithRule(encoder.hash, {
        train: intentExamples, vectors, oosLabel: 'oos', options: { seed, onProgress: bar('head epochs') }, onHeldOutProgress: bar('held-out head epochs'),
        ...(heldOut && heldOutVectors ? { heldOut, heldOutVectors } : {}),
      });
    }
    bars?.stop();
    const a = saveTrainedModel(outDir, INTENT_FILE, intentModel.toJSON());
    const b = saveTrainedModel(outDir, ENTITY_FILE, entityModel.toJSON());
    // `[pyhton](topic:python)`: the marked value is what the phrase means, wherever it appears.
    const synonyms = new Map<string, { label: string; phrase: string; value: string }>();
    for (const e of examples) {
      for (const s of e.entities) {
        const phrase = e.text.slice(s.start, s.end).toLowerCase().trim();
        if (s.value && phrase && s.value.toLowerCase() !== phrase) synonyms.set(`${s.label}\u0000${phrase}`, { label: s.label, phrase, value: s.value });
      }
    }
    saveTrainedModel(outDir, SYNONYMS_FILE, [...synonyms.values()]);
    const c = head ? saveTrainedModel(outDir, ENCODER_HEAD_FILE, head) : undefined;
    process.stdout.write(`trained ${intentModel.labels.length} intents, ${entityModel.labels.length} entity labels${c ? ' and an encoder head' : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s\n` +
      `wrote ${a}\nwrote ${b}\n${c ? `wrote ${c}\n` : ''}restart the bot (crossfeed start) to use them\n`);
    return 0;
  } finally {
    bars?.stop();
  }
}

/** The knowledge base's entries (seeded from the shipped FAQ when it was never edited). */
async function storeFaqEntries(faq: FaqStore): Promise<{ questions: string[] }[]> {
  await seedFaqIfEmpty(faq);
  return faq.list();
}

/**
 * FAQ questions as `faq` examples, leaving out any text already taught (to any intent) and repeats:
 * compared as the intent model reads them (`normalizeText`).
 */
export function faqIntentExamples(taught: readonly { text: string }[], questions: readonly string[]): { text: string; intent: string }[] {
  const seen = new Set(taught.map((e) => normalizeText(e.text)));
  const out: { text: string; intent: string }[] = [];
  for (const q of questions) {
    const k = normalizeText(q);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    out.push({ text: q.trim(), intent: 'faq' });
  }
  return out;
}
