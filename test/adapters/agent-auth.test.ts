import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { LoginThrottle, readCookie, sameOrigin, SESSION_COOKIE, SessionStore } from '../../adapters/web/auth.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisSessions } from '../../data/redis/sessions.js';
import { MemorySessions } from '../../data/sessions.js';
import { redisPrefix, TEST_REDIS_URL } from '../helpers/servers.js';

const agent = { id: 1, username: 'alice', role: 'agent' as const, createdAt: '2027-01-01T00:00:00Z' };
const req = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

describe('adapters/web console auth', () => {
  let redis: Redis;
  before(async () => { redis = await connectRedis(TEST_REDIS_URL); });
  after(async () => { await redis.quit(); });

  // The same rules whichever backend keeps the sessions: memory (one instance) or Redis (shared).
  // Times are in units of a minute so that Redis's real-time expiry never cuts in before the clock says.
  for (const kind of ['memory', 'redis'] as const) {
    it(`sessions (${kind}): random 256-bit ids, found by cookie, ended by idle time, age, or logout`, async () => {
      const U = 60_000;
      let now = 0;
      const backend = kind === 'memory' ? new MemorySessions(() => now) : new RedisSessions(redis, redisPrefix('sessions'));
      const sessions = new SessionStore({ idleMs: 1000 * U, maxAgeMs: 5000 * U, now: () => now, backend });
      const s = await sessions.create(agent);
      assert.match(s.id, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(s.id, s.csrfToken);
      assert.notEqual((await sessions.create(agent)).id, s.id);
      const r = req({ cookie: `other=1; ${SESSION_COOKIE}=${s.id}` });
      now = 900 * U;
      assert.equal((await sessions.fromRequest(r))?.agent.username, 'alice');
      now = 1800 * U;
      assert.ok(await sessions.fromRequest(r), 'each request extends the idle deadline');
      now = 2900 * U;
      assert.equal(await sessions.fromRequest(r), undefined, 'idle too long');
      const t = await sessions.create(agent);
      const rt = req({ cookie: `${SESSION_COOKIE}=${t.id}` });
      for (now = 3000 * U; now <= 8000 * U; now += 800 * U) await sessions.fromRequest(rt);
      assert.equal(await sessions.fromRequest(rt), undefined, 'older than maxAgeMs');
      const u = await sessions.create(agent);
      await sessions.destroy(u.id);
      assert.equal(await sessions.isLive(u.id), false);
      const v = await sessions.create(agent);
      const w = await sessions.create({ ...agent, id: 2, username: 'bob' });
      await sessions.destroyAgent(agent.id);
      assert.equal(await sessions.isLive(v.id), false, 'revoking an agent ends its sessions');
      assert.equal(await sessions.isLive(w.id), true, "and no one else's");
    });
  }

  it('Redis sessions: a login kept by one instance is valid on another; logout there ends it everywhere', async () => {
    const prefix = redisPrefix('sessions');
    const other = await connectRedis(TEST_REDIS_URL);
    try {
      const a = new SessionStore({ backend: new RedisSessions(redis, prefix) });
      const b = new SessionStore({ backend: new RedisSessions(other, prefix) });
      const s = await a.create(agent);
      const r = req({ cookie: `${SESSION_COOKIE}=${s.id}` });
      const seen = await b.fromRequest(r);
      assert.equal(seen?.agent.username, 'alice');
      assert.equal(seen?.csrfToken, s.csrfToken, 'the same CSRF token on every instance');
      const ttl = await redis.pttl(`${prefix}${s.id}`);
      assert.ok(ttl > 0 && ttl <= 2 * 60 * 60_000, `the key expires with the session (idle 2 h), pttl ${ttl}`);
      await b.destroy(s.id);
      assert.equal(await a.fromRequest(r), undefined);
    } finally {
      await other.quit();
    }
  });

  it('reads only well-formed session cookies', () => {
    const id = 'a'.repeat(43);
    assert.equal(readCookie(`${SESSION_COOKIE}=${id}`, SESSION_COOKIE), id);
    assert.equal(readCookie(`${SESSION_COOKIE}=../etc`, SESSION_COOKIE), undefined);
    assert.equal(readCookie(undefined, SESSION_COOKIE), undefined);
  });

  it('same origin: Origin (or Referer) must name this host or a configured origin', () => {
    assert.equal(sameOrigin(req({ host: 'desk.example:8080', origin: 'http://desk.example:8080' })), true);
    assert.equal(sameOrigin(req({ host: 'desk.example:8080', referer: 'http://desk.example:8080/agent' })), true);
    assert.equal(sameOrigin(req({ host: 'desk.example:8080', origin: 'http://evil.example' })), false);
    assert.equal(sameOrigin(req({ host: 'desk.example:8080', origin: 'null' })), false);
    assert.equal(sameOrigin(req({ host: 'desk.example:8080' })), false, 'neither header: refused');
    assert.equal(sameOrigin(req({ host: '127.0.0.1:8080', origin: 'https://desk.example' }), ['https://desk.example']), true);
  });

  it('login throttle: failures per address in a window; successes cost nothing', () => {
    let now = 0;
    const t = new LoginThrottle(3, 60_000, 100, () => now);
    for (let i = 0; i < 3; i++) {
      assert.equal(t.retryAfterS('1.2.3.4'), 0);
      t.fail('1.2.3.4');
    }
    assert.equal(t.retryAfterS('1.2.3.4'), 60);
    assert.equal(t.retryAfterS('5.6.7.8'), 0, 'other addresses unaffected');
    now = 60_000;
    assert.equal(t.retryAfterS('1.2.3.4'), 0, 'window over');
  });
});
