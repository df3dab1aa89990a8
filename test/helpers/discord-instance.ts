import { buildCore } from '../../bot/app/app.js';
import type { Cluster } from '../../bot/app/cluster.js';
import { startDiscord } from '../../bot/app/commands/discord.js';
import { loadConfig } from '../../bot/config.js';
import { connectRedis } from '../../data/redis/connection.js';
import { RedisLeaseStore } from '../../data/redis/leases.js';
import { RedisMemberRegistry } from '../../data/redis/members.js';
import { LocalBus } from '../../data/bus.js';
import { MemorySessions } from '../../data/sessions.js';

/**
 * One crossfeed instance running only Discord, as a separate process (test/e2e/discord-cluster):
 * the real core and startDiscord with a Redis cluster whose keys carry the test's prefix.
 * Configuration from the environment (DISCORD_TOKEN, CROSSFEED_DISCORD_API, DISCORD_SHARDS,
 * REDIS_URL, CROSSFEED_DB); argv: <key prefix> <lease TTL ms> <renew every ms>. Prints its log
 * and "ready <instance id>"; SIGTERM shuts down gracefully (shard leases released at once).
 */
const [prefix, ttl, renew] = process.argv.slice(2);
if (!prefix || !ttl || !renew) throw new Error('usage: discord-instance <prefix> <ttl-ms> <renew-ms>');
const config = loadConfig();
const core = await buildCore(config);
const redis = await connectRedis(config.redis.url ?? '');
const id = `instance-${process.pid}`;
const cluster: Cluster = {
  id, redis, prefix, leases: new RedisLeaseStore(redis, `${prefix}lease:`), members: new RedisMemberRegistry(redis, `${prefix}members:`),
  // Discord needs neither; the web's bus and sessions stay in this process.
  bus: new LocalBus(), sessions: new MemorySessions(),
  close: async () => void (await redis.quit()),
};
const log = (line: string) => void process.stdout.write(`${line}\n`);
const discord = await startDiscord(config, core, log, { cluster, shardLeases: { leaseTtlMs: Number(ttl), renewEveryMs: Number(renew), identifyGapMs: Number(renew) } });
process.once('SIGTERM', () => {
  core.bot.stop();
  void (async () => {
    await discord?.stop();
    await cluster.close();
    await core.close();
    log('stopped');
    process.exit(0);
  })();
});
log(`ready ${id}`);
