import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import type { Store } from '../../data/store.js';
import type { Config } from '../config.js';

/** Where the store lives, in words safe for logs (a server URL without its password). */
export function describeDatabase(database: Config['database']): string {
  return database.url ? redactUrl(database.url) : database.path;
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:@/]*):[^@/]*@/, '://$1:***@');
  }
}

/**
 * The one place a concrete store is chosen: every command, bench and server opens its store here.
 * SQLite by default (`database.path`); PostgreSQL when `database.url` (DATABASE_URL) is set.
 */
export async function openStore(database: Config['database']): Promise<Store> {
  return openSqliteStore(database.path);
}
