import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInflate } from 'node:zlib';
import {
  ActionRowBuilder, ButtonBuilder, ButtonStyle, Client, DiscordAPIError, Events, GatewayIntentBits, Partials, Routes,
  StringSelectMenuBuilder, type ChatInputCommandInteraction, type Interaction, type Message, type TextChannel,
} from 'discord.js';
import { WebSocket } from 'ws';
import { LocalDiscordServer } from '../../adapters/discord/local-server/server.js';
import type { LocalDiscordServerOptions } from '../../adapters/discord/local-server/types.js';

const BaseIntents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
const alice = { username: 'alice' };

interface Setup {
  readonly server: LocalDiscordServer;
  readonly client: Client;
  readonly guildId: string;
  readonly general: string;
}

let open: Setup[] = [];

/** A server with one guild (#general, #voice) and a logged-in discord.js Client that has seen its GUILD_CREATE. */
async function setup(options: LocalDiscordServerOptions = {}, intents: GatewayIntentBits[] = BaseIntents): Promise<Setup> {
  const server = await LocalDiscordServer.start({ heartbeatIntervalMs: 500, ...options });
  const guild = server.addGuild({ name: 'Crossfeed Academy', channels: [{ name: 'general' }, { name: 'voice', type: 2 }], members: [alice] });
  const client = new Client({ intents, partials: [Partials.Channel], rest: { api: server.apiBase } });
  const s: Setup = { server, client, guildId: guild.id, general: guild.channelIds[0] as string };
  open.push(s);
  const ready = once(client, Events.ClientReady);
  await client.login(server.botToken);
  await ready;
  return s;
}

const nextInteraction = (client: Client): Promise<Interaction> => once(client, Events.InteractionCreate).then(([i]) => i as Interaction);
const nextMessage = (client: Client, pred: (m: Message) => boolean = () => true): Promise<Message> =>
  new Promise((resolve) => {
    const on = (m: Message): void => {
      if (!pred(m)) return;
      client.off(Events.MessageCreate, on);
      resolve(m);
    };
    client.on(Events.MessageCreate, on);
  });
const apiError = (code: number) => (e: unknown): boolean => e instanceof DiscordAPIError && e.code === code;

describe('LocalDiscordServer with the real discord.js Client', function () {
  this.timeout(15_000);

  afterEach(async () => {
    for (const s of open) {
      await s.client.destroy();
      await s.server.close();
    }
    open = [];
  });

  it('logs in: gateway/bot, IDENTIFY, READY, then GUILD_CREATE with channels and members', async () => {
    const { server, client, guildId, general } = await setup();
    assert.equal(client.user?.id, server.botUser.id);
    assert.equal(client.application?.id, server.appId);
    const guild = client.guilds.cache.get(guildId);
    assert.equal(guild?.name, 'Crossfeed Academy');
    assert.equal(guild?.channels.cache.get(general)?.name, 'general');
    assert.ok(guild?.members.cache.has(server.botUser.id));
    assert.equal(server.identifyCount(), 1);
    assert.deepEqual(server.violations, []);
  });

  it('refuses a wrong token: discord.js login rejects with TokenInvalid', async () => {
    const server = await LocalDiscordServer.start();
    const client = new Client({ intents: BaseIntents, rest: { api: server.apiBase } });
    open.push({ server, client, guildId: '', general: '' });
    await assert.rejects(client.login('wrong.token.value'), (e: Error) => /TokenInvalid|invalid token/i.test(`${(e as { code?: string }).code} ${e.message}`));
    assert.equal(server.stats.invalidRequests, 1);
    assert.equal(server.violations[0]?.kind, 'unauthorized');
  });

  it('MESSAGE_CREATE without MessageContent: content empty unless the bot is mentioned or it is a DM', async () => {
    const { server, client, general } = await setup();
    let got = nextMessage(client);
    server.say(general, alice, 'what course for python?');
    assert.equal((await got).content, '');
    got = nextMessage(client);
    server.say(general, alice, `<@${server.botUser.id}> what course for python?`);
    const mentioned = await got;
    assert.equal(mentioned.content, `<@${server.botUser.id}> what course for python?`);
    assert.ok(mentioned.mentions.users.has(server.botUser.id));
    got = nextMessage(client);
    server.say(server.dmChannel(alice).id, alice, 'hello in private');
    assert.equal((await got).content, 'hello in private');
  });

  it('MESSAGE_CREATE with MessageContent carries the content', async () => {
    const { server, client, general } = await setup({}, [...BaseIntents, GatewayIntentBits.MessageContent]);
    const got = nextMessage(client);
    const id = server.say(general, alice, 'anyone learning rust?');
    const m = await got;
    assert.equal(m.id, id);
    assert.equal(m.content, 'anyone learning rust?');
    assert.equal(m.author.username, 'alice');
  });

  it('disallowed privileged intent closes the gateway (4014)', async () => {
    const server = await LocalDiscordServer.start({ privilegedIntents: 0 });
    const client = new Client({ intents: [...BaseIntents, GatewayIntentBits.MessageContent], rest: { api: server.apiBase } });
    open.push({ server, client, guildId: '', general: '' });
    await assert.rejects(client.login(server.botToken), /disallowed intents/i);
  });

  it('slash command: typed options, deferReply then editReply are recorded', async () => {
    const { server, client, guildId, general } = await setup();
    await client.application?.commands.set([{
      name: 'recommend', description: 'Suggest a course',
      options: [{ name: 'topic', description: 'Topic', type: 3 }, { name: 'budget', description: 'Max price', type: 4 }, { name: 'free', description: 'Only free', type: 5 }],
    }], guildId);
    assert.deepEqual(server.registeredCommands(guildId).map((c) => c.name), ['recommend']);
    const incoming = nextInteraction(client);
    const rec = server.slash(guildId, general, alice, 'recommend', { topic: 'python', budget: 30, free: false });
    const i = (await incoming) as ChatInputCommandInteraction;
    assert.ok(i.isChatInputCommand());
    assert.equal(i.commandName, 'recommend');
    assert.equal(i.options.getString('topic'), 'python');
    assert.equal(i.options.getInteger('budget'), 30);
    assert.equal(i.options.getBoolean('free'), false);
    assert.equal(i.user.username, 'alice');
    await i.deferReply();
    await i.editReply({ content: 'Python for beginners, $25' });
    await rec.waitForResponse((r) => r.type === 'edit');
    assert.deepEqual(rec.responses.map((r) => r.type), [5, 'edit']);
    const [msg] = server.messages(general);
    assert.equal(msg?.content, 'Python for beginners, $25');
    assert.equal(msg?.interactionId, rec.id);
    assert.throws(() => server.slash(guildId, general, alice, 'recommend', { budget: 2.5 }), /type 4/);
    assert.deepEqual(server.violations, []);
  });

  it('ephemeral reply, follow-up, and a double reply: discord.js refuses, and a raw second callback gets 40060', async () => {
    const { server, client, guildId, general } = await setup();
    const incoming = nextInteraction(client);
    const rec = server.slash(guildId, general, alice, 'points');
    const i = (await incoming) as ChatInputCommandInteraction;
    await i.reply({ content: 'You have 40 points', flags: 64 });
    assert.equal(rec.ephemeral, true);
    await assert.rejects(i.reply({ content: 'again' }), (e: Error & { code?: string }) => e.code === 'InteractionAlreadyReplied');
    await assert.rejects(client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'again' } }, auth: false }), apiError(40060));
    await i.followUp({ content: 'And a coupon: LEARN10', flags: 64 });
    assert.deepEqual(rec.responses.map((r) => r.type), [4, 'followup']);
    assert.deepEqual(server.violations.map((v) => v.kind), ['double_acknowledgement']);
  });

  it('a reply after the interaction window gets 10062 Unknown interaction', async () => {
    const { server, client, guildId, general } = await setup({ interactionTimeoutMs: 100 });
    const incoming = nextInteraction(client);
    const rec = server.slash(guildId, general, alice, 'ask', { question: 'refunds?' });
    const i = (await incoming) as ChatInputCommandInteraction;
    await sleep(150);
    await assert.rejects(i.reply('too late'), apiError(10062));
    assert.equal(rec.responses.length, 0);
    assert.deepEqual(server.violations.map((v) => v.kind), ['late_interaction_response']);
  });

  it('button click and select menu interactions update the card', async () => {
    const { server, client, general } = await setup();
    const channel = client.channels.cache.get(general) as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('rec:cheaper:42').setLabel('Cheaper').setStyle(ButtonStyle.Primary),
      new ButtonBuilder().setURL('https://example.com/c/42').setLabel('Open').setStyle(ButtonStyle.Link),
    );
    const menu = new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(new StringSelectMenuBuilder().setCustomId('topic')
      .addOptions({ label: 'Python', value: 'python' }, { label: 'Rust', value: 'rust' }));
    const sent = await channel.send({ content: 'Card', embeds: [{ title: 'Python 101', description: '$30' }], components: [row, menu] });
    let incoming = nextInteraction(client);
    const click = server.click(sent.id, 'rec:cheaper:42', alice);
    const b = await incoming;
    assert.ok(b.isButton() && b.customId === 'rec:cheaper:42');
    await b.update({ content: 'Cheaper card' });
    assert.deepEqual(click.responses.map((r) => r.type), [7]);
    assert.equal(server.messages(general)[0]?.content, 'Cheaper card');
    assert.equal(server.messages(general)[0]?.edits[0]?.content, 'Card');
    incoming = nextInteraction(client);
    const pick = server.select(sent.id, 'topic', ['rust'], alice);
    const s = await incoming;
    assert.ok(s.isStringSelectMenu());
    assert.deepEqual(s.values, ['rust']);
    await s.deferUpdate();
    await s.editReply({ content: 'Rust card' });
    assert.deepEqual(pick.responses.map((r) => r.type), [6, 'edit']);
    assert.equal(server.messages(general)[0]?.content, 'Rust card');
    assert.throws(() => server.select(sent.id, 'topic', ['go'], alice), /not an option/);
  });

  it('validates message bodies (50035), empty messages (50006), deleted (10003) and non-text channels (50008)', async () => {
    const { server, client, guildId, general } = await setup();
    const channel = client.channels.cache.get(general) as TextChannel;
    await assert.rejects(channel.send('x'.repeat(2001)), apiError(50035));
    await assert.rejects(channel.send({ embeds: [{ title: 't'.repeat(257) }] }), apiError(50035));
    const six = Array.from({ length: 6 }, (_, k) => new ButtonBuilder().setCustomId(`b${k}`).setLabel('b').setStyle(ButtonStyle.Secondary));
    await assert.rejects(channel.send({ content: 'x', components: [{ type: 1, components: six.map((b) => b.toJSON()) }] }), apiError(50035));
    await assert.rejects(client.rest.post(Routes.channelMessages(general), { body: {} }), apiError(50006));
    const voice = server.world.guilds.get(guildId)?.channelIds[1] as string;
    await assert.rejects(client.rest.post(Routes.channelMessages(voice), { body: { content: 'hi' } }), apiError(50008));
    const deleted = once(client, Events.ChannelDelete);
    server.deleteChannel(general);
    await deleted;
    await assert.rejects(client.rest.post(Routes.channelMessages(general), { body: { content: 'hi' } }), apiError(10003));
    assert.deepEqual(server.violations.map((v) => v.kind), ['invalid_form_body', 'invalid_form_body', 'invalid_form_body']);
    assert.equal(server.messages(general).length, 0);
  });

  it('force429: discord.js waits retry_after and retries; the message is delivered once', async () => {
    const { server, client, general } = await setup({ forcedRetryAfterMs: 300 });
    const channel = client.channels.cache.get(general) as TextChannel;
    server.force429('POST /channels/:channel/messages', 1);
    const started = Date.now();
    await channel.send('after a 429');
    assert.ok(Date.now() - started >= 300, 'discord.js should have waited out retry_after');
    assert.equal(server.messages(general).length, 1);
    assert.equal(server.stats.forced429, 1);
    assert.equal(server.stats.invalidRequests, 1);
    assert.deepEqual(server.violations, []);
  });

  it('per-channel buckets: discord.js reads the headers and never hits an exhausted bucket; a client that ignores them is caught', async () => {
    const { server, client, general } = await setup({ channelMessageLimit: 2, channelMessageWindowMs: 300 });
    const channel = client.channels.cache.get(general) as TextChannel;
    const started = Date.now();
    await Promise.all([1, 2, 3, 4, 5].map((n) => channel.send(`m${n}`)));
    assert.ok(Date.now() - started >= 600, 'five messages at two per 300 ms take at least two windows');
    assert.deepEqual(server.messages(general).map((m) => m.content), ['m1', 'm2', 'm3', 'm4', 'm5']);
    assert.equal(server.violations.length, 0);
    await sleep(350);
    const raw = (): Promise<Response> => fetch(`${server.apiBase}/v10/channels/${general}/messages`, {
      method: 'POST', headers: { Authorization: `Bot ${server.botToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ content: 'raw' }),
    });
    const answers = [await raw(), await raw(), await raw()];
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 429]);
    assert.equal(answers[1]?.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(((await answers[2]?.json()) as { retry_after: number }).retry_after) > 0);
    assert.deepEqual(server.violations.map((v) => v.kind), ['ignored_rate_limit']);
  });

  it('dropConnections: discord.js resumes (no new IDENTIFY) and receives the events it missed', async () => {
    const { server, client, general } = await setup({}, [...BaseIntents, GatewayIntentBits.MessageContent]);
    const resumed = once(client, Events.ShardResume);
    const got: string[] = [];
    client.on(Events.MessageCreate, (m) => void got.push(m.content));
    server.dropConnections();
    server.say(general, alice, 'sent while you were away');
    await resumed;
    await server.waitFor(() => got.includes('sent while you were away'), 3_000, 'replayed message');
    assert.equal(server.identifyCount(), 1);
    assert.equal(server.stats.resumes, 1);
    server.say(general, alice, 'after the resume');
    await server.waitFor(() => got.includes('after the resume'), 3_000, 'live message');
    assert.deepEqual(got, ['sent while you were away', 'after the resume']);
  });

  it('RECONNECT (op 7), resumable INVALID_SESSION and withheld heartbeat ACKs all end in a resume', async () => {
    const { server, client } = await setup({ heartbeatIntervalMs: 150 });
    let resumed = once(client, Events.ShardResume);
    server.sendReconnect();
    await resumed;
    resumed = once(client, Events.ShardResume);
    server.invalidateSession(true);
    await resumed;
    resumed = once(client, Events.ShardResume);
    server.stopHeartbeatAcks(true);
    await server.waitFor(() => server.stats.heartbeats > server.stats.heartbeatAcks, 2_000, 'an unacked heartbeat');
    server.stopHeartbeatAcks(false);
    await resumed;
    assert.equal(server.identifyCount(), 1);
    assert.equal(server.stats.resumes, 3);
    assert.deepEqual(server.violations, []);
  });

  it('global commands: PUT recorded with ids, names validated (50035)', async () => {
    const { server, client } = await setup();
    await client.application?.commands.set([
      { name: 'recommend', description: 'Suggest a course' },
      { name: 'coupon', description: 'Get a coupon', options: [{ name: 'near', description: 'City', type: 3, required: true }] },
    ]);
    const global = server.registeredCommands();
    assert.deepEqual(global.map((c) => c.name), ['recommend', 'coupon']);
    assert.ok(global.every((c) => typeof c.id === 'string' && c.application_id === server.appId));
    await assert.rejects(client.application?.commands.set([{ name: 'Recommend', description: 'x' }]) ?? Promise.reject(new Error('no app')), apiError(50035));
    assert.equal(server.registeredCommands().length, 2);
  });

  it('speaks zlib-stream when asked: HELLO arrives deflated with the sync-flush marker', async () => {
    const server = await LocalDiscordServer.start({ heartbeatIntervalMs: 1234 });
    open.push({ server, client: new Client({ intents: [] }), guildId: '', general: '' });
    const ws = new WebSocket(`${server.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    const [frame] = (await once(ws, 'message')) as [Buffer];
    assert.deepEqual([...frame.subarray(-4)], [0, 0, 255, 255]);
    const inflate = createInflate();
    const text = once(inflate, 'data');
    inflate.write(frame);
    const hello = JSON.parse(String((await text)[0])) as { op: number; d: { heartbeat_interval: number } };
    assert.equal(hello.op, 10);
    assert.equal(hello.d.heartbeat_interval, 1234);
    ws.close();
    inflate.close();
  });
});
