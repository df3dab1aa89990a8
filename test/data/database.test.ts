import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../data/sqlite/database.js';
import { migrate, migrations } from '../../data/sqlite/migrations.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('data/sqlite Database', () => {
  let dir: string;
  let db: Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossfeed-db-'));
    db = await Database.open(join(dir, 'nested', 'test.db'));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file on first open and runs in WAL mode', async () => {
    const row = await db.get<{ journal_mode: string }>('PRAGMA journal_mode');
    assert.equal(row?.journal_mode, 'wal');
  });

  it('applies every migration once, in order, and records it', async () => {
    assert.deepEqual(await migrate(db), migrations.map((m) => m.version));
    assert.deepEqual(await migrate(db), []);
    const tables = (await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r) => r.name);
    for (const t of ['items', 'course_details', 'coupon_details', 'insurance_details', 'users', 'identities', 'conversations', 'messages', 'interactions', 'coupon_codes']) {
      assert.ok(tables.includes(t), `table ${t} exists`);
    }
  });

  it('never lets concurrent callers interleave inside a transaction', async () => {
    await db.exec('CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0); CREATE TABLE log (who TEXT, step TEXT)');
    // Each caller reads, yields to the event loop several times, then writes read+1. Without
    // isolation the reads would overlap and increments would be lost.
    const worker = (who: string) => db.transaction(async (tx) => {
      await tx.run('INSERT INTO log VALUES (?, ?)', [who, 'begin']);
      const row = await tx.get<{ n: number }>('SELECT n FROM counter');
      for (let i = 0; i < 3; i++) await tick();
      await tx.run('UPDATE counter SET n = ?', [row!.n + 1]);
      await tx.run('INSERT INTO log VALUES (?, ?)', [who, 'end']);
    });
    // A plain statement issued mid-way must wait for the open transaction rather than join it.
    const outsider = (async () => {
      await tick();
      await db.run('INSERT INTO log VALUES (?, ?)', ['outsider', 'single']);
    })();
    await Promise.all([...Array.from({ length: 20 }, (_, i) => worker(`w${i}`)), outsider]);
    assert.equal((await db.get<{ n: number }>('SELECT n FROM counter'))?.n, 20);
    const log = await db.all<{ who: string; step: string }>('SELECT who, step FROM log ORDER BY rowid');
    for (let i = 0; i < log.length; i++) {
      if (log[i]!.step === 'begin') assert.deepEqual(log[i + 1], { who: log[i]!.who, step: 'end' }, `nothing between ${log[i]!.who}'s begin and end`);
    }
  });

  it('rolls back everything a failed transaction wrote, and keeps working', async () => {
    await db.exec('CREATE TABLE t (x INTEGER)');
    await assert.rejects(db.transaction(async (tx) => {
      await tx.run('INSERT INTO t VALUES (1)');
      await tx.run('INSERT INTO t VALUES (2)');
      throw new Error('boom');
    }), /boom/);
    assert.equal((await db.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n, 0);
    await db.transaction(async (tx) => void (await tx.run('INSERT INTO t VALUES (3)')));
    assert.equal((await db.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n, 1);
  });

  it('refuses a transaction handle used after its transaction ended', async () => {
    let leaked: { run: (sql: string) => Promise<unknown> } | undefined;
    await db.transaction(async (tx) => void (leaked = tx));
    assert.throws(() => leaked!.run('SELECT 1'), /after its transaction ended/);
  });
});
