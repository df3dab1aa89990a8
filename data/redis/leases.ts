import type { Redis } from 'ioredis';
import type { LeaseStore } from '../leases.js';

// Compare-and-set in one step on the server: only the holder may renew or release its lease.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const ACQUIRE = `local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;

/** Leases shared by every instance on one Redis: a key per lease, its value the holder, its TTL the expiry. */
export class RedisLeaseStore implements LeaseStore {
  constructor(private readonly redis: Redis, private readonly prefix = 'crossfeed:lease:') {}

  async acquire(key: string, owner: string, ttlMs: number) {
    return (await this.redis.eval(ACQUIRE, 1, this.prefix + key, owner, String(ttlMs))) === 1;
  }

  async renew(key: string, owner: string, ttlMs: number) {
    return (await this.redis.eval(RENEW, 1, this.prefix + key, owner, String(ttlMs))) === 1;
  }

  async release(key: string, owner: string) {
    return (await this.redis.eval(RELEASE, 1, this.prefix + key, owner)) === 1;
  }

  async holder(key: string) {
    return this.redis.get(this.prefix + key);
  }
}
