import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { LocalLeaseStore, type LeaseStore } from '../../data/leases.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisLeaseStore } from '../../data/redis/leases.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same cases for the in-process leases and Redis's (real server, own key prefix). */
for (const kind of ['local', 'redis'] as const) {
  describe(`leases (${kind})`, () => {
    let redis: Redis | undefined;
    let leases: LeaseStore;
    before(async () => {
      if (kind === 'redis') redis = await connectRedis(TEST_REDIS_URL);
    });
    beforeEach(() => {
      leases = kind === 'redis' ? new RedisLeaseStore(redis!, redisPrefix('lease')) : new LocalLeaseStore();
    });
    after(() => redis?.disconnect());

    it('one holder at a time; the holder renews, others are refused', async () => {
      assert.equal(await leases.acquire('twitch:#a', 'i1', 5_000), true);
      assert.equal(await leases.acquire('twitch:#a', 'i2', 5_000), false);
      assert.equal(await leases.acquire('twitch:#a', 'i1', 5_000), true, 'acquire by the holder renews');
      assert.equal(await leases.renew('twitch:#a', 'i2', 5_000), false);
      assert.equal(await leases.renew('twitch:#a', 'i1', 5_000), true);
      assert.equal(await leases.holder('twitch:#a'), 'i1');
    });

    it('release hands over at once, and only by the holder', async () => {
      await leases.acquire('k', 'i1', 5_000);
      assert.equal(await leases.release('k', 'i2'), false);
      assert.equal(await leases.holder('k'), 'i1');
      assert.equal(await leases.release('k', 'i1'), true);
      assert.equal(await leases.acquire('k', 'i2', 5_000), true);
    });

    it('an unrenewed lease expires and can be taken; the old holder cannot renew it', async () => {
      await leases.acquire('k', 'dead', 60);
      await sleep(120);
      assert.equal(await leases.holder('k'), null);
      assert.equal(await leases.acquire('k', 'alive', 5_000), true);
      assert.equal(await leases.renew('k', 'dead', 5_000), false);
    });

    it('many racing for one lease: exactly one wins', async () => {
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => leases.acquire('race', `i${i}`, 5_000)));
      assert.equal(wins.filter(Boolean).length, 1);
    });
  });
}

describe('connectRedis', () => {
  it('names the URL, without its password, when Redis is unreachable', async () => {
    await assert.rejects(connectRedis('redis://cf:hunter2@127.0.0.1:1', { connectTimeoutMs: 1_000 }), (err: Error) => {
      assert.match(err.message, /cannot reach Redis at redis:\/\/cf:\*\*\*@127\.0\.0\.1:1/);
      assert.doesNotMatch(err.message, /hunter2/);
      return true;
    });
  });
});
