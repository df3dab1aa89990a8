import assert from 'node:assert/strict';
import { seedFaqIfEmpty } from '../../data/faq/seed.js';
import { maskPii } from '../../data/pii.js';
import { Bot } from '../../bot/bot.js';
import type { ChatMessage, Platform } from '../../bot/message.js';
import type { ConversationEvent } from '../../bot/support-events.js';
import type { Nlu, NluResult } from '../../nlp/types.js';
import { seededRng } from '../../recommender/random.js';
import { TestConversation, testBot } from '../helpers/test-bot.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';

/** KeywordNlu plus a `human_handoff` keyword rule. */
class HandoffNlu implements Nlu {
  private readonly inner = new KeywordNlu();
  async parse(text: string): Promise<NluResult> {
    const r = await this.inner.parse(text);
    return /\bhuman\b|转人工/i.test(r.text) ? { ...r, intent: 'human_handoff', confidence: 0.95 } : r;
  }
}

async function desk(o: { agents?: number; platform?: Platform; handoffAfterMisses?: number } = {}) {
  const t = await testBot({ nlu: new HandoffNlu() });
  await seedFaqIfEmpty(t.store.faq);
  const events: ConversationEvent[] = [];
  const errors: unknown[] = [];
  let online = o.agents ?? 1;
  const bot = new Bot({
    nlu: new HandoffNlu(), recommender: t.recommender, store: t.store, random: seededRng(1), onError: (e) => void errors.push(e),
    options: { support: { handoffAfterMisses: o.handoffAfterMisses ?? 3, faqRefreshMs: 0 } },
    agentsOnline: () => online, supportWebUrl: 'https://shop.example/support', onConversationEvent: (e) => void events.push(e),
  });
  const visitor = (id: string, platform: Platform = o.platform ?? 'web') => new TestConversation(bot, t.store, {
    platform, channel: 'site', direct: platform === 'web', user: { platformId: id, displayName: id, roles: [] },
  });
  const agent = async (name: string) => (await t.store.db.run("INSERT INTO agents (username, password_hash, role) VALUES (?, 'x', 'agent')", [name])).lastID;
  return { ...t, bot, events, errors, visitor, agent, setOnline: (n: number) => void (online = n) };
}

const conversationOf = async (store: Awaited<ReturnType<typeof desk>>['store'], id: string) => (await store.conversations.find('web', 'site', id))!;

describe('bot handoff to a person', () => {
  it('queues on request and tells each visitor their place in line', async () => {
    const { visitor, store, events } = await desk();
    const [first] = await visitor('v1').say('talk to a human please');
    assert.equal(first!.text, "You're number 1 in line; an agent will join here.");
    const [second] = await visitor('v2').say('human!');
    assert.equal(second!.text, "You're number 2 in line; an agent will join here.");
    const entry = await store.support.open(await conversationOf(store, 'v2'));
    assert.equal(entry?.reason, 'asked');
    assert.equal(entry?.status, 'waiting');
    assert.deepEqual(events.filter((e) => e.type === 'queued').map((e) => e.type === 'queued' && e.position), [1, 2]);
    const [again] = await visitor('v2').say('human');
    assert.match(again!.text, /still in line \(number 2\)/);
    await store.close();
  });

  it('queues after three misses in a row, and on clear frustration (en and zh)', async () => {
    const { visitor, store } = await desk();
    const v = visitor('v1');
    assert.match((await v.say('blorp'))[0]!.text, /did not get that/);
    assert.match((await v.say('zzzt'))[0]!.text, /did not get that/);
    assert.match((await v.say('qwop'))[0]!.text, /number 1 in line/);
    assert.equal((await store.support.open(await conversationOf(store, 'v1')))?.reason, 'misses');
    const [angry] = await visitor('v2').say('this is useless');
    assert.match(angry!.text, /^Sorry about that\. You're number 2 in line/);
    const [zh] = await visitor('v3').say('垃圾机器人');
    assert.match(zh!.text, /你排在第 3 位/);
    assert.equal((await store.support.open(await conversationOf(store, 'v3')))?.reason, 'frustration');
    await store.close();
  });

  it('keeps answering while waiting, stays silent while an agent has the conversation, and answers again after hand-back', async () => {
    const { visitor, store, events, agent } = await desk();
    const v = visitor('v1');
    await v.say('human please');
    const conv = await conversationOf(store, 'v1');
    assert.match((await v.say('can I get a refund?'))[0]!.text, /From our FAQ/, 'waiting: the bot still answers');
    const ana = await agent('ana');
    assert.equal(await store.support.take(conv, ana), 'taken');
    events.length = 0;
    assert.deepEqual(await v.say('hello? is anyone there? refund'), [], 'taken: the bot is silent');
    const history = await store.conversations.recent(conv, 50);
    assert.equal(history.at(-1)!.text, 'hello? is anyone there? refund', 'the line is stored');
    assert.deepEqual(events.map((e) => e.type), ['visitor_message']);
    const e = events[0]!;
    assert.ok(e.type === 'visitor_message' && e.queue === 'taken' && e.conversationId === conv && e.message.text === 'hello? is anyone there? refund');
    assert.equal(await store.support.handBack(conv, ana), true);
    assert.match((await v.say('can I get a refund?'))[0]!.text, /From our FAQ/);
    await store.close();
  });

  it('with no agent online, asks for an email and message and stores them', async () => {
    const { visitor, store, events } = await desk({ agents: 0 });
    const v = visitor('v1');
    const [offer] = await v.say('I need a human');
    assert.match(offer!.text, /No agent is online right now.*Leave your email/);
    const [thanks] = await v.say('my email is ana@example.com, I was charged twice');
    assert.equal(thanks!.text, 'Thanks! An agent will write to ana@example.com. You can keep chatting here meanwhile.');
    const entry = await store.support.open(await conversationOf(store, 'v1'));
    assert.equal(entry?.contactEmail, 'ana@example.com');
    assert.equal(entry?.contactMessage, 'I was charged twice');
    assert.ok(events.some((e) => e.type === 'contact_left'));
    assert.ok(events.some((e) => e.type === 'bot_message' && /ana@example\.com/.test(e.message.text)));
    await store.close();
  });

  it('on Twitch, points to the web support page instead of queueing', async () => {
    const { visitor, store } = await desk({ platform: 'twitch' });
    const [reply] = await visitor('viewer').say('@crossfeed human please');
    assert.equal(reply!.text, 'A person can help you on our support page: https://shop.example/support');
    assert.deepEqual(await store.support.waiting(), []);
    await store.close();
  });
});

describe('bot privacy', () => {
  it('"delete my data" asks to confirm, then deletes the conversation and identity', async () => {
    const { visitor, store, events } = await desk();
    const v = visitor('v1');
    await v.say('can I get a refund?');
    await v.say('human please');
    const conv = await conversationOf(store, 'v1');
    const [ask] = await v.say('delete my data');
    assert.match(ask!.text, /Reply "yes" to delete/);
    assert.ok(await store.conversations.find('web', 'site', 'v1'), 'nothing deleted before the confirmation');
    const [done] = await v.say('yes');
    assert.match(done!.text, /^Done: your data is deleted \(\d+ messages\)/);
    assert.equal(await store.conversations.find('web', 'site', 'v1'), undefined);
    assert.equal(await store.support.open(conv), undefined);
    assert.ok(events.some((e) => e.type === 'forgotten' && e.conversationId === conv));
    await store.close();
  });

  it('!forgetme works the same; anything but yes cancels', async () => {
    const { visitor, store } = await desk();
    const v = visitor('v1');
    await v.say('hi');
    assert.match((await v.say('!forgetme'))[0]!.text, /Reply "yes"/);
    assert.equal((await v.say('no'))[0]!.text, 'OK, nothing was deleted.');
    assert.ok(await store.conversations.find('web', 'site', 'v1'));
    assert.match((await v.say('删除我的数据'))[0]!.text, /回复"是"确认删除/);
    assert.match((await v.say('是'))[0]!.text, /已删除你的数据/);
    assert.equal(await store.conversations.find('web', 'site', 'v1'), undefined);
    await store.close();
  });

  it('treats "how do I delete my data?" as a question for the FAQ, not a request', async () => {
    const { visitor, store } = await desk();
    const [reply] = await visitor('v1').say('how do I delete my data?');
    assert.match(reply!.text, /From our FAQ: "How do I delete my data\?"/);
    await store.close();
  });

  it('masks emails and phone numbers in the error log', async () => {
    const lines: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    try {
      const { store, recommender } = await testBot();
      const failing: Nlu = { parse: async (t) => { throw new Error(`model failed on "${t}"`); } };
      const bot = new Bot({ nlu: failing, recommender, store });
      const message: ChatMessage = { platform: 'web', channel: 'site', direct: true, user: { platformId: 'v', displayName: 'v', roles: [] },
        text: 'mail ana.lopez@example.com or call +1 415 555 0132', time: new Date() };
      await bot.handle(message, { send: async () => undefined });
      await store.close();
    } finally {
      console.error = original;
    }
    const log = lines.join('\n');
    assert.match(log, /model failed/);
    assert.doesNotMatch(log, /ana\.lopez@example\.com|555 0132/);
    assert.match(log, /a\*\*\*@example\.com/);
    assert.equal(maskPii('order 12345 on 2026-11-23 01:53, $30'), 'order 12345 on 2026-11-23 01:53, $30');
  });
});
