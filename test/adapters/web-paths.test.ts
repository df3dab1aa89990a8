import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { SupportDesk } from '../../adapters/web/agent-desk.js';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Bot } from '../../bot/bot.js';
import type { Store } from '../../data/store.js';
import { testBot } from '../helpers/test-bot.js';

/** A raw GET: the path goes on the wire exactly as written (fetch would normalize `/./`). */
function rawGet(base: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Follows redirects (at most 5) and returns the final answer and the paths visited. */
async function follow(base: string, path: string) {
  const visited = [path];
  let res = await rawGet(base, path);
  while (res.status >= 300 && res.status < 400 && visited.length < 6) {
    const next = new URL(String(res.headers.location), base);
    visited.push(next.pathname + next.search);
    res = await rawGet(base, next.pathname + next.search);
  }
  return { ...res, visited };
}

describe('adapters/web: every spelling of a path', () => {
  let server: WebServer;
  let bot: Bot;
  let store: Store;

  before(async () => {
    const t = await testBot();
    store = t.store;
    bot = t.bot;
    const desk: SupportDesk = { conversations: store.conversations, faq: store.faq, support: store.support, agents: store.agents };
    server = await startWebServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 50, bot: () => bot, support: { desk: () => desk } });
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  for (const path of ['//agent.html', '/%2fagent.html', '/./agent.html', '//admin.html', '/x/../agent.html', '/%61gent.html', '//agent', '/agent/', '/.//agent']) {
    it(`${path} never serves a console page without a login and its headers`, async () => {
      const res = await follow(server.url, path);
      if (res.status === 200) {
        assert.equal(res.visited.at(-1)?.split('?')[0], '/agent/login', `ended at ${res.visited.join(' -> ')}`);
        assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
        assert.equal(res.headers['x-frame-options'], 'DENY');
      } else {
        assert.ok([400, 404].includes(res.status), `${res.status} after ${res.visited.join(' -> ')}`);
      }
      assert.doesNotMatch(res.body, /data-testid="queue"/);
    });
  }

  for (const path of ['//', '/%69ndex.html', '//index.html', '/./index.html', '/index.html']) {
    it(`${path} serves the chat page only with its CSP`, async () => {
      const res = await follow(server.url, path);
      assert.equal(res.status, 200, res.visited.join(' -> '));
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/, res.visited.join(' -> '));
    });
  }
});
