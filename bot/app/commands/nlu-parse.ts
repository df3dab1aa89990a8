import { createInterface } from 'node:readline';
import { seedCatalogIfEmpty } from '../../../data/catalog/seed.js';
import { openStore } from '../store.js';
import type { NluResult } from '../../../nlp/types.js';
import { loadNlu } from '../app.js';
import { loadConfig } from '../../config.js';

/**
 * Prints what the NLU makes of a message: intent, confidence, entities (offsets into the JS
 * string), language. With "-" it reads one message per line from standard input and prints one
 * JSON object per line, so whole files can be checked with the deployment's current models.
 */
export async function runNluParse(o: { config?: string }, text: string): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openStore(config.database);
  try {
    await seedCatalogIfEmpty(store.catalog);
    const nlu = await loadNlu(config, await store.catalog.list());
    if (text !== '-') {
      process.stdout.write(JSON.stringify(toJson(await nlu.parse(text))) + '\n');
      return 0;
    }
    // Lines are parsed in batches (the engine's batched path), flushed when a batch is full or
    // the input pauses, so a pipe of a whole file is fast and an interactive one still answers.
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let batch: string[] = [];
    let flushing = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      const texts = batch;
      batch = [];
      if (timer) clearTimeout(timer);
      flushing = flushing.then(async () => {
        if (!texts.length) return;
        const results = await nlu.parseBatch(texts);
        process.stdout.write(results.map((r) => JSON.stringify(toJson(r))).join('\n') + '\n');
      });
      return flushing;
    };
    for await (const line of lines) {
      batch.push(line);
      if (batch.length >= BATCH) await flush();
      else {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void flush(), 50);
      }
    }
    await flush();
    return 0;
  } finally {
    await store.close();
  }
}

const BATCH = 32;

function toJson(r: NluResult) {
  return {
    intent: r.intent, confidence: r.confidence,
    entities: r.entities.map((e) => ({ label: e.label, value: e.value, start: e.start, end: e.end, text: e.text, source: e.source })),
    language: r.language, alternatives: r.alternatives, text: r.text,
  };
}
