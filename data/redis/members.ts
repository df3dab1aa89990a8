import type { Redis } from 'ioredis';
import type { MemberRegistry } from '../members.js';

// One step on the server, on the server's clock (instances' clocks may differ): drop the expired,
// (re)add the caller with its expiry as score, keep the set twice the caller's TTL (a group's members share one TTL).
const HEARTBEAT = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

/** Group membership shared by every instance on one Redis: a sorted set per group, scored by expiry. */
export class RedisMemberRegistry implements MemberRegistry {
  constructor(private readonly redis: Redis, private readonly prefix = 'crossfeed:members:') {}

  async heartbeat(group: string, id: string, ttlMs: number) {
    const members = (await this.redis.eval(HEARTBEAT, 1, this.prefix + group, id, String(ttlMs))) as string[];
    return [...members].sort();
  }

  async leave(group: string, id: string) {
    await this.redis.zrem(this.prefix + group, id);
  }
}
