import assert from 'node:assert/strict';
import { webChat } from '../helpers/web-chat.js';

describe('defect 1: caps never stop a website offering its partners\' coupons', () => {
  it('a dozen visitors of one site each get coupons; a visitor past their own cap is told why, never "nothing matches"', async () => {
    const chat = await webChat({ options: { promotionCaps: { perUserPerDay: 3, perChannelPerHour: 4 } } });
    try {
      for (let i = 0; i < 12; i++) {
        const v = await chat.visitor();
        const reply = await v.say('any ramen coupon in Brooklyn?');
        assert.ok(reply.cards.some((c) => c.kind === 'coupon'), `visitor ${i + 1}: ${reply.text}`);
        v.close();
      }
      const v = await chat.visitor();
      const first = await v.say('any ramen coupon in Brooklyn?');
      assert.ok(first.cards.length > 0);
      const capped = await v.say('any coffee coupons in Shanghai?');
      assert.equal(capped.cards.length, 0, 'past the per-person cap');
      assert.doesNotMatch(capped.text, /couldn't find|nothing|没有找到/i);
      assert.match(capped.text, /partner offers/i);
      v.close();
    } finally {
      await chat.close();
    }
  });

  it('one conversation is capped per hour, though the person is under their daily cap, and is told why', async () => {
    const chat = await webChat({ options: { promotionCaps: { perUserPerDay: 100, perConversationPerHour: 1, perChannelPerHour: 100 } } });
    try {
      const v = await chat.visitor();
      const first = await v.say('any ramen coupon in Brooklyn?');
      assert.ok(first.cards.some((c) => c.kind === 'coupon'), first.text);
      const capped = await v.say('any coffee coupons in Shanghai?');
      assert.equal(capped.cards.length, 0, 'past the per-conversation cap');
      assert.doesNotMatch(capped.text, /couldn't find|nothing|没有找到/i);
      assert.match(capped.text, /partner offers in this chat this hour/i);
      v.close();
      // Another visitor of the same site still gets coupons.
      const other = await chat.visitor();
      const theirs = await other.say('any coffee coupons in Shanghai?');
      assert.ok(theirs.cards.some((c) => c.kind === 'coupon'), theirs.text);
      other.close();
    } finally {
      await chat.close();
    }
  });
});
