import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SupportDesk } from '../../adapters/web/agent-desk.js';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Bot } from '../../bot/bot.js';
import type { Store } from '../../data/store.js';
import type { Nlu, NluResult } from '../../nlp/types.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';
import { testBot } from '../helpers/test-bot.js';
import { FrameClient } from '../helpers/ws-client.js';

/** KeywordNlu plus a `human_handoff` keyword rule. */
class HandoffNlu implements Nlu {
  private readonly inner = new KeywordNlu();
  async parse(text: string): Promise<NluResult> {
    const r = await this.inner.parse(text);
    return /\bhuman\b/i.test(r.text) ? { ...r, intent: 'human_handoff', confidence: 0.95 } : r;
  }
}

describe('adapters/web handoff queue flooding', () => {
  let server: WebServer;
  let bot: Bot;
  let store: Store;
  const ws = (visitor: string) => `${server.url.replace('http', 'ws')}/ws?visitor=${visitor}`;

  before(async () => {
    const t = await testBot({ nlu: new HandoffNlu() });
    store = t.store;
    bot = t.bot;
    const desk: SupportDesk = { conversations: store.conversations, faq: store.faq, support: store.support, agents: store.agents };
    server = await startWebServer({
      host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 50, bot: () => bot, support: { desk: () => desk }, maxOpenHandoffsPerIp: 3,
    });
    await store.agents.create('alice', 'alice-password-1', 'agent');
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  /** A fresh visitor from `address` asks for a person; resolves with the support frames and bot lines it got. */
  const askForPerson = async (address: string) => {
    const c = await FrameClient.connect(ws(randomUUID()), {}, { localAddress: address });
    await c.next((f) => f.type === 'history');
    c.send({ type: 'message', text: 'human please' });
    await c.next((f) => f.type === 'message' && f.message.role === 'bot');
    await server.intakeIdle();
    const support = c.frames.filter((f) => f.type === 'support');
    c.close();
    return support;
  };

  it('limits open handoff requests per client address; agents dismiss spam in bulk', async () => {
    for (let i = 0; i < 6; i++) await askForPerson('127.0.50.1');
    const refused = await askForPerson('127.0.50.1');
    assert.equal(refused[0]?.state, 'closed');
    assert.match(refused[0]?.text, /already waiting/);
    assert.equal((await store.support.waiting()).length, 3);
    // Another address still gets in line.
    assert.deepEqual(await askForPerson('127.0.51.1'), []);
    assert.equal((await store.support.waiting()).length, 4);

    // The console's bulk dismissal.
    const origin = server.url;
    const login = await fetch(`${origin}/agent/login`, {
      method: 'POST', redirect: 'manual', headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=alice&password=alice-password-1',
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = await (await fetch(`${origin}/agent/api/me`, { headers: { Cookie: cookie } })).json() as { csrfToken: string };
    const waiting = (await store.support.waiting()).map((e) => e.conversationId);
    const spam = waiting.slice(0, 3);
    const res = await fetch(`${origin}/agent/api/queue/dismiss`, {
      method: 'POST', headers: { Cookie: cookie, Origin: origin, 'X-CSRF-Token': me.csrfToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ conversationIds: [...spam, 999_999] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { dismissed: number[] }).dismissed, spam);
    assert.deepEqual((await store.support.waiting()).map((e) => e.conversationId), waiting.slice(3));
    // Without the CSRF token: refused.
    const forged = await fetch(`${origin}/agent/api/queue/dismiss`, {
      method: 'POST', headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify({ conversationIds: waiting }),
    });
    assert.equal(forged.status, 403);
  });
});
