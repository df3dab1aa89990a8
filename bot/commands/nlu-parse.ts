import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { seedCatalogIfEmpty } from '../../data/catalog/seed.js';
import { NluEngine } from '../../nlp/engine.js';
import { catalogLexicon } from '../app.js';
import { loadConfig } from '../config.js';

/** Prints what the NLU makes of one message: intent, confidence, entities, language. */
export async function runNluParse(o: { config?: string }, text: string): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openSqliteStore(config.database.path);
  try {
    await seedCatalogIfEmpty(store.catalog);
    const nlu = await NluEngine.load({ modelDir: config.models.dir, threads: config.models.threads, lexicon: catalogLexicon(await store.catalog.list()) });
    const r = await nlu.parse(text);
    const out = {
      intent: r.intent, confidence: r.confidence,
      entities: r.entities.map((e) => ({ label: e.label, value: e.value, start: e.start, end: e.end, text: e.text, source: e.source })),
      language: r.language, alternatives: r.alternatives, text: r.text,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
    return 0;
  } finally {
    await store.close();
  }
}
