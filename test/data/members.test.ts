import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { LocalMemberRegistry, type MemberRegistry } from '../../data/members.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisMemberRegistry } from '../../data/redis/members.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same cases for in-process membership and Redis's (real server, own key prefix). */
for (const kind of ['local', 'redis'] as const) {
  describe(`group membership (${kind})`, () => {
    let redis: Redis | undefined;
    let members: MemberRegistry;
    before(async () => {
      if (kind === 'redis') redis = await connectRedis(TEST_REDIS_URL);
    });
    beforeEach(() => {
      members = kind === 'redis' ? new RedisMemberRegistry(redis!, redisPrefix('members')) : new LocalMemberRegistry();
    });
    after(() => redis?.disconnect());

    it('a heartbeat returns every live member of the group, sorted; groups are separate', async () => {
      assert.deepEqual(await members.heartbeat('discord', 'b', 5_000), ['b']);
      assert.deepEqual(await members.heartbeat('discord', 'a', 5_000), ['a', 'b']);
      assert.deepEqual(await members.heartbeat('discord', 'b', 5_000), ['a', 'b'], 'a second heartbeat does not add a member twice');
      assert.deepEqual(await members.heartbeat('other', 'c', 5_000), ['c']);
    });

    it('a member that stops heartbeating drops out after its TTL; one that leaves drops out at once', async () => {
      await members.heartbeat('g', 'dead', 60);
      await members.heartbeat('g', 'leaving', 5_000);
      await members.leave('g', 'leaving');
      await sleep(120);
      assert.deepEqual(await members.heartbeat('g', 'alive', 5_000), ['alive']);
    });
  });
}
