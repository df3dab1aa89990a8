import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Bot } from '../../bot/bot.js';
import type { Store } from '../../data/store.js';
import { testBot } from '../helpers/test-bot.js';
import { FrameClient } from '../helpers/ws-client.js';

describe('adapters/web server', () => {
  let server: WebServer;
  let bot: Bot | undefined;
  let store: Store;
  let wsUrl: (visitor: string) => string;

  before(async () => {
    const t = await testBot();
    store = t.store;
    server = await startWebServer({ host: '127.0.0.1', port: 0, allowedOrigins: ['https://shop.example'], maxConnectionsPerIp: 50, bot: () => bot });
    bot = t.bot;
    wsUrl = (visitor) => `${server.url.replace('http', 'ws')}/ws?visitor=${visitor}`;
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  it('reports health only once the bot is ready', async () => {
    const saved = bot;
    bot = undefined;
    const starting = await fetch(`${server.url}/healthz`);
    assert.equal(starting.status, 503);
    bot = saved;
    const ready = await fetch(`${server.url}/healthz`);
    assert.deepEqual([ready.status, await ready.json()], [200, { status: 'ok' }]);
  });

  it('serves the chat page and the embeddable widget', async () => {
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await page.text(), /data-testid="chat-input"/);
    const widget = await fetch(`${server.url}/widget.js`);
    assert.equal(widget.status, 200);
    assert.match(widget.headers.get('content-type') ?? '', /javascript/);
  });

  it('chats: history on connect, the user message echoed with its clientId, then the bot reply with cards', async () => {
    const visitor = randomUUID();
    const c = await FrameClient.connect(wsUrl(visitor));
    assert.deepEqual(await c.next((f) => f.type === 'history'), { type: 'history', messages: [] });
    c.send({ type: 'message', text: 'beginner python course under $30', clientId: 'c-1' });
    const echo = await c.next((f) => f.type === 'message' && f.message.role === 'user');
    assert.equal(echo.message.clientId, 'c-1');
    const reply = await c.next((f) => f.type === 'message' && f.message.role === 'bot');
    assert.ok(reply.message.cards.length > 0);
    c.close();
    // A reconnect (a page reload) gets the whole conversation back.
    const again = await FrameClient.connect(wsUrl(visitor));
    const history = await again.next((f) => f.type === 'history');
    assert.deepEqual(history.messages.map((m: { role: string }) => m.role), ['user', 'bot']);
    assert.equal(history.messages[1].cards.length, reply.message.cards.length);
    again.close();
  });

  it('disconnects a client sending garbage without affecting anyone else', async () => {
    const good = await FrameClient.connect(wsUrl(randomUUID()));
    await good.next((f) => f.type === 'history');
    const cases: [string, (c: FrameClient) => void, number][] = [
      ['not JSON', (c) => c.send('{{{ nope'), 1003],
      ['unknown frame', (c) => c.send({ type: 'admin', cmd: 'drop' }), 1003],
      ['binary frame', (c) => c.ws.send(Buffer.from([1, 2, 3])), 1003],
      ['invalid UTF-8', (c) => c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }), 1007],
      ['oversized frame', (c) => c.send({ type: 'message', text: 'x'.repeat(100 * 1024) }), 1009],
    ];
    for (const [name, act, code] of cases) {
      const bad = await FrameClient.connect(wsUrl(randomUUID()));
      await bad.next((f) => f.type === 'history');
      act(bad);
      assert.equal((await bad.waitClosed()).code, code, name);
    }
    good.send({ type: 'message', text: 'hi' });
    assert.ok(await good.next((f) => f.type === 'message' && f.message.role === 'bot'));
    good.close();
  });

  it('refuses sockets without a valid visitor id or from foreign origins', async () => {
    const noId = await FrameClient.connect(`${server.url.replace('http', 'ws')}/ws?visitor=../../etc`);
    assert.equal((await noId.waitClosed()).code, 1008);
    const foreign = await FrameClient.connect(wsUrl(randomUUID()), { Origin: 'https://evil.example' });
    assert.equal((await foreign.waitClosed()).code, 1008);
    const allowed = await FrameClient.connect(wsUrl(randomUUID()), { Origin: 'https://shop.example' });
    assert.equal((await allowed.next((f) => f.type === 'history')).type, 'history');
    allowed.close();
  });

  it('rate-limits a flooding visitor with a polite error instead of answering everything', async () => {
    const c = await FrameClient.connect(wsUrl(randomUUID()));
    await c.next((f) => f.type === 'history');
    for (let i = 0; i < 15; i++) c.send({ type: 'message', text: `hi ${i}` });
    const err = await c.next((f) => f.type === 'error');
    assert.equal(err.code, 'rate_limited');
    c.close();
  });
});
