import { sqlStore, type SqlStoreOptions } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import { Database } from './database.js';
import { migrate } from './migrations.js';

/** Opens (creating if needed) the SQLite database at `path` and brings its schema up to date. */
export async function openSqliteStore(path: string, o: SqlStoreOptions = {}): Promise<Store & { db: Database }> {
  const db = await Database.open(path);
  await migrate(db);
  return sqlStore(db, o);
}
