import assert from 'node:assert/strict';
import { IMPRESSION_TOKEN_PATTERN } from '../../../data/sql/tracking-repo.js';
import type { InteractionType } from '../../../data/store.js';
import { forEachStore, type TestStore } from '../../helpers/stores.js';
import { coupon, course } from '../../helpers/catalog.js';

/** An interaction at a given time (the store records "now"; the rollups follow the row's time). */
async function interactionAt(store: TestStore, at: string, userId: number | null, itemId: string, type: InteractionType, platform = 'twitch', channel = 'ramenlive') {
  await store.db.run('INSERT INTO interactions (user_id, item_id, type, platform, channel, created_at) VALUES (?, ?, ?, ?, ?, ?)', [userId, itemId, type, platform, channel, at]);
}

forEachStore('store: interactions', (s) => {
  let store: TestStore;
  let ana: number;
  let bo: number;
  beforeEach(async () => {
    store = await s.fresh();
    await store.catalog.upsert([coupon('cpn-a'), coupon('cpn-b'), course('crs-a'), course('crs-b', { sponsored: true })]);
    ana = await store.conversations.resolveUser('twitch', 'ana', 'Ana');
    bo = await store.conversations.resolveUser('twitch', 'bo', 'Bo');
  });
  afterEach(() => store.close());

  it('records and counts per item and type', async () => {
    await store.interactions.record({ userId: ana, itemId: 'crs-a', type: 'impression', platform: 'web', channel: 'site' });
    await store.interactions.record({ userId: null, itemId: 'crs-a', type: 'impression', platform: 'web', channel: 'site' });
    await store.interactions.record({ userId: ana, itemId: 'crs-a', type: 'click', platform: 'web', channel: 'site' });
    assert.equal(await store.interactions.count('crs-a', 'impression'), 2);
    assert.equal(await store.interactions.count('crs-a', 'click'), 1);
    assert.equal(await store.interactions.count('crs-b', 'impression'), 0);
  });

  it('counts sponsored impressions since a time, per user, platform and channel', async () => {
    const since = new Date('2029-01-02T00:00:00.000Z');
    await interactionAt(store, '2029-01-01T23:59:59.999Z', ana, 'cpn-a', 'impression');
    await interactionAt(store, '2029-01-02T00:00:00.000Z', ana, 'cpn-a', 'impression');
    await interactionAt(store, '2029-01-02T05:00:00.000Z', ana, 'crs-b', 'impression', 'twitch', 'other');
    await interactionAt(store, '2029-01-02T06:00:00.000Z', bo, 'cpn-b', 'impression', 'discord', 'ramenlive');
    await interactionAt(store, '2029-01-02T07:00:00.000Z', ana, 'crs-a', 'impression');
    await interactionAt(store, '2029-01-02T08:00:00.000Z', ana, 'cpn-a', 'click');
    const n = (f: { userId?: number; platform?: string; channel?: string }) => store.interactions.countSponsoredImpressions({ since, ...f });
    assert.equal(await n({}), 3);
    assert.equal(await n({ userId: ana }), 2);
    assert.equal(await n({ userId: bo }), 1);
    assert.equal(await n({ platform: 'twitch' }), 2);
    assert.equal(await n({ platform: 'twitch', channel: 'ramenlive' }), 1);
    assert.equal(await n({ channel: 'ramenlive' }), 2);
    assert.equal(await n({ userId: ana, platform: 'discord' }), 0);
  });

  it('lists engagements newest first, channel favourites most first, everyone\'s engagements oldest first, and item stats', async () => {
    const since = new Date('2029-01-01T00:00:00.000Z');
    await interactionAt(store, '2028-12-31T12:00:00.000Z', ana, 'crs-b', 'click');
    await interactionAt(store, '2029-01-01T01:00:00.000Z', ana, 'crs-a', 'impression');
    await interactionAt(store, '2029-01-01T02:00:00.000Z', ana, 'crs-a', 'click');
    await interactionAt(store, '2029-01-01T03:00:00.000Z', bo, 'cpn-b', 'claim');
    await interactionAt(store, '2029-01-01T04:00:00.000Z', ana, 'cpn-b', 'redeem');
    await interactionAt(store, '2029-01-01T05:00:00.000Z', null, 'cpn-a', 'purchase');
    await interactionAt(store, '2029-01-01T06:00:00.000Z', bo, 'crs-a', 'purchase', 'discord', 'ramenlive');
    await interactionAt(store, '2029-01-01T07:00:00.000Z', bo, 'cpn-a', 'impression');
    assert.deepEqual(await store.interactions.engagements(ana, 10),
      [{ itemId: 'cpn-b', type: 'redeem' }, { itemId: 'crs-a', type: 'click' }, { itemId: 'crs-b', type: 'click' }]);
    assert.deepEqual(await store.interactions.engagements(ana, 1), [{ itemId: 'cpn-b', type: 'redeem' }]);
    // Ties go by item id: cpn-a, cpn-b and crs-a once each, cpn-b twice.
    assert.deepEqual(await store.interactions.channelFavourites('twitch', 'ramenlive', since, 10),
      [{ itemId: 'cpn-b', n: 2 }, { itemId: 'cpn-a', n: 1 }, { itemId: 'crs-a', n: 1 }]);
    assert.deepEqual(await store.interactions.channelFavourites('twitch', 'ramenlive', since, 2), [{ itemId: 'cpn-b', n: 2 }, { itemId: 'cpn-a', n: 1 }]);
    const t = (iso: string) => Date.parse(iso);
    assert.deepEqual(await store.interactions.allEngagements(since, 10), [
      { userId: ana, itemId: 'crs-a', type: 'click', at: t('2029-01-01T02:00:00.000Z') },
      { userId: bo, itemId: 'cpn-b', type: 'claim', at: t('2029-01-01T03:00:00.000Z') },
      { userId: ana, itemId: 'cpn-b', type: 'redeem', at: t('2029-01-01T04:00:00.000Z') },
      { userId: bo, itemId: 'crs-a', type: 'purchase', at: t('2029-01-01T06:00:00.000Z') },
    ]);
    assert.deepEqual((await store.interactions.allEngagements(since, 2)).map((e) => e.type), ['redeem', 'purchase'], 'the newest `limit`, oldest first');
    const stats = (await store.interactions.itemStats(since)).sort((a, b) => a.itemId.localeCompare(b.itemId));
    assert.deepEqual(stats, [{ itemId: 'cpn-a', impressions: 1, clicks: 0 }, { itemId: 'crs-a', impressions: 1, clicks: 1 }]);
  });
});

forEachStore('store: tracking', (s) => {
  let store: TestStore;
  let ana: number;
  const where = { platform: 'twitch', channel: 'ramenlive' };
  beforeEach(async () => {
    store = await s.fresh();
    await store.catalog.upsert([coupon('cpn-ramen', { partner: 'Noodle Yard', stock: 5 }), coupon('cpn-other', { partner: 'Other Brand' }), course('crs-py')]);
    ana = await store.conversations.resolveUser('twitch', 'ana', 'Ana');
  });
  afterEach(() => store.close());

  it('makes unguessable tokens that resolve to the impression, its link and whether the item is still active', async () => {
    const token = await store.tracking.createImpression({ itemId: 'crs-py', userId: ana, ...where, decision: { variant: 'B', position: 1, propensity: 0.5, template: 't1' } });
    const other = await store.tracking.createImpression({ itemId: 'crs-py', userId: null, ...where });
    assert.match(token, IMPRESSION_TOKEN_PATTERN);
    assert.notEqual(token, other);
    const imp = await store.tracking.resolve(token);
    assert.deepEqual({ ...imp, createdAt: '' },
      { token, itemId: 'crs-py', userId: ana, ...where, createdAt: '', clickedAt: null, link: 'https://example.com/crs-py', itemActive: true });
    assert.equal((await store.tracking.resolve(other))!.userId, null);
    assert.equal(await store.tracking.resolve('A'.repeat(22)), undefined);
    assert.equal(await store.tracking.resolve("' OR 1=1 --"), undefined);
    await store.catalog.setActive('crs-py', false);
    assert.equal((await store.tracking.resolve(token))!.itemActive, false);
  });

  it('records the first click only, with one click interaction, and counts shown and clicked per template', async () => {
    const since = new Date(Date.now() - 60_000);
    const t1 = await store.tracking.createImpression({ itemId: 'crs-py', userId: ana, ...where, decision: { variant: 'A', position: 0, propensity: 1, template: 'short' } });
    await store.tracking.createImpression({ itemId: 'crs-py', userId: ana, ...where, decision: { variant: 'A', position: 0, propensity: 1, template: 'short' } });
    await store.tracking.createImpression({ itemId: 'crs-py', userId: ana, ...where, decision: { variant: 'A', position: 0, propensity: 1, template: 'long' } });
    await store.tracking.createImpression({ itemId: 'crs-py', userId: ana, ...where });
    const clicks = await Promise.all([1, 2, 3].map(() => store.tracking.recordClick(t1)));
    assert.deepEqual(clicks.sort(), [false, false, true]);
    assert.equal(await store.tracking.recordClick('A'.repeat(22)), false);
    assert.equal(await store.interactions.count('crs-py', 'click'), 1);
    assert.match((await store.tracking.resolve(t1))!.clickedAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const stats = (await store.tracking.templateStats(since)).sort((a, b) => a.template.localeCompare(b.template));
    assert.deepEqual(stats, [{ template: 'long', impressions: 1, clicks: 0 }, { template: 'short', impressions: 2, clicks: 1 }]);
    assert.deepEqual(await store.tracking.templateStats(new Date(Date.now() + 60_000)), []);
  });

  it('applies a partner redemption once, refuses foreign, unknown and already redeemed codes, and forgets refusals', async () => {
    const claim = await store.coupons.claim({ itemId: 'cpn-ramen', userId: ana, requestId: 'r-1', ...where });
    assert.ok(claim.ok);
    const event = (eventId: string, code = claim.code) => ({ type: 'redemption' as const, eventId, timestamp: '2029-01-05T10:00:00Z', code });
    assert.deepEqual(await store.tracking.recordPartnerEvent('other', ['Other Brand'], event('e-1')), { status: 'rejected', error: 'foreign_code' });
    assert.deepEqual(await store.tracking.recordPartnerEvent('noodle', ['noodle yard'], event('e-1', 'NOPE-NOPE')), { status: 'rejected', error: 'unknown_code' });
    const results = await Promise.all([1, 2, 3].map(() => store.tracking.recordPartnerEvent('noodle', [' Noodle Yard '], event('e-1'))));
    assert.deepEqual(results.map((r) => r.status).sort(), ['accepted', 'duplicate', 'duplicate']);
    assert.deepEqual(results.find((r) => r.status === 'accepted'), { status: 'accepted', itemId: 'cpn-ramen', userId: ana });
    assert.deepEqual(await store.tracking.recordPartnerEvent('noodle', ['Noodle Yard'], event('e-2')), { status: 'rejected', error: 'already_redeemed' });
    assert.equal((await store.coupons.find(claim.code))!.redeemedAt, '2029-01-05T10:00:00.000Z');
    assert.deepEqual(await store.interactions.engagements(ana, 5), [{ itemId: 'cpn-ramen', type: 'redeem' }, { itemId: 'cpn-ramen', type: 'claim' }]);
    // Another partner's events have their own ids.
    assert.deepEqual(await store.tracking.recordPartnerEvent('other', ['Other Brand'], event('e-1')), { status: 'rejected', error: 'foreign_code' });
  });

  it('attributes a purchase through its token, and validates token and item', async () => {
    const token = await store.tracking.createImpression({ itemId: 'crs-py', userId: ana, ...where });
    const purchase = (eventId: string, o: { token?: string; itemId?: string }) =>
      store.tracking.recordPartnerEvent('shop', [], { type: 'purchase', eventId, timestamp: '2029-01-05T10:00:00Z', amount: 19.99, currency: 'USD', ...o });
    assert.deepEqual(await purchase('p-1', { token: 'A'.repeat(22) }), { status: 'rejected', error: 'unknown_token' });
    assert.deepEqual(await purchase('p-1', { token, itemId: 'cpn-ramen' }), { status: 'rejected', error: 'item_mismatch' });
    assert.deepEqual(await purchase('p-1', { itemId: 'nope' }), { status: 'rejected', error: 'unknown_item' });
    assert.deepEqual(await purchase('p-1', {}), { status: 'rejected', error: 'unknown_item' });
    assert.deepEqual(await purchase('p-1', { token, itemId: 'crs-py' }), { status: 'accepted', itemId: 'crs-py', userId: ana });
    assert.deepEqual(await purchase('p-1', { token }), { status: 'duplicate' });
    assert.deepEqual(await purchase('p-2', { itemId: 'crs-py' }), { status: 'accepted', itemId: 'crs-py', userId: null });
    assert.equal(await store.interactions.count('crs-py', 'purchase'), 2);
    assert.deepEqual(await store.interactions.channelFavourites('twitch', 'ramenlive', new Date(0), 5), [{ itemId: 'crs-py', n: 1 }]);
  });
});
