import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShardingManager } from 'discord.js';
import { DiscordAdapter, type DiscordStats } from '../../../adapters/discord/adapter.js';
import { DiscordShards } from '../../../adapters/discord/shards.js';
import type { DiscordChannelSettings } from '../../../adapters/discord/settings.js';
import { maskingLog } from '../../../data/pii.js';
import { buildCore, type Core } from '../app.js';
import type { Cluster } from '../cluster.js';
import { loadConfig, type Config } from '../../config.js';
import { createProcessLog } from '../../log.js';
import { runShutdown } from '../../shutdown.js';

export interface StartDiscordOptions {
  /** Shared with the other instances: with Redis, the shards (`discord.shards`) are spread over them through leases. */
  cluster?: Cluster;
  /** Shard lease timings (adapters/discord/shards.ts); tests shorten them. */
  shardLeases?: { leaseTtlMs?: number; renewEveryMs?: number; identifyGapMs?: number };
}

/**
 * Connects to Discord when DISCORD_TOKEN is set. Alone (no Redis), one client runs every shard
 * (`discord.shards`, default 1) and registers the slash commands. With Redis, this instance runs
 * the shards it holds leases on, one client each, and whoever holds shard 0 registers the
 * commands (only when Discord's set differs): docs/cluster-discord.md.
 */
export async function startDiscord(config: Config, core: Core, log: (line: string) => void, o: StartDiscordOptions = {}): Promise<{ stop(): Promise<void>; shards?: DiscordShards } | undefined> {
  const d = config.discord;
  if (!d.token) return undefined;
  const settings: DiscordChannelSettings = {
    get: async (channelId) => (await core.store.channels.list('discord')).find((c) => c.name === channelId)?.settings ?? {},
    put: async (channelId, s) => {
      await core.store.channels.put('discord', channelId, s);
      await core.channels.refresh();
    },
  };
  const adapterFor = (shards?: readonly number[]) => new DiscordAdapter(core.bot, {
    token: d.token!, api: d.api, messageContent: d.messageContent, maxAnswerAgeMs: d.maxAnswerAgeSeconds * 1000,
    ...(d.guildId ? { guildId: d.guildId } : {}),
    ...(shards ? { shards, shardCount: d.shards } : {}),
    // The adapter's lines can quote what users wrote: emails and phone numbers are masked.
    settings, log: maskingLog(log, 'discord: '),
  });
  const report = (s: DiscordStats | undefined) => {
    if (!s) return;
    log(`discord: sent ${s.sent} messages, ${s.interactions} interactions (${s.expired} expired), dropped ${Object.entries(s.dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  };
  const cluster = o.cluster;
  if (cluster?.redis) {
    const shards = new DiscordShards({
      shardCount: d.shards, instanceId: cluster.id, leases: cluster.leases, members: cluster.members,
      adapter: (shard) => adapterFor([shard]), log: maskingLog(log, 'discord: '), ...o.shardLeases,
    });
    await shards.start();
    log(`discord: ${d.shards} shards shared with the other instances; running ${shards.held().join(',') || 'none yet'} here`);
    return {
      shards,
      async stop() {
        await shards.stop();
        report(shards.stats());
      },
    };
  }
  // Under the ShardingManager (npm run discord:shards) discord.js gives this process its shards.
  const all = d.shards > 1 && !process.env['SHARDING_MANAGER'] ? Array.from({ length: d.shards }, (_, i) => i) : undefined;
  const adapter = adapterFor(all);
  await adapter.start();
  const app = adapter.client.application?.id;
  if (d.appId && app && d.appId !== app) log(`discord: DISCORD_APP_ID is ${d.appId} but the token belongs to application ${app}`);
  const shards = adapter.client.shard ? ` (shards ${adapter.client.shard.ids.join(',')} of ${adapter.client.shard.count})` : d.shards > 1 ? ` (${d.shards} shards)` : '';
  log(`discord: connected as ${adapter.client.user?.tag ?? '?'}${shards}, ${adapter.client.guilds.cache.size} servers`);
  return {
    async stop() {
      report(adapter.stats());
      await adapter.stop();
    },
  };
}

/**
 * `node dist/bot/app/commands/discord.js [--shards N]`: runs the Discord bot under discord.js's
 * ShardingManager, one process per shard (this same file; discord.js tells each which shards it
 * runs). Shard processes start only Discord: the web chat and Twitch stay with `crossfeed start`.
 */
async function main(argv: readonly string[]): Promise<void> {
  const config = loadConfig();
  // The same structured, masked log as `crossfeed start` (bot/log.ts), one logger per process.
  const log = createProcessLog({ format: config.log.format });
  if (!config.discord.token) throw new Error('DISCORD_TOKEN is not set');
  if (process.env['SHARDING_MANAGER']) {
    const core = await buildCore(config, log, { logError: log.error });
    const discord = await startDiscord(config, core, log);
    const stop = async (): Promise<void> => {
      // As `crossfeed start` does: gone within 10 s even when Discord never answers the close.
      setTimeout(() => process.exit(1), 9_500).unref();
      const work = core.bot.stop();
      log(`shutting down; dropped ${work.dropped} queued messages, ${work.inFlight} being handled`);
      await runShutdown([
        { name: 'messages in flight', budgetMs: 4_000, run: () => work.finished },
        { name: 'discord', budgetMs: 2_000, run: async () => discord?.stop() },
        { name: 'database', budgetMs: 1_500, run: async () => { if (core.bot.load().running === 0) await core.close(); } },
      ], { deadlineMs: 9_000, log });
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
    return;
  }
  const n = argv.indexOf('--shards');
  const totalShards = n >= 0 ? Number(argv[n + 1]) : 'auto';
  if (totalShards !== 'auto' && !(Number.isInteger(totalShards) && totalShards >= 1)) throw new Error('--shards takes a whole number of shards');
  const manager = new ShardingManager(fileURLToPath(import.meta.url), { token: config.discord.token, totalShards, respawn: true });
  manager.on('shardCreate', (shard) => log(`discord: spawned shard ${shard.id}`));
  await manager.spawn();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`crossfeed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
