import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SupportDesk } from '../../adapters/web/agent-desk.js';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Bot } from '../../bot/bot.js';
import type { FaqEntry } from '../../data/support.js';
import { testBot } from '../helpers/test-bot.js';
import { FrameClient } from '../helpers/ws-client.js';

describe('adapters/web agent console (the SQLite store behind it)', () => {
  let server: WebServer;
  let bot: Bot | undefined;
  let store: Awaited<ReturnType<typeof testBot>>['store'];
  let origin: string;
  /** The tag of the conversation's newest queue entry (closed entries are not in the interface). */
  const lastTag = async (conversationId: number) =>
    (await store.db.get<{ tag: string | null }>('SELECT tag FROM support_queue WHERE conversation_id = ? ORDER BY id DESC LIMIT 1', [conversationId]))?.tag;

  const login = async (username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/agent/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, ...headers },
      body: new URLSearchParams({ username, password }).toString(),
    });

  /** Logs in and returns a client for the console API. */
  const session = async (username: string, password: string) => {
    const res = await login(username, password);
    assert.equal(res.status, 303);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = await (await fetch(`${server.url}/agent/api/me`, { headers: { Cookie: cookie } })).json() as { csrfToken: string };
    const call = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => fetch(`${server.url}${path}`, {
      method, redirect: 'manual',
      headers: { Cookie: cookie, Origin: origin, 'X-CSRF-Token': me.csrfToken, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...extra },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { cookie, csrf: me.csrfToken, call };
  };

  before(async () => {
    const t = await testBot();
    store = t.store;
    const desk: SupportDesk = { conversations: store.conversations, faq: store.faq, support: store.support, agents: store.agents };
    server = await startWebServer({
      host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 50, bot: () => bot, support: { desk: () => desk },
    });
    bot = t.bot;
    origin = server.url;
    await store.agents.create('alice', 'alice-password-1', 'agent');
    await store.agents.create('bob', 'bob-password-1', 'agent');
    await store.agents.create('root', 'root-password-1', 'admin');
    await store.faq.upsert([
      { id: 'refund-policy', questions: ['How do I get a refund?', 'Can I return a course?'], answer: 'Refunds within 30 days.', tags: ['billing'], language: 'en' },
      { id: 'reset-password', questions: ['I forgot my password'], answer: 'Use the reset link.', tags: ['account'], language: 'en' },
    ]);
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  it('sends a visitor without a session to the login page, and serves pages with a strict CSP', async () => {
    const page = await fetch(`${server.url}/agent`, { redirect: 'manual' });
    assert.equal(page.status, 302);
    assert.equal(page.headers.get('location'), '/agent/login');
    const admin = await fetch(`${server.url}/admin/faq`, { redirect: 'manual' });
    assert.equal(admin.headers.get('location'), '/agent/login?next=admin');
    assert.equal((await fetch(`${server.url}/agent/api/queue`)).status, 401);
    assert.equal((await fetch(`${server.url}/agent.html`, { redirect: 'manual' })).status, 302, 'no way around the session check');
    const form = await fetch(`${server.url}/agent/login`);
    assert.equal(form.status, 200);
    const csp = form.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(form.headers.get('referrer-policy'), 'same-origin', 'so that same-origin posts carry a real Origin');
    assert.match(await form.text(), /data-testid="login-submit"/);
  });

  it('logs in with a cookie that is HttpOnly, SameSite=Strict, Path=/, and refuses bad passwords and foreign origins', async () => {
    const bad = await login('alice', 'wrong');
    assert.equal(bad.status, 303);
    assert.equal(bad.headers.get('location'), '/agent/login?error=1');
    assert.equal(bad.headers.get('set-cookie'), null);
    const foreign = await login('alice', 'alice-password-1', { Origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    const ok = await login('alice', 'alice-password-1');
    assert.equal(ok.headers.get('location'), '/agent');
    const cookie = ok.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^cf_agent=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const page = await fetch(`${server.url}/agent`, { headers: { Cookie: cookie.split(';')[0]! } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.match(await page.text(), /data-testid="take-conversation"/);
  });

  it('refuses state-changing requests without the CSRF token, from another origin, or as a plain form post', async () => {
    const a = await session('alice', 'alice-password-1');
    const cases: [string, Record<string, string>, string][] = [
      ['no token', { 'X-CSRF-Token': '' }, 'bad_csrf'],
      ['wrong token', { 'X-CSRF-Token': 'x'.repeat(43) }, 'bad_csrf'],
      ['foreign origin', { Origin: 'https://evil.example' }, 'cross_site'],
      ['opaque origin', { Origin: 'null' }, 'cross_site'],
    ];
    for (const [name, headers, error] of cases) {
      const res = await a.call('POST', '/agent/api/conversations/1/take', undefined, headers);
      assert.equal(res.status, 403, name);
      assert.equal(((await res.json()) as { error: string }).error, error, name);
    }
    const form = await fetch(`${server.url}/agent/api/conversations/1/reply`, {
      method: 'POST', headers: { Cookie: a.cookie, Origin: 'http://evil.example', 'Content-Type': 'text/plain' }, body: 'text=hi',
    });
    assert.equal(form.status, 403);
  });

  it('takes, replies, hands back: one agent wins, the visitor sees the reply and status live, consoles see new lines', async () => {
    const visitor = randomUUID();
    const v = await FrameClient.connect(`${server.url.replace('http', 'ws')}/ws?visitor=${visitor}`);
    await v.next((f) => f.type === 'history');
    v.send({ type: 'message', text: 'hello, I need help', clientId: 'c1' });
    await v.next((f) => f.type === 'message' && f.message.role === 'bot');
    const conversationId = (await store.conversations.find('web', 'web', visitor))!;
    assert.ok(conversationId);

    const alice = await session('alice', 'alice-password-1');
    const bob = await session('bob', 'bob-password-1');
    const ws = `${server.url.replace('http', 'ws')}/agent/ws`;
    const aliceWs = await FrameClient.connect(ws, { Cookie: alice.cookie, Origin: origin });
    const bobWs = await FrameClient.connect(ws, { Cookie: bob.cookie, Origin: origin });
    assert.equal((await aliceWs.next((f) => f.type === 'hello')).agent.username, 'alice');

    await store.support.enqueue(conversationId, 'asked');
    const queued = await aliceWs.next((f) => f.type === 'queue' && f.items.length === 1);
    assert.deepEqual(Object.keys(queued.items[0]).sort(), ['conversationId', 'displayName', 'enqueuedAt', 'platform', 'reason']);
    assert.equal(queued.items[0].conversationId, conversationId);
    assert.equal((await v.next((f) => f.type === 'support')).text, "You're number 1 in line.");

    const view = await (await alice.call('GET', `/agent/api/conversations/${conversationId}`)).json() as any;
    assert.equal(view.entry.status, 'waiting');
    assert.deepEqual(view.messages.map((m: { role: string }) => m.role), ['user', 'bot']);
    aliceWs.send({ type: 'watch', conversationId, after: view.messages.at(-1).id });

    const [a, b] = await Promise.all([alice.call('POST', `/agent/api/conversations/${conversationId}/take`), bob.call('POST', `/agent/api/conversations/${conversationId}/take`)]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409], 'exactly one agent takes it');
    const [winner, loser, loserWs] = a.status === 200 ? [alice, bob, bobWs] : [bob, alice, aliceWs];
    const lost = await (a.status === 200 ? b : a).json() as { error: string; message: string };
    assert.equal(lost.error, 'already_taken');
    assert.match(lost.message, /^Already taken by (alice|bob)\.$/);
    assert.equal((await loserWs.next((f) => f.type === 'taken')).conversationId, conversationId);
    assert.equal((await v.next((f) => f.type === 'support' && f.state === 'taken')).text, 'An agent joined the conversation.');

    assert.equal((await loser.call('POST', `/agent/api/conversations/${conversationId}/reply`, { text: 'me too' })).status, 409);
    assert.equal((await winner.call('POST', `/agent/api/conversations/${conversationId}/reply`, { text: 'x'.repeat(2001) })).status, 400);
    const sent = await winner.call('POST', `/agent/api/conversations/${conversationId}/reply`, { text: 'Hi, Alice or Bob here. <b>How</b> can I help?' });
    assert.equal(sent.status, 200);
    const live = await v.next((f) => f.type === 'message' && f.message.role === 'agent');
    assert.equal(live.message.text, 'Hi, Alice or Bob here. <b>How</b> can I help?');
    assert.equal((await store.conversations.recent(conversationId, 1))[0]!.role, 'agent');

    // A visitor line stored while the conversation is taken (the bot's hook does this) reaches a watching console.
    await store.conversations.append(conversationId, { role: 'user', text: 'I want a refund for my course', intent: 'faq', confidence: 0.8 });
    const watched = a.status === 200 ? aliceWs : bobWs;
    if (watched !== aliceWs) watched.send({ type: 'watch', conversationId, after: 0 });
    const lines = await watched.next((f) => f.type === 'messages' && f.messages.some((m: { text: string }) => m.text.includes('refund')));
    const line = lines.messages.find((m: { text: string }) => m.text.includes('refund'));
    assert.equal(line.intent, 'faq');
    assert.equal(lines.suggestions[0].id, 'refund-policy', 'agent assist suggests the refund FAQ');

    assert.equal((await loser.call('POST', `/agent/api/conversations/${conversationId}/hand-back`)).status, 409);
    assert.equal((await winner.call('POST', `/agent/api/conversations/${conversationId}/hand-back`)).status, 200);
    assert.equal((await v.next((f) => f.type === 'support' && f.state === 'bot')).text, 'The agent handed you back to the assistant.');
    assert.equal(await lastTag(conversationId), 'handed_back');
    assert.equal(server.agentsOnline(), 2);
    v.close();
    aliceWs.close();
    bobWs.close();
  });

  it('closes with a tag, and refuses bad tags', async () => {
    const id = (await store.conversations.open('web', 'web', await store.conversations.resolveUser('web', randomUUID(), 'Visitor'))).id;
    await store.support.enqueue(id, 'frustration');
    const alice = await session('alice', 'alice-password-1');
    assert.equal((await alice.call('POST', `/agent/api/conversations/${id}/take`)).status, 200);
    assert.equal((await alice.call('POST', `/agent/api/conversations/${id}/close`, { tag: '<script>' })).status, 400);
    assert.equal((await alice.call('POST', `/agent/api/conversations/${id}/close`, { tag: 'billing' })).status, 200);
    assert.equal(await lastTag(id), 'billing');
  });

  it('lists the conversations an agent has taken under `mine`, for that agent only, until handed back or closed', async () => {
    const conversation = async () => (await store.conversations.open('web', 'web', await store.conversations.resolveUser('web', randomUUID(), 'Visitor'))).id;
    const [one, two] = [await conversation(), await conversation()];
    await store.support.enqueue(one, 'asked');
    await store.support.enqueue(two, 'misses');
    const alice = await session('alice', 'alice-password-1');
    const bob = await session('bob', 'bob-password-1');
    const lists = async (who: typeof alice) => {
      const res = await who.call('GET', '/agent/api/queue');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = await res.json() as { items: { conversationId: number }[]; mine: { conversationId: number; takenAt: string | null }[] };
      return { waiting: body.items.map((i) => i.conversationId), mine: body.mine.map((i) => i.conversationId), body };
    };
    assert.deepEqual((await lists(alice)).mine, []);
    assert.equal((await alice.call('POST', `/agent/api/conversations/${one}/take`)).status, 200);
    assert.equal((await alice.call('POST', `/agent/api/conversations/${two}/take`)).status, 200);
    // A new login (another session of the same agent) sees them too.
    const again = await lists(await session('alice', 'alice-password-1'));
    assert.deepEqual(again.mine, [one, two]);
    assert.ok(!again.waiting.includes(one) && !again.waiting.includes(two));
    assert.match(again.body.mine[0]!.takenAt ?? '', /^\d{4}-/);
    assert.deepEqual((await lists(bob)).mine, [], "another agent's conversations are not listed");
    assert.equal((await alice.call('POST', `/agent/api/conversations/${one}/hand-back`)).status, 200);
    assert.equal((await alice.call('POST', `/agent/api/conversations/${two}/close`, { tag: 'resolved' })).status, 200);
    assert.deepEqual((await lists(alice)).mine, []);
  });

  it('refuses the agent socket without a session or from another origin', async () => {
    const ws = `${server.url.replace('http', 'ws')}/agent/ws`;
    assert.equal((await (await FrameClient.connect(ws, { Origin: origin })).waitClosed()).code, 1008);
    const alice = await session('alice', 'alice-password-1');
    assert.equal((await (await FrameClient.connect(ws, { Cookie: alice.cookie, Origin: 'https://evil.example' })).waitClosed()).code, 1008);
    const ok = await FrameClient.connect(ws, { Cookie: alice.cookie, Origin: origin });
    await ok.next((f) => f.type === 'hello');
    ok.send({ type: 'take', conversationId: 1 });
    assert.equal((await ok.waitClosed()).code, 1003, 'the socket carries no commands');
  });

  it('lets admins (only) add, edit and delete FAQ entries', async () => {
    const alice = await session('alice', 'alice-password-1');
    assert.equal((await alice.call('GET', '/admin/api/faq')).status, 403);
    assert.equal((await fetch(`${server.url}/admin/faq`, { headers: { Cookie: alice.cookie } })).status, 403);
    const root = await session('root', 'root-password-1');
    assert.equal((await fetch(`${server.url}/admin/faq`, { headers: { Cookie: root.cookie } })).status, 200);
    const entry = { questions: ['Where is my order?', 'Track my order'], answer: 'See your account page.', tags: ['orders'], language: 'en' };
    const v0 = await store.faq.version();
    assert.equal((await root.call('PUT', '/admin/api/faq/where-is-my-order', entry)).status, 201);
    assert.ok((await store.faq.version()) > v0);
    assert.equal((await root.call('PUT', '/admin/api/faq/where-is-my-order', { ...entry, answer: 'Orders page.' })).status, 200);
    assert.equal((await store.faq.get('where-is-my-order'))!.answer, 'Orders page.');
    const bad = await root.call('PUT', '/admin/api/faq/where-is-my-order', { ...entry, questions: [] });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /questions/);
    assert.equal((await root.call('PUT', '/admin/api/faq/Bad Id!', entry)).status, 400);
    assert.equal((await root.call('PUT', '/admin/api/faq/x', entry, { 'X-CSRF-Token': 'nope' })).status, 403);
    const listed = await (await root.call('GET', '/admin/api/faq')).json() as { entries: FaqEntry[] };
    assert.deepEqual(listed.entries.map((e) => e.id), ['refund-policy', 'reset-password', 'where-is-my-order']);
    assert.equal((await root.call('DELETE', '/admin/api/faq/where-is-my-order')).status, 204);
    assert.equal((await root.call('DELETE', '/admin/api/faq/where-is-my-order')).status, 404);
  });

  it('logs out: the session stops working', async () => {
    const alice = await session('alice', 'alice-password-1');
    assert.equal((await alice.call('POST', '/agent/logout')).status, 204);
    assert.equal((await alice.call('GET', '/agent/api/me')).status, 401);
  });

  it('rate-limits login attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login('alice', `guess-${i}`)).status);
    assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
    assert.equal((await login('alice', 'alice-password-1')).status, 429, 'even the right password waits');
  });
});
