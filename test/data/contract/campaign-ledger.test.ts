import assert from 'node:assert/strict';
import { CampaignValidationError } from '../../../data/campaigns.js';
import { Database } from '../../../data/sqlite/database.js';
import { migrate, migrations } from '../../../data/sqlite/migrations.js';
import { openSqliteStore } from '../../../data/sqlite/sqlite-store.js';
import { forEachStore, type TestStore } from '../../helpers/stores.js';
import { parseCampaign } from '../../../recommender/campaigns/schema.js';
import { coupon, course } from '../../helpers/catalog.js';


forEachStore('store: campaigns and the spend ledger', (s) => {
  let store: TestStore;
  let clock: Date;
  let alice: number;
  const where = { platform: 'twitch', channel: 'ramenlive' };

  const base = {
    partnerId: 'noodle', name: 'Ramen week', startsAt: '2029-06-01T00:00:00Z', endsAt: '2029-06-30T00:00:00Z', currency: 'USD', pacing: 'asap',
  };
  const spent = async (id: number) => (await store.campaigns.get(id))!.spentTotal;

  beforeEach(async () => {
    clock = new Date('2029-06-05T12:00:00Z');
    store = await s.fresh({ coupons: { now: () => clock }, campaigns: { now: () => clock } });
    await store.catalog.upsert([coupon('cpn-ramen', { stock: 100, perUserLimit: 100 }), course('crs-py'), course('crs-free')]);
    await store.campaigns.putPartner('noodle', 'Noodle Yard');
    await store.campaigns.putPartner('other', 'Other Brand');
    alice = await store.conversations.resolveUser('web', 'alice', 'Alice');
  });
  afterEach(() => store.close());

  async function click(itemId: string): Promise<string> {
    const token = await store.tracking.createImpression({ itemId, userId: alice, ...where });
    await store.tracking.recordClick(token);
    return token;
  }

  it('refuses references to unknown partners and items, naming the field', async () => {
    await assert.rejects(store.campaigns.create(parseCampaign({ ...base, partnerId: 'nobody', itemIds: ['nope'], totalBudget: '1', pricing: 'click', price: '0.10' })),
      (err) => err instanceof CampaignValidationError && err.issues.map((i) => i.field).join() === 'partnerId,itemIds');
  });

  it('bills a tracked click exactly once; a second click on the same link is free', async () => {
    const c = await store.campaigns.create(parseCampaign({ ...base, itemIds: ['crs-py'], totalBudget: '10', pricing: 'click', price: '0.25' }));
    const token = await click('crs-py');
    await store.tracking.recordClick(token);
    await Promise.all([1, 2, 3].map(() => store.tracking.recordClick(token)));
    await click('crs-free');
    assert.equal(await spent(c.id), 25);
    const ledger = await store.campaigns.ledger({ campaignId: c.id });
    assert.deepEqual(ledger.map((l) => [l.eventKey, l.amount, l.outcome]), [[`click:${token}`, 25, 'billed']]);
  });

  it('stops billing where one more price would pass the budget, and records the unbilled events', async () => {
    const c = await store.campaigns.create(parseCampaign({ ...base, itemIds: ['crs-py'], totalBudget: '1.00', pricing: 'click', price: '0.30' }));
    for (let i = 0; i < 5; i++) await click('crs-py');
    const got = await store.campaigns.get(c.id);
    assert.equal(got!.spentTotal, 90);
    assert.equal(got!.billedEvents, 3);
    const outcomes = (await store.campaigns.ledger({ campaignId: c.id })).map((l) => l.outcome);
    assert.deepEqual(outcomes, ['billed', 'billed', 'billed', 'over_budget', 'over_budget']);
    // Reconciles: one ledger row per click on the campaign's item; spend = sum of billed rows.
    assert.equal(await store.interactions.count('crs-py', 'click'), outcomes.length);
  });

  it('enforces the daily budget in the campaign\'s day, and starts again the next day', async () => {
    const c = await store.campaigns.create(parseCampaign({ ...base, itemIds: ['crs-py'], totalBudget: '10', dailyBudget: '0.50', pricing: 'click', price: '0.25' }));
    for (let i = 0; i < 3; i++) await click('crs-py');
    assert.equal(await spent(c.id), 50);
    clock = new Date('2029-06-06T00:00:01Z');
    await click('crs-py');
    assert.equal(await spent(c.id), 75);
    assert.equal((await store.campaigns.get(c.id))!.spentToday, 25);
  });

  it('does not bill a paused or ended campaign', async () => {
    const c = await store.campaigns.create(parseCampaign({ ...base, itemIds: ['crs-py'], totalBudget: '10', pricing: 'click', price: '0.25' }));
    await store.campaigns.setStatus(c.id, 'paused');
    await click('crs-py');
    await store.campaigns.setStatus(c.id, 'active');
    clock = new Date('2029-07-01T00:00:00Z');
    await click('crs-py');
    assert.equal(await spent(c.id), 0);
    assert.deepEqual((await store.campaigns.ledger({ campaignId: c.id })).map((l) => l.outcome), ['paused', 'not_running']);
  });

  it('bills a claim once, a repeated claim request never', async () => {
    const c = await store.campaigns.create(parseCampaign({ ...base, itemIds: ['cpn-ramen'], totalBudget: '10', pricing: 'claim', price: '1' }));
    const first = await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'r1', ...where });
    await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'r1', ...where });
    assert.ok(first.ok);
    assert.equal(await spent(c.id), 100);
    assert.deepEqual((await store.campaigns.ledger()).map((l) => l.eventKey), [`claim:${first.code}`]);
  });

  it('bills a partner-confirmed conversion once, and only to that partner\'s own campaign', async () => {
    const mine = await store.campaigns.create(parseCampaign({ ...base, itemIds: ['cpn-ramen'], totalBudget: '10', pricing: 'conversion', price: '2' }));
    const theirs = await store.campaigns.create(parseCampaign({ ...base, partnerId: 'other', itemIds: ['cpn-ramen'], totalBudget: '10', pricing: 'conversion', price: '2' }));
    const claim = await store.coupons.claim({ itemId: 'cpn-ramen', userId: alice, requestId: 'r1', ...where });
    assert.ok(claim.ok);
    const event = { type: 'redemption' as const, eventId: 'ev-1', timestamp: clock.toISOString(), code: claim.code };
    assert.equal((await store.tracking.recordPartnerEvent('noodle', ['Noodle Yard'], event)).status, 'accepted');
    assert.equal((await store.tracking.recordPartnerEvent('noodle', ['Noodle Yard'], event)).status, 'duplicate');
    assert.equal(await spent(mine.id), 200);
    assert.equal(await spent(theirs.id), 0);
  });

  it('keeps the ledger append-only', async () => {
    await store.campaigns.create(parseCampaign({ ...base, itemIds: ['crs-py'], totalBudget: '10', pricing: 'click', price: '0.25' }));
    await click('crs-py');
    await assert.rejects(store.db.run('UPDATE spend_ledger SET amount_minor = 1'), /append-only/);
    await assert.rejects(store.db.run('DELETE FROM spend_ledger'), /append-only/);
  });

  it('edits, pauses and lists campaigns per partner', async () => {
    const c = await store.campaigns.create(parseCampaign({ ...base, itemIds: ['crs-py'], totalBudget: '10', pricing: 'click', price: '0.25' }));
    await store.campaigns.create(parseCampaign({ ...base, partnerId: 'other', itemIds: ['crs-free'], totalBudget: '10', pricing: 'click', price: '0.25' }));
    const edited = await store.campaigns.update(c.id, parseCampaign({ ...base, name: 'Ramen month', itemIds: ['crs-py', 'crs-free'], totalBudget: '20', pricing: 'click', price: '0.25' }));
    assert.equal(edited?.name, 'Ramen month');
    assert.deepEqual(edited?.itemIds, ['crs-free', 'crs-py']);
    assert.equal(edited?.totalBudget, 2000);
    assert.equal(await store.campaigns.setStatus(c.id, 'paused'), true);
    assert.deepEqual((await store.campaigns.list({ partnerId: 'noodle' })).map((x) => [x.id, x.status]), [[c.id, 'paused']]);
    assert.equal((await store.campaigns.list()).length, 2);
    assert.equal(await store.campaigns.update(999, parseCampaign({ ...base, itemIds: ['crs-py'], totalBudget: '1', pricing: 'click', price: '0.25' })), undefined);
  });

  it('gives partner logins a partner; resets passwords; removes accounts', async () => {
    const p = await store.agents.create('noodle-login', 'a long password', 'partner', 'noodle');
    assert.equal(p.role, 'partner');
    assert.equal(p.partnerId, 'noodle');
    await assert.rejects(store.agents.create('x-login', 'a long password', 'partner'), /partner id/);
    assert.equal(await store.agents.setPassword(p.id, 'another long password'), true);
    assert.ok(await store.agents.verify('noodle-login', 'another long password'));
    assert.equal(await store.agents.remove(p.id), true);
  });

  if (s.engine === 'sqlite') it('migration 9 keeps agents, and which agent holds which queue entry, while adding the partner role', async () => {
    const db = await Database.open(':memory:');
    await db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)');
    for (const m of migrations.filter((x) => x.version <= 8)) {
      await db.exec(m.sql);
      await db.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
    }
    await db.run("INSERT INTO agents (id, username, password_hash, role) VALUES (7, 'ana', 'scrypt$x', 'admin')");
    await db.run('INSERT INTO users (id) VALUES (1)');
    await db.run("INSERT INTO conversations (id, platform, channel, user_id) VALUES (1, 'web', 'web', 1)");
    await db.run("INSERT INTO support_queue (conversation_id, status, reason, agent_id) VALUES (1, 'taken', 'asked', 7)");
    assert.deepEqual(await migrate(db), migrations.filter((x) => x.version > 8).map((x) => x.version));
    assert.deepEqual(await db.get('SELECT id, username, role, partner_id FROM agents'), { id: 7, username: 'ana', role: 'admin', partner_id: null });
    assert.deepEqual(await db.get('SELECT agent_id FROM support_queue'), { agent_id: 7 });
    assert.deepEqual(await db.all('PRAGMA foreign_key_check'), []);
    await assert.rejects(db.run("INSERT INTO agents (username, password_hash, role) VALUES ('p', 'x', 'partner')"), /CHECK constraint failed/);
    await db.close();
  });
});
