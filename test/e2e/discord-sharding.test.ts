import assert from 'node:assert/strict';
import { DiscordAdapter } from '../../adapters/discord/adapter.js';
import { LocalDiscordServer } from '../../adapters/discord/local-server/server.js';
import { testBot } from '../helpers/test-bot.js';

const alice = { username: 'alice' };

/** Guild ids whose shard under `shard_count` 2 is 0 and 1: (id >> 22) % 2. */
const guildOnShard = (shard: 0 | 1): string => ((262_144_000_000n + BigInt(shard)) << 22n).toString();

/**
 * Two discord.js clients, one per shard, as the ShardingManager runs them (one process each;
 * here one process, same bot): each sees only its guilds and answers there; only shard 0
 * registers the (global) slash commands.
 */
describe('Discord e2e: two shards', function () {
  this.timeout(30_000);

  it('each shard receives only its guilds, and both answer mentions and slash commands', async () => {
    const server = await LocalDiscordServer.start({ heartbeatIntervalMs: 500 });
    const g0 = server.addGuild({ id: guildOnShard(0), name: 'Shard zero', channels: [{ name: 'general' }], members: [alice] });
    const g1 = server.addGuild({ id: guildOnShard(1), name: 'Shard one', channels: [{ name: 'general' }], members: [alice] });
    const t = await testBot({ platform: 'discord' });
    const seen: Record<string, string[]> = { '0': [], '1': [] };
    const adapters = [0, 1].map((shard) => new DiscordAdapter(t.bot, {
      token: server.botToken, api: server.apiBase, shards: [shard], shardCount: 2, messageContent: false, log: () => undefined,
      onMessage: (m) => void seen[String(shard)]?.push(m.channel),
    }));
    try {
      await Promise.all(adapters.map((a) => a.start()));
      const [a0, a1] = adapters as [DiscordAdapter, DiscordAdapter];
      assert.deepEqual([...a0.client.guilds.cache.keys()], [g0.id]);
      assert.deepEqual([...a1.client.guilds.cache.keys()], [g1.id]);
      assert.equal(server.registeredCommands().length, 7, 'registered once, globally, by shard 0');
      assert.equal(server.stats.identifies, 2);

      const c0 = g0.channelIds[0] as string;
      const c1 = g1.channelIds[0] as string;
      server.say(c0, alice, `<@${server.botUser.id}> recommend a python course`);
      server.say(c1, alice, `<@${server.botUser.id}> recommend a python course`);
      await server.waitFor(() => server.messages(c0).length === 1 && server.messages(c1).length === 1, 5_000, 'answers in both guilds');
      assert.deepEqual(seen, { '0': [c0], '1': [c1] });

      const r0 = server.slash(g0.id, c0, alice, 'recommend', { topic: 'sql' });
      const r1 = server.slash(g1.id, c1, alice, 'recommend', { topic: 'sql' });
      await Promise.all([r0, r1].map((r) => r.waitForResponse((x) => x.type === 'edit')));
      assert.deepEqual([r0, r1].map((r) => r.responses.map((x) => x.type)), [[5, 'edit'], [5, 'edit']]);
      assert.equal(a0.stats().interactions, 1);
      assert.equal(a1.stats().interactions, 1);
      assert.deepEqual(server.violations, []);
    } finally {
      await Promise.all(adapters.map((a) => a.stop(1_000)));
      await server.close();
      await t.store.close();
    }
  });
});
