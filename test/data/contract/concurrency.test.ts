import assert from 'node:assert/strict';
import { parseCampaign } from '../../../recommender/campaigns/schema.js';
import { coupon, course } from '../../helpers/catalog.js';
import { forEachStore, type TestStore } from '../../helpers/stores.js';

/**
 * The guarantees every store keeps with many writers at once: two connections to one database,
 * as two processes (or two bot instances) would hold, racing on the same rows.
 */
forEachStore('store: concurrent writers', (s) => {
  let one: TestStore;
  let two: TestStore;
  const where = { platform: 'web', channel: 'site' };
  const count = async (sql: string, params: string[] = []) => (await one.db.get<{ n: number }>(sql, params))?.n;
  const both = <T>(n: number, f: (store: TestStore, i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i % 2 ? two : one, i)));

  beforeEach(async () => {
    one = await s.fresh({}, true);
    two = await s.another();
  });
  afterEach(async () => {
    await one.close();
    await two.close();
  });

  async function users(n: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(await one.conversations.resolveUser('web', `u${i}`, `U${i}`));
    return ids;
  }

  it('50 parallel claims for a stock of 10 hand out exactly 10 codes', async () => {
    await one.catalog.upsert([coupon('cpn', { stock: 10, perUserLimit: 1 })]);
    const ids = await users(50);
    const results = await both(50, (store, i) => store.coupons.claim({ itemId: 'cpn', userId: ids[i]!, requestId: `r${i}`, ...where }));
    const codes = results.flatMap((r) => (r.ok ? [r.code] : []));
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    assert.deepEqual([...new Set(results.flatMap((r) => (r.ok ? [] : [r.error])))], ['out_of_stock']);
    assert.equal((await one.catalog.get('cpn'))?.kind === 'coupon' && (await one.catalog.get('cpn') as { stock: number }).stock, 0);
    assert.equal(await count("SELECT count(*) AS n FROM interactions WHERE type = 'claim'"), 10);
  });

  it('keeps the per-user limit and request-id idempotency under parallel claims', async () => {
    await one.catalog.upsert([coupon('cpn', { stock: 100, perUserLimit: 2 })]);
    const [u] = await users(1);
    const distinct = await both(20, (store, i) => store.coupons.claim({ itemId: 'cpn', userId: u!, requestId: `r${i}`, ...where }));
    assert.equal(distinct.filter((r) => r.ok).length, 2);
    // Repeat a request that won (which ones win is up to the engine's scheduling).
    const won = `r${distinct.findIndex((r) => r.ok)}`;
    const same = await both(20, (store) => store.coupons.claim({ itemId: 'cpn', userId: u!, requestId: won, ...where }));
    assert.ok(same.every((r) => r.ok && r.status === 'repeat'));
    assert.equal(await count('SELECT count(*) AS n FROM coupon_codes'), 2);
  });

  it('parallel redemptions never overdraw the points or the reward stock', async () => {
    const [u, v] = await users(2);
    await one.loyalty.points.apply({ userId: u!, delta: 100, reason: 'grant', key: 'g-u' });
    await one.loyalty.points.apply({ userId: v!, delta: 1000, reason: 'grant', key: 'g-v' });
    await one.loyalty.rewards.put({ id: 'mug', name: 'Mug', price: 30, kind: 'code', code: 'MUG' });
    await one.loyalty.rewards.put({ id: 'few', name: 'Few', price: 10, stock: 3, kind: 'code', code: 'FEW' });
    const mugs = await both(20, (store, i) => store.loyalty.points.redeem({ userId: u!, rewardId: 'mug', requestId: `m${i}`, ...where }));
    assert.equal(mugs.filter((r) => r.ok).length, 3);
    assert.equal(await one.loyalty.points.balance(u!), 10);
    const few = await both(20, (store, i) => store.loyalty.points.redeem({ userId: v!, rewardId: 'few', requestId: `f${i}`, ...where }));
    assert.equal(few.filter((r) => r.ok).length, 3);
    assert.equal(await one.loyalty.points.balance(v!), 970);
    const again = await both(10, (store) => store.loyalty.points.redeem({ userId: v!, rewardId: 'mug', requestId: 'once', ...where }));
    assert.ok(again.every((r) => r.ok));
    assert.equal(again.filter((r) => r.ok && r.status === 'redeemed').length, 1);
    assert.equal(await one.loyalty.points.balance(v!), 940);
    assert.deepEqual(await one.loyalty.points.reconcile(), []);
  });

  it('applies one idempotency key once, whichever connection sends it', async () => {
    const [u] = await users(1);
    const results = await both(20, (store) => store.loyalty.points.apply({ userId: u!, delta: 5, reason: 'grant', key: 'same' }));
    assert.equal(results.filter((r) => r.ok && r.status === 'applied').length, 1);
    assert.equal(await one.loyalty.points.balance(u!), 5);
  });

  it('two agents taking one conversation: one wins', async () => {
    const [u] = await users(1);
    const conv = (await one.conversations.open('web', 'site', u!)).id;
    await one.support.enqueue(conv, 'asked');
    const a = await one.agents.create('ana', 'a long password', 'agent');
    const b = await one.agents.create('bo', 'a long password', 'agent');
    const results = await both(10, (store, i) => store.support.take(conv, i % 2 ? a.id : b.id));
    assert.equal(results.filter((r) => r === 'taken').length, 1);
    assert.equal(await count("SELECT count(*) AS n FROM support_queue WHERE status = 'taken'"), 1);
  });

  it('a link code redeemed twice at once links once', async () => {
    const [u] = await users(1);
    const code = await one.identities.createLinkCode(u!);
    const results = await both(6, (store, i) => store.identities.redeemLinkCode(code, 'discord', `d${i}`));
    assert.equal(results.filter((r) => r.status === 'linked').length, 1);
    assert.equal(results.filter((r) => r.status === 'invalid').length, 5);
  });

  it('finds or creates one user per identity and one conversation per channel, racing', async () => {
    const ids = await both(10, (store) => store.conversations.resolveUser('web', 'racer', 'Racer'));
    assert.equal(new Set(ids).size, 1);
    const convs = await both(10, (store) => store.conversations.open('web', 'site', ids[0]!));
    assert.equal(new Set(convs.map((c) => c.id)).size, 1);
  });

  it('never bills a campaign past its budget, with claims from both connections', async () => {
    await one.catalog.upsert([coupon('cpn', { stock: 100, perUserLimit: 100 }), course('crs')]);
    await one.campaigns.putPartner('noodle', 'Noodle Yard');
    const c = await one.campaigns.create(parseCampaign({
      partnerId: 'noodle', name: 'Week', startsAt: '2020-01-01T00:00:00Z', endsAt: '2099-01-01T00:00:00Z', currency: 'USD', pacing: 'asap',
      itemIds: ['cpn'], totalBudget: '1', pricing: 'claim', price: '0.25',
    }));
    const [u] = await users(1);
    const claims = await both(12, (store, i) => store.coupons.claim({ itemId: 'cpn', userId: u!, requestId: `c${i}`, ...where }));
    assert.equal(claims.filter((r) => r.ok).length, 12);
    const got = await one.campaigns.get(c.id);
    assert.equal(got?.spentTotal, 100);
    assert.equal(got?.billedEvents, 4);
    assert.equal((await one.campaigns.ledger({ campaignId: c.id })).length, 12);
  });

  it('retention purge and the catalog version hold with writers on both connections', async () => {
    await one.catalog.upsert([course('a')]);
    const v = await one.catalog.version();
    await two.catalog.setActive('a', false);
    assert.equal(await one.catalog.version(), v + 1);
    assert.equal(await one.catalog.count(), 0);
    const [u] = await users(1);
    const conv = (await one.conversations.open('web', 'site', u!)).id;
    await two.conversations.append(conv, { role: 'user', text: 'old' });
    const purged = await one.privacy.purgeBefore(new Date(Date.now() + 60_000));
    assert.equal(purged.messages, 1);
    assert.deepEqual(await two.conversations.recent(conv, 10), []);
  });
});
