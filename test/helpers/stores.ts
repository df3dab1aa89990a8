import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PgDatabase } from '../../data/postgres/database.js';
import { openPostgresStore } from '../../data/postgres/postgres-store.js';
import type { SqlDatabase } from '../../data/sql/sql-database.js';
import type { SqlStoreOptions } from '../../data/sql/sql-store.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import type { Store } from '../../data/store.js';
import { freshDatabase } from './servers.js';

export type TestStore = Store & { db: SqlDatabase };

export interface StoreUnderTest {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * A new, empty store (migrated). Close it in the test (or afterEach). SQLite keeps it in memory
   * unless `shared`, which puts it in a file that `another()` and `spec()` can open again.
   */
  fresh(o?: SqlStoreOptions, shared?: boolean): Promise<TestStore>;
  /** Another connection to the database of the last shared `fresh` store, as a second process would open it. */
  another(o?: SqlStoreOptions): Promise<TestStore>;
  /** How a worker process opens that same database: a file path or a postgres:// URL. */
  spec(): string;
}

/**
 * Runs the same suite against a fresh SQLite store and a fresh PostgreSQL store (a database of
 * its own on the test server, test/helpers/servers.ts). `fresh()` empties the PostgreSQL database
 * between tests instead of creating one per test.
 */
/** A fresh shared database, closed, named as a worker process opens it (`openTestStore`). */
export async function freshSpec(s: StoreUnderTest): Promise<string> {
  await (await s.fresh({}, true)).close();
  return s.spec();
}

export function forEachStore(title: string, body: (this: Mocha.Suite, s: StoreUnderTest) => void): void {
  for (const engine of ['sqlite', 'postgres'] as const) {
    describe(`${title} [${engine}]`, function () {
      const s = engine === 'sqlite' ? sqliteUnderTest() : postgresUnderTest();
      after(() => s.dispose());
      body.call(this, s);
    });
  }
}

export function sqliteUnderTest(): StoreUnderTest & { dispose(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'cf-contract-'));
  let n = 0;
  let path = '';
  return {
    engine: 'sqlite',
    async fresh(o, shared = false) {
      path = shared ? join(dir, `store-${++n}.db`) : '';
      return openSqliteStore(shared ? path : ':memory:', o);
    },
    another(o) {
      if (!path) throw new Error('another() needs fresh(o, true) first');
      return openSqliteStore(path, o);
    },
    spec: () => path,
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresUnderTest(): StoreUnderTest & { dispose(): Promise<void> } {
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  return {
    engine: 'postgres',
    async fresh(o) {
      database ??= await freshDatabase();
      const store = await openPostgresStore(database.url, o);
      await empty(store.db);
      return store;
    },
    async another(o) {
      if (!database) throw new Error('another() before fresh()');
      return openPostgresStore(database.url, o);
    },
    spec: () => database?.url ?? '',
    async dispose() {
      await database?.drop();
    },
  };
}

/** Every table back to what the migrations leave: empty but for the two version rows. */
async function empty(db: PgDatabase): Promise<void> {
  const tables = await db.all<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'");
  await db.exec(`TRUNCATE ${tables.map((t) => t.tablename).join(', ')} RESTART IDENTITY CASCADE;
    INSERT INTO faq_version (id, version) VALUES (1, 0); INSERT INTO catalog_version (id, version) VALUES (1, 0);`);
}

/** Opens the store a worker process was given: a postgres:// URL or a SQLite file path (`StoreUnderTest.spec()`). */
export function openTestStore(spec: string, o: SqlStoreOptions = {}): Promise<TestStore> {
  return /^postgres(ql)?:\/\//.test(spec) ? openPostgresStore(spec, o) : openSqliteStore(spec, o);
}
