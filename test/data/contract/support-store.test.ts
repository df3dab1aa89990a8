import assert from 'node:assert/strict';
import { join } from 'node:path';
import { formatFaqCsv, formatFaqYaml, parseFaqCsv, parseFaqYaml } from '../../../data/faq/format.js';
import { seedFaqIfEmpty } from '../../../data/faq/seed.js';
import { forEachStore, type TestStore } from '../../helpers/stores.js';
import { DuplicateUsernameError, type FaqEntry } from '../../../data/support.js';
import { coupon } from '../../helpers/catalog.js';


const refund: Omit<FaqEntry, 'updatedAt'> = { id: 'refund-policy', questions: ['Can I get a refund?', 'How do I get my money back?'], answer: 'Within 30 days.', tags: ['billing'], language: 'en' };

async function conversation(store: TestStore, visitor: string, name = visitor): Promise<number> {
  const userId = await store.conversations.resolveUser('web', visitor, name);
  return (await store.conversations.open('web', 'site', userId)).id;
}

/** Agents without paying for scrypt: the queue only needs their ids. */
async function agentIds(store: TestStore, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(await store.db.insertId("INSERT INTO agents (username, password_hash, role) VALUES (?, 'x', 'agent')", [`agent${i}`]));
  return ids;
}

forEachStore('store: support desk: FAQ store', (s) => {
  let store: TestStore;
  beforeEach(async () => { store = await s.fresh(); });
  afterEach(() => store.close());

  it('adds, reads, replaces and removes entries, bumping the version on every change', async () => {
    assert.equal(await store.faq.version(), 0);
    await store.faq.upsert([refund, { id: 'certificate', questions: ['Do I get a certificate?'], answer: 'Yes.', tags: [], language: 'en' }]);
    assert.equal(await store.faq.version(), 1);
    const got = await store.faq.get('refund-policy');
    assert.deepEqual({ ...got, updatedAt: undefined }, { ...refund, questions: [...refund.questions], tags: [...refund.tags], updatedAt: undefined });
    assert.match(got!.updatedAt, /^\d{4}-\d\d-\d\dT/);
    await store.faq.upsert([{ ...refund, questions: ['Refund?'], answer: 'Within 14 days.' }]);
    assert.equal(await store.faq.version(), 2);
    assert.deepEqual((await store.faq.get('refund-policy'))!.questions, ['Refund?']);
    assert.deepEqual((await store.faq.list()).map((e) => e.id), ['certificate', 'refund-policy']);
    assert.equal(await store.faq.remove('certificate'), true);
    assert.equal(await store.faq.remove('certificate'), false);
    assert.equal(await store.faq.version(), 3, 'removing nothing changes nothing');
    assert.equal(await store.faq.get('certificate'), undefined);
  });

  it('refuses an entry without questions and leaves the others of that batch unwritten', async () => {
    await assert.rejects(store.faq.upsert([refund, { ...refund, id: 'empty', questions: [' '] }]), /at least one question/);
    assert.deepEqual(await store.faq.list(), []);
    assert.equal(await store.faq.version(), 0);
  });

  it('seeds the shipped FAQ once, and never over edits (even after everything was removed)', async () => {
    const n = await seedFaqIfEmpty(store.faq);
    assert.ok(n >= 25, `${n} seed entries`);
    const langs = new Set((await store.faq.list()).map((e) => e.language));
    assert.deepEqual([...langs].sort(), ['en', 'zh']);
    for (const e of await store.faq.list()) await store.faq.remove(e.id);
    assert.equal(await seedFaqIfEmpty(store.faq), 0);
  });

  it('round-trips YAML and CSV, reporting bad rows by row and field', () => {
    const entries: FaqEntry[] = [{ ...refund, questions: ['Can I get a refund, "really"?', 'Money back?'], tags: ['billing', 'refunds'], updatedAt: 'x' },
      { id: 'zh-1', questions: ['可以退款吗'], answer: '可以，30天内。\nSecond line', tags: [], language: 'zh', updatedAt: 'x' }];
    const strip = (list: readonly FaqEntry[]) => list.map(({ updatedAt: _, ...e }) => e);
    assert.deepEqual(parseFaqYaml(formatFaqYaml(entries)).entries, strip(entries));
    assert.deepEqual(parseFaqCsv(formatFaqCsv(entries)).entries, strip(entries));
    const bad = parseFaqCsv('id,language,questions,answer,tags\nBad Id,en,q,a,\nok,fr,q,a,\nok2,en,,a,\n');
    assert.deepEqual(bad.entries, []);
    assert.deepEqual(bad.errors.map((e) => [e.row, e.field]), [[2, 'id'], [3, 'language'], [4, 'questions']]);
  });
});

forEachStore('store: support desk: queue', (s) => {
  let store: TestStore;
  beforeEach(async () => { store = await s.fresh(); });
  afterEach(() => store.close());

  it('enqueues once per conversation and numbers the waiting line, oldest first', async () => {
    const [a, b, c] = [await conversation(store, 'a', 'Ana'), await conversation(store, 'b'), await conversation(store, 'c')];
    const first = await store.support.enqueue(a, 'asked');
    assert.deepEqual({ ...first, enqueuedAt: '' }, {
      conversationId: a, platform: 'web', channel: 'site', userId: first.userId, displayName: 'Ana', status: 'waiting', reason: 'asked',
      agentId: null, enqueuedAt: '', takenAt: null, closedAt: null, tag: null, contactEmail: null, contactMessage: null,
    });
    await store.support.enqueue(b, 'misses');
    await store.support.enqueue(c, 'frustration');
    assert.deepEqual(await store.support.enqueue(a, 'frustration'), first, 'already waiting: unchanged');
    assert.deepEqual([await store.support.position(a), await store.support.position(b), await store.support.position(c)], [1, 2, 3]);
    assert.deepEqual((await store.support.waiting()).map((e) => e.conversationId), [a, b, c]);
    const [agent] = await agentIds(store, 1);
    assert.equal(await store.support.take(a, agent!), 'taken');
    assert.equal(await store.support.position(a), undefined, 'taken: not waiting');
    assert.deepEqual([await store.support.position(b), await store.support.position(c)], [1, 2]);
  });

  it('lets exactly one of ten concurrent takes win', async () => {
    const conv = await conversation(store, 'v');
    await store.support.enqueue(conv, 'asked');
    const agents = await agentIds(store, 10);
    const results = await Promise.all(agents.map((id) => store.support.take(conv, id)));
    assert.equal(results.filter((r) => r === 'taken').length, 1);
    assert.equal(results.filter((r) => r === 'already_taken').length, 9);
    const winner = agents[results.indexOf('taken')];
    assert.equal((await store.support.open(conv))!.agentId, winner);
  });

  it('lets exactly one take win across separate connections to one database', async () => {
    const stores = [await s.fresh({}, true)];
    try {
      const conv = await conversation(stores[0]!, 'v');
      await stores[0]!.support.enqueue(conv, 'asked');
      const agents = await agentIds(stores[0]!, 10);
      // Two connections, not more: in one process a connection waiting on SQLite's lock holds a
      // libuv thread, and enough of them would starve the holder (processes don't share threads).
      stores.push(await s.another());
      const results = await Promise.all(agents.map((id, i) => stores[i % stores.length]!.support.take(conv, id)));
      assert.deepEqual(results.filter((r) => r === 'taken').length, 1, JSON.stringify(results));
    } finally {
      for (const each of stores) await each.close();
    }
  });

  it('lists the conversations an agent owns, oldest first, until handed back or closed', async () => {
    const [a, b, c] = [await conversation(store, 'a', 'Ana'), await conversation(store, 'b'), await conversation(store, 'c')];
    const [alice, bob] = await agentIds(store, 2);
    for (const conv of [a, b, c]) await store.support.enqueue(conv, 'asked');
    assert.deepEqual(await store.support.ownedBy(alice!), [], 'waiting entries belong to nobody');
    assert.equal(await store.support.take(c, alice!), 'taken');
    assert.equal(await store.support.take(a, alice!), 'taken');
    assert.equal(await store.support.take(b, bob!), 'taken');
    const mine = await store.support.ownedBy(alice!);
    assert.deepEqual(mine.map((e) => e.conversationId), [a, c], 'in queue order, whatever the order taken');
    assert.deepEqual(mine.map((e) => [e.status, e.agentId]), [['taken', alice], ['taken', alice]]);
    assert.equal(mine[0]!.displayName, 'Ana');
    assert.deepEqual((await store.support.ownedBy(bob!)).map((e) => e.conversationId), [b]);
    assert.equal(await store.support.handBack(c, alice!), true);
    assert.equal(await store.support.close(b, bob!, 'resolved'), true);
    assert.deepEqual((await store.support.ownedBy(alice!)).map((e) => e.conversationId), [a]);
    assert.deepEqual(await store.support.ownedBy(bob!), []);
  });

  it('hands back and closes only for the owning agent; a closed conversation can queue again', async () => {
    const conv = await conversation(store, 'v');
    const [owner, other] = await agentIds(store, 2);
    assert.equal(await store.support.take(conv, owner!), 'not_waiting');
    await store.support.enqueue(conv, 'asked');
    assert.equal(await store.support.handBack(conv, owner!), false, 'not taken yet');
    assert.equal(await store.support.take(conv, owner!), 'taken');
    assert.equal(await store.support.take(conv, other!), 'already_taken');
    assert.equal(await store.support.handBack(conv, other!), false);
    assert.equal(await store.support.close(conv, other!, 'billing'), false);
    assert.equal(await store.support.handBack(conv, owner!), true);
    assert.equal(await store.support.open(conv), undefined);
    const closed = await store.db.get<{ tag: string; closed_at: string }>('SELECT tag, closed_at FROM support_queue WHERE conversation_id = ?', [conv]);
    assert.equal(closed!.tag, 'handed_back');
    assert.ok(closed!.closed_at);
    const again = await store.support.enqueue(conv, 'misses');
    assert.equal(again.status, 'waiting');
    assert.equal(await store.support.take(conv, other!), 'taken');
    assert.equal(await store.support.close(conv, other!, 'resolved'), true);
    assert.equal(await store.support.take(conv, owner!), 'not_waiting');
  });

  it('keeps a left message on the open entry, queueing the conversation when needed; any agent can close a waiting one', async () => {
    const conv = await conversation(store, 'v');
    await store.support.leaveMessage(conv, 'ana@example.com', 'I was charged twice');
    const entry = await store.support.open(conv);
    assert.equal(entry?.status, 'waiting');
    assert.equal(entry?.contactEmail, 'ana@example.com');
    assert.equal(entry?.contactMessage, 'I was charged twice');
    const [agent] = await agentIds(store, 1);
    assert.equal(await store.support.close(conv, agent!, 'emailed'), true);
    assert.equal(await store.support.open(conv), undefined);
  });
});

forEachStore('store: support desk: agents', (s) => {
  let store: TestStore;
  beforeEach(async () => { store = await s.fresh(); });
  afterEach(() => store.close());

  it('stores a salted scrypt hash, verifies the right password only, and refuses duplicate usernames', async () => {
    const ana = await store.agents.create('ana', 'correct horse battery', 'admin');
    const bob = await store.agents.create('bob', 'correct horse battery', 'agent');
    assert.deepEqual({ ...ana, createdAt: '' }, { id: ana.id, username: 'ana', role: 'admin', createdAt: '' });
    const hashes = await store.db.all<{ password_hash: string }>('SELECT password_hash FROM agents ORDER BY id');
    for (const h of hashes) {
      assert.match(h.password_hash, /^scrypt\$\d+\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      assert.ok(!h.password_hash.includes('horse'));
    }
    assert.notEqual(hashes[0]!.password_hash, hashes[1]!.password_hash, 'per-user salt');
    assert.deepEqual(await store.agents.verify('ana', 'correct horse battery'), ana);
    assert.equal(await store.agents.verify('ana', 'correct horse batterY'), undefined);
    assert.equal(await store.agents.verify('nobody', 'correct horse battery'), undefined);
    await assert.rejects(store.agents.create('ANA', 'another password', 'agent'), (err) => err instanceof DuplicateUsernameError && err.code === 'CF_DUPLICATE_USERNAME');
    assert.deepEqual((await store.agents.list()).map((a) => a.username), ['ana', 'bob']);
    assert.deepEqual(await store.agents.get(bob.id), bob);
  });

  it('matches usernames ignoring ASCII case, non-ASCII letters as typed, on every engine', async () => {
    const eva = await store.agents.create('Éva', 'pw-1', 'agent');
    assert.deepEqual(await store.agents.verify('Éva', 'pw-1'), eva);
    assert.deepEqual(await store.agents.verify('ÉVA', 'pw-1'), eva);
    await assert.rejects(store.agents.create('éVA', 'pw-2', 'agent').then(() => store.agents.create('ÉvA', 'pw-3', 'agent')), DuplicateUsernameError);
    assert.equal(await store.agents.remove(eva.id), true);
    assert.equal(await store.agents.remove(eva.id), false);
    assert.equal(await store.agents.verify('Éva', 'pw-1'), undefined);
    assert.equal(await store.agents.setPassword(eva.id, 'pw-4'), false);
  });
});

forEachStore('store: privacy', (s) => {
  let store: TestStore;
  beforeEach(async () => { store = await s.fresh(); });
  afterEach(() => store.close());

  it('purges messages and closed queue entries older than the cutoff', async () => {
    const conv = await conversation(store, 'v');
    await store.conversations.append(conv, { role: 'user', text: 'old' });
    await store.conversations.append(conv, { role: 'user', text: 'new' });
    await store.db.run("UPDATE messages SET created_at = '2020-01-01T00:00:00.000Z' WHERE text = 'old'");
    await store.support.leaveMessage(conv, 'a@b.co', 'hi');
    const [agent] = await agentIds(store, 1);
    await store.support.close(conv, agent!, 'done');
    await store.db.run("UPDATE support_queue SET closed_at = '2020-01-01T00:00:00.000Z'");
    assert.deepEqual(await store.privacy.purgeBefore(new Date('2021-01-01T00:00:00Z')), { messages: 1, queueEntries: 1 });
    assert.deepEqual((await store.conversations.recent(conv, 10)).map((m) => m.text), ['new']);
  });

  it('forgets a user: conversations, messages, queue entries, identities and interactions go; claimed codes stay, detached', async () => {
    await store.catalog.upsert([coupon('cpn-x', { stock: 5 })]);
    const userId = await store.conversations.resolveUser('web', 'visitor-1', 'Ana');
    const conv = (await store.conversations.open('web', 'site', userId)).id;
    await store.conversations.append(conv, { role: 'user', text: 'my email is ana@example.com' });
    await store.support.leaveMessage(conv, 'ana@example.com', 'hi');
    const claim = await store.coupons.claim({ itemId: 'cpn-x', userId, requestId: 'r1', platform: 'web', channel: 'site' });
    assert.ok(claim.ok);
    const other = await conversation(store, 'someone-else');
    await store.conversations.append(other, { role: 'user', text: 'keep me' });
    const report = await store.privacy.forgetUser(userId);
    assert.deepEqual(report, { conversations: 1, messages: 1, identities: 1, interactions: 1, couponCodesKept: 1 });
    assert.equal(await store.conversations.find('web', 'site', 'visitor-1'), undefined);
    assert.equal(await store.support.open(conv), undefined);
    const left = await store.db.get<{ n: number }>("SELECT count(*) AS n FROM support_queue");
    assert.equal(left!.n, 0);
    assert.equal((await store.db.get<{ n: number }>('SELECT count(*) AS n FROM identities WHERE user_id = ?', [userId]))!.n, 0);
    assert.ok(await store.coupons.find(claim.code), 'the code still exists for partner accounting');
    assert.deepEqual((await store.conversations.recent(other, 10)).map((m) => m.text), ['keep me']);
    const again = await store.conversations.resolveUser('web', 'visitor-1', 'Ana');
    assert.notEqual(again, userId, 'a returning visitor starts as a new user');
  });

  it('forgets a user with points: impressions and partner events detached, link codes gone, the user id never reused; purge keeps the cutoff instant', async () => {
    await store.catalog.upsert([coupon('cpn-x', { stock: 5 })]);
    const userId = await store.conversations.resolveUser('twitch', 'ana', 'Ana');
    await store.loyalty.points.apply({ userId, delta: 10, reason: 'grant', key: 'g-1', actor: 'test' });
    const token = await store.tracking.createImpression({ itemId: 'cpn-x', userId, platform: 'twitch', channel: 'c' });
    await store.tracking.recordPartnerEvent('shop', [], { type: 'purchase', eventId: 'p-1', timestamp: '2029-01-01T00:00:00Z', token });
    await store.identities.createLinkCode(userId);
    assert.deepEqual(await store.privacy.forgetUser(userId), { conversations: 0, messages: 0, identities: 1, interactions: 1, couponCodesKept: 0 });
    const left = await store.db.get<{ codes: number; imp: number; ev: number; users: number }>(
      `SELECT (SELECT count(*) FROM link_codes) AS codes, (SELECT count(*) FROM impressions WHERE user_id IS NOT NULL) AS imp,
        (SELECT count(*) FROM partner_events WHERE user_id IS NOT NULL) AS ev, (SELECT count(*) FROM users WHERE id = ?) AS users`, [userId]);
    assert.deepEqual(left, { codes: 0, imp: 0, ev: 0, users: 1 });
    assert.ok((await store.conversations.resolveUser('twitch', 'ana', 'Ana')) > userId);

    const conv = await conversation(store, 'v');
    for (const text of ['before', 'at', 'after']) await store.conversations.append(conv, { role: 'user', text });
    await store.db.run("UPDATE messages SET created_at = CASE text WHEN 'before' THEN '2020-12-31T23:59:59.999Z' WHEN 'at' THEN '2021-01-01T00:00:00.000Z' ELSE created_at END");
    assert.deepEqual(await store.privacy.purgeBefore(new Date('2021-01-01T00:00:00Z')), { messages: 1, queueEntries: 0 });
    assert.deepEqual((await store.conversations.recent(conv, 10)).map((m) => m.text), ['at', 'after']);
  });
});
