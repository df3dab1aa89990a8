import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { TEST_REDIS_URL, freshDatabase } from '../helpers/servers.js';

describe('crossfeed doctor', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cf-doctor-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = (extra: Record<string, string> = {}) => ({ ...cleanEnv(), PORT: '0', ...extra });

  it('says all is well on the embedded defaults, and with a reachable Redis', async () => {
    const r = await runCli(['doctor'], { cwd: dir, db: join(dir, 'cf.db'), env: env({ REDIS_URL: TEST_REDIS_URL }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok +database +SQLite .*cf\.db: migrations applied/m);
    assert.match(r.stdout, /^ok +redis +redis:\/\/127\.0\.0\.1:6379.*: Redis [\d.]+ answers/m);
    assert.match(r.stdout, /^ok +models /m);
    assert.match(r.stdout, /^all good/m);
  });

  it('checks PostgreSQL when database.url is set', async () => {
    const db = await freshDatabase();
    try {
      const r = await runCli(['doctor'], { cwd: dir, db: join(dir, 'cf.db'), env: env({ DATABASE_URL: db.url }) });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^ok +database +PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/cf_test_\w+: migrations applied/m);
      assert.match(r.stdout, /^warn +redis +database\.url is set but redis\.url is not/m);
    } finally {
      await db.drop();
    }
  });

  it('names what is wrong, never printing a password, and exits 1', async () => {
    const r = await runCli(['doctor'], {
      cwd: dir, db: join(dir, 'cf.db'),
      env: env({ REDIS_URL: 'redis://cf:hunter2@127.0.0.1:1', DATABASE_URL: 'postgres://cf:sesame99@127.0.0.1:1/crossfeed', CROSSFEED_MODEL_DIR: join(dir, 'no-models') }),
    });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^FAIL +database +PostgreSQL postgres:\/\/cf:\*\*\*@127\.0\.0\.1:1\/crossfeed/m);
    assert.match(r.stdout, /^FAIL +redis +cannot reach Redis at redis:\/\/cf:\*\*\*@127\.0\.0\.1:1/m);
    assert.match(r.stdout, /^FAIL +models +.*no-models/m, 'the missing model folder is named');
    assert.match(r.stdout, /^3 problems found/m);
    assert.doesNotMatch(r.stdout + r.stderr, /hunter2|sesame99/);
  });

  it('reports an invalid configuration as such', async () => {
    const r = await runCli(['doctor'], { cwd: dir, db: join(dir, 'cf.db'), env: env({ REDIS_URL: 'http://not-redis' }) });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^FAIL +config +invalid configuration:[\s\S]*redis/m);
  });
});
