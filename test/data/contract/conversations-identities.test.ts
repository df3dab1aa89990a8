import assert from 'node:assert/strict';
import { forEachStore, type TestStore } from '../../helpers/stores.js';
import { coupon } from '../../helpers/catalog.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

forEachStore('store: conversations', (s) => {
  let store: TestStore;
  beforeEach(async () => { store = await s.fresh(); });
  afterEach(() => store.close());

  it('resolves one user per identity, keeps the newest display name, and opens one conversation per channel', async () => {
    const ana = await store.conversations.resolveUser('twitch', 'u-1', 'Ana');
    assert.equal(await store.conversations.resolveUser('twitch', 'u-1', 'Ana B.'), ana);
    assert.notEqual(await store.conversations.resolveUser('discord', 'u-1', 'Ana'), ana, 'another platform, another identity');
    assert.equal((await store.db.get<{ display_name: string }>("SELECT display_name FROM identities WHERE platform = 'twitch' AND platform_user_id = 'u-1'"))!.display_name, 'Ana B.');
    const c1 = await store.conversations.open('twitch', 'ramenlive', ana);
    assert.deepEqual(c1, { id: c1.id, userId: ana, state: {} });
    assert.deepEqual(await store.conversations.open('twitch', 'ramenlive', ana), c1);
    const c2 = await store.conversations.open('twitch', 'other', ana);
    assert.notEqual(c2.id, c1.id);
    assert.equal(await store.conversations.find('twitch', 'ramenlive', 'u-1'), c1.id);
    assert.equal(await store.conversations.find('twitch', 'nowhere', 'u-1'), undefined);
    assert.equal(await store.conversations.find('twitch', 'ramenlive', 'U-1'), undefined, 'platform ids are exact');
    assert.equal(await store.conversations.find('discord', 'ramenlive', 'u-1'), undefined);
  });

  it('appends messages and reads the newest ones back oldest first, with cards and NLU fields as stored', async () => {
    const userId = await store.conversations.resolveUser('web', 'v', 'V');
    const { id } = await store.conversations.open('web', 'site', userId);
    const cards = [{ kind: 'course', id: 'crs-1', price: 9.99, tags: ['a', null], nested: { ok: true } }];
    const first = await store.conversations.append(id, { role: 'user', text: 'hi 你好 \'quoted\' "double" ?', intent: 'greet', confidence: 0.875, clientId: 'c-1' });
    assert.deepEqual({ ...first, id: 0, createdAt: '' },
      { id: 0, role: 'user', text: 'hi 你好 \'quoted\' "double" ?', cards: [], intent: 'greet', confidence: 0.875, clientId: 'c-1', createdAt: '' });
    assert.match(first.createdAt, ISO);
    const second = await store.conversations.append(id, { role: 'bot', text: 'hello', cards });
    await store.conversations.append(id, { role: 'agent', text: 'agent here' });
    assert.ok(second.id > first.id);
    assert.deepEqual(second.cards, cards);
    assert.equal(second.intent, null);
    assert.equal(second.confidence, null);
    assert.equal(second.clientId, null);
    assert.deepEqual((await store.conversations.recent(id, 2)).map((m) => m.text), ['hello', 'agent here']);
    const all = await store.conversations.recent(id, 10);
    assert.deepEqual(all.map((m) => m.role), ['user', 'bot', 'agent']);
    assert.deepEqual(all[0], first);
    assert.deepEqual(await store.conversations.recent(id + 1000, 10), []);
  });

  it('round-trips dialogue state as JSON', async () => {
    const userId = await store.conversations.resolveUser('web', 'v', 'V');
    const { id } = await store.conversations.open('web', 'site', userId);
    const state = { step: 'pick', shown: ['a', 'b'], n: 3, f: 0.25, none: null, deep: { list: [{ x: '中' }] }, empty: {} };
    await store.conversations.saveState(id, state);
    assert.deepEqual((await store.conversations.open('web', 'site', userId)).state, state);
    await store.conversations.saveState(id, { step: 'done' });
    assert.deepEqual((await store.conversations.open('web', 'site', userId)).state, { step: 'done' });
  });
});

forEachStore('store: identities (link codes)', (s) => {
  let store: TestStore;
  const t0 = new Date('2029-03-01T10:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  beforeEach(async () => { store = await s.fresh(); });
  afterEach(() => store.close());

  it('links an identity once, until the code expires (inclusive), typed in any case', async () => {
    const web = await store.conversations.resolveUser('web', 'w-1', 'Ana');
    const code = await store.identities.createLinkCode(web, 60_000, t0);
    assert.match(code, /^[A-HJ-NP-Z2-9]{8}$/);
    assert.deepEqual(await store.identities.redeemLinkCode(code, 'twitch', 'ana_tv', at(60_001)), { status: 'expired' });
    assert.deepEqual(await store.identities.redeemLinkCode(` ${code.toLowerCase()} `, 'twitch', 'ana_tv', at(60_000)), { status: 'linked', userId: web });
    assert.deepEqual(await store.identities.redeemLinkCode(code, 'discord', 'ana#1', at(1)), { status: 'invalid' }, 'a code works once');
    assert.deepEqual(await store.identities.redeemLinkCode('NOPE2345', 'twitch', 'x', t0), { status: 'invalid' });
    assert.equal(await store.conversations.resolveUser('twitch', 'ana_tv', 'ana_tv'), web);
  });

  it('answers already_linked and platform_taken, and moves an existing identity with its history', async () => {
    await store.catalog.upsert([coupon('cpn-1', { stock: 5 })]);
    const web = await store.conversations.resolveUser('web', 'w-1', 'Ana');
    const tv = await store.conversations.resolveUser('twitch', 'ana_tv', 'Ana TV');
    const conv = await store.conversations.open('twitch', 'ramenlive', tv);
    await store.interactions.record({ userId: tv, itemId: 'cpn-1', type: 'click', platform: 'twitch', channel: 'ramenlive' });
    const claim = await store.coupons.claim({ itemId: 'cpn-1', userId: tv, requestId: 'r-1', platform: 'twitch', channel: 'ramenlive' });
    assert.ok(claim.ok);

    const code = await store.identities.createLinkCode(web, undefined, t0);
    assert.deepEqual(await store.identities.redeemLinkCode(code, 'twitch', 'ana_tv', t0), { status: 'linked', userId: web });
    assert.equal(await store.conversations.resolveUser('twitch', 'ana_tv', 'Ana TV'), web);
    assert.equal(await store.conversations.find('twitch', 'ramenlive', 'ana_tv'), conv.id);
    assert.equal((await store.conversations.open('twitch', 'ramenlive', web)).id, conv.id);
    assert.deepEqual(await store.interactions.engagements(web, 10), [{ itemId: 'cpn-1', type: 'claim' }, { itemId: 'cpn-1', type: 'click' }]);
    assert.equal((await store.coupons.held(web))[0]!.code, claim.code);

    const again = await store.identities.createLinkCode(web, undefined, t0);
    assert.deepEqual(await store.identities.redeemLinkCode(again, 'twitch', 'ana_tv', t0), { status: 'already_linked', userId: web });
    assert.deepEqual(await store.identities.redeemLinkCode(again, 'twitch', 'someone_else', t0), { status: 'platform_taken' });
    assert.deepEqual(await store.identities.redeemLinkCode(again, 'discord', 'ana#1', t0), { status: 'linked', userId: web }, 'a refused code is still unused');
  });
});
