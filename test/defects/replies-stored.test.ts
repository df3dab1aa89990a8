import assert from 'node:assert/strict';
import { webChat } from '../helpers/web-chat.js';

describe('defect 2: every reply is in the history, and a repeated claim after a reload issues no second code', () => {
  it('check-in, points and claim replies survive a reload; claiming again shows the same code', async () => {
    const chat = await webChat();
    try {
      let v = await chat.visitor();
      const checkin = await v.say('!checkin');
      assert.match(checkin.text, /Checked in/);
      const points = await v.say('!points');
      assert.match(points.text, /points/);
      const offer = await v.say('any coffee coupon in Shanghai?');
      const card = offer.cards.find((c) => c.kind === 'coupon');
      assert.ok(card, offer.text);
      const claimed = await v.say(`!claim ${card.id}`);
      const code = /CF-[A-Z0-9-]+/.exec(claimed.text)?.[0];
      assert.ok(code, claimed.text);
      const stock = ((await chat.store.catalog.get(card.id)) as { stock: number }).stock;

      v = await v.reload();
      const texts = v.history.filter((m) => m.role === 'bot').map((m) => m.text);
      assert.ok(texts.some((t) => /Checked in/.test(t)), 'check-in reply kept');
      assert.ok(texts.some((t) => t.includes(code)), 'the claimed code is in the history');
      assert.equal(v.history.filter((m) => m.role === 'bot').length, v.history.filter((m) => m.role === 'user').length, 'one stored reply per message');

      const again = await v.say(`!claim ${card.id}`);
      assert.ok(again.text.includes(code), `the held code again: ${again.text}`);
      assert.equal(((await chat.store.catalog.get(card.id)) as { stock: number }).stock, stock, 'no second code taken from stock');
      v.close();
    } finally {
      await chat.close();
    }
  });
});
