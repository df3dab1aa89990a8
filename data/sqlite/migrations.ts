import type { Migration } from '../sql/migration.js';
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
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const ran = await db.transaction(async (tx) => {
      // Another process may have applied it since the read above (two starting at once).
      if (await tx.get('SELECT 1 FROM schema_migrations WHERE version = ?', [m.version])) return false;
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
      return true;
    });
    if (ran) applied.push(m.version);
  }
  return applied;
}
