import assert from 'node:assert/strict';
import { Bot } from '../../bot/bot.js';
import { testBot } from '../helpers/test-bot.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';

describe('bot: claiming coupons and tracked links in conversation', () => {
  it('gives one code per claim in a private chat, shows the held code on a repeated claim, and never shows a code in public chat', async () => {
    const { conversation, store } = await testBot();
    const [offer] = await conversation.say('any ramen coupon in Brooklyn?');
    const first = offer?.cards[0];
    assert.equal(first?.kind, 'coupon');
    const before = (await store.catalog.get(first!.id)) as { stock: number; perUserLimit: number };
    const [claimed] = await conversation.say('!claim 1');
    const code = /\b(CF-[A-Z0-9-]+)\b/.exec(claimed?.text ?? '')?.[1];
    assert.ok(code, claimed?.text);
    // Claiming again while the code is unused shows the same code, and takes nothing from stock.
    const [again] = await conversation.say('!claim 1');
    assert.match(again?.text ?? '', /already have a code/);
    assert.ok(again?.text.includes(code));
    assert.equal(((await store.catalog.get(first!.id)) as { stock: number }).stock, before.stock - 1);
    const [publicClaim] = await conversation.say(`!claim ${first!.id}`, { platform: 'twitch', channel: 'streamer', direct: false, user: { platformId: 't', displayName: 'T', roles: [] } });
    assert.match(publicClaim?.text ?? '', /private chat/);
    assert.doesNotMatch(publicClaim?.text ?? '', /CF-/);
    await store.close();
  });

  it('points cards at /r/<token> when a tracking address is set; the token resolves to the shown item', async () => {
    const { store, recommender } = await testBot();
    const bot = new Bot({ nlu: new KeywordNlu(), recommender, store, trackingBaseUrl: 'https://chat.example.com/' });
    const replies: { cards: readonly { id: string; link: string }[] }[] = [];
    await bot.handle({ platform: 'web', channel: 'site', direct: true, user: { platformId: 'v', displayName: 'V', roles: [] }, text: 'python course', time: new Date() },
      { send: async (r) => void replies.push(r) });
    const card = replies[0]?.cards[0];
    const token = /^https:\/\/chat\.example\.com\/r\/([A-Za-z0-9_-]{22})$/.exec(card?.link ?? '')?.[1];
    assert.ok(token, card?.link);
    assert.equal((await store.tracking.resolve(token))?.itemId, card?.id);
    await store.close();
  });
});
