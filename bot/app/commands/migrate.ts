import { loadConfig } from '../../config.js';
import { describeDatabase, migrateDatabase } from '../store.js';

/**
 * `crossfeed migrate`: brings the configured database (SQLite file or PostgreSQL) up to the
 * latest schema and says what it applied. Safe while other instances run or migrate too: each
 * migration is applied once (docs/storage.md). Exit code: 0 up to date, 1 failed.
 */
export async function runMigrate(o: { config?: string }): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const where = describeDatabase(config.database);
  try {
    const applied = await migrateDatabase(config.database);
    process.stdout.write(applied.length
      ? `applied migrations ${applied.join(', ')} to ${where}\n`
      : `${where} is up to date; nothing to apply\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`crossfeed: migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
