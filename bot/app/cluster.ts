import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LocalLeaseStore, type LeaseStore } from '../../data/leases.js';
import { LocalMemberRegistry, type MemberRegistry } from '../../data/members.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisLeaseStore } from '../../data/redis/leases.js';
import { RedisMemberRegistry } from '../../data/redis/members.js';
import type { Config } from '../config.js';

/**
 * What this instance shares with the others. With `redis.url` set, several instances coordinate
 * through Redis; without it this process is the only instance and everything stays in memory.
 */
export interface Cluster {
  /** This instance's name in leases and logs: host, pid and a random suffix. */
  readonly id: string;
  /** The shared connection, when several instances run. */
  readonly redis: Redis | undefined;
  readonly leases: LeaseStore;
  /** Which instances are alive, per group (work such as Discord shards is shared out among them). */
  readonly members: MemberRegistry;
  close(): Promise<void>;
}

export function instanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export async function openCluster(config: Config): Promise<Cluster> {
  const id = instanceId();
  if (!config.redis.url) return { id, redis: undefined, leases: new LocalLeaseStore(), members: new LocalMemberRegistry(), close: async () => undefined };
  const redis = await connectRedis(config.redis.url, { name: `crossfeed:${id}` });
  return {
    id, redis, leases: new RedisLeaseStore(redis), members: new RedisMemberRegistry(redis),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
