import { connectRedis } from '../../data/redis/connection.js';
import { RedisMemberRegistry } from '../../data/redis/members.js';
import { RedisLeaseStore } from '../../data/redis/leases.js';
import { scaleRules, TwitchChatRules } from '../../adapters/twitch/rules.js';
import { Bot } from '../../bot/bot.js';
import { instanceId } from '../../bot/app/cluster.js';
import { launchTwitch } from '../../bot/app/commands/twitch.js';
import { openStore } from '../../bot/app/store.js';
import { seededRng } from '../../recommender/random.js';
import { Recommender } from '../../recommender/recommender.js';
import { seedItems } from './catalog.js';
import { KeywordNlu } from './keyword-nlu.js';

/**
 * One bot instance of a Twitch cluster test, as a real process (so it can be SIGKILLed): the
 * pipeline with the keyword NLU on the shared database (CROSSFEED_DB, or DATABASE_URL once the
 * PostgreSQL store is in), the Twitch adapter through `launchTwitch` with real Redis leases and
 * the shared budget, against the local Twitch server. Rules and lease timings are scaled down.
 * argv: one JSON object (see Args). Prints {"id"} once started, {"held":[...]} on changes;
 * SIGTERM stops gracefully (channels released at once) and exits 0.
 */
interface Args {
  port: number; login: string; channels: string[]; redisUrl: string; prefix: string; dbPath: string;
  ruleScale: number; ttlMs: number; renewMs: number; safetyMs: number;
}
const a = JSON.parse(process.argv[2] ?? '{}') as Args;
const store = await openStore({ path: a.dbPath, ...(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {}) });
const items = await seedItems();
const bot = new Bot({ nlu: new KeywordNlu(), recommender: new Recommender(items), store, random: seededRng(process.pid),
  onError: (err) => process.stderr.write(`message failed: ${err instanceof Error ? err.stack : String(err)}\n`) });
const redis = await connectRedis(a.redisUrl);
const id = instanceId();
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const twitch = launchTwitch({
  bot, channels: () => a.channels, cluster: { id, redis, prefix: a.prefix, leases: new RedisLeaseStore(redis, `${a.prefix}lease:`), members: new RedisMemberRegistry(redis, `${a.prefix}members:`) },
  leaseTimings: { ttlMs: a.ttlMs, renewMs: a.renewMs, safetyMs: a.safetyMs },
  log: (line) => process.stderr.write(`${id} ${line}\n`),
  adapter: {
    server: { host: '127.0.0.1', port: a.port, secure: false }, username: a.login, token: 'oauth:test',
    rules: scaleRules(TwitchChatRules, a.ruleScale), maxAnswerAgeMs: 4_000, answersPerUserPerMinute: 100, inboundPerUserPerMinute: 1_000,
    connection: { reconnectInitialMs: 50, reconnectMaxMs: 400, joinTimeoutMs: 1_000 },
    log: (line) => process.stderr.write(`${id} ${line}\n`),
  },
});
out({ id });
let last = '';
const report = setInterval(() => {
  const held = JSON.stringify(twitch.assignment?.channels() ?? []);
  const stats = JSON.stringify(twitch.adapter.stats());
  if (held + stats !== last) out({ held: JSON.parse(held) as string[], stats: JSON.parse(stats) as unknown });
  last = held + stats;
}, 250);
process.once('SIGTERM', () => {
  clearInterval(report);
  void (async () => {
    await twitch.stop();
    out({ stopped: true, stats: twitch.adapter.stats() });
    await redis.quit();
    await store.close();
    process.exit(0);
  })();
});
