import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscordAdapter, type DiscordAdapterOptions } from '../../adapters/discord/adapter.js';
import { commandMessage } from '../../adapters/discord/commands.js';
import { decodeCardAction, encodeCardAction } from '../../adapters/discord/custom-id.js';
import { renderForDiscord } from '../../adapters/discord/render.js';
import { LocalDiscordServer } from '../../adapters/discord/local-server/server.js';
import type { InteractionResponse, JsonObject, LocalDiscordServerOptions } from '../../adapters/discord/local-server/types.js';
import type { Card } from '../../bot/message.js';
import { testBot } from '../helpers/test-bot.js';

const alice = { username: 'alice' };
const bob = { username: 'bob' };

interface Setup {
  server: LocalDiscordServer;
  adapter: DiscordAdapter;
  guildId: string;
  general: string;
  lines: string[];
  bot: Awaited<ReturnType<typeof testBot>>;
}

let open: Setup[] = [];

async function setup(o: { server?: LocalDiscordServerOptions; adapter?: Partial<DiscordAdapterOptions> } = {}): Promise<Setup> {
  const server = await LocalDiscordServer.start({ heartbeatIntervalMs: 500, ...o.server });
  const guild = server.addGuild({ name: 'Crossfeed Academy', channels: [{ name: 'general' }, { name: 'random' }], members: [alice, bob] });
  const bot = await testBot({ platform: 'discord' });
  const lines: string[] = [];
  const adapter = new DiscordAdapter(bot.bot, {
    token: server.botToken, api: server.apiBase, guildId: guild.id, channelGapMs: 50, log: (l) => void lines.push(l), ...o.adapter,
  });
  const s = { server, adapter, guildId: guild.id, general: guild.channelIds[0] as string, lines, bot };
  open.push(s);
  await adapter.start();
  return s;
}

type Embed = { title?: string; fields?: { name: string; value: string }[]; footer?: { text: string }; author?: { name: string } };
const embedsOf = (r: InteractionResponse | undefined): Embed[] => ((r?.data.embeds ?? []) as Embed[]);
const field = (e: Embed, name: string): string | undefined => e.fields?.find((f) => f.name === name)?.value;
const customIds = (m: { components: readonly JsonObject[] }): string[] =>
  m.components.flatMap((row) => (row.components as JsonObject[]).map((c) => c.custom_id).filter((x): x is string => typeof x === 'string'));
const priceOf = (e: Embed): number => Number((field(e, 'Price') ?? '').replace(/[^0-9.]/g, ''));

describe('Discord adapter (real discord.js against the local Discord server)', function () {
  this.timeout(30_000);

  async function teardown(): Promise<void> {
    for (const s of open) {
      await s.adapter.stop(1_000);
      await s.server.close();
      await s.bot.store.close();
    }
    open = [];
  }
  afterEach(teardown);

  it('registers the slash commands in the development guild, /crossfeed behind Manage Server', async () => {
    const { server, guildId } = await setup();
    const names = server.registeredCommands(guildId).map((c) => c.name);
    assert.deepEqual(names, ['recommend', 'coupon', 'insurance', 'ask', 'points', 'checkin', 'crossfeed']);
    assert.equal(server.registeredCommands(guildId).find((c) => c.name === 'crossfeed')?.default_member_permissions, '32');
    assert.deepEqual(server.registeredCommands(), []);
    assert.deepEqual(server.violations, []);
  });

  it('/recommend topic:python level:beginner budget:30: deferred, then a course card inside the filters; Cheaper and Another update it', async () => {
    const { server, guildId, general } = await setup();
    const rec = server.slash(guildId, general, alice, 'recommend', { topic: 'python', level: 'beginner', budget: 30 });
    const edit = await rec.waitForResponse((r) => r.type === 'edit');
    assert.deepEqual(rec.responses.map((r) => r.type), [5, 'edit']);
    assert.equal(rec.ephemeral, false);
    const first = embedsOf(edit);
    assert.ok(first.length >= 1 && first.length <= 10);
    for (const e of first) {
      assert.equal(field(e, 'Level'), 'beginner');
      assert.ok(priceOf(e) <= 30, `${e.title} costs ${field(e, 'Price')}`);
      assert.match(String(e.title), /python/i);
    }
    const [card] = server.messages(general);
    assert.ok(card);
    assert.deepEqual(customIds(card).slice(0, 2), [`cf:another:${server.world.user(alice).id}`, `cf:cheaper:${server.world.user(alice).id}`]);
    const links = card.components.flatMap((row) => (row.components as JsonObject[]).filter((c) => c.style === 5));
    assert.equal(links.length, first.length);

    const cheapest = Math.min(...first.map(priceOf));
    const cheaper = server.click(card.id, `cf:cheaper:${server.world.user(alice).id}`, alice);
    const cheaperEdit = await cheaper.waitForResponse((r) => r.type === 'edit' || r.type === 'followup');
    assert.deepEqual(cheaper.responses.map((r) => r.type), [6, 'edit']);
    assert.ok(embedsOf(cheaperEdit).length > 0);
    // Nothing dearer than the cheapest shown (when that was free, other free ones).
    for (const e of embedsOf(cheaperEdit)) assert.ok(cheapest > 0 ? priceOf(e) < cheapest : priceOf(e) === 0, `${e.title} is not cheaper than ${cheapest}`);
    assert.equal(server.messages(general).length, 1, 'the card is edited in place');

    const shown = new Set([...first, ...embedsOf(cheaperEdit)].map((e) => e.title));
    const another = server.click(card.id, `cf:another:${server.world.user(alice).id}`, alice);
    const anotherEdit = await another.waitForResponse((r) => r.type === 'edit' || r.type === 'followup');
    assert.equal(anotherEdit.type, 'edit');
    for (const e of embedsOf(anotherEdit)) assert.ok(!shown.has(e.title), `${e.title} was shown before`);

    // The topic picker offers the shown courses' topics and asks for a course on the chosen one.
    const picker = card.components.flatMap((row) => row.components as JsonObject[]).find((c) => c.type === 3);
    assert.equal(picker?.custom_id, `cf:topic:${server.world.user(alice).id}`);
    assert.ok((picker?.options as { value: string }[]).some((o) => o.value === 'python'));
    const picked = server.select(card.id, `cf:topic:${server.world.user(alice).id}`, ['sql'], alice);
    const pickedEdit = await picked.waitForResponse((r) => r.type === 'edit' || r.type === 'followup');
    assert.equal(pickedEdit.type, 'edit');
    assert.ok(embedsOf(pickedEdit).length > 0);
    for (const e of embedsOf(pickedEdit)) assert.match(String(e.title), /sql|database|data/i);

    // Someone else's card: an ephemeral note, the card stays.
    const foreign = server.click(card.id, `cf:another:${server.world.user(alice).id}`, bob);
    const note = await foreign.waitForResponse();
    assert.equal(note.type, 4);
    assert.equal(foreign.ephemeral, true);
    assert.deepEqual(server.violations, []);
  });

  it('the card\'s buttons still work after a restart (state is in the database, not in memory)', async () => {
    const s = await setup();
    const rec = s.server.slash(s.guildId, s.general, alice, 'recommend', { topic: 'python', level: 'beginner', budget: 30 });
    await rec.waitForResponse((r) => r.type === 'edit');
    const [card] = s.server.messages(s.general);
    await s.adapter.stop(1_000);
    const restarted = new DiscordAdapter(s.bot.bot, { token: s.server.botToken, api: s.server.apiBase, guildId: s.guildId, log: () => undefined });
    s.adapter = restarted;
    await restarted.start();
    const another = s.server.click(card!.id, `cf:another:${s.server.world.user(alice).id}`, alice);
    const edit = await another.waitForResponse((r) => r.type === 'edit');
    assert.ok(embedsOf(edit).length > 0);
    assert.deepEqual(s.server.violations, []);
  });

  it('double-clicking "Claim coupon" yields one code, ephemeral', async () => {
    const { server, guildId, general, bot } = await setup();
    const rec = server.slash(guildId, general, alice, 'coupon', { near: 'New York' });
    const edit = await rec.waitForResponse((r) => r.type === 'edit');
    assert.equal(rec.ephemeral, true, 'coupons are personal');
    const cards = embedsOf(edit);
    assert.ok(cards.length > 0);
    for (const e of cards) assert.match(String(e.author?.name ?? '') + String(e.footer?.text ?? ''), /Sponsored/);
    const message = server.messages(general).find((m) => m.interactionId === rec.id);
    assert.ok(message?.ephemeral);
    const claimId = customIds(message).find((id) => id.startsWith('cf:claim:'));
    assert.ok(claimId, 'a coupon card has a Claim button');
    const itemId = decodeCardAction(claimId)?.kind === 'claim' ? claimId.slice('cf:claim:'.length) : '';
    const one = server.click(message.id, claimId, alice);
    const two = server.click(message.id, claimId, alice);
    const [a, b] = await Promise.all([one, two].map((r) => r.waitForResponse((x) => x.type === 'edit')));
    assert.equal(one.ephemeral, true);
    assert.equal(two.ephemeral, true);
    const code = (r: InteractionResponse | undefined): string => /: (\S+) \(only for you/.exec(String(r?.data.content))?.[1] ?? '';
    assert.ok(code(a), String(a?.data.content));
    assert.equal(code(a), code(b));
    assert.equal(await bot.store.interactions.count(itemId, 'claim'), 1);
    assert.deepEqual(server.violations, []);
  });

  it('/points offers affordable rewards as Redeem buttons; a double click spends once and gives one code, ephemeral', async () => {
    const { server, guildId, general, bot } = await setup();
    const store = bot.store;
    await store.loyalty.rewards.put({ id: 'ramen5', name: '$5 off ramen', price: 30, kind: 'code', code: 'RAMEN-5' });
    await store.loyalty.rewards.put({ id: 'bigprize', name: 'Big prize', price: 10_000, kind: 'code', code: 'BIG' });
    const aliceId = server.world.user(alice).id;
    const userId = await store.conversations.resolveUser('discord', aliceId, 'alice');
    await store.loyalty.points.apply({ userId, delta: 100, reason: 'grant', key: 'test-grant' });
    const points = server.slash(guildId, general, alice, 'points');
    const shown = await points.waitForResponse((r) => r.type === 'edit');
    assert.equal(points.ephemeral, true);
    const buttons = ((shown.data.components ?? []) as JsonObject[]).flatMap((row) => row.components as JsonObject[]);
    assert.deepEqual(buttons.map((b) => b.custom_id), ['cf:redeem:ramen5'], 'only what alice can afford');
    const messageId = points.originalMessageId ?? '';
    const clicks = [server.click(messageId, 'cf:redeem:ramen5', alice), server.click(messageId, 'cf:redeem:ramen5', alice)];
    const answers = await Promise.all(clicks.map((c) => c.waitForResponse((r) => r.type === 'edit')));
    for (const [k, c] of clicks.entries()) {
      assert.equal(c.ephemeral, true);
      assert.match(String(answers[k]?.data.content ?? ''), /RAMEN-5/);
    }
    assert.equal(await store.loyalty.points.balance(userId), 70, 'spent once');
    assert.deepEqual(server.violations, []);
  });

  it('personal commands are ephemeral; /ask is public', async () => {
    const { server, guildId, general } = await setup();
    for (const [name, options, ephemeral] of [['points', {}, true], ['checkin', {}, true], ['insurance', { type: 'travel', age: 34 }, true], ['ask', { question: 'can I get a refund?' }, false]] as const) {
      const rec = server.slash(guildId, general, alice, name, options);
      const r = await rec.waitForResponse((x) => x.type === 'edit');
      assert.equal(rec.ephemeral, ephemeral, name);
      assert.ok(String(r.data.content).length > 0, name);
    }
    assert.deepEqual(server.violations, []);
  });

  it('a mention with Message Content on is answered as a reply; unaddressed questions too when the channel allows', async () => {
    const { server, general } = await setup({ adapter: { messageContent: true } });
    const id = server.say(general, alice, `<@${server.botUser.id}> recommend a beginner python course under $30`);
    const reply = await server.waitFor(() => server.messages(general)[0], 5_000, 'a reply');
    assert.ok(reply.embeds.length > 0);
    assert.ok(customIds(reply).includes(`cf:cheaper:${server.world.user(alice).id}`));
    server.say(general, bob, 'anyone know a good javascript course?');
    await server.waitFor(() => server.messages(general).length === 2, 5_000, 'answer to an unaddressed question');
    assert.ok(id);
    assert.deepEqual(server.violations, []);
  });

  it('a reply to its own message is answered in the same conversation, with or without Message Content', async () => {
    for (const messageContent of [true, false]) {
      const { server, general } = await setup({ adapter: { messageContent } });
      server.say(general, alice, `<@${server.botUser.id}> an intermediate javascript course`);
      const first = await server.waitFor(() => server.messages(general)[0], 5_000, 'first answer');
      server.say(general, alice, 'another one', { replyTo: first.id });
      const second = await server.waitFor(() => server.messages(general)[1], 5_000, `reply answered (messageContent ${messageContent})`);
      assert.ok(second.embeds.length > 0, 'another one continues the dialogue from the first answer');
      assert.deepEqual(server.violations, []);
      await teardown();
    }
  });

  it('without Message Content: mentions and DMs are answered, blank unaddressed messages are ignored, nothing breaks', async () => {
    const { server, general, adapter } = await setup({ adapter: { messageContent: false } });
    server.say(general, bob, 'anyone know a good javascript course?');
    server.say(general, alice, `<@${server.botUser.id}> recommend a python course`);
    await server.waitFor(() => server.messages(general).length === 1, 5_000, 'the mention answered');
    const dm = server.dmChannel(alice).id;
    server.say(dm, alice, 'recommend a javascript course');
    await server.waitFor(() => server.messages(dm).length === 1, 5_000, 'the DM answered');
    await sleep(200);
    assert.equal(server.messages(general).length, 1);
    assert.equal(adapter.stats().received, 3);
    assert.deepEqual(server.violations, []);
  });

  it('unknown commands and wrong option types get an ephemeral error', async () => {
    const { server, guildId, general } = await setup();
    const unknown = server.slash(guildId, general, alice, 'dance');
    const r = await unknown.waitForResponse();
    assert.equal(r.type, 4);
    assert.equal(unknown.ephemeral, true);
    assert.match(String(r.data.content), /don't know \/dance/);
    // A stale registration (budget once a string): discord.js refuses to read it as a number.
    server.commands.overwrite(guildId, [{ name: 'recommend', description: 'old', options: [{ type: 3, name: 'budget', description: 'b' }] }]);
    const wrong = server.slash(guildId, general, alice, 'recommend', { budget: 'thirty' });
    const w = await wrong.waitForResponse();
    assert.equal(w.type, 4);
    assert.equal(wrong.ephemeral, true);
    assert.match(String(w.data.content), /option isn't valid/);
    assert.deepEqual(server.violations, []);
  });

  it('/crossfeed: Manage Server changes the channel settings (stored), others are refused', async () => {
    const saved = new Map<string, Record<string, unknown>>();
    const { server, guildId, general } = await setup({
      adapter: { settings: { get: async (c) => saved.get(c) ?? {}, put: async (c, s) => void saved.set(c, s) } },
    });
    const admin = { username: 'admin', permissions: String(1n << 5n) };
    const set = server.slash(guildId, general, admin, 'crossfeed', { questions: false, confidence: 0.9 });
    const r = await set.waitForResponse((x) => x.type === 'edit');
    assert.equal(set.ephemeral, true);
    assert.match(String(r.data.content), /^Saved\. .*questions off.*confidence 0\.9/);
    assert.deepEqual(saved.get(general), { answerUnaddressed: false, unaddressedMinConfidence: 0.9 });
    const show = server.slash(guildId, general, admin, 'crossfeed');
    assert.match(String((await show.waitForResponse((x) => x.type === 'edit')).data.content), /questions off/);
    const plain = server.slash(guildId, general, bob, 'crossfeed', { questions: true });
    const refused = await plain.waitForResponse();
    assert.match(String(refused.data.content), /Manage Server/);
    assert.equal(plain.ephemeral, true);
    assert.equal(saved.get(general)?.['answerUnaddressed'], false);
    assert.deepEqual(server.violations, []);
  });

  it('a deleted channel is logged, counted, and nothing crashes; an expired interaction (10062) is logged', async () => {
    const { server, general, guildId, adapter, lines } = await setup();
    server.say(general, alice, `<@${server.botUser.id}> recommend a python course`);
    server.deleteChannel(general);
    await server.waitFor(() => adapter.stats().dropped.failed === 1, 5_000, 'the failed send');
    assert.ok(lines.some((l) => /send to channel \d+ failed/.test(l)), lines.join('\n'));
    const random = server.world.guilds.get(guildId)?.channelIds[1] as string;
    server.say(random, alice, `<@${server.botUser.id}> recommend a python course`);
    await server.waitFor(() => server.messages(random).length === 1, 5_000, 'still answering elsewhere');

    const late = await setup({ server: { interactionTimeoutMs: 0 } });
    // Under a loaded full run the first interaction has been seen to go unanswered for 20 s (never
    // reproduced alone); a second one keeps the test about the 10062 path, not about that delay.
    let expired = false;
    for (let attempt = 0; attempt < 3 && !expired; attempt++) {
      late.server.slash(late.guildId, late.general, alice, 'points');
      expired = await late.server.waitFor(() => late.adapter.stats().expired >= 1, 10_000, 'the expired interaction').then(() => true, () => false);
    }
    assert.ok(expired, `no expired interaction counted; adapter log:\n${late.lines.join('\n')}`);
    assert.ok(late.lines.some((l) => /10062/.test(l)));
    const kinds = late.server.violations.map((v) => v.kind);
    assert.ok(kinds.length >= 1 && kinds.every((k) => k === 'late_interaction_response'), kinds.join(', '));
    assert.deepEqual(server.violations, []);
  });
});

describe('Discord adapter units', () => {
  it('slash commands become typed actions (no English sentence to re-parse), shown as the command', () => {
    assert.deepEqual(commandMessage('recommend', { topic: 'python', level: 'beginner', budget: 30 }),
      { text: '/recommend topic:python level:beginner budget:30', action: { kind: 'recommend', topic: 'python', level: 'beginner', budget: { max: 30, currency: 'USD' } } });
    assert.deepEqual(commandMessage('recommend', {}), { text: '/recommend', action: { kind: 'recommend' } });
    assert.deepEqual(commandMessage('coupon', { near: ' New  York ' })?.action, { kind: 'coupon', near: 'New York' });
    assert.deepEqual(commandMessage('insurance', { type: 'travel', age: 34 })?.action, { kind: 'insurance', type: 'travel', age: 34 });
    assert.deepEqual(commandMessage('points', {}), { text: '/points', action: { kind: 'points' } });
    assert.deepEqual(commandMessage('ask', { question: 'how do refunds work?' }), { text: 'how do refunds work?' });
    assert.equal(commandMessage('crossfeed', {}), undefined);
  });

  it('custom ids round-trip and stay within 100 characters', () => {
    assert.deepEqual(decodeCardAction(encodeCardAction({ kind: 'cheaper', ownerId: '123456789012345678' }) ?? ''), { kind: 'cheaper', ownerId: '123456789012345678' });
    assert.deepEqual(decodeCardAction('cf:claim:cpn-x-1'), { kind: 'claim', itemId: 'cpn-x-1' });
    assert.equal(encodeCardAction({ kind: 'claim', itemId: 'x'.repeat(120) }), undefined);
    assert.equal(decodeCardAction('other-bot:thing'), undefined);
    assert.equal(decodeCardAction('cf:another:not-a-snowflake'), undefined);
  });

  it('cards respect Discord limits and label sponsored and insurance items', () => {
    const card = (n: number, o: Partial<Card> = {}): Card => ({
      kind: 'coupon', id: `cpn-${n}`, title: 'T'.repeat(300), price: n, currency: 'USD', priceLabel: `$${n}`, link: `https://example.com/${n}`,
      sponsored: true, disclosure: 'D'.repeat(3000), reason: 'R'.repeat(5000), ...o,
    });
    const p = renderForDiscord({ text: 'x'.repeat(2500), cards: Array.from({ length: 12 }, (_, n) => card(n)) }, { ownerId: '1' });
    assert.ok(p.content.length <= 2000);
    // Ten embeds at most; past 6,000 characters together whole cards go rather than their disclosures.
    assert.ok(p.embeds.length >= 1 && p.embeds.length <= 10);
    const total = p.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0)
      + (e.fields ?? []).reduce((k, f) => k + f.name.length + f.value.length, 0), 0);
    assert.ok(total <= 6000, `embeds total ${total}`);
    assert.ok(p.embeds.every((e) => (e.title?.length ?? 0) <= 256 && /^Sponsored/.test(e.footer?.text ?? '')));
    assert.ok(p.components.length <= 5);
    for (const row of p.components) {
      assert.ok(row.components.length <= 5);
      for (const b of row.components) assert.ok(('label' in b ? b.label ?? '' : '').length <= 80);
    }
    const ins = renderForDiscord({ text: 'Plans:', cards: [card(1, { kind: 'insurance', disclosure: 'Underwritten by X.', reason: 'fits' })] }, { ownerId: '1' });
    assert.equal(ins.embeds[0]?.author?.name, 'Sponsored · insurance');
    assert.match(ins.embeds[0]?.footer?.text ?? '', /Underwritten by X/);
    assert.ok(!customIds({ components: ins.components as unknown as JsonObject[] }).some((id) => id.startsWith('cf:claim')));
  });
});
