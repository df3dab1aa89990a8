import { createInterface } from 'node:readline';
import { seedCatalogIfEmpty } from '../../data/catalog/seed.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import type { NluResult } from '../../nlp/types.js';
import { loadNlu } from '../app.js';
import { loadConfig } from '../config.js';

/**
 * Prints what the NLU makes of a message: intent, confidence, entities (offsets into the JS
 * string), language. With "-" it reads one message per line from standard input and prints one
 * JSON object per line, so whole files can be checked with the deployment's current models.
 */
export async function runNluParse(o: { config?: string }, text: string): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openSqliteStore(config.database.path);
  try {
    await seedCatalogIfEmpty(store.catalog);
    const nlu = await loadNlu(config, await store.catalog.list());
    if (text !== '-') {
      process.stdout.write(JSON.stringify(toJson(await nlu.parse(text))) + '\n');
      return 0;
    }
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) process.stdout.write(JSON.stringify(toJson(await nlu.parse(line))) + '\n');
    return 0;
  } finally {
    await store.close();
  }
}

function toJson(r: NluResult) {
  return {
    intent: r.intent, confidence: r.confidence,
    entities: r.entities.map((e) => ({ label: e.label, value: e.value, start: e.start, end: e.end, text: e.text, source: e.source })),
    language: r.language, alternatives: r.alternatives, text: r.text,
  };
}
