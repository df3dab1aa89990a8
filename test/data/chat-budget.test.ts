import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisChatBudget } from '../../data/redis/chat-budget.js';
import { RedisMemberRegistry } from '../../data/redis/members.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('data/redis: a chat account\'s budget shared by instances (real Redis)', () => {
  let redis: Redis;
  let other: Redis;
  let account: string;
  const line = (channel: string, text: string, o: Partial<{ limit: number; gapMs: number; duplicateWindowMs: number }> = {}) =>
    ({ channel, text, limit: o.limit ?? 5, windowMs: 1_000, gapMs: o.gapMs ?? 0, duplicateWindowMs: o.duplicateWindowMs ?? 0 });
  before(async () => {
    redis = await connectRedis(TEST_REDIS_URL);
    other = await connectRedis(TEST_REDIS_URL);
  });
  beforeEach(() => {
    account = `bot_${randomBytes(4).toString('hex')}`;
  });
  after(() => {
    redis.disconnect();
    other.disconnect();
  });

  it('two instances racing for one account window get exactly the limit between them, then a wait', async () => {
    const prefix = redisPrefix('budget');
    const a = new RedisChatBudget(redis, account, prefix);
    const b = new RedisChatBudget(other, account, prefix);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).takeMessage(line(`c${i}`, `hello ${i}`, { limit: 18 }))));
    assert.equal(answers.filter((x) => x.granted).length, 18);
    for (const x of answers.filter((y) => !y.granted)) assert.ok('waitMs' in x && x.waitMs > 0 && x.waitMs <= 1_000);
    // Another account is not affected.
    assert.equal((await new RedisChatBudget(redis, `${account}x`, prefix).takeMessage(line('c0', 'hi'))).granted, true);
  });

  it('the window slides: once the oldest send leaves it, one more is granted', async () => {
    const budget = new RedisChatBudget(redis, account, redisPrefix('budget'));
    for (let i = 0; i < 3; i++) assert.equal((await budget.takeMessage(line(`c${i}`, 'x', { limit: 3 }))).granted, true);
    const refused = await budget.takeMessage(line('c9', 'x', { limit: 3 }));
    assert.ok(!refused.granted && 'waitMs' in refused);
    await sleep(refused.waitMs + 20);
    assert.equal((await budget.takeMessage(line('c9', 'x', { limit: 3 }))).granted, true);
  });

  it('one channel: the gap holds across instances, and the same text within the duplicate window is refused', async () => {
    const prefix = redisPrefix('budget');
    const a = new RedisChatBudget(redis, account, prefix);
    const b = new RedisChatBudget(other, account, prefix);
    assert.equal((await a.takeMessage(line('room', 'same answer', { gapMs: 200, duplicateWindowMs: 2_000 }))).granted, true);
    const tooSoon = await b.takeMessage(line('Room', 'other answer', { gapMs: 200, duplicateWindowMs: 2_000 }));
    assert.ok(!tooSoon.granted && 'waitMs' in tooSoon && tooSoon.waitMs <= 200, 'channel names compare without case');
    await sleep(250);
    assert.deepEqual(await b.takeMessage(line('room', 'same answer ', { gapMs: 200, duplicateWindowMs: 2_000 })), { granted: false, duplicate: true });
    assert.equal((await b.takeMessage(line('room', 'other answer', { gapMs: 200, duplicateWindowMs: 2_000 }))).granted, true);
    // Privileged (no gap, no duplicate rule): only the account window applies.
    assert.equal((await a.takeMessage(line('room', 'other answer'))).granted, true);
  });

  it('JOINs have their own shared window', async () => {
    const prefix = redisPrefix('budget');
    const a = new RedisChatBudget(redis, account, prefix);
    const b = new RedisChatBudget(other, account, prefix);
    const joins = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).takeJoin({ limit: 4, windowMs: 1_000 })));
    assert.equal(joins.filter((x) => x.granted).length, 4);
    assert.equal((await a.takeMessage(line('c', 'still free for messages'))).granted, true);
  });

  it('the members list shows those alive within their TTL; leaving takes one out at once', async () => {
    const roster = new RedisMemberRegistry(redis, redisPrefix('members'));
    await roster.heartbeat('g', 'a', 5_000);
    await roster.heartbeat('g', 'short', 50);
    assert.deepEqual(await roster.heartbeat('g', 'b', 5_000), ['a', 'b', 'short']);
    await sleep(100);
    assert.deepEqual(await roster.heartbeat('g', 'b', 5_000), ['a', 'b']);
    await roster.leave('g', 'a');
    assert.deepEqual(await roster.heartbeat('g', 'b', 5_000), ['b']);
  });
});
