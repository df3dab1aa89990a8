import { SingleBar } from 'cli-progress';
import { readCatalogFile } from '../../../data/catalog/importer.js';
import { announceChange, Topics } from '../cluster.js';
import { openStore } from '../store.js';
import { loadConfig } from '../../config.js';

/**
 * Adds or updates catalog items. Invalid rows are reported by row and field and skipped; the
 * valid rows load together in one transaction, so a crash never leaves half an import.
 * Exit code: 0 all rows loaded, 1 some rows rejected (the rest loaded), 2 nothing loaded.
 */
export async function runCatalogImport(o: { config?: string }, file: string): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const parsed = await readCatalogFile(file);
  for (const e of parsed.errors) process.stderr.write(`row ${e.row}, field ${e.field}: ${e.message}\n`);
  if (parsed.items.length === 0) {
    process.stderr.write(`crossfeed: nothing imported from ${file} (${parsed.rows} rows, ${parsed.errors.length} problems)\n`);
    return 2;
  }
  const store = await openStore(config.database);
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'importing [{bar}] {value}/{total} items', hideCursor: true }) : undefined;
  try {
    bar?.start(parsed.items.length, 0);
    await store.catalog.upsert(parsed.items, (done) => bar?.update(done));
    bar?.stop();
  } finally {
    await store.close();
  }
  await announceChange(config, Topics.catalogChanged, (line) => process.stderr.write(`crossfeed: ${line}\n`));
  const rejectedRows = new Set(parsed.errors.map((e) => e.row)).size;
  process.stdout.write(`imported ${parsed.items.length} items from ${file} into ${config.database.path}` +
    (rejectedRows ? `; ${rejectedRows} rows rejected (see above)` : '') + '\n');
  return rejectedRows ? 1 : 0;
}
