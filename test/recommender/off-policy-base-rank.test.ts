import assert from 'node:assert/strict';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { seededRng } from '../../recommender/random.js';
import { Recommender } from '../../recommender/recommender.js';
import { buildReport } from '../../recommender/reports/report.js';
import { course } from '../helpers/catalog.js';
import { testBot } from '../helpers/test-bot.js';

describe('off-policy "no exploration": the base rank is logged with each impression and the estimate is exact', () => {
  it('the recommender reports each shown item\'s rank in the ranking without exploration', () => {
    const r = new Recommender(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((id) => course(id)));
    const req = { kind: 'course' as const, text: 'python', topic: 'python' };
    const deterministic = r.recommend(req, 10).suggestions.map((s) => s.itemId);
    assert.deepEqual(r.recommend(req, 3).suggestions.map((s) => s.baseRank), [0, 1, 2]);
    for (let seed = 1; seed < 20; seed++) {
      const explored = r.recommend(req, 3, { explore: { rng: seededRng(seed) } });
      assert.equal(explored.explored, true);
      for (const s of explored.suggestions) assert.equal(s.baseRank, deterministic.indexOf(s.itemId), `seed ${seed}: ${s.itemId}`);
    }
  });

  it('the bot\'s one reply path logs base rank and slots with every impression of a recommendation', async () => {
    const { store, conversation } = await testBot();
    for (let u = 0; u < 12; u++) {
      await conversation.say('recommend me a python course', { user: { platformId: `viewer-${u}`, displayName: `V${u}`, roles: [] } });
    }
    const rows = await store.db.all<{ variant: string; position: number; propensity: number; base_rank: number | null; slots: number | null }>(
      'SELECT variant, position, propensity, base_rank, slots FROM impressions');
    assert.ok(rows.length >= 12 && rows.some((r) => r.variant === 'explore') && rows.some((r) => r.variant === 'control'), JSON.stringify(rows));
    for (const r of rows) {
      assert.equal(r.slots, 3);
      assert.ok(Number.isInteger(r.base_rank) && r.base_rank! >= 0, JSON.stringify(r));
      if (r.variant === 'control') assert.equal(r.base_rank, r.position, 'without exploration the base rank is the position');
    }
    await store.close();
  });

  it('an item sampling rarely shows but the ranking puts first counts for "no exploration"; one it shows often but ranks 6th does not', async () => {
    const store = await openSqliteStore(':memory:');
    await store.catalog.upsert([course('first'), course('sixth'), course('steady')]);
    const user = await store.conversations.resolveUser('web', 'u', 'U');
    const log = async (itemId: string, n: number, clicks: number, decision: { variant: string; propensity: number; baseRank: number }) => {
      for (let i = 0; i < n; i++) {
        const token = await store.tracking.createImpression({ itemId, userId: user, platform: 'web', channel: 'site', decision: { ...decision, position: 0, slots: 3 } });
        if (i < clicks) await store.tracking.recordClick(token);
      }
    };
    // Explored: "first" (base rank 0) shown with propensity 0.3, CTR 30%; "sixth" (base rank 5) with propensity 0.9, CTR 10%.
    await log('first', 200, 60, { variant: 'explore', propensity: 0.3, baseRank: 0 });
    await log('sixth', 200, 20, { variant: 'explore', propensity: 0.9, baseRank: 5 });
    // Control: deterministic, base rank 1, CTR 5%.
    await log('steady', 200, 10, { variant: 'control', propensity: 1, baseRank: 1 });
    const items = new Map((await store.catalog.list()).map((i) => [i.id, { language: i.language, kind: i.kind }]));
    const report = await buildReport({ reports: store.reports, item: (id) => items.get(id) }, { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) }, 'item');
    const ne = report.offPolicy.noExploration;
    // Exact SNIPS over the impressions the deterministic ranking shows ("first" and "steady"), w = 1 / propensity.
    const swr = 60 / 0.3 + 10 / 1, sw = 200 / 0.3 + 200 / 1;
    assert.ok(ne.enough, JSON.stringify(ne));
    assert.ok(Math.abs(ne.ctr - swr / sw) < 1e-9, `${ne.ctr} vs ${swr / sw}`);
    // The old approximation (propensity >= 0.5) would have counted "sixth" and "steady" instead.
    const approx = (20 / 0.9 + 10) / (200 / 0.9 + 200);
    assert.ok(Math.abs(ne.ctr - approx) > 0.1);
    await store.close();
  });
});
