import assert from 'node:assert/strict';
import type { DiscordAdapterOptions } from '../../adapters/discord/adapter.js';
import type { InteractionDeps } from '../../adapters/discord/interactions.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';
import { webChat } from '../helpers/web-chat.js';
import { testBot } from '../helpers/test-bot.js';

describe('typed actions: buttons and slash options reach the bot as data, not sentences', () => {
  it("the web card's claim button sends { kind: 'claim', itemId }; the NLU never parses it", async () => {
    const nlu = new KeywordNlu();
    const chat = await webChat({ nlu });
    try {
      const v = await chat.visitor();
      const offer = await v.say('any ramen coupon in Brooklyn?');
      const card = offer.cards[0];
      const before = nlu.calls.length;
      const claimed = await v.say(`Claim code: ${card.title}`, { action: { kind: 'claim', itemId: card.id } });
      assert.match(claimed.text, /CF-[A-Z0-9]{4}-/);
      assert.ok(claimed.text.includes(card.title));
      assert.equal(nlu.calls.length, before, 'no sentence to re-parse');
      v.close();
    } finally {
      await chat.close();
    }
  });

  it('a typed recommend with options is acted on exactly, whatever the command prefix of the channel', async () => {
    const { conversation, store } = await testBot({ platform: 'discord', direct: false, channelPolicy: () => ({ commandPrefix: '?' }) });
    const [reply] = await conversation.say('/recommend topic:photography level:beginner budget:20', { action: { kind: 'recommend', topic: 'photography', level: 'beginner', budget: { max: 20, currency: 'USD' } } });
    assert.ok(reply && reply.cards.length > 0, reply?.text);
    for (const c of reply.cards) assert.ok(c.topics?.includes('photography') && c.level === 'beginner' && (c.currency !== 'USD' || c.price <= 20), c.id);
    const [points] = await conversation.say('/points', { action: { kind: 'points' } });
    assert.match(points?.text ?? '', /points/);
    await store.close();
  });

  it('the Discord adapter knows no command prefix: slash commands are typed actions, prefixes are channel policy', () => {
    // Compile-time: these fail to build while the adapter still takes a prefix it never uses.
    // @ts-expect-error the Discord adapter takes no prefixFor
    const options: DiscordAdapterOptions = { token: 't', prefixFor: () => '!' };
    type NoPrefix = 'prefixFor' extends keyof InteractionDeps ? false : true;
    const noPrefix: NoPrefix = true;
    assert.ok(options.token && noPrefix);
  });
});
