import assert from 'node:assert/strict';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { formatMinor } from '../../recommender/campaigns/money.js';
import { parseCampaign } from '../../recommender/campaigns/schema.js';
import { buildReport, reportCsv } from '../../recommender/reports/report.js';
import { ctrLift, snips } from '../../recommender/reports/stats.js';
import { course } from '../helpers/catalog.js';

describe('recommender/reports: statistics', () => {
  it('says "not enough data" for a small experiment, and gives a lift with an interval otherwise', () => {
    const small = ctrLift({ impressions: 50, clicks: 5 }, { impressions: 50, clicks: 4 });
    assert.equal(small.enough, false);
    assert.match(small.enough ? '' : small.reason, /not enough data/);
    const big = ctrLift({ impressions: 10_000, clicks: 600 }, { impressions: 10_000, clicks: 500 });
    assert.ok(big.enough);
    assert.ok(Math.abs(big.relativeLift - 0.2) < 1e-9);
    assert.ok(big.relativeLiftCi.low < 0.2 && big.relativeLiftCi.high > 0.2);
    assert.ok(big.significant, '6% vs 5% on 10,000 each is significant');
    const same = ctrLift({ impressions: 1000, clicks: 50 }, { impressions: 1000, clicks: 50 });
    assert.ok(same.enough && !same.significant && same.ctrDifferenceCi.low < 0 && same.ctrDifferenceCi.high > 0);
  });

  it('self-normalized IPS reweights by target / logging propensity', () => {
    // Item A shown with propensity 0.5 (CTR 10%), B with 0.5 (CTR 30%). A policy always showing A has CTR 10%.
    const onlyA = snips([
      { propensity: 0.5, target: 1, impressions: 1000, clicks: 100 },
      { propensity: 0.5, target: 0, impressions: 1000, clicks: 300 },
    ]);
    assert.ok(onlyA.enough && Math.abs(onlyA.ctr - 0.1) < 1e-12 && onlyA.ci.low < 0.1 && onlyA.ci.high > 0.1);
    // Logged policy itself (target = propensity): the observed CTR.
    const logged = snips([
      { propensity: 0.5, target: 0.5, impressions: 1000, clicks: 100 },
      { propensity: 0.5, target: 0.5, impressions: 1000, clicks: 300 },
    ]);
    assert.ok(logged.enough && Math.abs(logged.ctr - 0.2) < 1e-12);
    assert.equal(snips([{ propensity: 0.5, target: 1, impressions: 20, clicks: 2 }]).enough, false);
  });
});

describe('recommender/reports: report over the store', () => {
  it('counts, spends and derives CTR, CPC and CPA by campaign, partner, channel and language; a partner scope sees only its items', async () => {
    const clock = new Date();
    const store = await openSqliteStore(':memory:', { campaigns: { now: () => clock } });
    await store.catalog.upsert([course('a'), course('b', { language: 'zh' }), course('free')]);
    await store.campaigns.putPartner('pa', 'Partner A');
    await store.campaigns.putPartner('pb', 'Partner B');
    const w = { startsAt: '2020-01-01T00:00:00Z', endsAt: '2100-01-01T00:00:00Z', currency: 'USD', pacing: 'asap', totalBudget: '100', pricing: 'click', price: '0.40' };
    const ca = await store.campaigns.create(parseCampaign({ ...w, partnerId: 'pa', name: 'A', itemIds: ['a'] }));
    const cb = await store.campaigns.create(parseCampaign({ ...w, partnerId: 'pb', name: 'B', itemIds: ['b'] }));
    const user = await store.conversations.resolveUser('twitch', 'u', 'U');
    const show = async (itemId: string, channel: string, clicked: boolean) => {
      await store.interactions.record({ userId: user, itemId, type: 'impression', platform: 'twitch', channel });
      const token = await store.tracking.createImpression({ itemId, userId: user, platform: 'twitch', channel, decision: { variant: 'control', position: 0, propensity: 1 } });
      if (clicked) await store.tracking.recordClick(token);
    };
    for (let i = 0; i < 10; i++) await show('a', 'one', i < 3);
    for (let i = 0; i < 4; i++) await show('b', 'two', i < 1);
    await show('free', 'one', true);
    await store.db.run("INSERT INTO interactions (user_id, item_id, type, platform, channel) VALUES (NULL, 'a', 'purchase', 'twitch', 'one')");
    const items = new Map((await store.catalog.list()).map((i) => [i.id, { language: i.language, kind: i.kind }]));
    const deps = { reports: store.reports, item: (id: string) => items.get(id) };
    const scope = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) };

    const byCampaign = await buildReport(deps, scope, 'campaign');
    const a = byCampaign.rows.find((r) => r.key === String(ca.id))!;
    assert.deepEqual([a.impressions, a.clicks, a.ctr, a.conversions, a.spend, a.cpc, a.cpa], [10, 3, 0.3, 1, { USD: 120 }, 40, 120]);
    const b = byCampaign.rows.find((r) => r.key === String(cb.id))!;
    assert.deepEqual([b.impressions, b.clicks, b.spend], [4, 1, { USD: 40 }]);
    assert.equal(byCampaign.rows.length, 2, 'unpaid items belong to no campaign');

    const byChannel = await buildReport(deps, scope, 'channel');
    assert.deepEqual(byChannel.rows.map((r) => [r.key, r.impressions, r.clicks, r.spend['USD'] ?? 0]), [['twitch:one', 11, 4, 120], ['twitch:two', 4, 1, 40]]);
    const byLanguage = await buildReport(deps, scope, 'language');
    assert.deepEqual(byLanguage.rows.map((r) => [r.key, r.impressions]), [['en', 11], ['zh', 4]]);

    const partnerA = await buildReport(deps, { ...scope, partnerId: 'pa' }, 'channel');
    assert.deepEqual(partnerA.rows.map((r) => [r.key, r.impressions, r.clicks]), [['twitch:one', 10, 3]], 'partner A sees only its item');
    assert.equal(partnerA.totals.spend['USD'], 120);
    const csv = reportCsv(partnerA, formatMinor);
    assert.equal(csv.split('\n')[1], 'twitch:one,10,3,0.3000,0,1,1.20,USD,0.40,1.20');
    assert.doesNotMatch(csv, /two/);
    assert.equal(byCampaign.experiment.enough, false);
    await store.close();
  });
});
