import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgDatabase } from '../../data/postgres/database.js';
import { migrate as migratePostgres, migrations as postgresMigrations } from '../../data/postgres/migrations.js';
import { migrations as sqliteMigrations } from '../../data/sqlite/migrations.js';
import { openStore } from '../../bot/app/store.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/servers.js';

describe('migrations: SQLite and PostgreSQL', () => {
  it('carry the same versions and names, in order', () => {
    assert.deepEqual(postgresMigrations.map((m) => [m.version, m.name]), sqliteMigrations.map((m) => [m.version, m.name]));
    assert.deepEqual(sqliteMigrations.map((m) => m.version), sqliteMigrations.map((_, i) => i + 1));
  });

  it('apply each PostgreSQL migration once when several instances migrate at once', async function () {
    this.timeout(60_000);
    const database = await freshDatabase();
    const dbs = await Promise.all([1, 2, 3, 4].map(() => PgDatabase.open(database.url)));
    try {
      const applied = await Promise.all(dbs.map((db) => migratePostgres(db)));
      assert.deepEqual(applied.flat().sort((a, b) => a - b), postgresMigrations.map((m) => m.version));
      const rows = await dbs[0]!.all<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows, postgresMigrations.map((m) => ({ version: m.version, name: m.name })));
      assert.deepEqual(await migratePostgres(dbs[1]!), []);
    } finally {
      for (const db of dbs) await db.close();
      await database.drop();
    }
  });

  it('crossfeed migrate applies the configured store\'s migrations and says which', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'cf-migrate-'));
    const database = await freshDatabase();
    try {
      const lite = await runCli(['migrate'], { cwd: dir, db: join(dir, 'x.db'), env: cleanEnv() });
      assert.equal(lite.code, 0, lite.stderr);
      assert.match(lite.stdout, /applied migrations 1, 2, .*12 to /);
      const pg = await runCli(['migrate'], { cwd: dir, db: join(dir, 'unused.db'), env: { ...cleanEnv(), DATABASE_URL: database.url } });
      assert.equal(pg.code, 0, pg.stderr);
      assert.match(pg.stdout, /applied migrations 1, 2, .*12 to postgres:\/\//);
      assert.doesNotMatch(pg.stdout, /:postgres@/);
      const again = await runCli(['migrate'], { cwd: dir, db: join(dir, 'unused.db'), env: { ...cleanEnv(), DATABASE_URL: database.url } });
      assert.match(again.stdout, /up to date/);
      const backup = await runCli(['backup', join(dir, 'b.db')], { cwd: dir, db: join(dir, 'unused.db'), env: { ...cleanEnv(), DATABASE_URL: database.url } });
      assert.equal(backup.code, 1);
      assert.match(backup.stderr, /pg_dump/);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an unreachable server without its password', async () => {
    await assert.rejects(openStore({ path: ':memory:', url: 'postgres://cf:secret@127.0.0.1:1/crossfeed' }),
      (err: Error) => /^cannot reach PostgreSQL at postgres:\/\/cf:\*\*\*@127\.0\.0\.1:1\/crossfeed: .*ECONNREFUSED/.test(err.message) && !err.message.includes('secret'));
  });
});
