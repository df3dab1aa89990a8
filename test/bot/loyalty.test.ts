import assert from 'node:assert/strict';
import { DefaultBotOptions, type Bot } from '../../bot/bot.js';
import { ChatEarningTracker, DefaultLoyaltyOptions, type LoyaltyOptions } from '../../bot/stages/loyalty.js';
import { coupon } from '../helpers/catalog.js';
import { testBot } from '../helpers/test-bot.js';

const texts = (replies: { text: string }[]) => replies.map((r) => r.text);

/** `say` stamps messages with the current time; these tests need to choose it. */
async function sayAt(bot: Bot, platform: 'web' | 'twitch', direct: boolean, text: string, time: Date, id: string): Promise<string[]> {
  const replies: string[] = [];
  await bot.handle({ platform, channel: 'test-channel', direct, user: { platformId: 'u1', displayName: 'Viewer One', roles: [] }, text, time, id },
    { send: async (r) => void replies.push(r.text), recorded: () => undefined });
  return replies;
}

function options(loyalty: Partial<LoyaltyOptions> = {}) {
  return { ...DefaultBotOptions, loyalty: { ...DefaultLoyaltyOptions, ...loyalty } };
}

describe('bot loyalty: !points, !checkin, !redeem through the pipeline', () => {
  it('answers the balance and credits one check-in a day', async () => {
    const { conversation, store } = await testBot({ options: options() });
    try {
      assert.deepEqual(texts(await conversation.say('!points')), ['You have 0 points.']);
      assert.match(texts(await conversation.say('!checkin', { id: 'm1' }))[0]!, /^Checked in: \+10 points \(day 1/);
      assert.match(texts(await conversation.say('!checkin', { id: 'm2' }))[0]!, /already checked in today/);
      assert.deepEqual(texts(await conversation.say('!points')), ['You have 10 points.']);
      assert.deepEqual(await store.loyalty.points.reconcile(), []);
    } finally {
      await store.close();
    }
  });

  it('redeems only in a private chat, once per message id, and lists rewards in public', async () => {
    const { conversation, store } = await testBot({ options: options(), platform: 'twitch', direct: false });
    try {
      await store.catalog.upsert([coupon('cpn-ramen', { stock: 5 })]);
      await store.loyalty.rewards.put({ id: 'ramen', name: 'Ramen 20% off', price: 30, stock: 3, kind: 'coupon', couponItemId: 'cpn-ramen' });
      const me = await store.conversations.resolveUser('twitch', 'u1', 'Viewer One');
      await store.loyalty.points.apply({ userId: me, delta: 50, reason: 'grant', key: 'seed' });
      assert.match(texts(await conversation.say('!redeem'))[0]!, /^Rewards: ramen \(Ramen 20% off, 30\)/);
      assert.match(texts(await conversation.say('!redeem ramen'))[0]!, /only hand them out in a private chat/);
      assert.equal(await store.loyalty.points.balance(me), 50);
      const first = texts(await conversation.say('!redeem ramen', { direct: true, id: 'dm-1' }))[0]!;
      assert.match(first, /^Redeemed "Ramen 20% off" for 30 points: CF-\S+ \(only for you\)\. You have 20 points left\.$/);
      const retry = texts(await conversation.say('!redeem ramen', { direct: true, id: 'dm-1' }))[0]!;
      assert.equal(retry.match(/CF-\S+/)?.[0], first.match(/CF-\S+/)?.[0], 'a resent message gets the same code');
      assert.match(texts(await conversation.say('!redeem ramen', { direct: true, id: 'dm-2' }))[0]!, /You need 30 points for that and have 20/);
      assert.equal(await store.loyalty.points.balance(me), 20);
    } finally {
      await store.close();
    }
  });

  it('lets a moderator grant and revoke with a reason, logged with the actor; viewers cannot', async () => {
    const { conversation, store } = await testBot({ options: options(), platform: 'twitch', direct: false });
    try {
      const bob = await store.conversations.resolveUser('twitch', '777', 'bob');
      assert.match(texts(await conversation.say('!points grant @bob 50 giveaway', { id: 'x1' }))[0]!, /^Usage/);
      assert.equal(await store.loyalty.points.balance(bob), 0);
      const mod = { user: { platformId: 'm1', displayName: 'Mod', roles: ['moderator' as const] } };
      assert.deepEqual(texts(await conversation.say('!points grant @bob 50 won the giveaway', { ...mod, id: 'x2' })), ['@bob now has 50 points (+50).']);
      assert.deepEqual(texts(await conversation.say('!points grant @bob 50 won the giveaway', { ...mod, id: 'x2' })), ['@bob now has 50 points (+50).'], 'a resent command is applied once');
      assert.deepEqual(texts(await conversation.say('!points revoke @bob 80 spam', { ...mod, id: 'x3' })), ["@bob has only 50 points; balances can't go below zero."]);
      assert.deepEqual(texts(await conversation.say('!points revoke @BOB 20 spam', { ...mod, id: 'x4' })), ['@BOB now has 30 points (-20).']);
      const log = await store.loyalty.points.entries({ userId: bob });
      assert.deepEqual(log.map((e) => [e.delta, e.reason, e.note, e.actor]), [[50, 'grant', 'won the giveaway', 'twitch:m1'], [-20, 'revoke', 'spam', 'twitch:m1']]);
    } finally {
      await store.close();
    }
  });

  it('earns points for chat only when a channel switches it on, with anti-farming', async () => {
    const loyalty = options({ channels: { 'twitch:test-channel': { chat: { enabled: true, points: 2, perMinute: 2, minChars: 8, repeatWindow: 3 } } } });
    const { bot, store } = await testBot({ options: loyalty, platform: 'twitch', direct: false });
    try {
      const t0 = Date.parse('2029-06-01T12:00:00Z');
      const say = (text: string, s: number) => sayAt(bot, 'twitch', false, text, new Date(t0 + s * 1000), `c${s}`);
      await say('hi all', 0); // too short
      await say('what a great play that was', 1);
      await say('what a great play that was', 2); // repeated
      await say('this stream is so relaxing', 3);
      await say('third message this minute', 4); // over 2 per minute
      await say('a new minute, a new message', 65);
      const me = await store.conversations.resolveUser('twitch', 'u1', 'Viewer One');
      assert.equal(await store.loyalty.points.balance(me), 6);
      const off = await testBot({ options: options(), platform: 'twitch', direct: false });
      await sayAt(off.bot, 'twitch', false, 'what a great play that was', new Date(t0), 'c1');
      assert.deepEqual(await off.store.loyalty.points.leaderboard(), []);
      await off.store.close();
    } finally {
      await store.close();
    }
  });

  it('keeps the old answer where loyalty is off, and uses the channel time zone', async () => {
    const { conversation, store } = await testBot({ options: options({ channels: { 'web:test-channel': { enabled: false } } }) });
    try {
      assert.deepEqual(texts(await conversation.say('!points')), ['Points and check-ins are not available here yet.']);
    } finally {
      await store.close();
    }
    const sh = await testBot({ options: options({ channels: { 'web:test-channel': { timeZone: 'Asia/Shanghai' } } }) });
    try {
      assert.match((await sayAt(sh.bot, 'web', true, '!checkin', new Date('2029-06-01T15:30:00Z'), 'a'))[0]!, /day 1/);
      assert.match((await sayAt(sh.bot, 'web', true, '!checkin', new Date('2029-06-01T16:30:00Z'), 'b'))[0]!, /day 2/, '00:30 in Shanghai is the next day');
    } finally {
      await sh.store.close();
    }
  });

  it('anti-farming tracker: short, repeated and over-cap messages earn nothing', () => {
    const t = new ChatEarningTracker();
    const rules = { enabled: true, points: 1, perMinute: 1, minChars: 5, repeatWindow: 2 };
    assert.equal(t.eligible('u', 'hey', 0, rules), false);
    assert.equal(t.eligible('u', 'hello there', 0, rules), true);
    assert.equal(t.eligible('u', 'another one', 1000, rules), false, 'cap');
    assert.equal(t.eligible('u', 'HELLO   there', 61_000, rules), false, 'repeat, normalized');
    assert.equal(t.eligible('u', 'fresh words', 62_000, rules), true);
  });
});
