import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { SupportDesk } from '../../adapters/web/agent-desk.js';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Store } from '../../data/store.js';
import { testBot } from '../helpers/test-bot.js';

describe('adapters/web login throttling per account', () => {
  let server: WebServer;
  let store: Store;

  before(async () => {
    const t = await testBot();
    store = t.store;
    const desk: SupportDesk = { conversations: store.conversations, faq: store.faq, support: store.support, agents: store.agents };
    server = await startWebServer({
      host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 50, bot: () => t.bot,
      support: { desk: () => desk, login: { accountFreeFailures: 3, accountBaseBackoffMs: 2000, accountMaxBackoffMs: 2000 } },
    });
    await store.agents.create('ana', 'ana-password-1', 'agent');
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  /** A login form post from `address`: 303 (to /agent on success, back to the form on failure) or 429. */
  const login = (address: string, username: string, password: string): Promise<{ status: number; location?: string }> => {
    const url = new URL(server.url);
    const body = new URLSearchParams({ username, password }).toString();
    return new Promise((resolve, reject) => {
      const req = request({
        host: url.hostname, port: url.port, path: '/agent/login', method: 'POST', localAddress: address,
        headers: { Origin: server.url, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  };

  it('slows guesses spread over many addresses, yet never locks the agent out for long', async function () {
    this.timeout(20_000);
    // Ana logs in from her usual address once: it becomes known for her account.
    assert.equal((await login('127.0.70.1', 'ana', 'ana-password-1')).location, '/agent');
    // Guesses from ten addresses, one each: no address is over its own limit.
    const guesses = [];
    for (let i = 0; i < 10; i++) guesses.push((await login(`127.0.71.${i + 1}`, 'ana', `guess-${i}`)).status);
    assert.ok(guesses.slice(0, 3).every((s) => s === 303), `${guesses}`);
    assert.ok(guesses.includes(429), `every guess was answered: ${guesses}`);
    // Even the right password waits from a new address...
    assert.equal((await login('127.0.73.1', 'ana', 'ana-password-1')).status, 429);
    // ...but not from Ana's known address,
    assert.equal((await login('127.0.70.1', 'ana', 'ana-password-1')).location, '/agent');
    // and the backoff is capped (here 2 s): a new address gets in after it.
    for (let i = 0; i < 5; i++) await login(`127.0.74.${i + 1}`, 'ana', `guess-${i}`);
    assert.equal((await login('127.0.73.2', 'ana', 'ana-password-1')).status, 429);
    await new Promise((r) => setTimeout(r, 2100));
    assert.equal((await login('127.0.73.3', 'ana', 'ana-password-1')).location, '/agent');
    // A name that does not exist is throttled the same way: nothing tells the two apart.
    const unknown = [];
    for (let i = 0; i < 10; i++) unknown.push((await login(`127.0.72.${i + 1}`, 'nobody', `guess-${i}`)).status);
    assert.ok(unknown.slice(0, 3).every((s) => s === 303) && unknown.includes(429), `${unknown}`);
  });
});
