import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { coupon } from '../helpers/catalog.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

describe('e2e: crossfeed points and rewards', function () {
  this.timeout(60000);
  let dir: string;
  const env = cleanEnv();
  const db = () => join(dir, 'loyalty.db');
  const run = (args: string[]) => runCli(args, { cwd: dir, db: db(), env });
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-cli-loyalty-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('grants and revokes with a reason, ranks, exports the ledger as CSV, and manages rewards', async () => {
    const g = await run(['points', 'grant', 'twitch', 'alice', '50', '--reason', 'raffle, "winner"', '--key', 'raffle-1']);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stdout, 'twitch alice: +50, balance 50\n');
    assert.equal((await run(['points', 'grant', 'twitch', 'alice', '50', '--reason', 'raffle', '--key', 'raffle-1'])).stdout, 'twitch alice: already applied, balance 50\n');
    assert.equal((await run(['points', 'grant', 'twitch', 'bob', '20', '--reason', 'x'])).code, 0);
    const over = await run(['points', 'revoke', 'twitch', 'bob', '30', '--reason', 'spam']);
    assert.equal(over.code, 1);
    assert.match(over.stderr, /has 20 points; balances can't go below zero/);
    assert.equal((await run(['points', 'revoke', 'twitch', 'bob', '5', '--reason', '=cmd()'])).code, 0);
    assert.match((await run(['points', 'grant', 'twitch', 'bob', '5'])).stderr, /--reason/);
    assert.equal((await run(['points', 'leaderboard'])).stdout, '1\t50\talice\n2\t15\tbob\n');
    assert.equal((await run(['points', 'leaderboard', '--channel', 'twitch:nowhere'])).stdout, '');

    const out = join(dir, 'ledger.csv');
    const exported = await run(['points', 'export', '--out', out]);
    assert.equal(exported.code, 0, exported.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'id,created_at,user_id,delta,reason,note,key,platform,channel,actor');
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^1,[^,]+,\d+,50,grant,"raffle, ""winner""",raffle-1,twitch,,cli:/);
    assert.match(lines[3]!, /,-5,revoke,'=cmd\(\),/);

    const store = await openSqliteStore(db());
    await store.catalog.upsert([coupon('cpn-ramen', { stock: 5 })]);
    await store.close();
    assert.equal((await run(['rewards', 'add', 'ramen', '--name', 'Ramen 20% off', '--price', '30', '--stock', '2', '--coupon', 'cpn-ramen', '--channel', 'twitch:mystreamer'])).code, 0);
    assert.equal((await run(['rewards', 'add', 'py20', '--name', 'Python 20% off', '--price', '100', '--code', 'PY20'])).code, 0);
    assert.equal((await run(['rewards', 'add', 'bad', '--name', 'x', '--price', '10', '--coupon', 'nope'])).code, 1);
    assert.equal((await run(['rewards', 'list', '--channel', 'twitch:other'])).stdout, 'py20\t100\tunlimited\tcode\teverywhere\tPython 20% off\n');
    assert.equal((await run(['rewards', 'list'])).stdout.split('\n').length, 3);
  });
});
