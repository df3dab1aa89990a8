import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import { PrivateRedis } from '../helpers/redis-server.js';
import { freePort, ServerProcess } from '../helpers/server-process.js';
import { FrameClient } from '../helpers/ws-client.js';

/**
 * Two `crossfeed start` processes sharing one database file and one Redis: a visitor connected to
 * instance A, an agent whose console is on instance B, logged in on A.
 */
describe('e2e: two instances behind one Redis: visitor on A, agent console on B', function () {
  this.timeout(240_000);
  let dir: string;
  let redis: PrivateRedis;
  let a: ServerProcess;
  let b: ServerProcess;
  const sockets: FrameClient[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossfeed-cluster-'));
    const db = join(dir, 'shared.db');
    const store = await openSqliteStore(db);
    await store.agents.create('alice', 'alice-password-1', 'agent');
    await store.close();
    redis = await PrivateRedis.start();
    const env = { CROSSFEED_DB: db, REDIS_URL: redis.url };
    a = await ServerProcess.start(env);
    b = await ServerProcess.start(env);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await a?.stop();
    await b?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Redis unreachable at start: a clear error naming the URL without its password, and a non-zero exit', async () => {
    const url = `redis://crossfeed:hunter2@127.0.0.1:${await freePort()}`;
    const err = await ServerProcess.start({ REDIS_URL: url }).then(() => undefined, (e: Error) => e);
    assert.ok(err, 'start must fail');
    assert.match(err.message, /exited with 1/);
    assert.match(err.message, /cannot reach Redis at redis:\/\/crossfeed:\*\*\*@127\.0\.0\.1:\d+/);
    assert.doesNotMatch(err.message, /hunter2/);
  });

  it('the agent on B sees the visitor on A, takes the conversation and replies; the visitor gets it once; the login from A works on B', async () => {
    // Log in on A; the cookie works on B (sessions live in Redis).
    const login = await fetch(`${a.url}/agent/login`, {
      method: 'POST', redirect: 'manual', headers: { Origin: a.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=alice&password=alice-password-1',
    });
    assert.equal(login.status, 303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const meOnB = await fetch(`${b.url}/agent/api/me`, { headers: { Cookie: cookie } });
    assert.equal(meOnB.status, 200, 'the session made on A is valid on B');
    const { csrfToken } = await meOnB.json() as { csrfToken: string };
    const call = (path: string, body?: unknown) => fetch(`${b.url}${path}`, {
      method: 'POST', headers: { Cookie: cookie, Origin: b.url, 'X-CSRF-Token': csrfToken, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

    const agent = await FrameClient.connect(`${b.url.replace('http', 'ws')}/agent/ws`, { Cookie: cookie, Origin: b.url });
    sockets.push(agent);
    await agent.next((f) => f.type === 'hello');

    const visitor = await FrameClient.connect(`${a.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`);
    sockets.push(visitor);
    await visitor.next((f) => f.type === 'history');
    visitor.send({ type: 'message', text: 'I want to talk to a human' });
    await visitor.next((f) => f.type === 'message' && f.message.role === 'bot');

    // B's console learns of the queue entry A's bot made.
    const queued = await agent.next((f) => f.type === 'queue' && f.items.length > 0, 20_000);
    const conversationId = queued.items[0].conversationId as number;
    agent.send({ type: 'watch', conversationId, after: 0 });
    const lines = await agent.next((f) => f.type === 'messages' && f.conversationId === conversationId, 20_000);
    assert.ok(lines.messages.some((m: { role: string; text: string }) => m.role === 'user' && /talk to a human/.test(m.text)), JSON.stringify(lines));

    assert.equal((await call(`/agent/api/conversations/${conversationId}/take`)).status, 200);
    assert.equal((await visitor.next((f) => f.type === 'support' && f.state === 'taken', 20_000)).state, 'taken', 'the visitor on A hears the take on B');

    // While taken, the visitor's next line (handled on A) reaches the console on B.
    visitor.send({ type: 'message', text: 'my order 1234 never arrived' });
    const more = await agent.next((f) => f.type === 'messages' && f.messages.some((m: { text: string }) => /1234/.test(m.text)), 20_000);
    assert.equal(more.conversationId, conversationId);

    assert.equal((await call(`/agent/api/conversations/${conversationId}/reply`, { text: 'Hello from instance B' })).status, 200);
    const reply = await visitor.next((f) => f.type === 'message' && f.message.role === 'agent', 20_000);
    assert.equal(reply.message.text, 'Hello from instance B');
    // Hand back: its frame follows the reply's, so once it is in, a second copy of the reply would be too.
    assert.equal((await call(`/agent/api/conversations/${conversationId}/hand-back`)).status, 200);
    await visitor.next((f) => f.type === 'support' && f.state === 'bot', 20_000);
    assert.equal(visitor.frames.filter((f) => f.type === 'message' && f.message.role === 'agent').length, 0, 'the reply arrived exactly once');

    // Logging out on B ends the session on A too.
    assert.equal((await call('/agent/logout')).status, 204);
    assert.equal((await fetch(`${a.url}/agent/api/me`, { headers: { Cookie: cookie } })).status, 401);
  });

  it('Redis stops: the bot keeps answering and says so once; Redis back: logins shared again', async () => {
    await redis.stop();
    const visitor = await FrameClient.connect(`${a.url.replace('http', 'ws')}/ws?visitor=${randomUUID()}`);
    sockets.push(visitor);
    await visitor.next((f) => f.type === 'history');
    for (const text of ['any python course?', 'what are your opening hours?', 'I want to talk to a human']) {
      visitor.send({ type: 'message', text });
      await visitor.next((f) => f.type === 'message' && f.message.role === 'bot', 20_000);
    }
    // The handoff above published a conversation event (and presence is announced every few seconds): one line for the outage.
    const failing = () => a.output.join('').split('\n').filter((l) => /cannot publish to Redis/.test(l)).length;
    assert.equal(failing(), 1, a.output.join(''));

    await redis.restart();
    // The restarted Redis is empty (no persistence): log in again on A, once A's connection is back.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const login = await fetch(`${a.url}/agent/login`, {
        method: 'POST', redirect: 'manual', headers: { Origin: a.url, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'username=alice&password=alice-password-1',
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      if (login.status === 303 && (await fetch(`${b.url}/agent/api/me`, { headers: { Cookie: cookie } })).status === 200) break;
      if (Date.now() > deadline) throw new Error(`logins not shared again after Redis came back (login ${login.status})`);
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(failing(), 1);
  });
});
