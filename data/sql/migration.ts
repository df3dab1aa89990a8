import type { SqlRunner } from './sql-database.js';

/**
 * One versioned schema change. Each engine keeps its own SQL (data/sqlite/migrations/,
 * data/postgres/migrations/) under the same versions and names; a test checks they match.
 * Append new migrations; never edit one that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies, in order, each migration not in `done` and not yet in `schema_migrations`: each in its
 * own transaction (from the engine: `inTransaction`) together with its `schema_migrations` row,
 * re-checked inside, so instances starting together apply every migration once. Answers the
 * versions applied here.
 */
export async function applyMigrations(
  list: readonly Migration[],
  inTransaction: (fn: (tx: SqlRunner) => Promise<boolean>) => Promise<boolean>,
  done: ReadonlySet<number> = new Set(),
): Promise<number[]> {
  const applied: number[] = [];
  for (const m of list) {
    if (done.has(m.version)) continue;
    const ran = await inTransaction(async (tx) => {
      if (await tx.get('SELECT 1 FROM schema_migrations WHERE version = ?', [m.version])) return false;
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
      return true;
    });
    if (ran) applied.push(m.version);
  }
  return applied;
}
