import { SingleBar } from 'cli-progress';
import { formatFaqCsv, formatFaqYaml, readFaqFile } from '../../../data/faq/format.js';
import { announceChange, Topics } from '../cluster.js';
import { openStore } from '../store.js';
import { loadConfig } from '../../config.js';

/** Entries per transaction: each batch bumps the FAQ version once and the bar moves between them. */
const BATCH = 200;

/**
 * `crossfeed faq import <file.yaml|file.csv>`: adds or replaces entries by id (others stay). Invalid
 * entries are reported by row and field and skipped. A running bot picks the change up within
 * `support.faqRefreshSeconds`. Exit code: 0 all loaded, 1 some rejected, 2 nothing loaded.
 */
export async function runFaqImport(o: { config?: string }, file: string): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const parsed = await readFaqFile(file);
  for (const e of parsed.errors) process.stderr.write(`entry ${e.row}, field ${e.field}: ${e.message}\n`);
  if (parsed.entries.length === 0) {
    process.stderr.write(`crossfeed: nothing imported from ${file} (${parsed.rows} entries, ${parsed.errors.length} problems)\n`);
    return 2;
  }
  const store = await openStore(config.database);
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'importing [{bar}] {value}/{total} entries', hideCursor: true }) : undefined;
  try {
    bar?.start(parsed.entries.length, 0);
    for (let i = 0; i < parsed.entries.length; i += BATCH) {
      await store.faq.upsert(parsed.entries.slice(i, i + BATCH));
      bar?.update(Math.min(parsed.entries.length, i + BATCH));
    }
    bar?.stop();
  } finally {
    await store.close();
  }
  await announceChange(config, Topics.faqChanged, (line) => process.stderr.write(`crossfeed: ${line}\n`));
  const rejected = new Set(parsed.errors.map((e) => e.row)).size;
  process.stdout.write(`imported ${parsed.entries.length} FAQ entries from ${file} into ${config.database.path}` +
    (rejected ? `; ${rejected} entries rejected (see above)` : '') + '\n');
  return rejected ? 1 : 0;
}

/** `crossfeed faq export [--format yaml|csv]`: the whole knowledge base on standard output, ready to edit and import. */
export async function runFaqExport(o: { config?: string; format?: string }): Promise<number> {
  const format = (o.format ?? 'yaml').toLowerCase();
  if (format !== 'yaml' && format !== 'csv') {
    process.stderr.write(`crossfeed: unknown format "${o.format}" (yaml or csv)\n`);
    return 2;
  }
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openStore(config.database);
  try {
    const entries = await store.faq.list();
    process.stdout.write(format === 'csv' ? formatFaqCsv(entries) : formatFaqYaml(entries));
  } finally {
    await store.close();
  }
  return 0;
}
