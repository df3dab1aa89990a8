import assert from 'node:assert/strict';
import { DefaultPromotionCaps, promotionVerdict, type PromotionFacts } from '../../bot/stages/promotions.js';
import { testBot } from '../helpers/test-bot.js';

describe('bot/stages/promotions: opt-out and promotion caps', () => {
  it('shows sponsored items before, and none after the user opts out; insurance they ask for is still answered with its disclosure', async () => {
    const { conversation, store } = await testBot();
    const before = (await conversation.say('recommend a python course')).flatMap((r) => r.cards);
    assert.ok(before.some((c) => c.sponsored), 'the shipped catalog has sponsored python courses');
    await conversation.say('stop sending me promotions');
    const after = (await conversation.say('recommend a python course')).flatMap((r) => r.cards);
    assert.ok(after.length > 0, 'still answered');
    assert.ok(after.every((c) => !c.sponsored), 'no sponsored course after opting out');
    const insurance = (await conversation.say('travel insurance please, I am 30')).flatMap((r) => r.cards);
    assert.ok(insurance.length > 0 && insurance.every((c) => c.kind === 'insurance' && c.disclosure));
    await store.close();
  });

  it('stops sponsored placements for a user past the daily cap, still answering with unsponsored items', async () => {
    const { conversation, store } = await testBot({ options: { promotionCaps: { perUserPerDay: 1, perChannelPerHour: 100 } } });
    const first = (await conversation.say('recommend a python course')).flatMap((r) => r.cards);
    assert.ok(first.some((c) => c.sponsored));
    const second = (await conversation.say('any javascript course?')).flatMap((r) => r.cards);
    assert.ok(second.length > 0 && second.every((c) => !c.sponsored));
    await store.close();
  });

  it('caps sponsored placements per live group channel per hour across users', async () => {
    const { conversation, store } = await testBot({ platform: 'twitch', direct: false, options: { promotionCaps: { perUserPerDay: 100, perChannelPerHour: 1 } } });
    const first = (await conversation.say('@crossfeed recommend a python course')).flatMap((r) => r.cards);
    assert.ok(first.some((c) => c.sponsored));
    const other = (await conversation.say('@crossfeed recommend a python course', { user: { platformId: 'u2', displayName: 'Two', roles: [] } })).flatMap((r) => r.cards);
    assert.ok(other.length > 0 && other.every((c) => !c.sponsored), 'a second viewer in the same channel sees no sponsored item this hour');
    await store.close();
  });
});

describe('bot/stages/promotions: promotionVerdict (pure)', () => {
  const facts: PromotionFacts = { channelOn: true, optedOut: false, direct: true, userToday: 0, conversationThisHour: 0, channelThisHour: 0 };
  const caps = { perUserPerDay: 6, perConversationPerHour: 2, perChannelPerHour: 3 };

  it('caps per person per day, per conversation per hour and per live channel per hour, in that order', () => {
    assert.deepEqual(promotionVerdict(facts, caps), { allowed: true });
    assert.deepEqual(promotionVerdict({ ...facts, conversationThisHour: 1 }, caps), { allowed: true });
    assert.deepEqual(promotionVerdict({ ...facts, conversationThisHour: 2 }, caps), { allowed: false, reason: 'conversation_cap' });
    assert.deepEqual(promotionVerdict({ ...facts, userToday: 6, conversationThisHour: 2 }, caps), { allowed: false, reason: 'user_cap' });
    // A private chat is never capped per channel, a group channel is.
    assert.deepEqual(promotionVerdict({ ...facts, channelThisHour: 99 }, caps), { allowed: true });
    assert.deepEqual(promotionVerdict({ ...facts, direct: false, channelThisHour: 3 }, caps), { allowed: false, reason: 'channel_cap' });
  });

  it('the per-conversation cap defaults when a caller gives only the older two caps', () => {
    const older = { perUserPerDay: 100, perChannelPerHour: 100 };
    assert.deepEqual(promotionVerdict({ ...facts, conversationThisHour: DefaultPromotionCaps.perConversationPerHour - 1 }, older), { allowed: true });
    assert.deepEqual(promotionVerdict({ ...facts, conversationThisHour: DefaultPromotionCaps.perConversationPerHour }, older), { allowed: false, reason: 'conversation_cap' });
  });
});

describe('bot: per-channel promotions setting', () => {
  it('a channel with promotions off gets unsponsored items only', async () => {
    const { conversation, store } = await testBot({ channelPolicy: () => ({ promotions: false }) });
    const cards = (await conversation.say('recommend a python course')).flatMap((r) => r.cards);
    assert.ok(cards.length > 0 && cards.every((c) => !c.sponsored));
    await store.close();
  });
});
