import { applyMigrations, type Migration } from '../sql/migration.js';
import type { PgDatabase } from './database.js';
import { baseMigrations } from './migrations/base.js';
import { campaignMigrations } from './migrations/campaigns.js';
import { pgSchema } from './migrations/now.js';

/** Every migration in order: the same versions and names as SQLite's (data/sqlite/migrations.ts). */
export const migrations: readonly Migration[] = [...baseMigrations, ...campaignMigrations].map((m) => ({ ...m, sql: pgSchema(m.sql) }));

/** Advisory lock key: every process migrating the same database waits for the one that is. */
const LOCK = 'crossfeed:migrate';

/**
 * Applies the migrations not yet applied, each in its own transaction with its `schema_migrations`
 * row. Each transaction first takes an advisory lock, so instances starting together apply every
 * migration once, in order; the others see it done and skip it. Answers the versions applied here.
 */
export async function migrate(db: PgDatabase): Promise<number[]> {
  await db.exclusive(LOCK, (tx) => tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (${db.dialect.now}))`));
  return applyMigrations(migrations, (fn) => db.exclusive(LOCK, fn));
}
