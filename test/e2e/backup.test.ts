import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../data/sqlite/database.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { ServerProcess } from '../helpers/server-process.js';
import { FrameClient } from '../helpers/ws-client.js';

describe('crossfeed backup <file>', function () {
  this.timeout(120_000);

  it('copies the database of a running bot while it writes; the copy restores into a bot that still has the conversation', async () => {
    const server = await ServerProcess.start();
    const db = join(server.dir, 'e2e.db');
    const out = mkdtempSync(join(tmpdir(), 'cf-backup-'));
    const visitor = crypto.randomUUID();
    try {
      const client = await FrameClient.connect(`${server.url.replace('http', 'ws')}/ws?visitor=${visitor}`);
      await client.next((f) => f.type === 'history');
      client.ws.send(JSON.stringify({ type: 'message', text: 'recommend me a beginner python course under $30' }));
      await client.next((f) => f.type === 'message' && f.message.role === 'bot', 30_000);
      // More chat keeps the bot writing while the backup reads its snapshot.
      const busy = (async () => {
        for (let i = 0; i < 6; i++) {
          client.ws.send(JSON.stringify({ type: 'message', text: `any ramen coupons in Brooklyn? ${i}` }));
          await client.next((f) => f.type === 'message' && f.message.role === 'bot', 30_000);
        }
      })();
      const file = join(out, 'nested', 'crossfeed-backup.db');
      const r = await runCli(['backup', file], { cwd: server.dir, db, env: cleanEnv() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /integrity ok/);
      assert.ok(!existsSync(`${file}-wal`), 'the backup stands alone');
      await busy;
      client.ws.close();

      const copy = await Database.open(file);
      try {
        assert.equal((await copy.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check, 'ok');
        const n = (await copy.get<{ n: number }>('SELECT count(*) AS n FROM messages'))?.n ?? 0;
        assert.ok(n >= 2, `the first question and its answer are in the copy (${n} messages)`);
      } finally {
        await copy.close();
      }

      const again = await runCli(['backup', file], { cwd: server.dir, db, env: cleanEnv() });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists; pass --force/);
      assert.equal((await runCli(['backup', file, '--force'], { cwd: server.dir, db, env: cleanEnv() })).code, 0);
    } finally {
      await server.stop();
    }

    // Restore as the README says: the backup becomes database.path of a fresh bot; the visitor's history is back.
    const restored = await ServerProcess.start({ CROSSFEED_DB: join(out, 'nested', 'crossfeed-backup.db') });
    try {
      const client = await FrameClient.connect(`${restored.url.replace('http', 'ws')}/ws?visitor=${visitor}`);
      const history = await client.next((f) => f.type === 'history');
      assert.ok(history.messages.some((m: { text: string }) => /beginner python/.test(m.text)), JSON.stringify(history.messages).slice(0, 500));
      client.ws.close();
    } finally {
      await restored.stop();
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a missing database, :memory: and the database itself, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-backup-'));
    try {
      const missing = await runCli(['backup', join(dir, 'b.db')], { cwd: dir, db: join(dir, 'none.db'), env: cleanEnv() });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no database at/);
      assert.ok(!existsSync(join(dir, 'none.db')), 'no empty database is created');
      assert.match((await runCli(['backup', join(dir, 'b.db')], { cwd: dir, db: ':memory:', env: cleanEnv() })).stderr, /:memory:/);
      writeFileSync(join(dir, 'same.db'), '');
      assert.match((await runCli(['backup', join(dir, 'same.db')], { cwd: dir, db: join(dir, 'same.db'), env: cleanEnv() })).stderr, /database itself/);
      assert.ok(!existsSync(join(dir, 'b.db')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
