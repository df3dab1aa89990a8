import assert from 'node:assert/strict';
import type { ChatMessage, Reply } from '../../bot/message.js';
import { testBot } from '../helpers/test-bot.js';

const msg = (text: string): ChatMessage => ({ platform: 'twitch', channel: 'streamer', direct: false, mentionsBot: true, user: { platformId: 'v1', displayName: 'V', roles: [] }, text, time: new Date() });

describe('the one reply path', () => {
  it("handles a viewer's messages in order without waiting for the platform to deliver the previous answer", async () => {
    const { bot, store } = await testBot({ platform: 'twitch', direct: false });
    const order: string[] = [];
    let release!: () => void;
    const stuck = new Promise<void>((r) => { release = r; });
    // The first answer sits in the platform's queue (a slow Twitch lane) until released.
    const first = bot.handle(msg('@crossfeed python course'), { send: async (r: Reply) => { order.push(`1:${r.text.slice(0, 10)}`); await stuck; } });
    let secondSent!: () => void;
    const second = new Promise<void>((r) => { secondSent = r; });
    void bot.handle(msg('@crossfeed any coupon in Brooklyn'), { send: async () => { order.push('2'); secondSent(); } });
    await second; // would hang (test timeout) if the second message waited for the first delivery
    assert.equal(order.length, 2);
    assert.match(order[0]!, /^1:/, 'handled in order');
    release();
    await first;
    await store.close();
  });

  it('counts impressions only for replies the platform accepted', async () => {
    const { bot, store } = await testBot({ platform: 'twitch', direct: false });
    const since = new Date(Date.now() - 60_000);
    await bot.handle(msg('@crossfeed any ramen coupon in Brooklyn'), { send: async () => false });
    assert.equal(await store.interactions.countSponsoredImpressions({ since, platform: 'twitch', channel: 'streamer' }), 0, 'dropped as stale: no impression');
    await bot.handle(msg('@crossfeed any ramen coupon in Brooklyn'), { send: async () => undefined });
    assert.ok(await store.interactions.countSponsoredImpressions({ since, platform: 'twitch', channel: 'streamer' }) > 0);
    await store.close();
  });
});
