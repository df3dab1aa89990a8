import { sqlStore, type SqlStoreOptions } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import { PgDatabase, type PostgresOptions } from './database.js';
import { migrate } from './migrations.js';

/**
 * Connects to the PostgreSQL database at `url` and brings its schema up to date. Fails with
 * "cannot reach PostgreSQL at <label>: ..." when the server does not answer.
 */
export async function openPostgresStore(url: string, o: SqlStoreOptions & PostgresOptions = {}): Promise<Store & { db: PgDatabase }> {
  const db = await PgDatabase.open(url, o);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return sqlStore(db, o);
}
