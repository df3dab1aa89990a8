import type { Redis } from 'ioredis';
import type { Roster } from '../roster.js';

// A sorted set per group: member -> expiry on Redis's clock; the expired are swept on every beat.
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

/** Members of a group shared by every instance on one Redis. */
export class RedisRoster implements Roster {
  constructor(private readonly redis: Redis, private readonly prefix = 'crossfeed:roster:') {}

  async beat(group: string, member: string, ttlMs: number): Promise<string[]> {
    return ((await this.redis.eval(BEAT, 1, this.prefix + group, member, String(ttlMs))) as string[]).sort();
  }

  async leave(group: string, member: string): Promise<void> {
    await this.redis.zrem(this.prefix + group, member);
  }
}
