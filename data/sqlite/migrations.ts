import { applyMigrations, type Migration } from '../sql/migration.js';
import type { Database } from './database.js';
import { baseMigrations } from './migrations/base.js';
import { campaignMigrations } from './migrations/campaigns.js';

/**
 * Versioned schema. Append new migrations; never edit one that has shipped.
 * Each runs in its own transaction together with the bump of `schema_migrations`.
 */
export type { Migration } from '../sql/migration.js';

/** Every migration in order; the SQL lives in `migrations/`, one file per group. */
export const migrations: readonly Migration[] = [...baseMigrations, ...campaignMigrations];

export async function migrate(db: Database): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))`);
  const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => r.version));
  // Skips what is done without a write lock; applyMigrations re-checks inside each transaction.
  return applyMigrations(migrations, (fn) => db.transaction(fn), done);
}
