import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { course } from '../helpers/catalog.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

describe('e2e: crossfeed partners, campaigns and report', function () {
  this.timeout(90_000);
  let dir: string;
  const env = cleanEnv();
  const db = () => join(dir, 'campaigns.db');
  const run = (args: string[]) => runCli(args, { cwd: dir, db: db(), env });
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-cli-campaigns-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds a partner and a campaign from YAML (naming bad fields), pauses it, and reports as table, JSON and CSV', async () => {
    const store = await openSqliteStore(db());
    await store.catalog.upsert([course('crs-py')]);
    await store.close();
    assert.equal((await run(['partners', 'add', 'Bad Id', '--name', 'x'])).code, 2);
    const p = await run(['partners', 'add', 'noodle', '--name', 'Noodle Yard']);
    assert.equal(p.code, 0, p.stderr);
    const yaml = (budget: string, ends: string) => `partnerId: noodle\nname: Python week\nitemIds: [crs-py]\nstartsAt: 2020-01-01T00:00:00Z\nendsAt: ${ends}\ncurrency: USD\ntotalBudget: "${budget}"\npricing: click\nprice: "0.25"\n`;
    writeFileSync(join(dir, 'bad.yaml'), yaml('-5', '2019-01-01T00:00:00Z'));
    const bad = await run(['campaigns', 'add', join(dir, 'bad.yaml')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /totalBudget: "-5" is not an amount/);
    assert.match(bad.stderr, /endsAt: must be after startsAt/);
    writeFileSync(join(dir, 'good.yaml'), yaml('10', '2100-01-01T00:00:00Z'));
    const good = await run(['campaigns', 'add', join(dir, 'good.yaml')]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /created campaign 1 "Python week" for noodle/);

    const s = await openSqliteStore(db());
    const token = await s.tracking.createImpression({ itemId: 'crs-py', userId: null, platform: 'twitch', channel: 'chan' });
    await s.interactions.record({ userId: null, itemId: 'crs-py', type: 'impression', platform: 'twitch', channel: 'chan' });
    await s.tracking.recordClick(token);
    await s.close();

    const list = await run(['campaigns', 'list']);
    assert.match(list.stdout, /^1\tnoodle\tactive\tPython week\tspent 0\.25\/10\.00 USD/m);
    assert.equal((await run(['campaigns', 'pause', '1'])).code, 0);
    assert.match((await run(['campaigns', 'list', '--partner', 'noodle'])).stdout, /\tpaused\t/);
    assert.equal((await run(['campaigns', 'pause', '9'])).code, 2);

    const json = JSON.parse((await run(['report', '--json'])).stdout) as { rows: { key: string; impressions: number; clicks: number; spend: Record<string, number>; cpc: number }[] };
    assert.deepEqual(json.rows.map((r) => [r.key, r.impressions, r.clicks, r.spend, r.cpc]), [['1', 1, 1, { USD: 25 }, 25]]);
    const csv = await run(['report', '--by', 'channel', '--csv']);
    assert.equal(csv.stdout.split('\n')[0], 'channel,impressions,clicks,ctr,claims,conversions,spend,currency,cpc,cpa');
    assert.equal(csv.stdout.split('\n')[1], 'twitch:chan,1,1,1.0000,0,0,0.25,USD,0.25,');
    const table = await run(['report', '--by', 'partner']);
    assert.match(table.stdout, /noodle\s+1\s+1\s+100\.00%/);
    assert.match(table.stdout, /explore vs control: not enough data/);
    const wrong = await run(['report', '--by', 'colour']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--by: one of partner, campaign, item, channel, platform, language/);
    assert.match((await run(['report', '--from', 'yesterday-ish'])).stderr, /--from: "yesterday-ish" is not a date/);
  });
});
