import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDiscordServer } from '../../adapters/discord/local-server/server.js';
import { buildCore, type Core } from '../../bot/app/app.js';
import { startDiscord } from '../../bot/app/commands/discord.js';
import { ConfigError, loadConfig } from '../../bot/config.js';

const alice = { username: 'alice' };

describe('Discord configuration and start-up with the real core', function () {
  this.timeout(120_000);

  it('reads discord.* from the environment; refuses secrets in the file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cf-discord-'));
    const env = { DISCORD_TOKEN: 'tok', DISCORD_APP_ID: '1100000000000000001', DISCORD_GUILD_ID: '1100000000000000002', CROSSFEED_DISCORD_API: 'http://127.0.0.1:9/api' };
    const c = loadConfig({ env, cwd });
    assert.deepEqual(c.discord, { token: 'tok', appId: '1100000000000000001', guildId: '1100000000000000002', api: 'http://127.0.0.1:9/api', messageContent: false, maxAnswerAgeSeconds: 20, shards: 1 });
    assert.equal(loadConfig({ env: {}, cwd }).discord.token, undefined);
    writeFileSync(join(cwd, 'crossfeed.config.yaml'), 'discord:\n  messageContent: true\n');
    assert.equal(loadConfig({ env: {}, cwd }).discord.messageContent, true);
    writeFileSync(join(cwd, 'crossfeed.config.yaml'), 'discord:\n  token: abc\n');
    assert.throws(() => loadConfig({ env: {}, cwd }), (e: ConfigError) => e instanceof ConfigError && /DISCORD_TOKEN/.test(e.message));
    assert.throws(() => loadConfig({ env: { DISCORD_GUILD_ID: 'general' }, cwd: mkdtempSync(join(tmpdir(), 'cf-discord-')) }), /discord\.guildId: a guild id .*DISCORD_GUILD_ID/);
  });

  it('startDiscord: commands in the guild, /recommend answered by the real NLU and recommender, /crossfeed stored as channel settings', async () => {
    const server = await LocalDiscordServer.start({ heartbeatIntervalMs: 500 });
    const guild = server.addGuild({ name: 'Academy', channels: [{ name: 'general' }], members: [alice] });
    const general = guild.channelIds[0] as string;
    const cwd = mkdtempSync(join(tmpdir(), 'cf-discord-'));
    const config = loadConfig({ cwd, env: { DISCORD_TOKEN: server.botToken, CROSSFEED_DISCORD_API: server.apiBase, DISCORD_GUILD_ID: guild.id, CROSSFEED_DB: ':memory:' } });
    let core: Core | undefined;
    let discord: { stop(): Promise<void> } | undefined;
    const lines: string[] = [];
    try {
      core = await buildCore(config);
      discord = await startDiscord(config, core, (l) => void lines.push(l));
      assert.equal(server.registeredCommands(guild.id).length, 7);
      const rec = server.slash(guild.id, general, alice, 'recommend', { topic: 'python', level: 'beginner', budget: 30 });
      const edit = await rec.waitForResponse((r) => r.type === 'edit', 20_000);
      assert.deepEqual(rec.responses.map((r) => r.type), [5, 'edit']);
      const embeds = (edit.data.embeds ?? []) as { title: string; fields: { name: string; value: string }[] }[];
      assert.ok(embeds.length > 0, String(edit.data.content));
      for (const e of embeds) assert.equal(e.fields.find((f) => f.name === 'Level')?.value, 'beginner');
      const owner = { username: 'owner' };
      const set = server.slash(guild.id, general, owner, 'crossfeed', { questions: false });
      await set.waitForResponse((r) => r.type === 'edit');
      assert.deepEqual((await core.store.channels.list('discord')).map((c) => [c.name, c.settings]), [[general, { answerUnaddressed: false }]]);
      assert.equal(core.channels.policy('discord', general)?.answerUnaddressed, false);
      assert.ok(lines.some((l) => /connected as/.test(l)), lines.join('\n'));
      assert.deepEqual(server.violations, []);
    } finally {
      await discord?.stop();
      await core?.close();
      await server.close();
    }
  });
});
