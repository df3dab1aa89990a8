import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Events } from 'discord.js';
import { DiscordAdapter } from '../../adapters/discord/adapter.js';
import { LocalDiscordServer } from '../../adapters/discord/local-server/server.js';
import { testBot } from '../helpers/test-bot.js';

const alice = { username: 'alice' };
const bob = { username: 'bob' };

/** Forced 429s and gateway drops, end to end: the real discord.js, the bot pipeline, the local Discord server. */
describe('Discord e2e: 429s and gateway drops lose and duplicate nothing', function () {
  this.timeout(30_000);
  let server: LocalDiscordServer;
  let adapter: DiscordAdapter;
  let store: { close(): Promise<void> };
  let guildId: string;
  let general: string;
  const lines: string[] = [];

  beforeEach(async () => {
    server = await LocalDiscordServer.start({ heartbeatIntervalMs: 300, forcedRetryAfterMs: 400 });
    const guild = server.addGuild({ name: 'Academy', channels: [{ name: 'general' }], members: [alice, bob] });
    guildId = guild.id;
    general = guild.channelIds[0] as string;
    const t = await testBot({ platform: 'discord' });
    store = t.store;
    adapter = new DiscordAdapter(t.bot, { token: server.botToken, api: server.apiBase, guildId, messageContent: true, channelGapMs: 50, log: (l) => void lines.push(l) });
    await adapter.start();
  });

  afterEach(async () => {
    await adapter.stop(1_000);
    await server.close();
    await store.close();
  });

  const mention = (text: string, who = alice): string => server.say(general, who, `<@${server.botUser.id}> ${text}`);

  it('a forced 429 on channel messages: discord.js waits retry_after, the answer arrives once', async () => {
    server.force429('POST /channels/:channel/messages', 1);
    const started = Date.now();
    mention('recommend a python course');
    await server.waitFor(() => server.messages(general).length === 1, 5_000, 'the answer');
    assert.ok(Date.now() - started >= 400, 'retry_after was waited out');
    await sleep(500);
    assert.equal(server.messages(general).length, 1);
    assert.equal(server.stats.forced429, 1);
    assert.equal(adapter.stats().sent, 1);
    assert.deepEqual(server.violations, []);
  });

  it('a forced 429 on an interaction edit: the deferred reply is completed once', async () => {
    server.force429('PATCH /webhooks/:app/:token/messages/:message', 1);
    const rec = server.slash(guildId, general, alice, 'recommend', { topic: 'python', budget: 30 });
    await rec.waitForResponse((r) => r.type === 'edit');
    await sleep(500);
    assert.deepEqual(rec.responses.map((r) => r.type), [5, 'edit']);
    assert.equal(server.stats.forced429, 1);
    assert.deepEqual(server.violations, []);
  });

  it('a gateway drop: discord.js resumes; questions asked before, during and after it are answered exactly once', async () => {
    const resumed = once(adapter.client, Events.ShardResume);
    mention('recommend a python course');
    server.dropConnections();
    mention('recommend a javascript course', bob);
    const rec = server.slash(guildId, general, alice, 'recommend', { topic: 'sql' });
    await resumed;
    mention('recommend a sql course', bob);
    await server.waitFor(() => server.messages(general).filter((m) => m.interactionId === undefined).length === 3, 8_000, 'three answers');
    await rec.waitForResponse((r) => r.type === 'edit');
    await sleep(800);
    const answers = server.messages(general);
    assert.equal(answers.filter((m) => m.interactionId === undefined).length, 3, 'no duplicated answer');
    assert.deepEqual(rec.responses.map((r) => r.type), [5, 'edit']);
    assert.equal(server.identifyCount(), 1, 'resumed, not re-identified');
    assert.equal(adapter.stats().resumes, 1);
    assert.equal(adapter.stats().received, 3);
    assert.deepEqual(server.violations, []);
  });

  it('RECONNECT and a resumable INVALID_SESSION: still one answer per question', async () => {
    let resumed = once(adapter.client, Events.ShardResume);
    server.sendReconnect();
    mention('recommend a python course');
    await resumed;
    resumed = once(adapter.client, Events.ShardResume);
    server.invalidateSession(true);
    mention('recommend a javascript course', bob);
    await resumed;
    await server.waitFor(() => server.messages(general).length === 2, 8_000, 'two answers');
    await sleep(500);
    assert.equal(server.messages(general).length, 2);
    assert.deepEqual(server.violations, []);
  });
});
