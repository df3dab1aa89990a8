import assert from 'node:assert/strict';
import { parseCampaign } from '../../recommender/campaigns/schema.js';
import { Recommender } from '../../recommender/recommender.js';
import { seedItems } from '../helpers/catalog.js';
import { testBot } from '../helpers/test-bot.js';

const viewer = (n: number) => ({ user: { platformId: `u${n}`, displayName: `Viewer ${n}`, roles: [] } });

describe('bot/stages/campaigns: a campaign decides whether an item is shown, never its rank', () => {
  it('withholds a paused or spent campaign\'s item at once and offers it again on resume', async () => {
    const { conversation, store } = await testBot();
    const ask = async (n: number) => (await conversation.say('recommend a python course', viewer(n))).flatMap((r) => r.cards).map((c) => c.id);
    const first = await ask(1);
    // Exploration varies the order per viewer, so "offered" means: to some of a few new viewers.
    let next = 20;
    const offeredToSome = async () => {
      let seen = false;
      for (let i = 0; i < 4; i++) seen = (await ask(next++)).includes(target) || seen;
      return seen;
    };
    const target = first[0]!;
    await store.campaigns.putPartner('acme', 'Acme');
    const c = await store.campaigns.create(parseCampaign({
      partnerId: 'acme', name: 'Promo', itemIds: [target], startsAt: '2020-01-01T00:00:00Z', endsAt: '2100-01-01T00:00:00Z',
      currency: 'USD', totalBudget: '1', pricing: 'click', price: '1', pacing: 'asap',
    }));
    assert.ok(await offeredToSome(), 'a running campaign still offers its item');
    await store.campaigns.setStatus(c.id, 'paused');
    assert.ok(!(await offeredToSome()), 'paused: not offered to anyone');
    await store.campaigns.setStatus(c.id, 'active');
    assert.ok(await offeredToSome(), 'resumed: offered again');
    // Spend the whole budget with one tracked click: the item stops being offered.
    const token = await store.tracking.createImpression({ itemId: target, userId: null, platform: 'web', channel: 'test-channel' });
    await store.tracking.recordClick(token);
    assert.equal((await store.campaigns.get(c.id))!.spentTotal, 100);
    assert.ok(!(await offeredToSome()), 'spent: not offered to anyone');
    await store.close();
  });

  it('leaves the order of everything else as it was (the recommender only skips withheld items)', async () => {
    const r = new Recommender(await seedItems());
    const req = { kind: 'course' as const, text: 'python course', topic: 'python' };
    const all = r.recommend(req, 6).suggestions.map((s) => s.itemId);
    const without = r.recommend({ ...req, blockedIds: [all[1]!] }, 5).suggestions.map((s) => s.itemId);
    assert.deepEqual(without, all.filter((id) => id !== all[1]));
  });
});
