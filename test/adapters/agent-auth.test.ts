import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { LoginThrottle, readCookie, sameOrigin, SESSION_COOKIE, SessionStore } from '../../adapters/web/auth.js';

const agent = { id: 1, username: 'alice', role: 'agent' as const, createdAt: '2027-01-01T00:00:00Z' };
const req = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

describe('adapters/web console auth', () => {
  it('sessions: random 256-bit ids, found by cookie, ended by idle time, age, or logout', () => {
    let now = 0;
    const sessions = new SessionStore({ idleMs: 1000, maxAgeMs: 5000, now: () => now });
    const s = sessions.create(agent);
    assert.match(s.id, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(s.id, s.csrfToken);
    assert.notEqual(sessions.create(agent).id, s.id);
    const r = req({ cookie: `other=1; ${SESSION_COOKIE}=${s.id}` });
    now = 900;
    assert.equal(sessions.fromRequest(r)?.agent.username, 'alice');
    now = 1800;
    assert.ok(sessions.fromRequest(r), 'each request extends the idle deadline');
    now = 2900;
    assert.equal(sessions.fromRequest(r), undefined, 'idle too long');
    const t = sessions.create(agent);
    const rt = req({ cookie: `${SESSION_COOKIE}=${t.id}` });
    for (now = 3000; now <= 8000; now += 800) sessions.fromRequest(rt);
    assert.equal(sessions.fromRequest(rt), undefined, 'older than maxAgeMs');
    const u = sessions.create(agent);
    sessions.destroy(u.id);
    assert.equal(sessions.isLive(u.id), false);
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
