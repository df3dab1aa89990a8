import { PgDatabase } from '../../data/postgres/database.js';
import { migrate as migratePostgres } from '../../data/postgres/migrations.js';
import { openPostgresStore } from '../../data/postgres/postgres-store.js';
import { Database } from '../../data/sqlite/database.js';
import { migrate as migrateSqlite } from '../../data/sqlite/migrations.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import type { Store } from '../../data/store.js';
import { loadConfig, type Config } from '../config.js';

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
  if (database.url) return openPostgresStore(database.url, { label: redactUrl(database.url) });
  return openSqliteStore(database.path);
}

/**
 * A fresh, empty PostgreSQL database on the server of `url` (benches measure on a clean one):
 * its URL, and `drop()` to remove it afterwards.
 */
export async function scratchPostgresDatabase(url: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cf_${label.replace(/[^a-z0-9_]/g, '_')}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await PgDatabase.open(url, { label: redactUrl(url), max: 1 });
  try {
    await admin.exec(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const db = await PgDatabase.open(url, { label: redactUrl(url), max: 1 });
      try {
        await db.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await db.close();
      }
    },
  };
}

/** Brings the configured database's schema up to date; answers the versions applied now (`crossfeed migrate`). */
export async function migrateDatabase(database: Config['database']): Promise<number[]> {
  if (database.url) {
    const db = await PgDatabase.open(database.url, { label: redactUrl(database.url), max: 1 });
    try {
      return await migratePostgres(db);
    } finally {
      await db.close();
    }
  }
  const db = await Database.open(database.path);
  try {
    return await migrateSqlite(db);
  } finally {
    await db.close();
  }
}

/** Opens the store named by the configuration (`-c` or the defaults), runs `fn`, and closes it. */
export async function withConfiguredStore<T>(o: { config?: string }, fn: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openStore(config.database);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
