import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LocalBus, type Bus } from '../../data/bus.js';
import { LocalLeaseStore, type LeaseStore } from '../../data/leases.js';
import { LocalMemberRegistry, type MemberRegistry } from '../../data/members.js';
import { RedisBus } from '../../data/redis/bus.js';
import { connectRedis, redactRedisUrl } from '../../data/redis/connection.js';
import { RedisLeaseStore } from '../../data/redis/leases.js';
import { RedisMemberRegistry } from '../../data/redis/members.js';
import { RedisSessions } from '../../data/redis/sessions.js';
import { MemorySessions, type SessionBackend } from '../../data/sessions.js';
import type { Config } from '../config.js';

/**
 * What this instance shares with the others. With `redis.url` set, several instances coordinate
 * through Redis; without it this process is the only instance and everything stays in memory.
 * docs/cluster.md says what is shared how.
 */
export interface Cluster {
  /** This instance's name in leases and logs: host, pid and a random suffix. */
  readonly id: string;
  /** The shared connection, when several instances run. */
  readonly redis: Redis | undefined;
  /** Start of this deployment's Redis keys and channels (`redis.prefix`). */
  readonly prefix: string;
  readonly leases: LeaseStore;
  /** Which instances are alive, per group (work such as Discord shards is shared out among them). */
  readonly members: MemberRegistry;
  /** Events every instance hears (data/bus.ts); Topics below names the composition root's. */
  readonly bus: Bus;
  /** Console login sessions: in memory, or in Redis so a login is valid on every instance. */
  readonly sessions: SessionBackend;
  /** Unsubscribes and closes the Redis connections (after the leases were released and the database closed). */
  close(): Promise<void>;
}

/** The bus topics the composition root publishes; the console's own are in adapters/web/desk-relay.ts. */
export const Topics = {
  /** A ConversationEvent (bot/support-events.ts) from the instance whose bot handled the message. */
  conversation: 'conversation',
  /** The catalog changed (dashboard, import): every instance checks its version now. */
  catalogChanged: 'catalog.changed',
  /** The FAQ changed (admin page): every instance re-reads it on its next question. */
  faqChanged: 'faq.changed',
  /** The elected instance retrained the collaborative model: the others retrain their copy now. */
  retrained: 'collaborative.retrained',
  /** How many agents have a console open on an instance (bot/agent-presence.ts). */
  presence: 'agents.presence',
} as const;

export function instanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export interface ClusterOptions {
  /** Where the bus reports that Redis stopped (or started again) taking its messages. */
  log?: (line: string) => void;
}

export async function openCluster(config: Config, o: ClusterOptions = {}): Promise<Cluster> {
  const id = instanceId();
  if (!config.redis.url) {
    const bus = new LocalBus((err, topic) => o.log?.(`bus: a ${topic} handler failed: ${String(err)}`));
    return { id, redis: undefined, prefix: config.redis.prefix, leases: new LocalLeaseStore(), members: new LocalMemberRegistry(), bus, sessions: new MemorySessions(), close: () => bus.close() };
  }
  const redis = await connectRedis(config.redis.url, { name: `crossfeed:${id}` });
  const prefix = config.redis.prefix;
  let bus: RedisBus;
  try {
    bus = await RedisBus.open(redis, {
      instanceId: id, prefix: `${prefix}bus:`, log: (line) => o.log?.(line),
      onHandlerError: (err, topic) => o.log?.(`bus: a ${topic} handler failed: ${String(err)}`),
    });
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot subscribe to Redis at ${redactRedisUrl(config.redis.url)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    id, redis, prefix, bus,
    leases: new RedisLeaseStore(redis, `${prefix}lease:`), members: new RedisMemberRegistry(redis, `${prefix}members:`), sessions: new RedisSessions(redis, `${prefix}session:`),
    async close() {
      await bus.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * A one-shot command (catalog or FAQ import) tells the running instances what it changed, so they
 * reload now. They check the version on a timer anyway: an unreachable Redis is only a warning.
 */
export async function announceChange(config: Config, topic: string, warn: (line: string) => void): Promise<void> {
  if (!config.redis.url) return;
  try {
    const cluster = await openCluster(config, { log: warn });
    await cluster.bus.publish(topic, {});
    await cluster.close();
  } catch (err) {
    warn(`running instances will see the change at their next version check: ${err instanceof Error ? err.message : String(err)}`);
  }
}
